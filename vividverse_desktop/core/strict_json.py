"""Strict reading of wire JSON objects, canonical JSON and the payload hash.

Every reader error is a :class:`WireError` naming the offending field by its path on
the wire (``"ops[3].payload.title"``), so a 4xx reply can say exactly what was wrong.
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
import re
import uuid
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast

from vividverse_desktop.core.instants import instant_problem

E = TypeVar("E", bound=enum.Enum)

MAX_TEXT = 10_000
"""Default longest string (characters) for free-text fields."""

MAX_SCRIPT_TEXT = 2_000_000
"""Longest Fountain text (characters) a script version may carry."""


class WireError(ValueError):
    """A sync message that does not follow the protocol.

    ``field`` is the path of the offending field on the wire, or ``None`` when the
    message as a whole is wrong.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        if self.field is None:
            return self.message
        return f"{self.field}: {self.message}"


def join(where: str, key: str | int) -> str:
    """The wire path of ``key`` inside the object or array at ``where``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


_CANONICAL_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
"""The encoder ``json.dumps`` would build for canonical JSON, built once (it holds no state)."""

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A UUID's text exactly as ``str(uuid.UUID(...))`` writes it."""

_MEMBERS: dict[type[enum.Enum], dict[object, enum.Enum]] = {}
"""Per enum class, its members by value (the first member holding a value wins)."""


