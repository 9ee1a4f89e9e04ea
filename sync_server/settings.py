"""Server settings read from the environment; secrets never print.

Every setting has an environment variable (``VIVIDVERSE_*``). The JWT secret must be
at least 32 bytes: a shorter one is refused at start with a message that says how to
make a good one. In the desktop-embedded mode a missing secret is generated once and
kept in the data directory (readable by its owner only).

``VIVIDVERSE_ADMIN_USERNAME`` and ``VIVIDVERSE_ADMIN_PASSWORD`` name the first admin,
made when the database has none. ``VIVIDVERSE_ADMIN_ROLES`` says which roles that admin
holds besides admin: ``all`` (every role: a studio of one, as the desktop's embedded
server runs, so every room shows) or a comma-separated list such as ``editor,reviewer``.
A named admin that exists already is granted the roles it lacks at each start.

Pushed and submitted scripts are parsed and measured in reader processes
(``script_readers``): ``VIVIDVERSE_PARSE_WORKERS`` of them per server process at most
(default 1, started on first use), each text for ``VIVIDVERSE_PARSE_SECONDS`` at most
(default 10; a decimal number). A text that takes longer is refused (422, or a push op
refused as invalid, with the reason) and its reader replaced; a text that waits longer
than that for a free reader gets 503 with Retry-After.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from sync_server.limits import MAX_MOVIE_BYTES, MAX_SCRIPT_BYTES, FileLimits
from vividverse_desktop.core.workflow import Role

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MIN_SECRET_BYTES = 32
SECRET_FILE_NAME = "jwt_secret"


class SettingsError(ValueError):
    """A setting is missing or unusable; the message names the variable and the fix."""


class Secret:
    """A string that never shows itself in ``str``, ``repr`` or f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret value itself; pass it on, never log it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and secrets.compare_digest(
            self._value.encode(), other._value.encode()
        )

    def __hash__(self) -> int:
        return hash(Secret)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs to start. Build it with :meth:`from_environ`."""

    data_dir: Path
    jwt_secret: Secret
    database_url: str = field(default="", repr=False)
    storage_url: str = field(default="", repr=False)
    access_token_seconds: int = 15 * 60
    refresh_token_seconds: int = 30 * 24 * 3600
    admin_username: str | None = None
    admin_password: Secret | None = None
    admin_roles: frozenset[Role] = frozenset({Role.ADMIN})
    max_body_bytes: int = 2 * 1024 * 1024
    max_script_bytes: int = MAX_SCRIPT_BYTES
    max_movie_bytes: int = MAX_MOVIE_BYTES
    bcrypt_rounds: int = 12
    login_max_failures: int = 5
    login_window_seconds: int = 300
    login_address_max_failures: int = 20
    """Failed logins from one address (any usernames) per window before it gets 429."""
    login_max_pending: int = field(default_factory=lambda: 2 * (os.cpu_count() or 2))
    """Password checks running or waiting at once; more are 429 before any hashing."""
    trusted_proxies: tuple[IPNetwork, ...] = ()
    """Addresses whose ``X-Forwarded-For`` names the client; none by default."""
    body_timeout_seconds: int = 30
    """How long one request body may take to arrive, whole (a slow sender gets 408)."""
    max_header_bytes: int = 64 * 1024
    """Largest request line plus headers (a larger request gets 431 and is closed)."""
    parse_workers: int = 1
    """Reader processes parsing scripts, per server process (``script_readers``)."""
    parse_seconds: float = 10.0
    """How long one script may take to parse and measure, and to wait for a reader."""

    def __post_init__(self) -> None:
        if len(self.jwt_secret.reveal().encode()) < MIN_SECRET_BYTES:
            raise SettingsError(_short_secret_message())
        if not self.database_url:
            object.__setattr__(
                self, "database_url", f"sqlite:///{self.data_dir / 'sync-server.sqlite3'}"
            )
        if not self.storage_url:
            object.__setattr__(self, "storage_url", (self.data_dir / "storage").as_uri())
        if not 4 <= self.bcrypt_rounds <= 31:
            raise SettingsError("VIVIDVERSE_BCRYPT_ROUNDS must be between 4 and 31")
        for name in (
            "access_token_seconds",
            "refresh_token_seconds",
            "max_body_bytes",
            "max_script_bytes",
            "max_movie_bytes",
            "login_max_failures",
            "login_window_seconds",
            "login_address_max_failures",
            "login_max_pending",
            "body_timeout_seconds",
            "max_header_bytes",
            "parse_workers",
            "parse_seconds",
        ):
            if getattr(self, name) <= 0:
                kind = "number" if name == "parse_seconds" else "integer"
                raise SettingsError(f"VIVIDVERSE_{name.upper()} must be a positive {kind}")
        if (self.admin_username is None) != (self.admin_password is None):
            raise SettingsError(
                "set both VIVIDVERSE_ADMIN_USERNAME and VIVIDVERSE_ADMIN_PASSWORD, or neither"
            )

    @property
    def file_limits(self) -> FileLimits:
        """The upload limits: script source files and movies, in bytes."""
        return FileLimits(script_bytes=self.max_script_bytes, movie_bytes=self.max_movie_bytes)

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, *, embedded: bool = False
    ) -> Settings:
        """Read settings from ``environ`` (default ``os.environ``).

        Raises :class:`SettingsError` when a value is missing or malformed. With
        ``embedded=True`` a missing JWT secret is generated and persisted in the data
        directory instead of being an error.
        """
        env = os.environ if environ is None else environ
        data_dir = Path(
            env.get("VIVIDVERSE_DATA_DIR") or platformdirs.user_data_path("vividverse") / "server"
        )
        raw_secret = env.get("VIVIDVERSE_JWT_SECRET")
        if raw_secret is None:
            if not embedded:
                raise SettingsError(_short_secret_message(missing=True))
            raw_secret = embedded_secret(data_dir)
        admin_password = env.get("VIVIDVERSE_ADMIN_PASSWORD")
        return cls(
            data_dir=data_dir,
            jwt_secret=Secret(raw_secret),
            database_url=env.get("VIVIDVERSE_DATABASE_URL", ""),
            storage_url=env.get("VIVIDVERSE_STORAGE_URL", ""),
            access_token_seconds=_integer(env, "VIVIDVERSE_ACCESS_TOKEN_SECONDS", 15 * 60),
            refresh_token_seconds=_integer(env, "VIVIDVERSE_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600),
            admin_username=env.get("VIVIDVERSE_ADMIN_USERNAME") or None,
            admin_password=Secret(admin_password) if admin_password else None,
            admin_roles=admin_roles(env.get("VIVIDVERSE_ADMIN_ROLES", "")),
            max_body_bytes=_integer(env, "VIVIDVERSE_MAX_BODY_BYTES", 2 * 1024 * 1024),
            max_script_bytes=_size(env, "VIVIDVERSE_MAX_SCRIPT_BYTES", MAX_SCRIPT_BYTES),
            max_movie_bytes=_size(env, "VIVIDVERSE_MAX_MOVIE_BYTES", MAX_MOVIE_BYTES),
            bcrypt_rounds=_integer(env, "VIVIDVERSE_BCRYPT_ROUNDS", 12),
            login_max_failures=_integer(env, "VIVIDVERSE_LOGIN_MAX_FAILURES", 5),
            login_window_seconds=_integer(env, "VIVIDVERSE_LOGIN_WINDOW_SECONDS", 300),
            login_address_max_failures=_integer(env, "VIVIDVERSE_LOGIN_ADDRESS_MAX_FAILURES", 20),
            login_max_pending=_integer(
                env, "VIVIDVERSE_LOGIN_MAX_PENDING", 2 * (os.cpu_count() or 2)
            ),
            trusted_proxies=trusted_proxies(env.get("VIVIDVERSE_TRUSTED_PROXIES", "")),
            body_timeout_seconds=_integer(env, "VIVIDVERSE_BODY_TIMEOUT_SECONDS", 30),
            max_header_bytes=_size(env, "VIVIDVERSE_MAX_HEADER_BYTES", 64 * 1024),
            parse_workers=_integer(env, "VIVIDVERSE_PARSE_WORKERS", 1),
            parse_seconds=_number(env, "VIVIDVERSE_PARSE_SECONDS", 10.0),
        )


def trusted_proxies(raw: str) -> tuple[IPNetwork, ...]:
    """``VIVIDVERSE_TRUSTED_PROXIES``: comma-separated addresses or networks (CIDR)."""
    networks: list[IPNetwork] = []
    for part in raw.split(","):
        text = part.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise SettingsError(
                "VIVIDVERSE_TRUSTED_PROXIES must list IP addresses or networks;"
                f" {text!r} is not one"
            ) from None
    return tuple(networks)


def admin_roles(raw: str) -> frozenset[Role]:
    """The first admin's roles from ``VIVIDVERSE_ADMIN_ROLES``: admin and what it names."""
    text = raw.strip().lower()
    if text == "all":
        return frozenset(Role.user_roles())
    names = {name.strip() for name in text.split(",") if name.strip()}
    allowed = {role.value for role in Role.user_roles()}
    unknown = sorted(names - allowed)
    if unknown:
        raise SettingsError(
            f"VIVIDVERSE_ADMIN_ROLES must be 'all' or roles among {', '.join(sorted(allowed))}; "
            f"{unknown[0]!r} is not one"
        )
    return frozenset({Role.ADMIN, *(Role(name) for name in names)})


