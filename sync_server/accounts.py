"""User accounts and refresh-token families in the database (blocking; run in threads).

Functions take an open :class:`~sqlalchemy.orm.Session` inside a transaction and return
:class:`Account` values, never ORM objects.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync_server.models import RefreshTokenFamily, User, role_column, roles_in_column, utc_now
from sync_server.usn import next_usns
from vividverse_desktop.core.capabilities import Capabilities
from vividverse_desktop.core.workflow import Role, RoleSpec, role_names, roles_of


class UsernameTaken(Exception):
    """Another account already has this username."""


@dataclass(frozen=True, slots=True)
class Account:
    """A user as the routes see it (no password hash).

    ``roles`` are every role held; ``role`` is the primary one (``Role.primary``).
    """

    id: uuid.UUID
    username: str
    display_name: str
    roles: frozenset[Role]
    token_version: int
    disabled: bool
    created_at: datetime

    @property
    def role(self) -> Role:
        """The most privileged role held, for clients that show one."""
        return Role.primary(self.roles)

    @property
    def capabilities(self) -> Capabilities:
        """What the account may do (``core.capabilities``)."""
        return Capabilities.of(self.roles)

    def to_json(self) -> dict[str, object]:
        """The public JSON form of the account."""
        return {
            "id": str(self.id),
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "roles": list(role_names(self.roles)),
            "disabled": self.disabled,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Credentials:
    """An account with its password hash, for login only."""

    account: Account
    password_hash: str


class Rotation(enum.Enum):
    """What happened when a refresh token was presented."""

    ROTATED = "rotated"
    REUSED = "reused"
    REVOKED = "revoked"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def _account(user: User) -> Account:
    return Account(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=roles_in_column(user.roles),
        token_version=user.token_version,
        disabled=user.disabled,
        created_at=user.created_at,
    )


def create_account(
    session: Session, username: str, display_name: str, role: RoleSpec, password_hash: str
) -> Account:
    """Insert a new account holding ``role`` (one or several); :class:`UsernameTaken` if
    the name is in use."""
    held = roles_of(role)
    user = User(
        username=username,
        display_name=display_name,
        role=Role.primary(held).value,
        roles=role_column(held),
        password_hash=password_hash,
        token_version=0,
        disabled=False,
        usn=next_usns(session)[0],
    )
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise UsernameTaken(username) from None
    return _account(user)


def account_by_id(session: Session, user_id: uuid.UUID) -> Account | None:
    """The account with this id, or ``None``."""
    user = session.get(User, user_id)
    return None if user is None else _account(user)


def credentials_by_username(session: Session, username: str) -> Credentials | None:
    """The account and password hash for ``username``, or ``None``."""
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        return None
    return Credentials(_account(user), user.password_hash)


def list_accounts(
    session: Session, offset: int, limit: int, role: Role | None = None
) -> tuple[list[Account], int]:
    """One page of accounts ordered by username, and the total count."""
    query = select(User)
    counter = select(func.count()).select_from(User)
    if role is not None:
        holds = (literal(",") + User.roles + literal(",")).contains(f",{role.value},")
        query = query.where(holds)
        counter = counter.where(holds)
    users = session.scalars(query.order_by(User.username).offset(offset).limit(limit)).all()
    total = session.scalar(counter) or 0
    return [_account(user) for user in users], total


def enabled_admin_count(session: Session) -> int:
    """How many enabled accounts have the admin role."""
    query = select(func.count()).where(User.role == Role.ADMIN.value, User.disabled.is_(False))
    return session.scalar(query) or 0


def set_roles(session: Session, user_id: uuid.UUID, roles: RoleSpec) -> Account | None:
    """Make ``roles`` (one or several) the account's only roles; ``None`` if there is no
    such account. A change gives the user record a fresh usn, so clients pull it."""
    user = session.get(User, user_id)
    if user is None:
        return None
    held = roles_of(roles)
    if roles_in_column(user.roles) != held:
        user.roles = role_column(held)
        user.role = Role.primary(held).value
        user.usn = next_usns(session)[0]
    session.flush()
    return _account(user)


def set_disabled(session: Session, user_id: uuid.UUID, disabled: bool) -> Account | None:
    """Disable or enable the account; disabling ends all its sessions."""
    user = session.get(User, user_id)
    if user is None:
        return None
    if disabled and not user.disabled:
        user.token_version += 1
        _revoke_all_families(session, user_id, "disabled")
    if user.disabled != disabled:
        user.disabled = disabled
        user.usn = next_usns(session)[0]
    session.flush()
    return _account(user)


def set_password_hash(session: Session, user_id: uuid.UUID, password_hash: str) -> Account | None:
    """Store a new password hash and end all sessions of the account."""
    user = session.get(User, user_id)
    if user is None:
        return None
    user.password_hash = password_hash
    user.token_version += 1
    _revoke_all_families(session, user_id, "password")
    session.flush()
    return _account(user)


def start_family(session: Session, user_id: uuid.UUID, jti: str, lifetime: timedelta) -> uuid.UUID:
    """Record a new refresh-token family whose current member is ``jti``."""
    now = utc_now()
    family = RefreshTokenFamily(
        user_id=user_id,
        current_jti=jti,
        revoked=False,
        created_at=now,
        last_used_at=now,
        expires_at=now + lifetime,
    )
    session.add(family)
    session.flush()
    return family.id


def rotate_family(
    session: Session,
    family_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    presented_jti: str,
    new_jti: str,
    lifetime: timedelta,
) -> Rotation:
    """Exchange ``presented_jti`` for ``new_jti`` if it is the family's current member.

    An older member means the token was copied: the family is revoked (:attr:`Rotation.REUSED`).
    The swap is one conditional UPDATE, so two racing refreshes cannot both win.
    """
    now = utc_now()
    swapped = session.execute(
        update(RefreshTokenFamily)
        .where(
            RefreshTokenFamily.id == family_id,
            RefreshTokenFamily.user_id == user_id,
            RefreshTokenFamily.current_jti == presented_jti,
            RefreshTokenFamily.revoked.is_(False),
            RefreshTokenFamily.expires_at > now,
        )
        .values(current_jti=new_jti, last_used_at=now, expires_at=now + lifetime)
        .execution_options(synchronize_session=False)
    )
    if swapped.rowcount == 1:  # type: ignore[attr-defined]
        return Rotation.ROTATED
    family = session.get(RefreshTokenFamily, family_id)
    if family is None or family.user_id != user_id:
        return Rotation.UNKNOWN
    if family.revoked:
        return Rotation.REVOKED
    if family.expires_at <= now:
        return Rotation.EXPIRED
    family.revoked = True
    family.revoked_reason = "reuse"
    session.flush()
    return Rotation.REUSED


def revoke_family(session: Session, family_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> None:
    """Revoke one family (logout); unknown families are ignored."""
    session.execute(
        update(RefreshTokenFamily)
        .where(RefreshTokenFamily.id == family_id, RefreshTokenFamily.user_id == user_id)
        .values(revoked=True, revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )


def _revoke_all_families(session: Session, user_id: uuid.UUID, reason: str) -> None:
    session.execute(
        update(RefreshTokenFamily)
        .where(RefreshTokenFamily.user_id == user_id, RefreshTokenFamily.revoked.is_(False))
        .values(revoked=True, revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )
