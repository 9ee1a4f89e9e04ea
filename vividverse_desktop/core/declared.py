"""One declared field list per synced record, from which its JSON and its rows follow.

A record (or op body) is a frozen dataclass whose fields say what they are on the wire
with ``typing.Annotated``::

    @dataclass(frozen=True, slots=True)
    class NoteReplyRecord:
        id: Uuid                                           # "id", a UUID
        text: Annotated[str, Text()]                       # "text", not blank
        revision: Annotated[int, Whole(1, MAX_REVISION)]   # "revision"
        created_at: Stamp                                  # "createdAt", ISO 8601
        edited_at: Stamp | None = None                     # "editedAt", optional

Everything else follows from that one list:

- the wire key is the field's name in camelCase (``created_at`` -> ``createdAt``) unless
  the kind names another (``Text(key="...")``);
- a type that admits ``None`` makes the field optional: absent and ``null`` read as None,
  and None is written as ``null`` (or left out, with ``omit_none=True``: do that for a
  field added to an op body later, so that older servers still accept the op and an op
  made before keeps its payload hash);
- a field with a dataclass default takes it when the key is absent or ``null``;
- :func:`read_record` reads an object strictly (unknown fields refused, every error a
  ``WireError`` naming the field's path) and :func:`write_record` writes one;
- :func:`row_values`, :func:`fill_row` and :func:`record_from_row` copy a record to and
  from a table row whose columns are named like its fields (a side may rename some).

Pure: no database here. The store and the server hand their ORM rows to the copiers, and
tests check that each table has a column for every field of its record.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Annotated, Any, TypeVar

from vividverse_desktop.core.strict_json import MAX_TEXT, Reader

T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Kind:
    """What one field is on the wire, and how its value is kept in a column.

    Subclasses implement ``read`` (the key is present and not null), and may change
    ``write``, ``to_column`` and ``from_column`` (never given None).
    """

    key: str | None = None
    """The wire key, when it is not the field's name in camelCase."""
    omit_none: bool = False
    """Leave the key out of the JSON when the value is None (instead of ``null``)."""

    def read(self, read: Reader, key: str) -> Any:
        """The value at ``key`` of the object being read; ``WireError`` if it is bad."""
        raise NotImplementedError

    def write(self, value: Any) -> Any:
        """The value's JSON."""
        return value

    def to_column(self, value: Any, ids: Callable[[str], Any]) -> Any:
        """The value as a column holds it (``ids`` makes a UUID column's value)."""
        return value

    def from_column(self, value: Any) -> Any:
        """The value a column holds, as the record keeps it."""
        return value


@dataclasses.dataclass(frozen=True, slots=True)
class Id(Kind):
    """A UUID, kept in canonical lowercase text."""

    def read(self, read: Reader, key: str) -> str:
        return read.identifier(key)

    def to_column(self, value: Any, ids: Callable[[str], Any]) -> Any:
        return ids(value)

    def from_column(self, value: Any) -> str:
        return str(value)


@dataclasses.dataclass(frozen=True, slots=True)
class Text(Kind):
    """A string of at most ``max_length`` characters; blank only with ``allow_empty``."""

    max_length: int = MAX_TEXT
    allow_empty: bool = False

    def read(self, read: Reader, key: str) -> str:
        return read.text(key, max_length=self.max_length, allow_empty=self.allow_empty)


@dataclasses.dataclass(frozen=True, slots=True)
class Whole(Kind):
    """A whole number from ``low`` to ``high``."""

    low: int
    high: int

    def read(self, read: Reader, key: str) -> int:
        return read.integer(key, self.low, self.high)


@dataclasses.dataclass(frozen=True, slots=True)
class Number(Kind):
    """A finite number from ``low`` to ``high``, kept and written as a float."""

    low: float
    high: float

    def read(self, read: Reader, key: str) -> float:
        return read.number(key, self.low, self.high)

    def write(self, value: Any) -> float:
        return float(value)


@dataclasses.dataclass(frozen=True, slots=True)
class Flag(Kind):
    """``true`` or ``false``."""

    def read(self, read: Reader, key: str) -> bool:
        return read.boolean(key)


