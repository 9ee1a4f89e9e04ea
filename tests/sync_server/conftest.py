"""Fixtures: a real server app on a temporary database, with cheap bcrypt.

Every test that uses ``database_url`` (and so ``settings``, ``app`` and ``client``) runs
twice: on a fresh SQLite file and on a fresh PostgreSQL database. One throwaway cluster
serves the whole session (``tests.services.postgres_cluster``); each test gets its own
database, copied from a template migrated once. Without PostgreSQL binaries the
PostgreSQL runs are skipped, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from starlette.applications import Starlette

from sync_server.app import create_app
from sync_server.db import Database
from sync_server.models import Base
from sync_server.settings import Secret, Settings
from tests.services import ServiceUnavailable, postgres_cluster

ADMIN = "root"
ADMIN_PASSWORD = "root-password-1"
PASSWORD = "correct horse battery"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Test settings: a fresh data dir, a random 48-byte secret, bcrypt cost 4."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "jwt_secret": Secret(secrets.token_urlsafe(48)),
        "bcrypt_rounds": 4,
        "admin_username": ADMIN,
        "admin_password": Secret(ADMIN_PASSWORD),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


TEMPLATE = "vividverse_template"
DATABASES = ("sqlite", "postgresql")


class PostgresServer:
    """The session's PostgreSQL cluster: hands out fresh databases by URL."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin: Engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self._template_ready = False

    def _url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, *, migrated: bool = True) -> str:
        """A new empty database (migrated to head, from the template, unless told not)."""
        if migrated and not self._template_ready:
            with self.admin.connect() as connection:
                connection.exec_driver_sql(f"CREATE DATABASE {TEMPLATE}")
            template = Database(self._url_of(TEMPLATE))
            try:
                template.migrate()
            finally:
                template.dispose()
            self._template_ready = True
        name = f"vv_{uuid.uuid4().hex[:16]}"
        source = f" TEMPLATE {TEMPLATE}" if migrated else ""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}{source}")
        return self._url_of(name)

    def reset(self, url: str) -> None:
        """Empty every table of a migrated database and restart its USN counter."""
        # DELETE beats TRUNCATE on a handful of rows (no new files, no lock dance).
        tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "usn_counter"]
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.begin() as connection:
                for table in tables:
                    connection.exec_driver_sql(f"DELETE FROM {table}")
                connection.exec_driver_sql("UPDATE usn_counter SET value = 0")
        finally:
            engine.dispose()

    def drop(self, url: str) -> None:
        """Drop a database made by :meth:`create` (closing leftover connections)."""
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's PostgreSQL cluster; skipped (failed under CI) when it cannot start."""
    with ExitStack() as stack:
        try:
            url = stack.enter_context(postgres_cluster())
        except ServiceUnavailable as exc:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"PostgreSQL is required under CI: {exc}")
            pytest.skip(f"PostgreSQL unavailable: {exc}")
        server = PostgresServer(url)
        stack.callback(server.admin.dispose)
        yield server


@pytest.fixture(scope="module")
def module_postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """One migrated PostgreSQL database per test module (CREATE DATABASE costs ~0.5 s)."""
    url = postgres.create(migrated=True)
    yield url
    postgres.drop(url)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database at the newest schema for this test, on each backend.

    SQLite gets a new file; PostgreSQL gets the module's database with every table
    emptied (the same state a new database would be in, without its cost).
    """
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sync-server.sqlite3'}"
    url: str = request.getfixturevalue("module_postgres_url")
    server: PostgresServer = request.getfixturevalue("postgres")
    server.reset(url)
    return url


@pytest.fixture(params=DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database without any schema, on each backend, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    url = server.create(migrated=False)
    yield url
    server.drop(url)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url=database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[Starlette]:
    application = create_app(settings)
    yield application
    application.state.context.readers.close()
    application.state.context.database.dispose()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


async def register(
    client: httpx.AsyncClient, username: str, role: str = "writer", password: str = PASSWORD
) -> httpx.Response:
    """POST /api/auth/register for a self-service account."""
    return await client.post(
        "/api/auth/register", json={"username": username, "password": password, "role": role}
    )


async def login(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    """POST /api/auth/login."""
    return await client.post("/api/auth/login", json={"username": username, "password": password})


async def signed_in(
    client: httpx.AsyncClient, username: str, role: str = "writer", password: str = PASSWORD
) -> dict[str, str]:
    """Register ``username`` and return its login's token pair."""
    assert (await register(client, username, role, password)).status_code == 201
    response = await login(client, username, password)
    assert response.status_code == 200
    tokens: dict[str, str] = response.json()
    return tokens


async def admin_tokens(client: httpx.AsyncClient) -> dict[str, str]:
    """Log the bootstrap admin in."""
    response = await login(client, ADMIN, ADMIN_PASSWORD)
    assert response.status_code == 200
    tokens: dict[str, str] = response.json()
    return tokens


async def staff_tokens(client: httpx.AsyncClient, username: str, role: str) -> dict[str, str]:
    """Create an editor, reviewer or admin account (as the admin) and log it in."""
    admin = bearer((await admin_tokens(client))["access_token"])
    created = await client.post(
        "/api/auth/register",
        json={"username": username, "password": PASSWORD, "role": role},
        headers=admin,
    )
    assert created.status_code == 201
    response = await login(client, username)
    assert response.status_code == 200
    tokens: dict[str, str] = response.json()
    return tokens


SAMPLE_SCRIPT = """Title: The Lighthouse
Author: Ada Quill

INT. LIGHTHOUSE - NIGHT

The lamp turns.

KEEPER
Another storm.
"""


async def submit_script(
    client: httpx.AsyncClient, token: str, title: str = "The Lighthouse"
) -> dict[str, object]:
    """POST /api/scripts as a writer; the new script's JSON."""
    response = await client.post(
        "/api/scripts",
        json={"title": title, "fountain_text": SAMPLE_SCRIPT},
        headers=bearer(token),
    )
    assert response.status_code == 201
    script: dict[str, object] = response.json()
    return script
