"""Which scripts an account may read or revise, from ``core.capabilities`` and ownership.

One account may hold several roles: a writer who also validates reads their own scripts
in full and everyone else's waiting for scores blind (no author, title or title page).
"""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import ColumnElement, and_, false, or_

from sync_server import models
from sync_server.accounts import Account
from vividverse_desktop.core.capabilities import Action
from vividverse_desktop.core.workflow import Status


class Sight(enum.Enum):
    """How an account reads a script: in full, or blind (as a validator)."""

    FULL = "full"
    BLIND = "blind"


def script_sight(account: Account, author_id: uuid.UUID, status: Status | str) -> Sight | str:
    """How ``account`` may read a script by ``author_id`` in ``status``; the reason if not."""
    caps = account.capabilities
    if caps.can(Action.READ_ALL_SCRIPTS):
        return Sight.FULL
    if author_id == account.id and caps.can(Action.READ_OWN_SCRIPTS):
        return Sight.FULL
    if caps.can(Action.READ_BLIND_QUEUE):
        if author_id == account.id:
            return "nobody reads their own script blind to score it"
        if Status(status) is Status.PENDING_VALIDATION:
            return Sight.BLIND
        if not caps.can(Action.READ_OWN_SCRIPTS):
            return "validators read only scripts waiting for scores"
    if caps.can(Action.READ_OWN_SCRIPTS):
        return "writers see only their own scripts"
    return caps.reason(Action.READ_ALL_SCRIPTS) or "you may not read this script"


def is_blind(account: Account, author_id: uuid.UUID) -> bool:
    """Whether a script ``account`` may read at all is shown to them blind."""
    caps = account.capabilities
    if caps.can(Action.READ_ALL_SCRIPTS):
        return False
    return not (author_id == account.id and caps.can(Action.READ_OWN_SCRIPTS))


def may_revise(account: Account, author_id: uuid.UUID) -> bool:
    """Whether ``account`` may add a version to, retitle or upload the source of a script."""
    caps = account.capabilities
    return caps.can(Action.REVISE_ANY_SCRIPT) or (
        author_id == account.id and caps.can(Action.REVISE_OWN_SCRIPT)
    )


def visible_scripts(account: Account) -> ColumnElement[bool] | None:
    """The condition on ``scripts`` rows ``account`` may list; ``None`` for every row."""
    caps = account.capabilities
    if caps.can(Action.READ_ALL_SCRIPTS):
        return None
    parts: list[ColumnElement[bool]] = []
    if caps.can(Action.READ_OWN_SCRIPTS):
        parts.append(models.Script.author_id == account.id)
    if caps.can(Action.READ_BLIND_QUEUE):  # never one's own script (see ``script_sight``)
        parts.append(
            and_(
                models.Script.status == Status.PENDING_VALIDATION.value,
                models.Script.author_id != account.id,
            )
        )
    return or_(*parts) if parts else false()
