"""Admin: the accounts on the server, their roles, disabling and password resets.

Each call first asks the capability table (the same one the server enforces), so a
person without the right is told why without a round trip; the server's refusal (the
last admin cannot lose the role, say) comes back as a :class:`StudioError` too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import TYPE_CHECKING, TypeVar

from vividverse_desktop.core.capabilities import Action, Capabilities
from vividverse_desktop.core.wire import UserRecord
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.sync import SyncError
from vividverse_desktop.sync import admin as calls

if TYPE_CHECKING:
    from vividverse_desktop.studio.session import Session

T = TypeVar("T")


async def users(*, session: Session) -> tuple[UserRecord, ...]:
    """Every account on the server, by username."""
    _allowed(session, Action.MANAGE_USERS)
    return await _asked(calls.list_users(session.client))


async def set_roles(*, session: Session, user_id: str, roles: Iterable[Role]) -> UserRecord:
    """Give an account exactly ``roles`` (at least one; never the server's own role)."""
    _allowed(session, Action.GRANT_ROLES)
    wanted = frozenset(roles)
    if not wanted:
        raise StudioError("an account needs at least one role")
    if Role.SYSTEM in wanted:
        raise StudioError("no account may hold the system role")
    return await _asked(calls.set_roles(session.client, user_id, wanted))


async def set_disabled(*, session: Session, user_id: str, disabled: bool) -> UserRecord:
    """Disable an account (it can no longer sign in) or enable it again."""
    _allowed(session, Action.MANAGE_USERS)
    if disabled and user_id == session.user_id:
        raise StudioError("you cannot disable your own account; ask another admin")
    return await _asked(calls.set_disabled(session.client, user_id, disabled))


async def reset_password(*, session: Session, user_id: str, password: str) -> UserRecord:
    """Set a new password for an account; its sessions end."""
    _allowed(session, Action.MANAGE_USERS)
    return await _asked(calls.reset_password(session.client, user_id, password))


def _allowed(session: Session, action: Action) -> None:
    reason = Capabilities.of(session.roles).reason(action)
    if reason is not None:
        raise StudioError(reason)


async def _asked(call: Awaitable[T]) -> T:
    try:
        return await call
    except SyncError as exc:
        raise StudioError(str(exc)) from exc