@dataclasses.dataclass(frozen=True, slots=True)
class Instant(Kind):
    """An ISO 8601 timestamp with a time zone."""

    def read(self, read: Reader, key: str) -> datetime:
        return read.timestamp(key)

    def write(self, value: Any) -> str:
        return str(value.isoformat())


@dataclasses.dataclass(frozen=True, slots=True)
class OneOf(Kind):
    """A member of the string enum ``choices``, by value (its value in a column too)."""

    choices: type[enum.Enum]

    def read(self, read: Reader, key: str) -> enum.Enum:
        return read.choice(key, self.choices)

    def write(self, value: Any) -> Any:
        return value.value

    def to_column(self, value: Any, ids: Callable[[str], Any]) -> Any:
        return value.value

    def from_column(self, value: Any) -> enum.Enum:
        return self.choices(value)


@dataclasses.dataclass(frozen=True, slots=True)
class Object(Kind):
    """A JSON object, kept read-only."""

    def read(self, read: Reader, key: str) -> Mapping[str, Any]:
        return MappingProxyType(dict(read.mapping(key)))

    def write(self, value: Any) -> dict[str, Any]:
        return dict(value)

    def to_column(self, value: Any, ids: Callable[[str], Any]) -> dict[str, Any]:
        return dict(value)

    def from_column(self, value: Any) -> Mapping[str, Any]:
        return MappingProxyType(dict(value))


Uuid = Annotated[str, Id()]
"""A record's id, or a reference to another record."""
Stamp = Annotated[datetime, Instant()]
"""A moment, such as when a record was created."""


@dataclasses.dataclass(frozen=True, slots=True)
class WireField:
    """One declared field of a record: its name, wire key, kind and what absence means."""

    name: str
    key: str
    kind: Kind
    optional: bool
    """None is a value: ``null`` on the wire, NULL in a column."""
    default: Callable[[], Any] | None
    """Makes the value of an absent (or null) key; None when the key is required."""


@dataclasses.dataclass(frozen=True, slots=True)
class RecordSpec:
    """The declared fields of one record class, in declaration order."""

    cls: type
    fields: tuple[WireField, ...]
    keys: frozenset[str]
    writes: tuple[tuple[str, str, Callable[[Any], Any] | None, bool], ...]
    """Per field: name, key, its kind's ``write`` (None when it writes values as they
    are) and ``omit_none``; what :func:`write_record` runs."""


def camel_case(name: str) -> str:
    """``created_at`` -> ``createdAt``: a field's wire key."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _kind_and_optional(hint: Any) -> tuple[Kind | None, bool]:
    """The kind an annotation declares (the outermost), and whether it admits None."""
    found: list[Kind] = []
    optional = False

    def visit(part: Any) -> None:
        nonlocal optional
        origin = typing.get_origin(part)
        if origin is Annotated:
            found.extend(meta for meta in reversed(part.__metadata__) if isinstance(meta, Kind))
            visit(typing.get_args(part)[0])
        elif origin in (typing.Union, types.UnionType):
            for member in typing.get_args(part):
                visit(member)
        elif part is type(None):
            optional = True

    visit(hint)
    return (found[0] if found else None), optional


def _default(field: dataclasses.Field[Any]) -> Callable[[], Any] | None:
    if field.default is not dataclasses.MISSING:
        value = field.default
        return lambda: value
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory
    return None


_SPECS: dict[type, RecordSpec] = {}


def spec_of(cls: type) -> RecordSpec:
    """The declared fields of the dataclass ``cls``; ``TypeError`` for a field without a kind."""
    spec = _SPECS.get(cls)
    if spec is None:
        spec = _SPECS[cls] = _declared(cls)
    return spec


def _declared(cls: type) -> RecordSpec:
    hints = typing.get_type_hints(cls, include_extras=True)
    declared: list[WireField] = []
    for field in dataclasses.fields(cls):
        if not field.init:
            continue
        kind, optional = _kind_and_optional(hints[field.name])
        if kind is None:
            raise TypeError(f"{cls.__name__}.{field.name} does not say what it is on the wire")
        key = kind.key or camel_case(field.name)
        declared.append(WireField(field.name, key, kind, optional, _default(field)))
    fields = tuple(declared)
    writes = tuple((f.name, f.key, _writer(f.kind), f.kind.omit_none) for f in fields)
    return RecordSpec(cls, fields, frozenset(f.key for f in fields), writes)


def _writer(kind: Kind) -> Callable[[Any], Any] | None:
    return None if type(kind).write is Kind.write else kind.write


Check = Callable[[Reader, dict[str, Any]], None]
"""A rule across fields, run on the values read; raises ``WireError`` naming a field."""


def read_record(cls: type[T], data: object, where: str = "", check: Check | None = None) -> T:
    """An instance of ``cls`` from its JSON object, every field checked.

    Unknown keys are refused; each field is read in declaration order, then ``check``
    runs. Every error is a ``WireError`` naming the field's path under ``where``.
    """
    spec = spec_of(cls)
    read = Reader(data, where, spec.keys)
    values: dict[str, Any] = {}
    for field in spec.fields:
        if read.has(field.key) or (not field.optional and field.default is None):
            values[field.name] = field.kind.read(read, field.key)
        elif field.optional:
            values[field.name] = None
        else:
            assert field.default is not None
            values[field.name] = field.default()
    if check is not None:
        check(read, values)
    return cls(**values)


def write_record(record: object) -> dict[str, Any]:
    """The record's JSON object: every declared field under its key."""
    data: dict[str, Any] = {}
    for name, key, write, omit_none in spec_of(type(record)).writes:
        value = getattr(record, name)
        if value is None:
            if not omit_none:
                data[key] = None
        else:
            data[key] = value if write is None else write(value)
    return data


