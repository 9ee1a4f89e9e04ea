"""A validator's blind scoring queue: what waits for their score, unscored first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vividverse_desktop.core.scoring.events import ScoreEvent
from vividverse_desktop.core.wire import ScriptRecord, ScriptVersionRecord


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A script waiting for scores, its newest version, and my current score of that
    version if I gave one. The script and version are as the validator holds them
    (blind: the server sends no title, author or title page)."""

    script: ScriptRecord
    version: ScriptVersionRecord
    mine: ScoreEvent | None = None

    @property
    def scored(self) -> bool:
        """Whether I have scored this version already."""
        return self.mine is not None


def queue_order(items: Iterable[QueueItem]) -> tuple[QueueItem, ...]:
    """Unscored items first; within each group the oldest script first (then by id)."""
    return tuple(
        sorted(items, key=lambda item: (item.scored, item.script.created_at, item.script.id))
    )
