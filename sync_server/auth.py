"""Authentication: who is calling, and the /api/auth routes.

Every authenticated request presents ``Authorization: Bearer <access token>``. The token
must be a valid HS256 access token, and the account it names must exist, be enabled and
still be at the token's ``token_version``; otherwise the answer is 401. Role checks
(:func:`require`, asking ``core.capabilities``) answer 403. The account is read from the
database on every request (:mod:`sync_server.identity`), so a revocation holds from the
very next request.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import timedelta

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync_server import accounts
from sync_server.accounts import Account, Rotation, UsernameTaken
from sync_server.addresses import client_address
from sync_server.context import ServerContext, context_of
from sync_server.errors import ApiError
from sync_server.identity import AccountReader
from sync_server.models import SELF_SERVICE_ROLES, USER_ROLES, utc_now
from sync_server.openapi import Operation
from sync_server.passwords import MIN_PASSWORD_CHARS, password_problem
from sync_server.payload import Field, read_fields
from sync_server.tokens import TokenError
from vividverse_desktop.core.capabilities import Action
from vividverse_desktop.core.workflow import Role

USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{2,63}")
USERNAME_INPUT = r"[A-Za-z0-9][A-Za-z0-9_.-]{2,63}"
"""What a username may look like as typed (it is stored lower-case)."""
ROLE_NAMES = frozenset(role.value for role in USER_ROLES)

_BEARER = {"WWW-Authenticate": "Bearer"}

log = logging.getLogger(__name__)


def unauthorized(detail: str) -> ApiError:
    """A 401 asking for a (new) bearer token."""
    return ApiError(401, "unauthorized", detail, headers=_BEARER)


def bearer_token(request: Request) -> str | None:
    """The bearer token of the request, or ``None`` when there is no Authorization header."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("the Authorization header must be 'Bearer <access token>'")
    return token.strip()


async def current_user(request: Request) -> Account:
    """The enabled account behind the request's access token; 401 otherwise."""
    token = bearer_token(request)
    if token is None:
        raise unauthorized("sign in first: this route needs an access token")
    context = context_of(request)
    try:
        claims = context.tokens.read_access(token)
    except TokenError as exc:
        raise unauthorized(f"invalid access token: {exc}") from None
    account = await account_reader_of(request).account(claims.user_id)
    if account is None or account.disabled or account.token_version != claims.token_version:
        raise unauthorized("this session has ended; sign in again")
    return account


def account_reader_of(request: Request) -> AccountReader:
    """The :class:`AccountReader` of the app serving ``request``."""
    reader = request.app.state.account_reader
    assert isinstance(reader, AccountReader)
    return reader


def require(account: Account, *actions: Action) -> None:
    """403 (saying why) unless one of ``account``'s roles grants one of ``actions``."""
    reason = account.capabilities.reason(*actions)
    if reason is not None:
        raise ApiError(403, "forbidden", reason)


def check_username(raw: str) -> str:
    """The canonical (lower-case) form of a username; 422 if it is not a valid one."""
    username = raw.strip().lower()
    if not USERNAME_PATTERN.fullmatch(username):
        raise ApiError(
            422,
            "invalid_body",
            [
                {
                    "field": "username",
                    "message": "must be 3-64 characters: letters, digits, '_', '.', '-', "
                    "starting with a letter or digit",
                }
            ],
        )
    return username


def check_password(password: str, field: str = "password") -> None:
    """422 naming the problem when ``password`` cannot be used."""
    problem = password_problem(password)
    if problem is not None:
        raise ApiError(422, "invalid_password", [{"field": field, "message": problem}])


REGISTER_FIELDS = (
    Field("username", str, max_length=64, pattern=USERNAME_INPUT),
    Field("password", str, min_length=MIN_PASSWORD_CHARS),
    Field("role", str, required=False, choices=ROLE_NAMES),
    Field("display_name", str, required=False, max_length=128),
)
LOGIN_FIELDS = (
    Field("username", str, max_length=64),
    Field("password", str),
)
REFRESH_FIELDS = (Field("refresh_token", str, max_length=4096),)


async def register(request: Request) -> Response:
    """POST /api/auth/register: create an account. Writers and validators may sign
    themselves up (no role given: a writer); any other role needs an admin's access token."""
    context = context_of(request)
    body = await read_fields(request, REGISTER_FIELDS)
    username = check_username(body["username"])
    role = Role(body.get("role", Role.WRITER.value))
    if role not in SELF_SERVICE_ROLES:
        if bearer_token(request) is None:
            raise ApiError(403, "forbidden", f"only an admin may create a {role.value} account")
        require(await current_user(request), Action.MANAGE_USERS)
    check_password(body["password"])
    display_name = (body.get("display_name") or "").strip() or username
    password_hash = await context.hasher.hash(body["password"])
    try:
        account = await context.write(
            lambda session: accounts.create_account(
                session, username, display_name, role, password_hash
            )
        )
    except UsernameTaken:
        raise ApiError(409, "username_taken", f"the username {username!r} is taken") from None
    return JSONResponse(account.to_json(), status_code=201)


