"""Score events and what is derived from them (blocking; run in threads).

Score events are append-only and keyed by the id the client made: storing an event
whose id is already held is a duplicate when the stored event is equal, a conflict
otherwise, and never a second row. The aggregates (core ``build_leaderboard``) are
derived from the whole log of current scores and recomputed when read (see
:class:`LeaderboardCache`); the quorum move PendingValidation -> Validated is made by
the system role through the workflow, in the transaction that stored the score.
"""

from __future__ import annotations

import enum
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, Uuid, bindparam, func, select, text
from sqlalchemy.orm import Session

from sync_server import models
from sync_server.models import utc_now
from sync_server.records import score_record
from sync_server.usn import UsnSequence
from vividverse_desktop.core.declared import row_values
from vividverse_desktop.core.scoring import Leaderboard, ScoreEvent, Verdict, build_leaderboard
from vividverse_desktop.core.workflow import (
    VALIDATION_QUORUM,
    Role,
    Status,
    is_validation_complete,
    transition,
)

SCORABLE = frozenset(Status) - {Status.DRAFT}
"""Statuses in which a script's versions accept scores (a withdrawn draft does not)."""
OWN_SCRIPT = "nobody scores their own script"
"""The refusal of a score on a script its validator wrote (a writer who also validates)."""

_SCRIPTS = cast(Table, models.Script.__table__)
_VERSIONS = cast(Table, models.ScriptVersion.__table__)
_SCORES = cast(Table, models.ScoreEvent.__table__)

_DISTINCT_VALIDATORS = text(
    """
    WITH RECURSIVE seen(validator_id, k) AS (
        SELECT (SELECT validator_id FROM score_events WHERE script_version_id = :version
                ORDER BY validator_id LIMIT 1), 1
        UNION ALL
        SELECT (SELECT e.validator_id FROM score_events AS e
                WHERE e.script_version_id = :version AND e.validator_id > seen.validator_id
                ORDER BY e.validator_id LIMIT 1),
               k + 1
        FROM seen WHERE seen.validator_id IS NOT NULL AND k < :cap
    )
    SELECT count(validator_id) FROM seen
    """
).bindparams(bindparam("version", type_=Uuid()))
"""How many validators scored a version, counted up to ``cap``: one index seek each
(a loose index scan), however many events the version holds."""

_VERSIONS_INFO = (
    select(_VERSIONS.c.id, _SCRIPTS.c.id, _SCRIPTS.c.author_id, _SCRIPTS.c.status, _VERSIONS.c.n)
    .join(_SCRIPTS, _SCRIPTS.c.id == _VERSIONS.c.script_id)
    .where(_VERSIONS.c.id.in_(bindparam("ids", expanding=True)))
)
_NEWEST = (
    select(_VERSIONS.c.script_id, func.max(_VERSIONS.c.n).label("n"))
    .where(_VERSIONS.c.script_id.in_(bindparam("scripts", expanding=True)))
    .group_by(_VERSIONS.c.script_id)
    .subquery()
)
_PENDING_NEWEST = (
    select(_SCRIPTS.c.id, _VERSIONS.c.id)
    .join(_NEWEST, _NEWEST.c.script_id == _SCRIPTS.c.id)
    .join(
        _VERSIONS, (_VERSIONS.c.script_id == _NEWEST.c.script_id) & (_VERSIONS.c.n == _NEWEST.c.n)
    )
    .where(_SCRIPTS.c.status == Status.PENDING_VALIDATION.value)
)
"""Each PendingValidation script among ``scripts`` with its newest version."""


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A script version and the script it belongs to."""

    version_id: uuid.UUID
    script_id: uuid.UUID
    author_id: uuid.UUID
    status: Status
    n: int


class Stored(enum.Enum):
    """What storing a score event did."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


def versions_info(
    session: Session, version_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, VersionInfo]:
    """The versions among ``version_ids`` that exist, with their scripts' author and status."""
    wanted = sorted(set(version_ids))
    found: dict[uuid.UUID, VersionInfo] = {}
    if not wanted:
        return found
    session.flush()  # the rows added so far are part of the answer
    connection = session.connection()
    for start in range(0, len(wanted), 500):
        rows = connection.execute(_VERSIONS_INFO, {"ids": wanted[start : start + 500]})
        for row in rows:
            found[row[0]] = VersionInfo(row[0], row[1], row[2], Status(row[3]), row[4])
    return found


def version_info(session: Session, version_id: uuid.UUID) -> VersionInfo | None:
    """The version ``version_id`` with its script's author and status, or ``None``."""
    return versions_info(session, [version_id]).get(version_id)


def latest_version(session: Session, script_id: uuid.UUID) -> VersionInfo | None:
    """The newest version of ``script_id``, or ``None`` when the script does not exist."""
    version_id = session.scalar(
        select(models.ScriptVersion.id)
        .where(models.ScriptVersion.script_id == script_id)
        .order_by(models.ScriptVersion.n.desc())
        .limit(1)
    )
    return None if version_id is None else version_info(session, version_id)


def stored_score(session: Session, event_id: str) -> ScoreEvent | None:
    """The stored event with this id, or ``None``."""
    row = session.get(models.ScoreEvent, uuid.UUID(event_id))
    return None if row is None else score_record(row)


