"""Pushes racing into two server processes on one SQLite file: each score stored once.

Writes that wait together commit together (group commit) and processes take turns; this
runs both for real: validators push at once over HTTP, then push everything again.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import httpx
import pytest

from tests.sync.process import ServerProcess, free_port, server_environment
from tests.sync_server.conftest import PASSWORD
from tests.sync_server.test_sync import score_by
from vividverse_desktop.core.wire import (
    Op,
    PullResponse,
    PushRequest,
    PushResponse,
    ScriptSubmission,
)

VALIDATORS = 4
PUSHES = 10
SCORES_PER_PUSH = 20
TEXT = "Title: Race\n\nINT. ROOM - DAY\n\nTwo chairs.\n"


def _signed_in(base: str, name: str, role: str) -> tuple[dict[str, str], str]:
    answer = httpx.post(
        f"{base}/api/auth/register", json={"username": name, "password": PASSWORD, "role": role}
    )
    assert answer.status_code == 201, answer.text
    login = httpx.post(f"{base}/api/auth/login", json={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {login.json()['access_token']}"}, answer.json()["id"]


def _push(client: httpx.Client, headers: dict[str, str], ops: list[Op]) -> PushResponse:
    body = PushRequest("device-1", tuple(ops)).to_json()
    answer = client.post("/api/sync/push", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return PushResponse.from_json(answer.json())


def _pulled_scores(client: httpx.Client, headers: dict[str, str]) -> dict[str, int]:
    since, found = 0, {}
    while True:
        answer = client.get("/api/sync/pull", params={"since": str(since)}, headers=headers)
        page = PullResponse.from_json(answer.json(), since=since)
        found.update({c.id: c.usn for c in page.changes if c.entity.value == "score_event"})
        since = page.next_since
        if not page.has_more:
            return found


@pytest.mark.slow
def test_racing_pushes_into_two_workers_store_each_score_once(tmp_path: Path) -> None:
    """Every score of every racing push is stored once; pushed again, each is a duplicate."""
    port = free_port()
    env = server_environment(tmp_path / "server", VIVIDVERSE_JWT_SECRET="r" * 48)
    command = [sys.executable, "-m", "sync_server", "--port", str(port), "--workers", "2"]
    server = ServerProcess([*command, "--log-level", "warning"], env, port)
    server.start()
    try:
        base = server.url
        writer, _ = _signed_in(base, "ada", "writer")
        submission = ScriptSubmission.of("Race", TEXT)
        with httpx.Client(base_url=base) as client:
            assert _push(client, writer, [Op.of(submission)]).results[0].outcome.value == (
                "accepted"
            )
        validators = [_signed_in(base, f"val{i}", "validator") for i in range(VALIDATORS)]
        events = {
            user_id: [
                [
                    score_by(user_id, submission.version_id, 1 + (n + i) % 10)
                    for i in range(SCORES_PER_PUSH)
                ]
                for n in range(PUSHES)
            ]
            for _headers, user_id in validators
        }
        batches = {
            user_id: [[Op.of(event) for event in push] for push in pushes]
            for user_id, pushes in events.items()
        }
        answers: dict[str, list[PushResponse]] = {user_id: [] for _h, user_id in validators}
        errors: list[BaseException] = []
        start = threading.Barrier(VALIDATORS)

        def push_all(headers: dict[str, str], user_id: str) -> None:
            try:
                with httpx.Client(base_url=base) as client:  # one connection per validator
                    start.wait(10)
                    for ops in batches[user_id]:
                        answers[user_id].append(_push(client, headers, ops))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=push_all, args=v) for v in validators]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors, errors
        usns: dict[str, int] = {}
        for user_id, responses in answers.items():
            for pushed, response in zip(events[user_id], responses, strict=True):
                assert [r.outcome.value for r in response.results] == ["accepted"] * len(pushed)
                for event, result in zip(pushed, response.results, strict=True):
                    assert result.usn is not None
                    usns[event.id] = result.usn
        total = VALIDATORS * PUSHES * SCORES_PER_PUSH
        assert len(usns) == total
        assert len(set(usns.values())) == total  # no usn handed out twice
        with httpx.Client(base_url=base) as client:
            for headers, user_id in validators:
                pulled = _pulled_scores(client, headers)
                mine = [event for pushed in events[user_id] for event in pushed]
                assert pulled == {event.id: usns[event.id] for event in mine}
                again = _push(client, headers, [op for ops in batches[user_id] for op in ops])
                assert [(r.outcome.value, r.usn) for r in again.results] == [
                    ("duplicate", usns[event.id]) for event in mine
                ]
    finally:
        server.stop()
