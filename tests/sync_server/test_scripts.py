"""Submitting and listing scripts: status, immutable versions, who sees what."""

from __future__ import annotations

import hashlib
import json
import uuid

import httpx
import pytest

from tests.sync_server.conftest import admin_tokens, bearer, signed_in

pytestmark = pytest.mark.anyio

SCRIPT = """Title: The Lighthouse
Author: Ada

INT. LIGHTHOUSE - NIGHT

The lamp turns.

KEEPER
Another storm.

EXT. CLIFF - DAY

Gulls.
"""


async def _submit(
    client: httpx.AsyncClient, token: str, title: str = "The Lighthouse", **extra: str
) -> httpx.Response:
    body = {"title": title, "fountain_text": SCRIPT, **extra}
    return await client.post("/api/scripts", json=body, headers=bearer(token))


async def test_submitted_script_is_pending_validation_with_version_one(
    client: httpx.AsyncClient,
) -> None:
    """A writer's new script starts in PendingValidation with version 1 and its hash."""
    writer = await signed_in(client, "ada")
    response = await _submit(client, writer["access_token"])
    assert response.status_code == 201
    script = response.json()
    assert script["status"] == "PendingValidation"
    assert script["scriptId"] == script["id"]
    version = script["latest_version"]
    assert version["n"] == 1
    assert version["content_sha256"] == hashlib.sha256(SCRIPT.encode()).hexdigest()
    assert version["stats"]["scene_count"] == 2


async def test_scripts_get_increasing_usns(client: httpx.AsyncClient) -> None:
    """Each submission gets a higher update sequence number than the one before."""
    token = (await signed_in(client, "ada"))["access_token"]
    first = (await _submit(client, token)).json()["usn"]
    second = (await _submit(client, token, title="Second")).json()["usn"]
    assert second > first > 0


async def test_same_client_id_and_text_is_a_retry(client: httpx.AsyncClient) -> None:
    """Re-sending a submission with its client-made id returns the same script, no copy."""
    token = (await signed_in(client, "ada"))["access_token"]
    script_id = str(uuid.uuid4())
    first = await _submit(client, token, id=script_id)
    again = await _submit(client, token, id=script_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == script_id
    listing = (await client.get("/api/scripts", headers=bearer(token))).json()
    assert listing["total"] == 1


async def test_same_client_id_with_other_text_is_409(client: httpx.AsyncClient) -> None:
    """Reusing a script id for a different text is a conflict, nothing is overwritten."""
    token = (await signed_in(client, "ada"))["access_token"]
    script_id = str(uuid.uuid4())
    await _submit(client, token, id=script_id)
    other = await client.post(
        "/api/scripts",
        json={"id": script_id, "title": "X", "fountain_text": "INT. ELSEWHERE - DAY\n\nHm.\n"},
        headers=bearer(token),
    )
    assert other.status_code == 409


async def test_only_writers_and_admins_submit(client: httpx.AsyncClient) -> None:
    """A validator submitting a script is 403; anonymous is 401."""
    validator = await signed_in(client, "val", "validator")
    assert (await _submit(client, validator["access_token"])).status_code == 403
    anonymous = await client.post("/api/scripts", json={"title": "x", "fountain_text": SCRIPT})
    assert anonymous.status_code == 401


async def test_unreadable_screenplay_is_422_with_the_line(client: httpx.AsyncClient) -> None:
    """A NUL character in the text is refused, naming the line."""
    token = (await signed_in(client, "ada"))["access_token"]
    response = await client.post(
        "/api/scripts",
        json={"title": "Bad", "fountain_text": "INT. A - DAY\n\nok\x00"},
        headers=bearer(token),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["line"] == 3


async def test_text_with_a_lone_surrogate_is_422_with_the_line(client: httpx.AsyncClient) -> None:
    """Half a UTF-16 pair (no character at all) is refused, naming the field and line."""
    token = (await signed_in(client, "ada"))["access_token"]
    body = json.dumps({"title": "Bad", "fountain_text": "INT. A - DAY\n\nok \ud800"})
    response = await client.post(
        "/api/scripts",
        content=body,
        headers=bearer(token) | {"content-type": "application/json"},
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert (detail["field"], detail["line"]) == ("fountain_text", 3)
    assert "surrogate" in detail["message"]


async def test_a_valid_surrogate_pair_is_kept(client: httpx.AsyncClient) -> None:
    """An emoji escaped as a surrogate pair is one character and is stored as sent."""
    token = (await signed_in(client, "ada"))["access_token"]
    body = json.dumps({"title": "Smile \U0001f600", "fountain_text": SCRIPT}, ensure_ascii=True)
    assert "\\ud83d" in body
    response = await client.post(
        "/api/scripts",
        content=body,
        headers=bearer(token) | {"content-type": "application/json"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "Smile \U0001f600"


async def test_missing_text_is_422(client: httpx.AsyncClient) -> None:
    """A submission without the script text is refused."""
    token = (await signed_in(client, "ada"))["access_token"]
    response = await client.post("/api/scripts", json={"title": "x"}, headers=bearer(token))
    assert response.status_code == 422


async def test_writers_list_only_their_own_scripts(client: httpx.AsyncClient) -> None:
    """Two writers each see only what they submitted."""
    ada = (await signed_in(client, "ada"))["access_token"]
    bob = (await signed_in(client, "bob"))["access_token"]
    await _submit(client, ada, title="Ada's")
    await _submit(client, bob, title="Bob's")
    titles = [
        s["title"] for s in (await client.get("/api/scripts", headers=bearer(ada))).json()["items"]
    ]
    assert titles == ["Ada's"]


async def test_validators_see_the_queue_blind(client: httpx.AsyncClient) -> None:
    """Validators list pending scripts without author or title."""
    await _submit(client, (await signed_in(client, "ada"))["access_token"])
    validator = (await signed_in(client, "val", "validator"))["access_token"]
    items = (await client.get("/api/scripts", headers=bearer(validator))).json()["items"]
    assert len(items) == 1
    assert "author_id" not in items[0]
    assert "title" not in items[0]
    assert "title" not in items[0]["latest_version"]["stats"]
    done = await client.get("/api/scripts?status=Completed", headers=bearer(validator))
    assert done.json()["items"] == []


async def test_admin_lists_everything_with_paging(client: httpx.AsyncClient) -> None:
    """An admin pages through every writer's scripts, newest first."""
    ada = (await signed_in(client, "ada"))["access_token"]
    bob = (await signed_in(client, "bob"))["access_token"]
    for index in range(3):
        await _submit(client, ada, title=f"A{index}")
        await _submit(client, bob, title=f"B{index}")
    admin = bearer((await admin_tokens(client))["access_token"])
    first = (await client.get("/api/scripts?limit=4", headers=admin)).json()
    second = (await client.get("/api/scripts?limit=4&offset=4", headers=admin)).json()
    assert first["total"] == 6
    titles = [s["title"] for s in first["items"] + second["items"]]
    assert sorted(titles) == ["A0", "A1", "A2", "B0", "B1", "B2"]
    assert titles[0] == "B2"


async def test_unknown_status_filter_is_422(client: httpx.AsyncClient) -> None:
    """Filtering by a status that does not exist is refused."""
    admin = bearer((await admin_tokens(client))["access_token"])
    assert (await client.get("/api/scripts?status=Lost", headers=admin)).status_code == 422