def store_score(
    session: Session, usns: UsnSequence, event: ScoreEvent
) -> tuple[Stored, ScoreEvent]:
    """Append ``event`` (already checked against the rubric and the caller).

    Returns what happened and the event as stored (with its usn). The caller has
    checked that the version exists and the validator is the caller.
    """
    held = stored_score(session, event.id)
    if held is not None:
        return (Stored.DUPLICATE if held == event else Stored.CONFLICT), held
    usn = usns.take()
    session.add(
        models.ScoreEvent(
            **row_values(event, ids=uuid.UUID, skip=("usn",)), received_at=utc_now(), usn=usn
        )
    )
    return Stored.ACCEPTED, event.with_usn(usn)


def validator_count(session: Session, version_id: uuid.UUID) -> int:
    """How many validators have scored ``version_id`` (their current scores)."""
    return (
        session.scalar(
            select(func.count(func.distinct(models.ScoreEvent.validator_id))).where(
                models.ScoreEvent.script_version_id == version_id
            )
        )
        or 0
    )


def settle_quorum(session: Session, usns: UsnSequence, script_ids: Iterable[uuid.UUID]) -> None:
    """Mark each PendingValidation script Validated once its newest version has a quorum.

    The move is the system's (``workflow.transition`` with ``Role.SYSTEM``); the
    script's revision and usn advance so clients pull the new status. One look-up per
    batch finds the pending scripts' newest versions; each is then counted once.
    """
    wanted = sorted(set(script_ids))
    if not wanted:
        return
    session.flush()
    connection = session.connection()
    pending = connection.execute(_PENDING_NEWEST, {"scripts": wanted}).all()
    for script_id, version_id in sorted(pending, key=lambda row: row[0]):
        count = connection.scalar(
            _DISTINCT_VALIDATORS, {"version": version_id, "cap": VALIDATION_QUORUM}
        )
        if not is_validation_complete(count or 0):
            continue
        script = session.get(models.Script, script_id)
        assert script is not None
        script.status = transition(script.status, Status.VALIDATED, Role.SYSTEM).value
        script.revision += 1
        script.updated_at = utc_now()
        script.usn = usns.take()
    session.flush()


_EVENT_COLUMNS = (
    models.ScoreEvent.id,
    models.ScoreEvent.script_version_id,
    models.ScoreEvent.validator_id,
    models.ScoreEvent.criteria,
    models.ScoreEvent.overall,
    models.ScoreEvent.verdict,
    models.ScoreEvent.confidence,
    models.ScoreEvent.created_at,
    models.ScoreEvent.usn,
)


def current_score_log(session: Session) -> list[ScoreEvent]:
    """Each validator's latest stored event per version (without comments).

    Latest is the highest usn, as ``current_scores`` decides for events the server has
    accepted, so the aggregates over this are those over the whole log; earlier events
    are not even read.
    """
    latest = (
        select(func.max(models.ScoreEvent.usn))
        .group_by(models.ScoreEvent.script_version_id, models.ScoreEvent.validator_id)
        .scalar_subquery()
    )
    events = []
    for row in session.execute(select(*_EVENT_COLUMNS).where(models.ScoreEvent.usn.in_(latest))):
        events.append(
            ScoreEvent(
                id=str(row[0]),
                script_version_id=str(row[1]),
                validator_id=str(row[2]),
                criteria=row[3],
                overall=row[4],
                verdict=None if row[5] is None else Verdict(row[5]),
                confidence=row[6],
                comments="",
                scene_ref=None,
                created_at=row[7],
                device_id="server",
                usn=row[8],
            )
        )
    return events


def score_watermark(session: Session) -> tuple[int, int]:
    """``(count, highest usn)`` of the score log: changes whenever a score is stored."""
    row = session.execute(
        select(func.count(), func.coalesce(func.max(models.ScoreEvent.usn), 0))
    ).one()
    return int(row[0]), int(row[1])


class LeaderboardCache:
    """The leaderboard of the newest score log, rebuilt when the log has grown.

    The key is read from the database (:func:`score_watermark`), so several server
    instances on one database each see every accepted score; nothing is stale.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._board: Leaderboard | None = None

    def get(self, session: Session) -> Leaderboard:
        """The leaderboard over every score event stored so far."""
        key = score_watermark(session)
        with self._lock:
            if self._key == key and self._board is not None:
                return self._board
        board = build_leaderboard(current_score_log(session))
        with self._lock:
            self._key, self._board = key, board
        return board


def script_score(session: Session, cache: LeaderboardCache, version: VersionInfo) -> dict[str, Any]:
    """The score response of a script: its newest version's aggregates, seed names first."""
    board = cache.get(session)
    aggregate = board.aggregates.get(str(version.version_id))
    body: dict[str, Any] = {
        "scriptId": str(version.script_id),
        "scriptVersionId": str(version.version_id),
        "versionNumber": version.n,
        "status": version.status.value,
        "averageScores": {},
        "totalValidations": 0,
    }
    if aggregate is not None:
        body.update(aggregate.to_json())
        criteria = aggregate.criteria
        body["medianScores"] = {name: s.median for name, s in criteria.items()}
        body["trimmedMeanScores"] = {name: s.trimmed_mean for name, s in criteria.items()}
        body["bayesianScores"] = {name: s.bayesian_mean for name, s in criteria.items()}
        body["biasCorrectedScores"] = {name: s.bias_corrected_mean for name, s in criteria.items()}
        body["lcbScores"] = {name: s.lcb for name, s in criteria.items()}
        rank = next(
            (row for row in board.ranking if row.script_version_id == aggregate.script_version_id),
            None,
        )
        body["rank"] = None if rank is None else rank.to_json()
    else:
        body.update({"overall": None, "criteria": {}, "verdicts": {}, "lcb": None, "rank": None})
    body["scriptId"] = str(version.script_id)
    body["agreement"] = dict(board.agreement)
    return body
