"""The server's admin routes for accounts, as typed calls on a signed-in admin's client.

- :func:`list_users`: ``GET /api/users`` (every page), as :class:`UserRecord`.
- :func:`set_roles`: ``PUT /api/users/{id}/roles``.
- :func:`set_disabled`: ``POST /api/users/{id}/disable`` or ``/enable``.
- :func:`reset_password`: ``POST /api/users/{id}/password``.
- :func:`create_user`: ``POST /api/auth/register`` as an admin (any role).

Each raises :class:`AdminError` with the server's reason (``status`` is the HTTP status),
or the client's ``SessionEnded`` / ``ServerUnreachable``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from vividverse_desktop.core.wire import UserRecord
from vividverse_desktop.core.workflow import Role, role_names
from vividverse_desktop.sync.client import SyncClient, user_of
from vividverse_desktop.sync.errors import ServerFailure
from vividverse_desktop.sync.publishing import detail_of

PAGE = 200


class AdminError(ServerFailure):
    """The server refused an admin call; the message is its reason."""


async def list_users(client: SyncClient) -> tuple[UserRecord, ...]:
    """Every account on the server, by username."""
    found: list[UserRecord] = []
    offset = 0
    while True:
        response = await client.authorized(
            "GET", "/api/users", params={"offset": str(offset), "limit": str(PAGE)}
        )
        body = _object(response, "/api/users")
        items = body.get("items")
        if not isinstance(items, list):
            raise AdminError("the server's user list has no items")
        found.extend(_user(item, "/api/users") for item in items)
        offset += len(items)
        total = body.get("total")
        if not items or not isinstance(total, int) or offset >= total:
            return tuple(found)


async def set_roles(client: SyncClient, user_id: str, roles: Iterable[Role]) -> UserRecord:
    """Give the account exactly ``roles``."""
    path = f"/api/users/{user_id}/roles"
    response = await client.authorized("PUT", path, json={"roles": list(role_names(roles))})
    return _user(_object(response, path), path)


async def set_disabled(client: SyncClient, user_id: str, disabled: bool) -> UserRecord:
    """Disable the account (its logins refused, its sessions ended) or enable it again."""
    path = f"/api/users/{user_id}/{'disable' if disabled else 'enable'}"
    response = await client.authorized("POST", path)
    return _user(_object(response, path), path)


async def reset_password(client: SyncClient, user_id: str, password: str) -> UserRecord:
    """Set a new password for the account, ending all its sessions."""
    path = f"/api/users/{user_id}/password"
    response = await client.authorized("POST", path, json={"password": password})
    return _user(_object(response, path), path)


def _object(response: httpx.Response, path: str) -> dict[str, Any]:
    if response.status_code >= 300:
        raise AdminError(detail_of(response), response.status_code)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise AdminError(f"the server's reply to {path} is not a JSON object")
    return body


def _user(data: object, path: str) -> UserRecord:
    found = user_of(data)
    if found is None:
        raise AdminError(f"the server's reply to {path} is not a user")
    return found