def embedded_secret(data_dir: Path) -> str:
    """The data directory's persisted JWT secret, created (mode 0600) on first use."""
    path = data_dir / SECRET_FILE_NAME
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="ascii").strip()
        if len(value.encode()) < MIN_SECRET_BYTES:
            raise SettingsError(
                f"{path} holds a JWT secret shorter than {MIN_SECRET_BYTES} bytes; "
                "delete the file to have a new one generated"
            ) from None
        return value
    value = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return value


def _integer(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, such as 10 or 2.5; got {raw!r}") from None
    if not math.isfinite(value):
        raise SettingsError(f"{name} must be a finite number; got {raw!r}")
    return value


_SIZE = re.compile(r"(\d+)\s*([kmgt]?)(?:i?b)?", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def _size(env: Mapping[str, str], name: str, default: int) -> int:
    """A byte count: digits, optionally with a binary unit (``64M``, ``2G``, ``512KiB``)."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    match = _SIZE.fullmatch(raw.strip())
    if match is None:
        raise SettingsError(
            f"{name} must be a size in bytes, such as 1048576, 64M or 2G; got {raw!r}"
        )
    value = int(match.group(1)) * _SIZE_UNITS[match.group(2).lower()]
    if value <= 0:
        raise SettingsError(f"{name} must be more than 0 bytes; got {raw!r}")
    return value


def _short_secret_message(*, missing: bool = False) -> str:
    problem = "is not set" if missing else f"is shorter than {MIN_SECRET_BYTES} bytes"
    return (
        f"VIVIDVERSE_JWT_SECRET {problem}; the server needs a secret of at least "
        f"{MIN_SECRET_BYTES} bytes to sign tokens. Make one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    )
