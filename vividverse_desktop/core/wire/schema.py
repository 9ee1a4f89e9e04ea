"""One declared field list per synced record, from which its JSON and its rows follow.

Kept in ``core.declared`` (so that ``core.scoring`` can declare the score event's
fields without importing the wire package); re-exported here under its old name.
"""

from vividverse_desktop.core.declared import (
    Check,
    Flag,
    Id,
    Instant,
    Kind,
    Number,
    Object,
    OneOf,
    RecordSpec,
    Stamp,
    Text,
    Uuid,
    Whole,
    WireField,
    camel_case,
    carried,
    fill_row,
    read_record,
    record_from_row,
    row_values,
    spec_of,
    write_record,
)

__all__ = [
    "Check",
    "Flag",
    "Id",
    "Instant",
    "Kind",
    "Number",
    "Object",
    "OneOf",
    "RecordSpec",
    "Stamp",
    "Text",
    "Uuid",
    "Whole",
    "WireField",
    "camel_case",
    "carried",
    "fill_row",
    "read_record",
    "record_from_row",
    "row_values",
    "spec_of",
    "write_record",
]
