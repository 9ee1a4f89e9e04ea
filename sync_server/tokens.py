"""JSON Web Tokens: short access tokens and rotating refresh tokens (HS256 only).

Each token names its type in ``typ``; an access token is never accepted where a
refresh token is expected, nor the reverse. Both carry the user's ``token_version``
(``ver``), so bumping it on the server ends every session of that user. A refresh
token also names its family (``fam``) and its own id (``jti``) for rotation.

Reading an access token is on the path of every authenticated request, and PyJWT's
decode costs ~40 µs of CPU (it re-vets the HMAC key on every call), a third of all the
server spends on a cheap authenticated read; a lookup costs ~0.2 µs. An access token
that PyJWT accepted once is remembered (bounded, in memory) with its expiry, so later
requests with the same token only check the expiry again: a token is immutable, so
nothing else about it can change. Whether its account may still use it (enabled, at
this token version) is not part of this: routes read that from the database each time.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from sync_server.settings import Secret
from vividverse_desktop.core.workflow import Role, RoleSpec, role_names, roles_of

ALGORITHM = "HS256"
ISSUER = "vividverse-sync"
ACCESS = "access"
REFRESH = "refresh"
MAX_TOKEN_CHARS = 4096
VERIFIED_CAPACITY = 4096
"""How many verified access tokens are remembered (~1 KB each)."""


class TokenError(Exception):
    """A token that is malformed, forged, expired or of the wrong type."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What an access token says: whose it is and at which token version."""

    user_id: uuid.UUID
    token_version: int


@dataclass(frozen=True, slots=True)
class RefreshClaims:
    """What a refresh token says, including its family and its own id."""

    user_id: uuid.UUID
    token_version: int
    family_id: uuid.UUID
    jti: str


class TokenIssuer:
    """Signs and reads tokens with one secret and fixed lifetimes (seconds).

    ``verified`` holds the access tokens already verified (at most ``verified_capacity``).
    """

    def __init__(
        self,
        secret: Secret,
        *,
        access_seconds: int,
        refresh_seconds: int,
        clock: Callable[[], float] = time.time,
        verified_capacity: int = VERIFIED_CAPACITY,
    ) -> None:
        self._key = secret.reveal()
        self.access_seconds = access_seconds
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self.verified = VerifiedTokens(verified_capacity)

    def access_token(self, user_id: uuid.UUID, token_version: int, roles: RoleSpec) -> str:
        """A signed access token; its ``roles`` (and ``role``, the primary one, for older
        clients) are informational: routes read the account's roles from the database."""
        held = roles_of(roles)
        claims = {
            "sub": str(user_id),
            "typ": ACCESS,
            "ver": token_version,
            "role": Role.primary(held).value,
            "roles": list(role_names(held)),
        }
        return self._sign(claims, self.access_seconds)

    def refresh_token(
        self, user_id: uuid.UUID, token_version: int, family_id: uuid.UUID, jti: str
    ) -> str:
        """A signed refresh token, member ``jti`` of ``family_id``."""
        return self._sign(
            {
                "sub": str(user_id),
                "typ": REFRESH,
                "ver": token_version,
                "fam": str(family_id),
                "jti": jti,
            },
            self.refresh_seconds,
        )

    def read_access(self, token: str) -> AccessClaims:
        """The claims of a valid access token; :class:`TokenError` otherwise.

        Expiry is checked on every call; the signature and the other claims once per token.
        """
        remembered = self.verified.get(token)
        if remembered is not None:
            claims, expires = remembered
            if expires <= self._clock():
                self.verified.forget(token)
                raise TokenError("token has expired")
            return claims
        decoded = self._decode(token, ACCESS)
        access = AccessClaims(user_id=_uuid(decoded["sub"]), token_version=_int(decoded["ver"]))
        self.verified.remember(token, access, float(decoded["exp"]), self._clock())
        return access

    def read_refresh(self, token: str, *, allow_expired: bool = False) -> RefreshClaims:
        """The claims of a valid refresh token; :class:`TokenError` otherwise."""
        claims = self._decode(token, REFRESH, allow_expired=allow_expired)
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise TokenError("refresh token without an id")
        return RefreshClaims(
            user_id=_uuid(claims["sub"]),
            token_version=_int(claims["ver"]),
            family_id=_uuid(claims.get("fam")),
            jti=jti,
        )

    def _sign(self, claims: dict[str, Any], lifetime: int) -> str:
        now = int(self._clock())
        payload = {"iss": ISSUER, "iat": now, "exp": now + lifetime, **claims}
        payload.setdefault("jti", uuid.uuid4().hex)
        return jwt.encode(payload, self._key, algorithm=ALGORITHM)

    def _decode(self, token: str, kind: str, *, allow_expired: bool = False) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_CHARS:
            raise TokenError("token too long")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={
                    "require": ["exp", "iat", "iss", "sub", "typ", "ver"],
                    # Expiry is checked below against this issuer's clock.
                    "verify_exp": False,
                },
            )
        except jwt.PyJWTError as exc:
            raise TokenError(str(exc)) from None
        if claims.get("typ") != kind:
            raise TokenError(f"not an {kind} token" if kind == ACCESS else f"not a {kind} token")
        expires = claims["exp"]
        if not isinstance(expires, int | float) or isinstance(expires, bool):
            raise TokenError("malformed expiry")
        if not allow_expired and expires <= self._clock():
            raise TokenError("token has expired")
        return claims


class VerifiedTokens:
    """Access tokens that passed verification, with their claims and expiry (a bounded map).

    Only tokens that PyJWT verified are ever added, so an unknown or forged token always
    goes through the full decode. When full, expired entries go first, then the oldest.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._entries: dict[str, tuple[AccessClaims, float]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str) -> tuple[AccessClaims, float] | None:
        """The claims and expiry (epoch seconds) of a verified ``token``, or ``None``."""
        return self._entries.get(token)

    def forget(self, token: str) -> None:
        """Drop ``token`` (it expired)."""
        self._entries.pop(token, None)

    def remember(self, token: str, claims: AccessClaims, expires: float, now: float) -> None:
        """Keep ``token``'s verified claims until ``expires``, making room when full."""
        if len(self._entries) >= self.capacity:
            self._make_room(now)
        self._entries[token] = (claims, expires)

    def _make_room(self, now: float) -> None:
        # Rebuilt at most once per quarter of the capacity: amortised O(1) per token.
        live = [(token, entry) for token, entry in self._entries.items() if entry[1] > now]
        keep = self.capacity - max(1, self.capacity // 4)
        self._entries = dict(live[-keep:] if keep > 0 else [])


def _uuid(value: object) -> uuid.UUID:
    if not isinstance(value, str):
        raise TokenError("malformed token subject")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise TokenError("malformed token subject") from None


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TokenError("malformed token version")
    return value