async def login(request: Request) -> Response:
    """POST /api/auth/login: exchange a username and password for a token pair.

    Throttled (``sync_server.throttle``) before any password is checked: 429 with
    Retry-After; so is a login arriving while the password checks are saturated.
    """
    context = context_of(request)
    body = await read_fields(request, LOGIN_FIELDS)
    username = body["username"].strip().lower()
    address = client_address(request, context.settings.trusted_proxies)
    throttle = context.throttle

    def look_up(session: Session) -> tuple[int | None, accounts.Credentials | None, bool]:
        now = utc_now()
        wait = throttle.retry_after(session, username, address, now)
        if wait is not None:
            return wait, None, False
        found = accounts.credentials_by_username(session, username)
        return None, found, throttle.known(session, username, address, now)

    wait, found, known = await context.read(look_up)
    if wait is not None:
        log.warning("login throttled for %r from %s", username, address)
        raise ApiError(
            429,
            "too_many_attempts",
            f"too many failed logins; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    password_hash = None if found is None else found.password_hash
    checked = await context.hasher.verify(body["password"], password_hash, reserved=known)
    if not checked or found is None:
        await context.write(
            lambda session: throttle.record_failure(session, username, address, utc_now())
        )
        raise unauthorized("wrong username or password")
    if found.account.disabled:
        raise ApiError(403, "account_disabled", "this account is disabled; ask an admin")
    await context.write(
        lambda session: throttle.record_success(session, username, address, utc_now())
    )
    return JSONResponse(await _new_session(context, found.account))


async def refresh(request: Request) -> Response:
    """POST /api/auth/refresh: exchange a refresh token for a new pair (rotation).

    Presenting a refresh token that was already exchanged revokes its whole family."""
    context = context_of(request)
    body = await read_fields(request, REFRESH_FIELDS)
    try:
        claims = context.tokens.read_refresh(body["refresh_token"])
    except TokenError as exc:
        raise unauthorized(f"invalid refresh token: {exc}") from None
    account = await account_reader_of(request).account(claims.user_id)
    if account is None or account.disabled or account.token_version != claims.token_version:
        raise unauthorized("this session has ended; sign in again")
    new_jti = uuid.uuid4().hex
    lifetime = timedelta(seconds=context.settings.refresh_token_seconds)
    outcome = await context.write(
        lambda session: accounts.rotate_family(
            session,
            claims.family_id,
            user_id=claims.user_id,
            presented_jti=claims.jti,
            new_jti=new_jti,
            lifetime=lifetime,
        )
    )
    if outcome is Rotation.REUSED:
        log.warning(
            "refresh token reuse for user %s (family %s): family revoked",
            account.username,
            claims.family_id,
        )
        raise unauthorized("this refresh token was already used; every session of it has ended")
    if outcome is not Rotation.ROTATED:
        raise unauthorized("this session has ended; sign in again")
    return JSONResponse(_token_pair(context, account, claims.family_id, new_jti))


async def logout(request: Request) -> Response:
    """POST /api/auth/logout: end the session of a refresh token (its whole family)."""
    context = context_of(request)
    body = await read_fields(request, REFRESH_FIELDS)
    try:
        claims = context.tokens.read_refresh(body["refresh_token"], allow_expired=True)
    except TokenError as exc:
        raise unauthorized(f"invalid refresh token: {exc}") from None
    await context.write(
        lambda session: accounts.revoke_family(session, claims.family_id, claims.user_id, "logout")
    )
    return Response(status_code=204)


async def me(request: Request) -> Response:
    """GET /api/auth/me: the signed-in account."""
    return JSONResponse((await current_user(request)).to_json())


async def _new_session(context: ServerContext, account: Account) -> dict[str, object]:
    jti = uuid.uuid4().hex
    lifetime = timedelta(seconds=context.settings.refresh_token_seconds)
    family_id = await context.write(
        lambda session: accounts.start_family(session, account.id, jti, lifetime)
    )
    return _token_pair(context, account, family_id, jti)


def _token_pair(
    context: ServerContext, account: Account, family_id: uuid.UUID, jti: str
) -> dict[str, object]:
    tokens = context.tokens
    return {
        "access_token": tokens.access_token(account.id, account.token_version, account.roles),
        "refresh_token": tokens.refresh_token(account.id, account.token_version, family_id, jti),
        "token_type": "bearer",
        "expires_in": tokens.access_seconds,
        "user": account.to_json(),
    }


ROUTES = [
    Route("/api/auth/register", register, methods=["POST"]),
    Route("/api/auth/login", login, methods=["POST"]),
    Route("/api/auth/refresh", refresh, methods=["POST"]),
    Route("/api/auth/logout", logout, methods=["POST"]),
    Route("/api/auth/me", me, methods=["GET"]),
]

_TAGS = ("auth",)
OPERATIONS = [
    Operation(
        "POST",
        "/api/auth/register",
        "Create an account (writer/validator for anyone; other roles need an admin token)",
        {
            201: "the new account",
            401: "an Authorization header was sent but its token is not valid",
            403: "role needs an admin",
            409: "username taken",
            422: "invalid body or password",
        },
        body=REGISTER_FIELDS,
        authenticated=False,
        tags=_TAGS,
    ),
    Operation(
        "POST",
        "/api/auth/login",
        "Exchange username and password for access and refresh tokens",
        {
            200: "token pair",
            401: "wrong credentials",
            403: "account disabled",
            422: "invalid body",
            429: "too many failed logins (see Retry-After)",
        },
        body=LOGIN_FIELDS,
        authenticated=False,
        tags=_TAGS,
    ),
    Operation(
        "POST",
        "/api/auth/refresh",
        "Rotate a refresh token into a new token pair",
        {200: "token pair", 401: "invalid, reused or revoked refresh token", 422: "invalid body"},
        body=REFRESH_FIELDS,
        authenticated=False,
        tags=_TAGS,
    ),
    Operation(
        "POST",
        "/api/auth/logout",
        "End the session (refresh-token family) of a refresh token",
        {204: "session ended", 401: "invalid refresh token", 422: "invalid body"},
        body=REFRESH_FIELDS,
        authenticated=False,
        tags=_TAGS,
    ),
    Operation(
        "GET",
        "/api/auth/me",
        "The signed-in account",
        {200: "the account", 401: "not signed in"},
        tags=_TAGS,
    ),
]
