"""Admin routes for accounts: list, read, grant roles, disable/enable, reset password.

Every route here needs an admin's rights (``Action.MANAGE_USERS``, ``GRANT_ROLES``).
The server never lets the last enabled admin lose the role or be disabled, so there is
always someone who can manage users. Role changes are logged (who, whom, what).
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync_server import accounts
from sync_server.accounts import Account
from sync_server.auth import (
    ROLE_NAMES,
    check_password,
    current_user,
    require,
)
from sync_server.context import context_of
from sync_server.errors import ApiError
from sync_server.openapi import PAGING, Operation, Param
from sync_server.passwords import MIN_PASSWORD_CHARS
from sync_server.payload import Field, paging, read_fields
from vividverse_desktop.core.capabilities import Action
from vividverse_desktop.core.workflow import Role, role_names

ROLE_FIELDS = (Field("role", str, choices=ROLE_NAMES),)
ROLES_FIELDS = (Field("roles", list),)
PASSWORD_FIELDS = (Field("password", str, min_length=MIN_PASSWORD_CHARS),)

log = logging.getLogger(__name__)


async def _admin(request: Request, action: Action = Action.MANAGE_USERS) -> Account:
    account = await current_user(request)
    require(account, action)
    return account


def _user_id(request: Request) -> uuid.UUID:
    value = request.path_params["user_id"]
    assert isinstance(value, uuid.UUID)
    return value


def _found(account: Account | None, user_id: uuid.UUID) -> Account:
    if account is None:
        raise ApiError(404, "not_found", f"no user {user_id}")
    return account


def _keep_an_admin(session: Session, user_id: uuid.UUID) -> None:
    target = accounts.account_by_id(session, user_id)
    if (
        target is not None
        and Role.ADMIN in target.roles
        and not target.disabled
        and accounts.enabled_admin_count(session) <= 1
    ):
        raise ApiError(409, "last_admin", "this is the last enabled admin; make another first")


async def list_users(request: Request) -> Response:
    """GET /api/users?offset=&limit=&role=: one page of accounts, by username."""
    await _admin(request)
    offset, limit = paging(request)
    raw_role = request.query_params.get("role")
    if raw_role is not None and raw_role not in ROLE_NAMES:
        raise ApiError(422, "invalid_query", f"role must be one of {', '.join(sorted(ROLE_NAMES))}")
    role = None if raw_role is None else Role(raw_role)
    page, total = await context_of(request).read(
        lambda session: accounts.list_accounts(session, offset, limit, role)
    )
    return JSONResponse(
        {
            "items": [account.to_json() for account in page],
            "total": total,
            "offset": offset,
            "limit": limit,
        }
    )


async def get_user(request: Request) -> Response:
    """GET /api/users/{id}: one account."""
    await _admin(request)
    user_id = _user_id(request)
    account = await context_of(request).read(
        lambda session: accounts.account_by_id(session, user_id)
    )
    return JSONResponse(_found(account, user_id).to_json())


async def change_role(request: Request) -> Response:
    """PUT /api/users/{id}/role {role}: make ``role`` the account's only role."""
    admin = await _admin(request, Action.GRANT_ROLES)
    role = Role((await read_fields(request, ROLE_FIELDS))["role"])
    return await _grant(request, admin, frozenset({role}))


def _role_list(value: list[object]) -> frozenset[Role]:
    """The roles a ``roles`` body field names; 422 naming the problem."""
    bad = [item for item in value if not isinstance(item, str) or item not in ROLE_NAMES]
    if bad or not value:
        names = ", ".join(sorted(ROLE_NAMES))
        message = (
            f"must name at least one of {names}"
            if not bad
            else (f"{bad[0]!r} is not a role; the roles are {names}")
        )
        raise ApiError(422, "invalid_body", [{"field": "roles", "message": message}])
    return frozenset(Role(str(item)) for item in value)


async def change_roles(request: Request) -> Response:
    """PUT /api/users/{id}/roles {roles: [...]}: make ``roles`` the account's roles."""
    admin = await _admin(request, Action.GRANT_ROLES)
    roles = _role_list((await read_fields(request, ROLES_FIELDS))["roles"])
    return await _grant(request, admin, roles)


