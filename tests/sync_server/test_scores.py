"""Validations and scores: seed and full forms, blind roles, aggregates, the quorum move."""

from __future__ import annotations

import asyncio
import statistics
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.sync_server.conftest import (
    admin_tokens,
    bearer,
    signed_in,
    staff_tokens,
    submit_script,
)
from vividverse_desktop.core.scoring import DEFAULT_RUBRIC

pytestmark = pytest.mark.anyio

NAMES = DEFAULT_RUBRIC.names


def scores(value: int) -> dict[str, int]:
    """Every rubric criterion scored ``value``."""
    return dict.fromkeys(NAMES, value)


async def _validator(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    tokens = await signed_in(client, name, "validator")
    return {"headers": bearer(tokens["access_token"]), "id": tokens["user"]["id"]}  # type: ignore[index]


async def _script(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    writer = bearer((await signed_in(client, "ada"))["access_token"])
    script = await submit_script(client, writer["Authorization"].split()[1])
    return str(script["id"]), writer


async def test_seed_validation_is_stored_for_the_newest_version(
    client: httpx.AsyncClient,
) -> None:
    """A seed-style {scriptId, scores, comments} from a validator is stored (201)."""
    script_id, _ = await _script(client)
    validator = await _validator(client, "val1")
    response = await client.post(
        "/api/validations",
        json={"scriptId": script_id, "scores": scores(7), "comments": "Tight."},
        headers=validator["headers"],
    )
    assert response.status_code == 201
    body = response.json()
    assert body["scriptId"] == script_id
    assert body["totalValidations"] == 1
    assert body["status"] == "PendingValidation"
    assert body["score"]["validatorId"] == validator["id"]
    assert body["usn"] > 0


async def test_only_validators_may_score(client: httpx.AsyncClient) -> None:
    """A writer, editor or admin posting a validation gets 403."""
    script_id, writer = await _script(client)
    admin = bearer((await admin_tokens(client))["access_token"])
    editor = bearer((await staff_tokens(client, "eddie", "editor"))["access_token"])
    for headers in (writer, admin, editor):
        response = await client.post(
            "/api/validations", json={"scriptId": script_id, "scores": scores(5)}, headers=headers
        )
        assert response.status_code == 403


async def test_quorum_of_validators_moves_the_script_to_validated(
    client: httpx.AsyncClient,
) -> None:
    """The third validator's score makes the script Validated (the system's move)."""
    script_id, writer = await _script(client)
    statuses = []
    for i, value in enumerate((4, 6, 9)):
        validator = await _validator(client, f"val{i}")
        response = await client.post(
            "/api/validations",
            json={"scriptId": script_id, "scores": scores(value)},
            headers=validator["headers"],
        )
        statuses.append(response.json()["status"])
    assert statuses == ["PendingValidation", "PendingValidation", "Validated"]
    listing = (await client.get("/api/scripts", headers=writer)).json()
    assert listing["items"][0]["status"] == "Validated"
    assert listing["items"][0]["revision"] == 2


async def test_score_reports_means_over_each_validators_latest_score(
    client: httpx.AsyncClient,
) -> None:
    """averageScores is the mean of each validator's latest score; other aggregates beside."""
    script_id, writer = await _script(client)
    first = await _validator(client, "val1")
    second = await _validator(client, "val2")
    for validator, value in ((first, 2), (second, 6), (first, 9)):
        await client.post(
            "/api/validations",
            json={"scriptId": script_id, "scores": scores(value)},
            headers=validator["headers"],
        )
    response = await client.get(f"/api/scripts/{script_id}/score", headers=writer)
    assert response.status_code == 200
    body = response.json()
    expected = statistics.fmean([9, 6])
    assert body["scriptId"] == script_id
    assert body["totalValidations"] == 2
    assert body["averageScores"] == dict.fromkeys(NAMES, expected)
    assert body["medianScores"]["premise"] == expected
    for key in ("trimmedMeanScores", "bayesianScores", "biasCorrectedScores", "lcbScores"):
        assert set(body[key]) == set(NAMES)
    assert set(body["agreement"]) >= set(NAMES)


async def test_unscored_script_has_empty_averages(client: httpx.AsyncClient) -> None:
    """A script nobody scored reports no averages and zero validations."""
    script_id, writer = await _script(client)
    body = (await client.get(f"/api/scripts/{script_id}/score", headers=writer)).json()
    assert (body["averageScores"], body["totalValidations"]) == ({}, 0)


async def test_scores_are_hidden_from_validators_and_other_writers(
    client: httpx.AsyncClient,
) -> None:
    """Validators (blind) and writers of other scripts get 403 from the score route."""
    script_id, _ = await _script(client)
    validator = await _validator(client, "val1")
    other = bearer((await signed_in(client, "bob"))["access_token"])
    for headers in (validator["headers"], other):
        response = await client.get(f"/api/scripts/{script_id}/score", headers=headers)
        assert response.status_code == 403


def _event(validator_id: str, version_id: str, value: int = 7, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "scriptVersionId": version_id,
        "validatorId": validator_id,
        "criteria": scores(value),
        "overall": value,
        "verdict": "Consider",
        "confidence": 4,
        "comments": "",
        "sceneRef": None,
        "createdAt": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC).isoformat(),
        "deviceId": "laptop-1",
        **extra,
    }


async def _version_id(client: httpx.AsyncClient, writer: dict[str, str]) -> str:
    listing = (await client.get("/api/scripts", headers=writer)).json()
    return str(listing["items"][0]["latest_version"]["id"])


async def test_full_event_resent_is_a_retry_and_reused_id_is_409(
    client: httpx.AsyncClient,
) -> None:
    """The same client-made event twice is 201 then 200; its id with other scores is 409."""
    _, writer = await _script(client)
    validator = await _validator(client, "val1")
    event = _event(validator["id"], await _version_id(client, writer))
    first = await client.post("/api/validations", json=event, headers=validator["headers"])
    again = await client.post("/api/validations", json=event, headers=validator["headers"])
    changed = await client.post(
        "/api/validations", json={**event, "overall": 2}, headers=validator["headers"]
    )
    assert (first.status_code, again.status_code, changed.status_code) == (201, 200, 409)
    assert again.json()["usn"] == first.json()["usn"]
    assert again.json()["totalValidations"] == 1


async def test_event_naming_another_validator_is_403(client: httpx.AsyncClient) -> None:
    """A validator cannot post a score in someone else's name."""
    _, writer = await _script(client)
    validator = await _validator(client, "val1")
    event = _event(str(uuid.uuid4()), await _version_id(client, writer))
    response = await client.post("/api/validations", json=event, headers=validator["headers"])
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scores": scores(5), "extra": 1}, "extra"),
        ({"scores": {**scores(5), "premise": 11}}, "scores.premise"),
        ({"scores": {}}, "scores"),
        ({"scores": scores(5), "confidence": 9}, "confidence"),
        ({"scores": scores(5), "sceneRef": "x" * 65}, "sceneRef"),
    ],
)
async def test_bad_validation_is_422_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    """Unknown fields, out-of-range or missing scores are 422 naming the field."""
    script_id, _ = await _script(client)
    validator = await _validator(client, "val1")
    response = await client.post(
        "/api/validations", json={"scriptId": script_id, **body}, headers=validator["headers"]
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"].startswith(field)


async def test_unknown_script_is_404(client: httpx.AsyncClient) -> None:
    """Scoring a script that does not exist is 404."""
    validator = await _validator(client, "val1")
    response = await client.post(
        "/api/validations",
        json={"scriptId": str(uuid.uuid4()), "scores": scores(5)},
        headers=validator["headers"],
    )
    assert response.status_code == 404


async def test_leaderboard_ranks_scored_versions_for_admins(client: httpx.AsyncClient) -> None:
    """The admin's leaderboard ranks the scored version; validators may not read it."""
    _, writer = await _script(client)
    validator = await _validator(client, "val1")
    version_id = await _version_id(client, writer)
    await client.post(
        "/api/validations", json=_event(validator["id"], version_id), headers=validator["headers"]
    )
    admin = bearer((await admin_tokens(client))["access_token"])
    board = (await client.get("/api/leaderboard", headers=admin)).json()
    assert [row["scriptVersionId"] for row in board["ranking"]] == [version_id]
    refused = await client.get("/api/leaderboard", headers=validator["headers"])
    assert refused.status_code == 403


async def test_racing_posts_of_one_event_store_it_once(client: httpx.AsyncClient) -> None:
    """The same event posted twice at once is stored once: one 201 and one 200."""
    _, writer = await _script(client)
    validator = await _validator(client, "val1")
    event = _event(validator["id"], await _version_id(client, writer))
    responses = await asyncio.gather(
        *(
            client.post("/api/validations", json=event, headers=validator["headers"])
            for _ in range(2)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 201]
    assert responses[0].json()["usn"] == responses[1].json()["usn"]


async def test_score_read_after_a_new_score_includes_it(client: httpx.AsyncClient) -> None:
    """Aggregates read, then a new score, then read again: the second read counts it."""
    script_id, writer = await _script(client)
    url = f"/api/scripts/{script_id}/score"
    first = await _validator(client, "val1")
    await client.post(
        "/api/validations",
        json={"scriptId": script_id, "scores": scores(4)},
        headers=first["headers"],
    )
    before = (await client.get(url, headers=writer)).json()
    second = await _validator(client, "val2")
    await client.post(
        "/api/validations",
        json={"scriptId": script_id, "scores": scores(8)},
        headers=second["headers"],
    )
    after = (await client.get(url, headers=writer)).json()
    assert (before["totalValidations"], before["averageScores"]["premise"]) == (1, 4.0)
    assert (after["totalValidations"], after["averageScores"]["premise"]) == (2, 6.0)
