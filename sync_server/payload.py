"""Reading and checking JSON request bodies and query parameters.

Bodies are JSON objects with a fixed set of fields. Anything else (not JSON, not an
object, an unknown field, a missing one, a wrong type, a string over its length limit)
is a 4xx :class:`ApiError` naming every problem, never an exception that escapes.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from sync_server.errors import ApiError

_TYPE_NAMES: Mapping[type, str] = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    float: "a number",
    dict: "an object",
    list: "an array",
}


@dataclass(frozen=True, slots=True)
class Field:
    """One allowed field of a body: its JSON type, and limits for strings."""

    name: str
    kind: type
    required: bool = True
    max_length: int | None = None
    min_length: int = 0
    choices: frozenset[str] | None = None
    pattern: str | None = None
    format: str | None = None
    minimum: float | None = None
    maximum: float | None = None


async def read_object(request: Request, *, allow_unstorable: bool = False) -> dict[str, Any]:
    """The request body parsed as a JSON object; 400 if it is not one.

    Strings that no database stores (see :func:`text_problem`) are refused (422) unless
    ``allow_unstorable``: then the caller must check before storing anything.
    """
    raw = await request.body()
    if not raw.strip():
        raise ApiError(400, "invalid_json", "the request body must be a JSON object")
    try:
        data = json.loads(
            raw.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_object
        )
    except _UnstorableKey:
        raise ApiError(400, "invalid_json", _UnstorableKey.MESSAGE) from None
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "invalid_json", f"the request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the request body must be a JSON object")
    problem = None if allow_unstorable or not may_hold_unstorable(raw) else text_problem(data)
    if problem is not None:
        raise ApiError(422, "invalid_body", [problem])
    return data


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""U+0000, and surrogate code points, which are no characters (UTF-8 cannot hold them)."""
_ESCAPED_UNSTORABLE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
"""How a JSON text (valid UTF-8) spells them: only as escapes."""


class _UnstorableKey(Exception):
    MESSAGE = "object keys must not contain NUL (U+0000) or unpaired surrogates (U+D800-U+DFFF)"


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; its keys are echoed in error replies, so they must be encodable."""
    for key, _value in pairs:
        if _UNSTORABLE.search(key) is not None:
            raise _UnstorableKey
    return dict(pairs)


def may_hold_unstorable(raw: bytes) -> bool:
    """Whether the JSON text ``raw`` may hold a string :func:`text_problem` refuses.

    A surrogate escape may also be half of a valid pair, hence "may".
    """
    return _ESCAPED_UNSTORABLE.search(raw) is not None


def text_problem(value: Any) -> dict[str, Any] | None:
    """Where a string in ``value`` holds what no database stores; else ``None``.

    That is U+0000, or a surrogate code point (half of a UTF-16 pair, alone).
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            found = _UNSTORABLE.search(item)
            if found is not None:
                at = found.start()
                message = (
                    "must not contain NUL (U+0000) characters"
                    if found.group() == "\x00"
                    else "must not contain unpaired surrogates (U+D800-U+DFFF)"
                )
                return {"field": path, "message": message, "line": item.count("\n", 0, at) + 1}
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((f"{path}.{key}" if path else str(key), key))
                stack.append((f"{path}.{key}" if path else str(key), child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
    return None


def check_fields(data: Mapping[str, Any], fields: tuple[Field, ...]) -> dict[str, Any]:
    """``data`` restricted to ``fields``, checked; 422 listing every problem found."""
    known = {spec.name: spec for spec in fields}
    problems = [{"field": name, "message": "unknown field"} for name in data if name not in known]
    checked: dict[str, Any] = {}
    for spec in fields:
        if spec.name not in data:
            if spec.required:
                problems.append({"field": spec.name, "message": "is required"})
            continue
        value = data[spec.name]
        message = _problem(spec, value)
        if message is None:
            checked[spec.name] = value
        else:
            problems.append({"field": spec.name, "message": message})
    if problems:
        raise ApiError(422, "invalid_body", problems)
    return checked


async def read_fields(request: Request, fields: tuple[Field, ...]) -> dict[str, Any]:
    """Read the body as a JSON object and check it against ``fields``."""
    return check_fields(await read_object(request), fields)


MAX_OFFSET = 10**9
MAX_PAGE = 200
DEFAULT_PAGE = 50


def paging(request: Request) -> tuple[int, int]:
    """``(offset, limit)`` from the query string; 422 when either is not a fitting integer."""
    offset = _query_integer(request, "offset", 0, minimum=0, maximum=MAX_OFFSET)
    limit = _query_integer(request, "limit", DEFAULT_PAGE, minimum=1, maximum=MAX_PAGE)
    return offset, limit


def _query_integer(request: Request, name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        raise ApiError(422, "invalid_query", f"{name} must be a whole number")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ApiError(422, "invalid_query", f"{name} must be between {minimum} and {maximum}")
    return value


def _problem(spec: Field, value: Any) -> str | None:
    expected = spec.kind
    if expected is float:
        valid = isinstance(value, int | float) and not isinstance(value, bool)
    elif expected is int:
        valid = isinstance(value, int) and not isinstance(value, bool)
    else:
        valid = isinstance(value, expected)
    if not valid:
        return f"must be {_TYPE_NAMES.get(expected, expected.__name__)}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return "must be a finite number"
        if spec.minimum is not None and value < spec.minimum:
            return f"must be at least {spec.minimum:g}"
        if spec.maximum is not None and value > spec.maximum:
            return f"must be at most {spec.maximum:g}"
    if isinstance(value, str):
        if spec.max_length is not None and len(value) > spec.max_length:
            return f"must be at most {spec.max_length} characters"
        if len(value) < spec.min_length:
            return f"must be at least {spec.min_length} characters"
        if spec.choices is not None and value not in spec.choices:
            return f"must be one of {', '.join(sorted(spec.choices))}"
        if spec.pattern is not None and re.fullmatch(spec.pattern, value) is None:
            return f"must match {spec.pattern}"
        if spec.format == "uuid" and not _is_uuid(value):
            return "must be a UUID"
    return None


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")
