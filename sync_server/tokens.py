"""JSON Web Tokens: short access tokens and rotating refresh tokens (HS256 only).

Each token names its type in ``typ``; an access token is never accepted where a
refresh token is expected, nor the reverse. Both carry the user's ``token_version``
(``ver``), so bumping it on the server ends every session of that user. A refresh
token also names its family (``fam``) and its own id (``jti``) for rotation.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from sync_server.settings import Secret

ALGORITHM = "HS256"
ISSUER = "vividverse-sync"
ACCESS = "access"
REFRESH = "refresh"


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
    """Signs and reads tokens with one secret and fixed lifetimes (seconds)."""

    def __init__(
        self,
        secret: Secret,
        *,
        access_seconds: int,
        refresh_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = secret.reveal()
        self.access_seconds = access_seconds
        self.refresh_seconds = refresh_seconds
        self._clock = clock

    def access_token(self, user_id: uuid.UUID, token_version: int, role: str) -> str:
        """A signed access token; ``role`` is informational (routes read the database)."""
        return self._sign(
            {"sub": str(user_id), "typ": ACCESS, "ver": token_version, "role": role},
            self.access_seconds,
        )

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
        """The claims of a valid access token; :class:`TokenError` otherwise."""
        claims = self._decode(token, ACCESS)
        return AccessClaims(user_id=_uuid(claims["sub"]), token_version=_int(claims["ver"]))

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
        if len(token) > 4096:
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
