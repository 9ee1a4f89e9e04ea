"""Pages of changes for ``GET /api/sync/pull?since=USN``: what this user may see.

Every table clients pull has a ``usn`` column, set from the one counter on each change.
A page is the ``limit`` lowest-usn visible rows above ``since`` across those tables,
read in one snapshot (REPEATABLE READ on PostgreSQL), so a transaction committed between
two reads cannot slip a lower usn behind the cursor: writers hold the counter's row lock
until they commit, so committed usns always form a prefix.

Who sees what (``core.capabilities``; an account holding several roles sees the union,
and a script it may read in full is never sent blind):

==========  =========================================================================
role        records (everyone also receives their own user record)
==========  =========================================================================
writer      their own scripts and those scripts' versions
validator   every script and the versions of scripts waiting for scores, blind (no
            title, author or title page); their own score events
editor,     every script and version, every movie, review note and reply
reviewer
admin       everything: every user and every score event included
==========  =========================================================================

When a script enters PendingValidation its newest version gets a fresh usn, so a
validator who pulled past it earlier receives it then. Each page names its ``scope``
(:func:`pull_scope`, the account's roles): when roles change, what the user may see
changes below their cursor, and the client pulls again from 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from sync_server import models
from sync_server.accounts import Account
from sync_server.records import (
    SCORE_FIELDS,
    blind_script,
    blind_version,
    movie_record,
    note_record,
    reply_record,
    score_change,
    script_record,
    user_record,
    version_record,
)
from vividverse_desktop.core.capabilities import Action
from vividverse_desktop.core.wire import Change, PullResponse, Record
from vividverse_desktop.core.workflow import Status, role_names

_SCORES = cast(Table, models.ScoreEvent.__table__)
_SCORE_COLUMNS = select(*(_SCORES.c[name] for name in SCORE_FIELDS))
"""Score events are read as plain rows (the bulk of most pulls): no ORM objects."""


@dataclass(frozen=True, slots=True)
class Source:
    """One table a user pulls from: the rows they may see, and how each becomes a change.

    ``query`` selects ORM objects, or plain rows when ``rows`` is set.
    """

    query: Select[Any]
    usn: Any
    change: Callable[[Any], Change]
    rows: bool = False


def _of(record: Callable[[Any], Record]) -> Callable[[Any], Change]:
    """The change of an ORM row, through its wire record."""
    return lambda row: Change.of(record(row), row.usn)


def _script_sources(account: Account) -> list[Source]:
    """Scripts and versions: in full where the account may read them so, else blind."""
    caps = account.capabilities
    scripts = select(models.Script)
    versions = select(models.ScriptVersion)
    if caps.can(Action.READ_ALL_SCRIPTS):
        return [
            Source(scripts, models.Script.usn, _of(script_record)),
            Source(versions, models.ScriptVersion.usn, _of(version_record)),
        ]
    sources: list[Source] = []
    mine = models.Script.author_id == account.id
    owned = select(models.Script.id).where(mine)
    own = caps.can(Action.READ_OWN_SCRIPTS)
    if own:
        sources += [
            Source(scripts.where(mine), models.Script.usn, _of(script_record)),
            Source(versions.where(models.ScriptVersion.script_id.in_(owned)),
                   models.ScriptVersion.usn, _of(version_record)),
        ]  # fmt: skip
    if caps.can(Action.READ_BLIND_QUEUE):
        others = models.Script.author_id != account.id
        # Never one's own script, blind or not, to score (an ex-writer made a validator).
        pending = select(models.Script.id).where(
            models.Script.status == Status.PENDING_VALIDATION.value, others
        )
        sources += [
            Source(
                scripts.where(others),
                models.Script.usn,
                _of(lambda row: blind_script(script_record(row))),
            ),
            Source(
                versions.where(models.ScriptVersion.script_id.in_(pending)),
                models.ScriptVersion.usn,
                _of(blind_version),
            ),
        ]
    return sources


def _sources(account: Account) -> list[Source]:
    caps = account.capabilities
    users = select(models.User)
    if not caps.can(Action.MANAGE_USERS):
        users = users.where(models.User.id == account.id)
    sources = [Source(users, models.User.usn, _of(user_record)), *_script_sources(account)]
    if caps.can(Action.VIEW_VALIDATORS):
        sources.append(Source(_SCORE_COLUMNS, _SCORES.c.usn, score_change, rows=True))
    elif caps.can(Action.SCORE_SCRIPT):
        own_scores = _SCORE_COLUMNS.where(_SCORES.c.validator_id == account.id)
        sources.append(Source(own_scores, _SCORES.c.usn, score_change, rows=True))
    if caps.can(Action.WATCH_MOVIE):
        sources += [
            Source(select(models.Movie), models.Movie.usn, _of(movie_record)),
            Source(select(models.ReviewNote), models.ReviewNote.usn, _of(note_record)),
            Source(select(models.NoteReply), models.NoteReply.usn, _of(reply_record)),
        ]
    elif caps.can(Action.READ_OWN_REVIEWS):
        sources += _own_review_sources(account)
    return sources


def _own_review_sources(account: Account) -> list[Source]:
    """The films of a writer's own scripts, and the notes and replies on them."""
    owned = select(models.Script.id).where(models.Script.author_id == account.id)
    versions = select(models.ScriptVersion.id).where(models.ScriptVersion.script_id.in_(owned))
    movies = select(models.Movie.id).where(models.Movie.script_version_id.in_(versions))
    return [
        Source(
            select(models.Movie).where(models.Movie.id.in_(movies)),
            models.Movie.usn,
            _of(movie_record),
        ),
        Source(
            select(models.ReviewNote).where(models.ReviewNote.movie_id.in_(movies)),
            models.ReviewNote.usn,
            _of(note_record),
        ),
        Source(
            select(models.NoteReply).where(models.NoteReply.movie_id.in_(movies)),
            models.NoteReply.usn,
            _of(reply_record),
        ),
    ]


SIGHT_VERSION = 2
"""Raised when what a role sees changes (2: writers see the notes on their own films), so
that every device pulls again from 0 once and gets what it could not see before."""


def pull_scope(account: Account) -> str:
    """What ``account`` may see, as a name that changes when it does: its roles, and the
    version of what roles see."""
    return f"{'+'.join(role_names(account.roles))};v{SIGHT_VERSION}"


def pull_page(session: Session, account: Account, since: int, limit: int) -> PullResponse:
    """The changes ``account`` may see with ``since < usn``, at most ``limit``, in usn order."""
    found: list[tuple[int, Any, Callable[[Any], Change]]] = []
    for source in _sources(account):
        query = source.query.where(source.usn > since).order_by(source.usn).limit(limit + 1)
        rows = session.execute(query).all() if source.rows else session.scalars(query).all()
        found.extend((row.usn, row, source.change) for row in rows)
    found.sort(key=lambda item: item[0])
    page = found[:limit]
    changes = tuple(change(row) for _usn, row, change in page)
    next_since = changes[-1].usn if changes else since
    return PullResponse(changes, next_since, has_more=len(found) > limit, scope=pull_scope(account))
