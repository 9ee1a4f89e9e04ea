"""Clients written for the original design's routes and fields keep working."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.sync_server.conftest import (
    PASSWORD,
    SAMPLE_SCRIPT,
    bearer,
    signed_in,
    staff_tokens,
    submit_script,
)

pytestmark = pytest.mark.anyio


async def test_register_without_a_role_makes_a_writer(client: httpx.AsyncClient) -> None:
    """{username, password} alone registers a writer, who may then submit a script."""
    created = await client.post(
        "/api/auth/register", json={"username": "seeduser", "password": PASSWORD}
    )
    assert created.status_code == 201
    assert created.json()["roles"] == ["writer"]


async def test_a_script_posted_as_title_and_content_is_submitted(client: httpx.AsyncClient) -> None:
    """The original Script's {title, content} submits like {title, fountain_text}."""
    tokens = await signed_in(client, "ada")
    response = await client.post(
        "/api/scripts",
        json={"title": "The Lighthouse", "content": SAMPLE_SCRIPT},
        headers=bearer(tokens["access_token"]),
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "PendingValidation"
    assert len(response.json()["latest_version"]["stats"]["scenes"]) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": "T"}, "is required (or content)"),
        ({"title": "T", "content": "A", "fountain_text": "A"}, "not both"),
    ],
)
async def test_a_script_needs_exactly_one_text_field(
    client: httpx.AsyncClient, body: dict[str, str], message: str
) -> None:
    """Neither content nor fountain_text, or both: 422 naming fountain_text."""
    tokens = await signed_in(client, "ada")
    response = await client.post("/api/scripts", json=body, headers=bearer(tokens["access_token"]))
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "fountain_text"
    assert message in problem["message"]


async def test_partial_scores_aggregate_per_criterion_over_who_scored_it(
    client: httpx.AsyncClient,
) -> None:
    """Validations naming some criteria are taken; each criterion's mean counts only the
    validators who scored it."""
    writer = await signed_in(client, "ada")
    script = await submit_script(client, writer["access_token"])
    scores = [{"premise": 8, "dialogue": 4}, {"premise": 6}]
    for n, given in enumerate(scores):
        validator = await signed_in(client, f"val{n}", "validator")
        response = await client.post(
            "/api/validations",
            json={"scriptId": script["id"], "scores": given, "comments": "fine"},
            headers=bearer(validator["access_token"]),
        )
        assert response.status_code == 201, response.text
    editor = await staff_tokens(client, "eddie", "editor")
    summary = await client.get(
        f"/api/scripts/{script['id']}/score", headers=bearer(editor["access_token"])
    )
    assert summary.status_code == 200
    criteria = summary.json()["criteria"]
    assert (criteria["premise"]["n"], criteria["premise"]["mean"]) == (2, 7.0)
    assert (criteria["dialogue"]["n"], criteria["dialogue"]["mean"]) == (1, 4.0)
    assert "structure" not in criteria
    board = await client.get("/api/leaderboard", headers=bearer(editor["access_token"]))
    assert board.status_code == 200


@pytest.mark.parametrize(
    ("scores", "field"),
    [({"zest": 8}, "scores.zest"), ({}, "scores"), ({"premise": 11}, "scores.premise")],
)
async def test_a_bad_partial_score_is_422_naming_it(
    client: httpx.AsyncClient, scores: dict[str, int], field: str
) -> None:
    """An unknown criterion, no criterion at all, or a score out of 1-10: 422 naming it."""
    writer = await signed_in(client, "ada")
    script = await submit_script(client, writer["access_token"])
    validator = await signed_in(client, "val1", "validator")
    response = await client.post(
        "/api/validations",
        json={"scriptId": script["id"], "scores": scores},
        headers=bearer(validator["access_token"]),
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == [field]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/scripts/{uuid.uuid4()}/score",
        "/api/scripts/not-a-uuid/score",
        "/api/scripts/not-a-uuid/versions",
        "/api/movies/x/notes",
        "/api/no/such/route",
    ],
)
async def test_without_a_token_every_api_path_is_401_before_any_lookup(
    client: httpx.AsyncClient, path: str
) -> None:
    """Unknown ids, malformed ids and unknown routes alike: 401, so nothing is learnt
    (a wrong method stays 405: the methods are public)."""
    response = await client.get(path)
    assert response.status_code == 401


async def test_with_a_token_an_unknown_route_is_still_404(client: httpx.AsyncClient) -> None:
    """Signed in, a malformed id or an unknown route is the router's 404."""
    tokens = await signed_in(client, "ada")
    response = await client.get(
        "/api/scripts/not-a-uuid/score", headers=bearer(tokens["access_token"])
    )
    assert response.status_code == 404
