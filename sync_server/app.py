"""The Starlette application: ``create_app(settings)``.

Creating the app migrates the database to the newest schema (``alembic upgrade head``)
and, on a database without any admin, creates the first admin from the settings. Both
happen before the app serves a request, so a misconfigured server fails at start.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any

from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync_server import accounts, auth, files, movies, scores, scripts, sync, users, versions
from sync_server.accounts import UsernameTaken
from sync_server.context import ServerContext
from sync_server.db import Database
from sync_server.errors import (
    ApiError,
    error_response,
    handle_api_error,
    handle_http_error,
    handle_unexpected_error,
)
from sync_server.http_limits import BodyDeadline, HeaderLimit
from sync_server.identity import AccountReader
from sync_server.lifeline import watch_supervisor
from sync_server.openapi import Operation, build_document, document_route
from sync_server.passwords import HasherBusy, PasswordHasher, password_problem
from sync_server.script_readers import ReaderFailed, ReadersBusy, ScriptReaders
from sync_server.settings import Settings, SettingsError
from sync_server.storage import open_storage, signing_key_from
from sync_server.throttle import LoginThrottle
from sync_server.tokens import TokenIssuer
from vividverse_desktop.core.workflow import Role, role_names

log = logging.getLogger(__name__)


async def health(_request: Request) -> Response:
    """GET /api/health: the server is up (no authentication)."""
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings) -> Starlette:
    """A ready-to-serve app for ``settings``; the database is migrated on the way.

    Raises :class:`SettingsError` when the first admin's credentials are unusable.
    """
    storage = open_storage(settings.storage_url, signing_key_from(settings.jwt_secret.reveal()))
    database = Database(settings.database_url)
    try:
        database.migrate()
        hasher = PasswordHasher(settings.bcrypt_rounds, settings.login_max_pending)
        with database.transaction() as session:
            ensure_first_admin(session, settings, hasher)
    except BaseException:
        database.dispose()
        raise
    context = ServerContext(
        settings=settings,
        database=database,
        hasher=hasher,
        tokens=TokenIssuer(
            settings.jwt_secret,
            access_seconds=settings.access_token_seconds,
            refresh_seconds=settings.refresh_token_seconds,
        ),
        throttle=LoginThrottle(
            settings.login_max_failures,
            settings.login_window_seconds,
            settings.login_address_max_failures,
            settings.refresh_token_seconds,
        ),
        readers=ScriptReaders(settings.parse_workers, settings.parse_seconds),
    )

    account_reader = AccountReader(database.engine)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            context.readers.close()
            account_reader.close()
            database.dispose()

    app = Starlette(
        routes=[
            Route("/api/health", health, methods=["GET"]),
            Route("/openapi.json", document_route(openapi_document()), methods=["GET"]),
            *auth.ROUTES,
            *users.ROUTES,
            *scripts.ROUTES,
            *scores.ROUTES,
            *sync.ROUTES,
            *movies.ROUTES,
            *versions.ROUTES,
            *files.ROUTES,
        ],
        middleware=[
            Middleware(HeaderLimit, max_bytes=settings.max_header_bytes),
            Middleware(BodyDeadline, seconds=settings.body_timeout_seconds),
            Middleware(files.UploadBodyLimit, max_bytes=settings.max_body_bytes),
        ],
        exception_handlers={
            ApiError: handle_api_error,
            HTTPException: handle_routing_error,
            HasherBusy: handle_hasher_busy,
            ReadersBusy: handle_readers_unavailable,
            ReaderFailed: handle_readers_unavailable,
            Exception: handle_unexpected_error,
        },
        lifespan=lifespan,
    )
    app.state.context = context
    app.state.account_reader = account_reader
    app.state.files = files.open_files(storage, settings.file_limits)
    return app


async def handle_routing_error(request: Request, exc: Exception) -> Response:
    """An unknown path under /api/ (a malformed id, say) is 401 without a valid access
    token, as a known one would be: authentication comes before any lookup, even the
    router's. A wrong method stays 405: every route's methods are public (openapi.json)."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404 and request.url.path.startswith("/api/"):
        try:
            await auth.current_user(request)
        except ApiError as refusal:
            return await handle_api_error(request, refusal)
    return await handle_http_error(request, exc)


