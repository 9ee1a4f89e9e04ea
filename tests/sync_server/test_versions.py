"""Script versions over REST: immutable, numbered in order, only the author revises."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.sync_server.conftest import SAMPLE_SCRIPT, bearer, signed_in, submit_script
from vividverse_desktop.core.wire import content_sha256

pytestmark = pytest.mark.anyio

REVISED = SAMPLE_SCRIPT + "\nEXT. CLIFF - DAY\n\nGulls.\n"


async def _writer_and_script(client: httpx.AsyncClient) -> tuple[dict[str, str], str]:
    tokens = await signed_in(client, "ada")
    script = await submit_script(client, tokens["access_token"])
    return bearer(tokens["access_token"]), str(script["id"])


async def test_new_version_is_numbered_after_the_last(client: httpx.AsyncClient) -> None:
    """A revision becomes version 2 with its own hash; the list shows both, newest first."""
    writer, script_id = await _writer_and_script(client)
    url = f"/api/scripts/{script_id}/versions"
    created = await client.post(url, json={"fountain_text": REVISED}, headers=writer)
    assert created.status_code == 201
    assert (created.json()["n"], created.json()["contentSha256"]) == (2, content_sha256(REVISED))
    listed = (await client.get(url, headers=writer)).json()["items"]
    assert [v["n"] for v in listed] == [2, 1]
    assert "fountainText" not in listed[0]


async def test_resent_version_id_is_a_retry(client: httpx.AsyncClient) -> None:
    """The same client-made version id and text twice is 201 then 200, one version."""
    writer, script_id = await _writer_and_script(client)
    url = f"/api/scripts/{script_id}/versions"
    body = {"id": str(uuid.uuid4()), "fountain_text": REVISED}
    first = await client.post(url, json=body, headers=writer)
    again = await client.post(url, json=body, headers=writer)
    other = await client.post(url, json={**body, "fountain_text": "INT. X - DAY\n"}, headers=writer)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert len((await client.get(url, headers=writer)).json()["items"]) == 2


async def test_other_writers_may_not_revise_or_read(client: httpx.AsyncClient) -> None:
    """Another writer gets 403 for both reading and revising someone else's script."""
    _, script_id = await _writer_and_script(client)
    bob = bearer((await signed_in(client, "bob"))["access_token"])
    url = f"/api/scripts/{script_id}/versions"
    posted = await client.post(url, json={"fountain_text": REVISED}, headers=bob)
    listed = await client.get(url, headers=bob)
    assert (posted.status_code, listed.status_code) == (403, 403)
