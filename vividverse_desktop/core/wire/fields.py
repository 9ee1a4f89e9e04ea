"""Strict reading of wire JSON objects, canonical JSON and the payload hash.

Kept in ``core.strict_json`` (so that ``core.scoring`` can use it without importing the
wire package); re-exported here under its old name.
"""

from vividverse_desktop.core.strict_json import (
    MAX_SCRIPT_TEXT,
    MAX_TEXT,
    Reader,
    WireError,
    canonical_json,
    join,
    new_id,
    parse_integer,
    parse_uuid,
    sha256_hex,
)

__all__ = [
    "MAX_SCRIPT_TEXT",
    "MAX_TEXT",
    "Reader",
    "WireError",
    "canonical_json",
    "join",
    "new_id",
    "parse_integer",
    "parse_uuid",
    "sha256_hex",
]
