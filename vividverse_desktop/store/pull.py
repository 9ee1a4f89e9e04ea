"""Applying a pulled page: one transaction, idempotent, and the cursor moves with it.

The store keeps the ``scope`` of its last pull (what the user may see: their roles on
the server). When a page comes under another scope the client pulls again from 0
(``rescope``): those pages overwrite rows held at the same usn (a script seen blind as a
validator is now seen whole), and the new scope is kept once the last page is applied,
so an interrupted re-pull starts over.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from vividverse_desktop.core.changes import ChangeLog, Subject
from vividverse_desktop.core.wire import Change, Entity, PullResponse
from vividverse_desktop.store.rows import TABLES
from vividverse_desktop.store.schema import SyncStateRow

LAST_USN = "last_usn"
DEVICE_ID = "device_id"
PULL_SCOPE = "pull_scope"


def state(session: Session, key: str) -> str | None:
    """A named sync-state value, or ``None`` when it was never set."""
    row = session.get(SyncStateRow, key)
    return None if row is None else row.value


def set_state(session: Session, key: str, value: str) -> None:
    """Set a named sync-state value."""
    row = session.get(SyncStateRow, key)
    if row is None:
        session.add(SyncStateRow(key=key, value=value))
    else:
        row.value = value


def last_usn(session: Session) -> int:
    """The USN the next pull starts after (0 before the first pull)."""
    value = state(session, LAST_USN)
    return 0 if value is None else int(value)


def pull_scope(session: Session) -> str | None:
    """The scope of the last pull (``None`` before one, or from an older server)."""
    return state(session, PULL_SCOPE)


def apply_page(
    session: Session, page: PullResponse, log: ChangeLog, *, rescope: bool = False
) -> None:
    """Write every change not already held at the same or a newer usn; advance the cursor.

    Applying the same page again, or an older one, changes nothing. With ``rescope`` (a
    pull again from 0 under a new scope) a change also replaces a row at the same usn.
    Rows are written with bulk statements, one insert and one update per entity kind.
    """
    groups: dict[Entity, list[Change]] = defaultdict(list)
    for change in page.changes:
        groups[change.entity].append(change)
    for entity, changes in groups.items():
        spec = TABLES[entity]
        model = spec.model
        ids = {change.id for change in changes}
        found = session.execute(select(model.id, model.usn).where(model.id.in_(ids)))
        held: dict[str, int | None] = {row[0]: row[1] for row in found}
        inserts: dict[str, dict[str, Any]] = {}
        updates: dict[str, dict[str, Any]] = {}
        for change in changes:
            seen = held.get(change.id)
            if seen is not None and (seen > change.usn or (seen == change.usn and not rescope)):
                continue
            values = spec.values(change.record())
            values["usn"] = change.usn
            if change.id in inserts or change.id not in held:
                inserts[change.id] = values
            else:
                updates[change.id] = values
            held[change.id] = change.usn
            log.add(Subject.of(entity), change.id)
        if inserts:
            session.execute(insert(model), list(inserts.values()))
        if updates:
            session.execute(update(model), list(updates.values()))
    if page.next_since > last_usn(session):
        set_state(session, LAST_USN, str(page.next_since))
        log.add(Subject.SYNC_STATE, LAST_USN)
    settled = not rescope or not page.has_more
    if page.scope is not None and settled and page.scope != pull_scope(session):
        set_state(session, PULL_SCOPE, page.scope)
        log.add(Subject.SYNC_STATE, PULL_SCOPE)
