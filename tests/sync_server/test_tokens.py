"""Access tokens read once by PyJWT are remembered; expiry is still checked on every read."""

from __future__ import annotations

import uuid

import pytest

from sync_server.settings import Secret
from sync_server.tokens import AccessClaims, TokenError, TokenIssuer, VerifiedTokens

SECRET = Secret("k" * 48)


class Clock:
    """A settable clock (epoch seconds)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _issuer(clock: Clock, capacity: int = 16) -> TokenIssuer:
    return TokenIssuer(
        SECRET, access_seconds=60, refresh_seconds=600, clock=clock, verified_capacity=capacity
    )


def test_a_remembered_token_still_expires() -> None:
    """A token read (and remembered) before its expiry is refused once the clock passes it."""
    clock = Clock(1_000_000.0)
    issuer = _issuer(clock)
    user = uuid.uuid4()
    token = issuer.access_token(user, 3, "writer")
    assert issuer.read_access(token) == AccessClaims(user, 3)
    clock.now += 59
    assert issuer.read_access(token) == AccessClaims(user, 3)
    clock.now += 1
    with pytest.raises(TokenError, match="expired"):
        issuer.read_access(token)
    with pytest.raises(TokenError, match="expired"):
        issuer.read_access(token)


def test_a_refresh_token_is_refused_even_after_access_tokens_were_remembered() -> None:
    """Remembering access tokens does not make a refresh token pass as one."""
    issuer = _issuer(Clock(1_000_000.0))
    user = uuid.uuid4()
    issuer.read_access(issuer.access_token(user, 0, "writer"))
    refresh = issuer.refresh_token(user, 0, uuid.uuid4(), "jti-1")
    for _ in range(2):
        with pytest.raises(TokenError, match="not an access token"):
            issuer.read_access(refresh)


def test_a_token_of_another_secret_is_refused_every_time() -> None:
    """A forged token is never remembered: it fails on each attempt."""
    clock = Clock(1_000_000.0)
    forger = TokenIssuer(Secret("f" * 48), access_seconds=60, refresh_seconds=600, clock=clock)
    forged = forger.access_token(uuid.uuid4(), 0, "admin")
    issuer = _issuer(clock)
    for _ in range(2):
        with pytest.raises(TokenError):
            issuer.read_access(forged)


def test_remembered_tokens_stay_within_capacity() -> None:
    """However many tokens are read, at most ``capacity`` are kept."""
    clock = Clock(1_000_000.0)
    issuer = _issuer(clock, capacity=8)
    tokens = [issuer.access_token(uuid.uuid4(), 0, "writer") for _ in range(50)]
    for token in tokens:
        issuer.read_access(token)
    assert len(issuer.verified) <= 8
    assert issuer.read_access(tokens[-1]).token_version == 0
    assert issuer.read_access(tokens[0]).token_version == 0


def test_making_room_drops_expired_entries_before_live_ones() -> None:
    """When full, expired entries go first and the newest live entries stay."""
    verified = VerifiedTokens(4)
    claims = AccessClaims(uuid.uuid4(), 0)
    verified.remember("old-1", claims, expires=10.0, now=0.0)
    verified.remember("old-2", claims, expires=10.0, now=0.0)
    verified.remember("live-1", claims, expires=100.0, now=0.0)
    verified.remember("live-2", claims, expires=100.0, now=0.0)
    verified.remember("live-3", claims, expires=100.0, now=50.0)
    assert verified.get("old-1") is None
    assert verified.get("old-2") is None
    for token in ("live-1", "live-2", "live-3"):
        assert verified.get(token) == (claims, 100.0)