def carried(source: object, cls: type[T], **given: Any) -> T:
    """A ``cls`` with every field of ``source`` that it declares under the same name,
    then ``given``: an edit of a record keeps whatever the edit does not change, fields
    added later included."""
    names = {f.name for f in spec_of(type(source)).fields}
    values = {f.name: getattr(source, f.name) for f in spec_of(cls).fields if f.name in names}
    return cls(**{**values, **given})


def _keep(ids: str) -> str:
    return ids


def row_values(
    record: object,
    *,
    ids: Callable[[str], Any] = _keep,
    columns: Mapping[str, str] | None = None,
    skip: Iterable[str] = (),
) -> dict[str, Any]:
    """The record's fields as column values, by column name (a field's name unless
    ``columns`` renames it); UUIDs go through ``ids``; fields in ``skip`` are left out."""
    renamed = columns or {}
    left_out = frozenset(skip)
    values: dict[str, Any] = {}
    for field in spec_of(type(record)).fields:
        if field.name in left_out:
            continue
        value = getattr(record, field.name)
        column = renamed.get(field.name, field.name)
        values[column] = None if value is None else field.kind.to_column(value, ids)
    return values


def fill_row(
    row: object,
    record: object,
    *,
    ids: Callable[[str], Any] = _keep,
    columns: Mapping[str, str] | None = None,
    skip: Iterable[str] = (),
) -> None:
    """Copy the record's fields into the row's columns (see :func:`row_values`).

    ``AttributeError`` when the row's class has no such column: a field never lands in
    an attribute the database does not keep.
    """
    model = type(row)
    for column, value in row_values(record, ids=ids, columns=columns, skip=skip).items():
        if not hasattr(model, column):
            raise AttributeError(f"{model.__name__} has no column {column!r}")
        setattr(row, column, value)


def record_from_row(
    cls: type[T], row: object, *, columns: Mapping[str, str] | None = None, **given: Any
) -> T:
    """The ``cls`` a row holds: each field from its column (``given`` values win).

    A NULL column gives None for an optional field and the default for a field that has
    one.
    """
    renamed = columns or {}
    values: dict[str, Any] = {}
    for field in spec_of(cls).fields:
        if field.name in given:
            continue
        value = getattr(row, renamed.get(field.name, field.name))
        if value is not None:
            values[field.name] = field.kind.from_column(value)
        elif field.optional or field.default is None:
            values[field.name] = None
        else:
            values[field.name] = field.default()
    values.update(given)
    return cls(**values)
