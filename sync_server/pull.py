"""Pages of changes for ``GET /api/sync/pull?since=USN``: what this user may see.

Every table clients pull has a ``usn`` column, set from the one counter on each change.
A page is the ``limit`` lowest-usn visible rows above ``since`` across those tables,
read in one snapshot (REPEATABLE READ on PostgreSQL), so a transaction committed between
two reads cannot slip a lower usn behind the cursor: writers hold the counter's row lock
until they commit, so committed usns always form a prefix.

Who sees what:

==========  =========================================================================
role        records (everyone also receives their own user record)
==========  =========================================================================
writer      their own scripts and those scripts' versions
validator   every script and the versions of scripts waiting for scores, blind (no
            title, author or title page); their own score events
editor,     every script and version, every movie and review note
reviewer
admin       everything: every user and every score event included
==========  =========================================================================

When a script enters PendingValidation its newest version gets a fresh usn, so a
validator who pulled past it earlier receives it then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from sync_server import models
from sync_server.accounts import Account
from sync_server.records import (
    blind_script,
    blind_version,
    movie_record,
    note_record,
    score_record,
    script_record,
    user_record,
    version_record,
)
from vividverse_desktop.core.wire import Change, PullResponse, Record
from vividverse_desktop.core.workflow import Role, Status


@dataclass(frozen=True, slots=True)
class Source:
    """One table a user pulls from: the rows they may see, and how each becomes a record."""

    query: Select[Any]
    usn: Any
    record: Callable[[Any], Record]


def _sources(account: Account) -> list[Source]:
    role = account.role
    scripts = select(models.Script)
    versions = select(models.ScriptVersion)
    users = select(models.User)
    if role is not Role.ADMIN:
        users = users.where(models.User.id == account.id)
    sources = [Source(users, models.User.usn, user_record)]
    if role is Role.WRITER:
        sources.append(
            Source(scripts.where(models.Script.author_id == account.id), models.Script.usn,
                   script_record)
        )  # fmt: skip
        owned = select(models.Script.id).where(models.Script.author_id == account.id)
        sources.append(
            Source(versions.where(models.ScriptVersion.script_id.in_(owned)),
                   models.ScriptVersion.usn, version_record)
        )  # fmt: skip
        return sources
    if role is Role.VALIDATOR:
        pending = select(models.Script.id).where(
            models.Script.status == Status.PENDING_VALIDATION.value
        )
        return [
            *sources,
            Source(scripts, models.Script.usn, lambda row: blind_script(script_record(row))),
            Source(
                versions.where(models.ScriptVersion.script_id.in_(pending)),
                models.ScriptVersion.usn,
                lambda row: blind_version(version_record(row)),
            ),
            Source(
                select(models.ScoreEvent).where(models.ScoreEvent.validator_id == account.id),
                models.ScoreEvent.usn,
                score_record,
            ),
        ]
    sources += [
        Source(scripts, models.Script.usn, script_record),
        Source(versions, models.ScriptVersion.usn, version_record),
        Source(select(models.Movie), models.Movie.usn, movie_record),
        Source(select(models.ReviewNote), models.ReviewNote.usn, note_record),
    ]
    if role is Role.ADMIN:
        sources.append(Source(select(models.ScoreEvent), models.ScoreEvent.usn, score_record))
    return sources


def pull_page(session: Session, account: Account, since: int, limit: int) -> PullResponse:
    """The changes ``account`` may see with ``since < usn``, at most ``limit``, in usn order."""
    found: list[tuple[int, Any, Callable[[Any], Record]]] = []
    for source in _sources(account):
        rows = session.scalars(
            source.query.where(source.usn > since).order_by(source.usn).limit(limit + 1)
        ).all()
        found.extend((row.usn, row, source.record) for row in rows)
    found.sort(key=lambda item: item[0])
    page = found[:limit]
    changes = tuple(Change.of(make(row), usn) for usn, row, make in page)
    next_since = changes[-1].usn if changes else since
    return PullResponse(changes, next_since, has_more=len(found) > limit)
