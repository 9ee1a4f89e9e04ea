"""The OpenAPI 3.1 document of the server, built from each route module's ``OPERATIONS``.

Body schemas come from the same :class:`~sync_server.payload.Field` tuples the routes
check requests with, so the document cannot drift from what the server accepts.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sync_server.payload import MAX_OFFSET, MAX_PAGE, Field

_JSON_TYPES: Mapping[type, str] = {
    str: "string",
    int: "integer",
    bool: "boolean",
    float: "number",
    dict: "object",
    list: "array",
}
_PATH_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


@dataclass(frozen=True, slots=True)
class Param:
    """A query parameter."""

    name: str
    kind: type = str
    description: str = ""
    choices: frozenset[str] | None = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    """One route as the document describes it."""

    method: str
    path: str
    summary: str
    responses: Mapping[int, str]
    body: tuple[Field, ...] | None = None
    schema: Mapping[str, Any] | None = None
    """A hand-written request body schema, for bodies ``Field`` tuples cannot describe."""
    query: tuple[Param, ...] = ()
    authenticated: bool = True
    tags: tuple[str, ...] = field(default=())


PAGING = (
    Param("offset", int, "how many items to skip", minimum=0, maximum=MAX_OFFSET),
    Param("limit", int, "page size", minimum=1, maximum=MAX_PAGE),
)


def openapi_path(path: str) -> str:
    """A Starlette path (``/a/{id:uuid}``) in OpenAPI form (``/a/{id}``)."""
    return _PATH_PARAM.sub(lambda match: "{" + match.group(1) + "}", path)


def build_document(operations: Iterable[Operation], version: str) -> dict[str, Any]:
    """The OpenAPI document describing ``operations``."""
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        entry: dict[str, Any] = {
            "summary": operation.summary,
            "operationId": _operation_id(operation),
            "responses": {
                str(status): _response(status, description)
                for status, description in sorted(_all_responses(operation).items())
            },
        }
        if operation.tags:
            entry["tags"] = list(operation.tags)
        parameters = [_path_parameter(match) for match in _PATH_PARAM.finditer(operation.path)]
        parameters += [_query_parameter(param) for param in operation.query]
        if parameters:
            entry["parameters"] = parameters
        if operation.body is not None or operation.schema is not None:
            schema = (
                dict(operation.schema)
                if operation.schema is not None
                else _object_schema(operation.body or ())
            )
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": schema}},
            }
        entry["security"] = [{"bearer": []}] if operation.authenticated else []
        paths.setdefault(openapi_path(operation.path), {})[operation.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "Vividverse sync server", "version": version},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "detail"],
                    "properties": {"error": {"type": "string"}, "detail": {}},
                }
            },
        },
    }


def document_route(document: dict[str, Any]) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint serving ``document`` (GET /openapi.json)."""

    async def openapi(_request: Request) -> Response:
        return JSONResponse(document)

    return openapi


def _all_responses(operation: Operation) -> dict[int, str]:
    """The operation's own responses plus those every route of its kind can give."""
    responses = dict(operation.responses)
    if operation.authenticated:
        responses.setdefault(401, "missing, invalid or expired access token")
    if operation.body is not None or operation.schema is not None:
        responses.setdefault(400, "the body is not a JSON object")
        responses.setdefault(413, "the body is over the size limit")
        responses.setdefault(422, "a field is missing, unknown, of the wrong type or too long")
    if operation.query:
        responses.setdefault(422, "a query parameter is out of range")
    return responses


def _operation_id(operation: Operation) -> str:
    words = re.findall(r"[a-z]+", openapi_path(operation.path).replace("/api/", "/"))
    return operation.method.lower() + "".join(word.capitalize() for word in words)


def _response(status: int, description: str) -> dict[str, Any]:
    if status == 204:
        return {"description": description}
    schema: dict[str, Any] = _ERROR_REF if status >= 400 else {"type": "object"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _path_parameter(match: re.Match[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if match.group(2) == "uuid":
        schema["format"] = "uuid"
    elif match.group(2) == "int":
        schema = {"type": "integer"}
    return {"name": match.group(1), "in": "path", "required": True, "schema": schema}


def _query_parameter(param: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": _JSON_TYPES[param.kind]}
    if param.choices is not None:
        schema["enum"] = sorted(param.choices)
    if param.minimum is not None:
        schema["minimum"] = param.minimum
    if param.maximum is not None:
        schema["maximum"] = param.maximum
    return {
        "name": param.name,
        "in": "query",
        "required": False,
        "description": param.description,
        "schema": schema,
    }


def _object_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for spec in fields:
        schema: dict[str, Any] = {"type": _JSON_TYPES[spec.kind]}
        if spec.max_length is not None:
            schema["maxLength"] = spec.max_length
        if spec.min_length:
            schema["minLength"] = spec.min_length
        if spec.choices is not None:
            schema["enum"] = sorted(spec.choices)
        if spec.pattern is not None:
            schema["pattern"] = f"^{spec.pattern}$"
        if spec.format is not None:
            schema["format"] = spec.format
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
        properties[spec.name] = schema
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [spec.name for spec in fields if spec.required],
        "properties": properties,
    }
