"""Simulated validators for the chaos run: accounts, seeded scores, a store and a client each."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import httpx

from tests.core.scoring.builders import T0
from tests.sync.process import PASSWORD, prepare_studio
from vividverse_desktop.core.scoring import DEFAULT_RUBRIC, ScoreEvent, Verdict
from vividverse_desktop.store import LocalStore
from vividverse_desktop.sync import SyncClient


@dataclass(slots=True)
class Validator:
    """One simulated validator: their account, device store, client and the scores to make."""

    username: str
    user_id: str
    store: LocalStore
    client: SyncClient
    scores: list[ScoreEvent] = field(default_factory=list)
    failed_syncs: int = 0


def enlist(base_url: str, count: int, scripts: int) -> tuple[list[tuple[str, str]], list[str]]:
    """``count`` validator accounts and ``scripts`` submitted scripts on the server.

    Returns ``[(username, user id)]`` and the version ids to score.
    """
    accounts: list[tuple[str, str]] = []
    versions: list[str] = []
    for index in range(scripts):
        username = f"val{index:02d}"
        user_id, version_id = prepare_studio(base_url, validator=username)
        accounts.append((username, user_id))
        versions.append(version_id)
    with httpx.Client(base_url=base_url, timeout=10) as http:
        for index in range(scripts, count):
            username = f"val{index:02d}"
            answer = http.post(
                "/api/auth/register",
                json={"username": username, "password": PASSWORD, "role": "validator"},
            )
            assert answer.status_code == 201, answer.text
            accounts.append((username, str(answer.json()["id"])))
    return accounts, versions


def seeded_scores(
    rng: random.Random, validator_id: str, versions: list[str], count: int, device: str
) -> list[ScoreEvent]:
    """``count`` distinct score events by ``validator_id``, everything drawn from ``rng``."""
    events = []
    for n in range(count):
        events.append(
            ScoreEvent(
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                script_version_id=rng.choice(versions),
                validator_id=validator_id,
                criteria={name: rng.randint(1, 10) for name in DEFAULT_RUBRIC.names},
                overall=rng.randint(1, 10),
                verdict=rng.choice(list(Verdict)),
                confidence=rng.randint(1, 5),
                comments=f"note {n} from {device}",
                scene_ref=None,
                created_at=T0 + timedelta(seconds=n),
                device_id=device,
            )
        )
    return events