def canonical_json(value: Any) -> bytes:
    """``value`` as canonical JSON: sorted keys, no spaces, UTF-8, no NaN or infinity."""
    try:
        text = _CANONICAL_ENCODER.encode(value)
    except (TypeError, ValueError) as exc:
        raise WireError(f"cannot be written as JSON: {exc}") from None
    return text.encode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    """The lowercase hex SHA-256 of ``data`` (text is hashed as UTF-8)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def new_id() -> str:
    """A fresh random UUID in its canonical text form."""
    return str(uuid.uuid4())


class Reader:
    """Typed access to the fields of one JSON object; unknown fields are refused."""

    def __init__(self, data: object, where: str, allowed: Collection[str]) -> None:
        if type(data) is not dict and not isinstance(data, Mapping):
            raise WireError("must be a JSON object", where or None)
        for key in data:
            if key not in allowed:
                raise WireError("unknown field", join(where, str(key)))
        self.data: Mapping[str, Any] = data
        self.where = where

    def path(self, key: str) -> str:
        """The wire path of ``key`` in this object."""
        return join(self.where, key)

    def has(self, key: str) -> bool:
        """Whether ``key`` is present and not null."""
        return self.data.get(key) is not None

    def raw(self, key: str) -> Any:
        """The value of ``key`` as given (``None`` when absent)."""
        return self.data.get(key)

    def text(self, key: str, *, max_length: int = MAX_TEXT, allow_empty: bool = False) -> str:
        """A required string of at most ``max_length`` characters."""
        value = self.data.get(key)
        if not isinstance(value, str):
            raise WireError("must be a string", self.path(key))
        if not allow_empty and not value.strip():
            raise WireError("must not be empty", self.path(key))
        if len(value) > max_length:
            raise WireError(f"must be at most {max_length} characters", self.path(key))
        return value

    def optional_text(self, key: str, *, max_length: int = MAX_TEXT) -> str | None:
        """A string (possibly empty) or ``None`` when absent or null."""
        if self.data.get(key) is None:
            return None
        return self.text(key, max_length=max_length, allow_empty=True)

    def identifier(self, key: str) -> str:
        """A required UUID, returned in canonical lowercase form."""
        value = self.data.get(key)
        if type(value) is str and _CANONICAL_UUID.fullmatch(value):
            return value  # the common case, without making the path an error would name
        return parse_uuid(value, self.path(key))

    def optional_identifier(self, key: str) -> str | None:
        """A UUID or ``None`` when absent or null."""
        return None if self.data.get(key) is None else self.identifier(key)

    def integer(self, key: str, low: int, high: int) -> int:
        """A required whole number in ``[low, high]`` (bools and fractions refused)."""
        return parse_integer(self.data.get(key), low, high, self.path(key))

    def optional_integer(self, key: str, low: int, high: int) -> int | None:
        """A whole number in ``[low, high]`` or ``None`` when absent or null."""
        return None if self.data.get(key) is None else self.integer(key, low, high)

    def number(self, key: str, low: float, high: float) -> float:
        """A required finite number in ``[low, high]``, as a float."""
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise WireError("must be a number", self.path(key))
        number = float(value)
        if not math.isfinite(number) or not low <= number <= high:
            raise WireError(f"must be from {low:g} to {high:g}, not {value!r}", self.path(key))
        return number

    def optional_number(self, key: str, low: float, high: float) -> float | None:
        """A finite number in ``[low, high]`` or ``None`` when absent or null."""
        return None if self.data.get(key) is None else self.number(key, low, high)

    def boolean(self, key: str, default: bool | None = None) -> bool:
        """``true`` or ``false``; ``default`` (when given) if absent."""
        value = self.data.get(key)
        if value is None and default is not None:
            return default
        if not isinstance(value, bool):
            raise WireError("must be true or false", self.path(key))
        return value

    def timestamp(self, key: str) -> datetime:
        """A required ISO 8601 timestamp with a time zone."""
        value = self.data.get(key)
        stamp: datetime | None = None
        if isinstance(value, str) and len(value) <= 64:
            try:
                stamp = datetime.fromisoformat(value)
            except ValueError:
                stamp = None
        if stamp is None or stamp.utcoffset() is None:
            raise WireError(
                f"must be an ISO 8601 timestamp with a time zone, not {value!r}", self.path(key)
            )
        problem = instant_problem(stamp)
        if problem is not None:
            raise WireError(f"{problem}, not {value!r}", self.path(key))
        return stamp

    def choice(self, key: str, kind: type[E]) -> E:
        """A required member of the string enum ``kind``, by value."""
        value = self.data.get(key)
        if type(value) is str:  # hashable for sure: look it up instead of scanning
            found = _members(kind).get(value)
            if found is not None:
                return cast(E, found)
        for member in kind:
            if member.value == value:
                return member
        names = ", ".join(str(m.value) for m in kind)
        raise WireError(f"must be one of {names}, not {value!r}", self.path(key))

    def optional_choice(self, key: str, kind: type[E]) -> E | None:
        """A member of ``kind`` or ``None`` when absent or null."""
        return None if self.data.get(key) is None else self.choice(key, kind)

    def mapping(self, key: str) -> Mapping[str, Any]:
        """A required JSON object."""
        value = self.data.get(key)
        if not isinstance(value, Mapping):
            raise WireError("must be a JSON object", self.path(key))
        return value

    def array(self, key: str, max_items: int) -> list[Any]:
        """A required JSON array of at most ``max_items`` items."""
        value = self.data.get(key)
        if not isinstance(value, list):
            raise WireError("must be an array", self.path(key))
        if len(value) > max_items:
            raise WireError(f"must hold at most {max_items} items", self.path(key))
        return value


def _members(kind: type[enum.Enum]) -> dict[object, enum.Enum]:
    members = _MEMBERS.get(kind)
    if members is None:
        members = {}
        for member in kind:
            try:
                members.setdefault(member.value, member)
            except TypeError:  # an unhashable value: found by the scan in ``choice``
                continue
        _MEMBERS[kind] = members
    return members


def parse_uuid(value: object, where: str) -> str:
    """``value`` as a canonical UUID string; ``WireError`` naming ``where`` otherwise."""
    if type(value) is str and _CANONICAL_UUID.fullmatch(value):
        return value  # already what str(uuid.UUID(value)) would give
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str) and len(value) <= 64:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise WireError(f"must be a UUID, not {value!r}", where)


def parse_integer(value: object, low: int, high: int, where: str) -> int:
    """``value`` as an int in ``[low, high]``; bools and fractions are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise WireError(f"must be a whole number, not {value!r}", where)
    if not low <= value <= high:
        raise WireError(f"must be from {low} to {high}, not {value}", where)
    return value
