"""Settings from the environment: secret rules, defaults, and secrets that never print."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sync_server.app import create_app
from sync_server.settings import Secret, Settings, SettingsError
from tests.sync_server.conftest import make_settings

GOOD_SECRET = "s" * 32


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"VIVIDVERSE_DATA_DIR": str(tmp_path), **extra}


def test_missing_secret_refuses_to_start(tmp_path: Path) -> None:
    """Without VIVIDVERSE_JWT_SECRET a standalone server will not start, and says how to fix it."""
    with pytest.raises(SettingsError, match=r"VIVIDVERSE_JWT_SECRET is not set.*secrets"):
        Settings.from_environ(_env(tmp_path))


def test_secret_under_32_bytes_is_refused(tmp_path: Path) -> None:
    """A 31-byte secret is refused; 32 bytes is enough."""
    with pytest.raises(SettingsError, match="shorter than 32 bytes"):
        Settings.from_environ(_env(tmp_path, VIVIDVERSE_JWT_SECRET="s" * 31))
    assert Settings.from_environ(_env(tmp_path, VIVIDVERSE_JWT_SECRET=GOOD_SECRET))


def test_secret_length_counts_bytes(tmp_path: Path) -> None:
    """16 x "é" is 32 bytes, so it is long enough although it is 16 characters."""
    settings = Settings.from_environ(_env(tmp_path, VIVIDVERSE_JWT_SECRET="é" * 16))
    assert settings.jwt_secret.reveal() == "é" * 16


def test_secrets_never_print(tmp_path: Path) -> None:
    """Neither repr, str nor an f-string of the settings shows the JWT secret or admin password."""
    settings = Settings.from_environ(
        _env(
            tmp_path,
            VIVIDVERSE_JWT_SECRET="jwt-secret-value-that-is-long-enough",
            VIVIDVERSE_ADMIN_USERNAME="root",
            VIVIDVERSE_ADMIN_PASSWORD="admin-password-value",
            VIVIDVERSE_DATABASE_URL="postgresql+psycopg://u:db-password-value@host/db",
        )
    )
    for text in (repr(settings), str(settings), f"{settings.jwt_secret}"):
        assert "jwt-secret-value" not in text
        assert "admin-password-value" not in text
        assert "db-password-value" not in text


def test_defaults_live_in_the_data_dir(tmp_path: Path) -> None:
    """The default database is SQLite and the default storage a directory, both in the data dir."""
    settings = Settings.from_environ(_env(tmp_path, VIVIDVERSE_JWT_SECRET=GOOD_SECRET))
    assert settings.database_url == f"sqlite:///{tmp_path / 'sync-server.sqlite3'}"
    assert settings.storage_url == (tmp_path / "storage").as_uri()
    assert settings.bcrypt_rounds == 12


def test_lifetimes_and_limits_come_from_the_environment(tmp_path: Path) -> None:
    """Token lifetimes, body limit and bcrypt cost are read from their variables."""
    settings = Settings.from_environ(
        _env(
            tmp_path,
            VIVIDVERSE_JWT_SECRET=GOOD_SECRET,
            VIVIDVERSE_ACCESS_TOKEN_SECONDS="60",
            VIVIDVERSE_REFRESH_TOKEN_SECONDS="3600",
            VIVIDVERSE_MAX_BODY_BYTES="4096",
            VIVIDVERSE_BCRYPT_ROUNDS="5",
        )
    )
    assert (settings.access_token_seconds, settings.refresh_token_seconds) == (60, 3600)
    assert (settings.max_body_bytes, settings.bcrypt_rounds) == (4096, 5)


def test_malformed_numbers_are_refused(tmp_path: Path) -> None:
    """A non-integer lifetime names the variable."""
    with pytest.raises(SettingsError, match="VIVIDVERSE_ACCESS_TOKEN_SECONDS"):
        Settings.from_environ(
            _env(tmp_path, VIVIDVERSE_JWT_SECRET=GOOD_SECRET, VIVIDVERSE_ACCESS_TOKEN_SECONDS="1h")
        )


def test_admin_username_without_password_is_refused(tmp_path: Path) -> None:
    """Half of the first-admin pair is a configuration mistake."""
    with pytest.raises(SettingsError, match="VIVIDVERSE_ADMIN_PASSWORD"):
        Settings.from_environ(
            _env(tmp_path, VIVIDVERSE_JWT_SECRET=GOOD_SECRET, VIVIDVERSE_ADMIN_USERNAME="root")
        )


def test_embedded_mode_generates_and_keeps_a_secret(tmp_path: Path) -> None:
    """Embedded, a missing secret is generated once (owner-only file) and reused after."""
    first = Settings.from_environ(_env(tmp_path), embedded=True)
    second = Settings.from_environ(_env(tmp_path), embedded=True)
    assert len(first.jwt_secret.reveal().encode()) >= 32
    assert first.jwt_secret == second.jwt_secret
    mode = stat.S_IMODE((tmp_path / "jwt_secret").stat().st_mode)
    assert mode == 0o600


def test_embedded_mode_prefers_the_environment(tmp_path: Path) -> None:
    """An explicit secret wins over generating one, and no file is written."""
    settings = Settings.from_environ(
        _env(tmp_path, VIVIDVERSE_JWT_SECRET=GOOD_SECRET), embedded=True
    )
    assert settings.jwt_secret == Secret(GOOD_SECRET)
    assert not (tmp_path / "jwt_secret").exists()


def test_first_admin_with_an_over_long_password_refuses_to_start(tmp_path: Path) -> None:
    """An 80-byte admin password is a start-up error naming the variable, not a crash later."""
    settings = make_settings(tmp_path, admin_password=Secret("é" * 40))
    with pytest.raises(SettingsError, match=r"VIVIDVERSE_ADMIN_PASSWORD.*80 bytes"):
        create_app(settings)


def test_no_proxy_is_trusted_unless_configured(tmp_path: Path) -> None:
    """VIVIDVERSE_TRUSTED_PROXIES is empty by default, takes addresses and CIDR networks,
    and refuses anything else by name."""
    assert (
        Settings.from_environ(_env(tmp_path, VIVIDVERSE_JWT_SECRET=GOOD_SECRET)).trusted_proxies
        == ()
    )
    settings = Settings.from_environ(
        _env(
            tmp_path,
            VIVIDVERSE_JWT_SECRET=GOOD_SECRET,
            VIVIDVERSE_TRUSTED_PROXIES="10.0.0.1, fd00::/8",
        )
    )
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.1/32", "fd00::/8"]
    with pytest.raises(SettingsError, match=r"VIVIDVERSE_TRUSTED_PROXIES.*'proxy\.local'"):
        Settings.from_environ(
            _env(
                tmp_path,
                VIVIDVERSE_JWT_SECRET=GOOD_SECRET,
                VIVIDVERSE_TRUSTED_PROXIES="proxy.local",
            )
        )


def test_login_budgets_come_from_the_environment(tmp_path: Path) -> None:
    """The per-address budget and the password checks allowed at once are settings."""
    settings = Settings.from_environ(
        _env(
            tmp_path,
            VIVIDVERSE_JWT_SECRET=GOOD_SECRET,
            VIVIDVERSE_LOGIN_ADDRESS_MAX_FAILURES="7",
            VIVIDVERSE_LOGIN_MAX_PENDING="3",
        )
    )
    assert (settings.login_address_max_failures, settings.login_max_pending) == (7, 3)
    with pytest.raises(SettingsError, match="VIVIDVERSE_LOGIN_MAX_PENDING"):
        Settings.from_environ(
            _env(tmp_path, VIVIDVERSE_JWT_SECRET=GOOD_SECRET, VIVIDVERSE_LOGIN_MAX_PENDING="0")
        )


def test_script_readers_come_from_the_environment(tmp_path: Path) -> None:
    """Reader processes per server process and the time limit per script are settings."""
    default = Settings.from_environ(_env(tmp_path, VIVIDVERSE_JWT_SECRET=GOOD_SECRET))
    assert (default.parse_workers, default.parse_seconds) == (1, 10.0)
    settings = Settings.from_environ(
        _env(
            tmp_path,
            VIVIDVERSE_JWT_SECRET=GOOD_SECRET,
            VIVIDVERSE_PARSE_WORKERS="3",
            VIVIDVERSE_PARSE_SECONDS="2.5",
        )
    )
    assert (settings.parse_workers, settings.parse_seconds) == (3, 2.5)
    for name, value in (
        ("VIVIDVERSE_PARSE_WORKERS", "0"),
        ("VIVIDVERSE_PARSE_SECONDS", "0"),
        ("VIVIDVERSE_PARSE_SECONDS", "soon"),
        ("VIVIDVERSE_PARSE_SECONDS", "nan"),
        ("VIVIDVERSE_PARSE_SECONDS", "inf"),
    ):
        with pytest.raises(SettingsError, match=name):
            Settings.from_environ(
                _env(tmp_path, VIVIDVERSE_JWT_SECRET=GOOD_SECRET, **{name: value})
            )