async def handle_hasher_busy(_request: Request, _exc: Exception) -> Response:
    """Password checks are saturated: 429 before any hashing, to try again in a second."""
    return error_response(
        429,
        "too_many_requests",
        "the server is checking many passwords right now; try again in a second",
        {"Retry-After": "1"},
    )


async def handle_readers_unavailable(_request: Request, exc: Exception) -> Response:
    """No script reader free in time (or one died): 503, nothing applied, send it again."""
    return error_response(
        503,
        "busy",
        f"{exc}; nothing was applied, try again in a few seconds",
        {"Retry-After": "5"},
    )


SWITCH_INTERVAL_S = 0.0005
"""How long a server process's thread may keep the interpreter lock from another one.

A writing transaction lets go of the lock at every SQLite call and then waits for it
while the event loop reads the next requests; at Python's default 5 ms, a push holding
the writers' turn could wait ~13 times that long. Measured beside a busy thread: 60 ms
per push at 5 ms, 17 ms at 1 ms, 12 ms at 0.5 ms; bench/server with 2 workers: 197-204
pushes/s at 1 ms, 213-221 at 0.5 ms (no better at 0.25 ms).
"""


def app_from_environ() -> Starlette:
    """The app for settings from the VIVIDVERSE_* environment (uvicorn's ``--factory``).

    Each server worker process calls this; the database must already be migrated when
    several start at once (``python -m sync_server --workers N`` does that first).
    A worker of that command exits when the command's process is gone.
    """
    watch_supervisor()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    return create_app(Settings.from_environ())


def embedded_app_from_environ() -> Starlette:
    """:func:`app_from_environ` keeping a generated JWT secret in the data directory."""
    watch_supervisor()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    return create_app(Settings.from_environ(embedded=True))


OPERATIONS = [
    Operation("GET", "/api/health", "The server is up", {200: "ok"}, authenticated=False),
    Operation(
        "GET", "/openapi.json", "This API description", {200: "OpenAPI 3.1"}, authenticated=False
    ),
]


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of every route the app serves."""
    try:
        version = metadata.version("vividverse")
    except metadata.PackageNotFoundError:
        version = "0"
    document = build_document(
        [
            *OPERATIONS,
            *auth.OPERATIONS,
            *users.OPERATIONS,
            *scripts.OPERATIONS,
            *scores.OPERATIONS,
            *sync.OPERATIONS,
            *movies.OPERATIONS,
            *versions.OPERATIONS,
            *files.OPERATIONS,
        ],
        version,
    )
    return files.with_upload_bodies(document)


def ensure_first_admin(session: Session, settings: Settings, hasher: PasswordHasher) -> None:
    """Create the admin named in the settings when the database has no admin yet."""
    if settings.admin_username is None or settings.admin_password is None:
        return
    username = settings.admin_username.strip().lower()
    if accounts.enabled_admin_count(session) > 0:
        _grant_admin_roles(session, username, settings.admin_roles)
        return
    if not auth.USERNAME_PATTERN.fullmatch(username):
        raise SettingsError(
            "VIVIDVERSE_ADMIN_USERNAME must be 3-64 characters: letters, digits, '_', '.', '-'"
        )
    password = settings.admin_password.reveal()
    problem = password_problem(password)
    if problem is not None:
        raise SettingsError(f"VIVIDVERSE_ADMIN_PASSWORD {problem}")
    try:
        accounts.create_account(
            session, username, username, settings.admin_roles, hasher.hash_now(password)
        )
    except UsernameTaken:
        log.warning(
            "no admin exists and the user %r is taken by a non-admin; not creating one", username
        )
        return
    log.info("created the first admin %r", username)


def _grant_admin_roles(session: Session, username: str, roles: frozenset[Role]) -> None:
    """Give the named admin (if it is one) the roles of ``VIVIDVERSE_ADMIN_ROLES`` it lacks."""
    found = accounts.credentials_by_username(session, username)
    if found is None or Role.ADMIN not in found.account.roles:
        return
    held = found.account.roles
    if not roles <= held:
        accounts.set_roles(session, found.account.id, held | roles)
        log.info("the admin %r now holds %s", username, "+".join(role_names(held | roles)))