async def _grant(request: Request, admin: Account, roles: frozenset[Role]) -> Response:
    user_id = _user_id(request)

    def work(session: Session) -> Account | None:
        if Role.ADMIN not in roles:
            _keep_an_admin(session, user_id)
        return accounts.set_roles(session, user_id, roles)

    account = _found(await context_of(request).write(work), user_id)
    log.info(
        "roles: %s set the roles of %s to %s",
        admin.username,
        account.username,
        "+".join(role_names(account.roles)),
    )
    return JSONResponse(account.to_json())


async def disable_user(request: Request) -> Response:
    """POST /api/users/{id}/disable: refuse the account's logins and end its sessions."""
    await _admin(request)
    user_id = _user_id(request)

    def work(session: Session) -> Account | None:
        _keep_an_admin(session, user_id)
        return accounts.set_disabled(session, user_id, True)

    account = await context_of(request).write(work)
    return JSONResponse(_found(account, user_id).to_json())


async def enable_user(request: Request) -> Response:
    """POST /api/users/{id}/enable: let the account sign in again."""
    await _admin(request)
    user_id = _user_id(request)
    account = await context_of(request).write(
        lambda session: accounts.set_disabled(session, user_id, False)
    )
    return JSONResponse(_found(account, user_id).to_json())


async def reset_password(request: Request) -> Response:
    """POST /api/users/{id}/password {password}: set a new password, ending all sessions."""
    await _admin(request)
    user_id = _user_id(request)
    password = (await read_fields(request, PASSWORD_FIELDS))["password"]
    check_password(password)
    context = context_of(request)
    password_hash = await context.hasher.hash(password)
    account = await context.write(
        lambda session: accounts.set_password_hash(session, user_id, password_hash)
    )
    return JSONResponse(_found(account, user_id).to_json())


ROUTES = [
    Route("/api/users", list_users, methods=["GET"]),
    Route("/api/users/{user_id:uuid}", get_user, methods=["GET"]),
    Route("/api/users/{user_id:uuid}/role", change_role, methods=["PUT"]),
    Route("/api/users/{user_id:uuid}/roles", change_roles, methods=["PUT"]),
    Route("/api/users/{user_id:uuid}/disable", disable_user, methods=["POST"]),
    Route("/api/users/{user_id:uuid}/enable", enable_user, methods=["POST"]),
    Route("/api/users/{user_id:uuid}/password", reset_password, methods=["POST"]),
]

_ADMIN_ONLY = {401: "not signed in", 403: "not an admin"}
_ONE_USER = {**_ADMIN_ONLY, 200: "the account", 404: "no such user"}
_TAGS = ("users",)
OPERATIONS = [
    Operation(
        "GET",
        "/api/users",
        "List accounts by username, one page at a time",
        {**_ADMIN_ONLY, 200: "a page of accounts", 422: "invalid query"},
        query=(*PAGING, Param("role", str, "only accounts with this role", ROLE_NAMES)),
        tags=_TAGS,
    ),
    Operation("GET", "/api/users/{user_id:uuid}", "One account", _ONE_USER, tags=_TAGS),
    Operation(
        "PUT",
        "/api/users/{user_id:uuid}/role",
        "Make one role the account's only role",
        {**_ONE_USER, 409: "would remove the last admin", 422: "invalid body"},
        body=ROLE_FIELDS,
        tags=_TAGS,
    ),
    Operation(
        "PUT",
        "/api/users/{user_id:uuid}/roles",
        "Set every role the account holds (grant and revoke in one)",
        {**_ONE_USER, 409: "would remove the last admin", 422: "no role, or an unknown one"},
        body=ROLES_FIELDS,
        tags=_TAGS,
    ),
    Operation(
        "POST",
        "/api/users/{user_id:uuid}/disable",
        "Disable an account and end its sessions",
        {**_ONE_USER, 409: "would disable the last admin"},
        tags=_TAGS,
    ),
    Operation(
        "POST", "/api/users/{user_id:uuid}/enable", "Enable an account", _ONE_USER, tags=_TAGS
    ),
    Operation(
        "POST",
        "/api/users/{user_id:uuid}/password",
        "Set a new password and end every session of the account",
        {**_ONE_USER, 422: "invalid body or password"},
        body=PASSWORD_FIELDS,
        tags=_TAGS,
    ),
]
