"""Scoring: a validator's blind queue, saving a score (offline, durable), the leaderboard,
and selecting the script to produce.

A saved score is a :class:`~vividverse_desktop.core.scoring.ScoreEvent` written with its
outbox op in one ``synchronous=FULL`` transaction: when :func:`save_score` returns, the
score survives a crash and the next sync sends it exactly once. Re-scoring appends a new
event (the latest one counts; earlier ones stay for the audit trail).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from vividverse_desktop.core.changes import Changes
from vividverse_desktop.core.scoring import (
    DEFAULT_RUBRIC,
    Leaderboard,
    Ranked,
    Rubric,
    ScoreEvent,
    ScoringError,
    Verdict,
    build_leaderboard,
)
from vividverse_desktop.core.scoring.queue import QueueItem
from vividverse_desktop.core.wire import ScriptRecord, ScriptVersionRecord, new_id
from vividverse_desktop.core.workflow import Role, Status, WorkflowError, transition
from vividverse_desktop.studio.errors import StudioError

if TYPE_CHECKING:
    from vividverse_desktop.store import LocalStore


def my_queue(*, store: LocalStore, validator_id: str) -> tuple[QueueItem, ...]:
    """The latest version of each script pending validation that this user did not write.

    Unscored ones first (oldest script first, as they were submitted), then the ones
    already scored. Nobody scores their own script, so those never appear.
    """
    return store.scoring_queue(validator_id)


@dataclass(frozen=True, slots=True)
class SavedScore:
    """A score saved here (durably) and queued for the server."""

    event: ScoreEvent
    changes: Changes


def save_score(
    *,
    store: LocalStore,
    validator_id: str,
    version_id: str,
    criteria: Mapping[str, int],
    overall: int | None = None,
    verdict: Verdict | str | None = None,
    confidence: int | None = None,
    comments: str = "",
    scene_ref: str | None = None,
    rubric: Rubric = DEFAULT_RUBRIC,
) -> SavedScore:
    """Save a validator's score of a script version; works offline.

    ``criteria`` may name criteria by machine name, camelCase or label. Raises
    :class:`StudioError` for a version not held here, a script the validator wrote,
    or a score the rubric refuses (the message names the field).
    """
    version = store.script_version(version_id)
    if version is None:
        raise StudioError(f"no script version {version_id} here; sync first")
    script = store.script(version.script_id)
    if script is not None and script.author_id == validator_id:
        raise StudioError("nobody scores their own script")
    try:
        event = ScoreEvent(
            id=new_id(),
            script_version_id=version_id,
            validator_id=validator_id,
            criteria=rubric.validate_criteria(dict(criteria)),
            overall=overall,
            verdict=None if verdict is None else Verdict(verdict),
            confidence=confidence,
            comments=comments,
            scene_ref=scene_ref or None,
            created_at=datetime.now(UTC),
            device_id=store.device_id(),
        )
    except ScoringError as exc:
        raise StudioError(f"the score cannot be saved: {exc}") from exc
    except ValueError as exc:  # an unknown verdict
        raise StudioError(f"the score cannot be saved: {exc}") from exc
    return SavedScore(event, store.save_score(event))


def score_history(
    *, store: LocalStore, validator_id: str, version_id: str
) -> tuple[ScoreEvent, ...]:
    """Every score this validator saved for a version, oldest first (the last one counts)."""
    return tuple(e for e in store.score_events(version_id) if e.validator_id == validator_id)


@dataclass(frozen=True, slots=True)
class Standing:
    """One ranked script version on the leaderboard, with its script when held here."""

    ranked: Ranked
    script: ScriptRecord | None
    version: ScriptVersionRecord | None

    @property
    def title(self) -> str:
        """The script's title here, or its version id when the script is not held."""
        return self.script.title if self.script is not None else self.ranked.script_version_id


@dataclass(frozen=True, slots=True)
class LeaderboardView:
    """The leaderboard computed from the scores held here, with titles beside the ranks."""

    board: Leaderboard
    standings: tuple[Standing, ...]


def leaderboard(*, store: LocalStore, rubric: Rubric = DEFAULT_RUBRIC) -> LeaderboardView:
    """Aggregates, agreement and ranking from every score event held here.

    An admin's store holds every score; other roles hold only their own, so their
    leaderboard covers just those (the server's leaderboard route serves editors).
    """
    board = build_leaderboard(store.score_events(), rubric)
    standings: list[Standing] = []
    for ranked in board.ranking:
        version = store.script_version(ranked.script_version_id)
        script = None if version is None else store.script(version.script_id)
        standings.append(Standing(ranked, script, version))
    return LeaderboardView(board, tuple(standings))


def select_script(
    *, store: LocalStore, user_id: str, roles: frozenset[Role], script_id: str
) -> Changes:
    """Select a Validated script for production (an admin's decision; works offline).

    Raises :class:`StudioError` when the workflow refuses it (the message says why).
    """
    return move_script(
        store=store, user_id=user_id, roles=roles, script_id=script_id, target=Status.SELECTED
    )


def move_script(
    *, store: LocalStore, user_id: str, roles: frozenset[Role], script_id: str, target: Status
) -> Changes:
    """Ask for a script's status move, checked here first by the same workflow as the server."""
    script = store.script(script_id)
    if script is None:
        raise StudioError(f"no script {script_id} here; sync first")
    reasons: list[str] = []
    for role in sorted(roles):
        try:
            transition(script.status, target, role, is_author=script.author_id == user_id)
        except WorkflowError as exc:
            reasons.append(exc.reason)
            continue
        return store.edit_script(script_id, user_id=user_id, status=target)
    why = reasons[0] if reasons else "you hold no role"
    raise StudioError(f"'{script.title}' cannot move from {script.status} to {target}: {why}")
