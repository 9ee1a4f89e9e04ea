"""The OpenAPI document: served at /openapi.json and describing exactly the app's routes."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from sync_server.openapi import openapi_path

pytestmark = pytest.mark.anyio


def _served(app: Starlette) -> set[tuple[str, str]]:
    pairs = set()
    for route in app.routes:
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method != "HEAD":
                pairs.add((method.lower(), openapi_path(route.path)))
    return pairs


async def test_document_describes_every_route_and_no_other(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    """Every (method, path) the app serves is in the document, and nothing else is."""
    document = (await client.get("/openapi.json")).json()
    described = {(method, path) for path, item in document["paths"].items() for method in item}
    assert described == _served(app)


async def test_request_bodies_match_what_the_routes_accept(client: httpx.AsyncClient) -> None:
    """The register body schema lists the fields the route accepts and refuses others."""
    document = (await client.get("/openapi.json")).json()
    schema = document["paths"]["/api/auth/register"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"username", "password"}  # no role: a writer
    assert "system" not in schema["properties"]["role"]["enum"]


async def test_operation_ids_are_unique(client: httpx.AsyncClient) -> None:
    """Each operation has its own operationId (client generators need that)."""
    document = (await client.get("/openapi.json")).json()
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
