"""Small builders for score events used across the scoring tests."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from vividverse_desktop.core.scoring import DEFAULT_RUBRIC, ScoreEvent, Verdict

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def uniform(value: int) -> dict[str, int]:
    """Every default criterion scored ``value``."""
    return dict.fromkeys(DEFAULT_RUBRIC.names, value)


def score(
    version: str,
    validator: str,
    *,
    criteria: Mapping[str, int] | None = None,
    overall: int | None = 7,
    usn: int | None = None,
    event_id: str | None = None,
    verdict: Verdict | None = Verdict.CONSIDER,
    confidence: int | None = 3,
    created_at: datetime = T0,
) -> ScoreEvent:
    """A score event with sensible defaults (every criterion 6 unless given)."""
    return ScoreEvent(
        id=event_id or str(uuid.uuid4()),
        script_version_id=version,
        validator_id=validator,
        criteria=dict(criteria) if criteria is not None else uniform(6),
        overall=overall,
        verdict=verdict,
        confidence=confidence,
        comments="",
        scene_ref=None,
        created_at=created_at,
        device_id="laptop-1",
        usn=usn,
    )
