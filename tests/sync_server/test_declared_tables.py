"""The server's tables hold every declared field of the records they serve.

With ``test_migrations`` (the migrated schema is the models'), this ties a record's field
list to the columns the migrations make: a field added to a record without its column, or
a column without its field or a place below, fails here.
"""

from __future__ import annotations

from typing import Any

import pytest

from sync_server import models
from sync_server.records import VERSION_COLUMNS
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import (
    MovieRecord,
    NoteReplyRecord,
    ReviewNoteRecord,
    ScriptRecord,
    ScriptVersionRecord,
    UserRecord,
)
from vividverse_desktop.core.wire.schema import spec_of

TABLES: list[tuple[type, type[models.Base], dict[str, str], set[str]]] = [
    (UserRecord, models.User, {}, {"password_hash", "token_version", "created_at", "usn"}),
    (ScriptRecord, models.Script, {}, {"updated_at", "usn"}),
    (
        ScriptVersionRecord,
        models.ScriptVersion,
        VERSION_COLUMNS,
        {"usn", "blind_text", "blind_sha256"},
    ),
    (MovieRecord, models.Movie, {}, {"chapters", "created_at", "updated_at", "usn"}),
    (ReviewNoteRecord, models.ReviewNote, {}, {"updated_at", "usn"}),
    (NoteReplyRecord, models.NoteReply, {}, {"updated_at", "usn"}),
    (ScoreEvent, models.ScoreEvent, {}, {"received_at"}),
]
"""Record, its table, fields whose column has another name, and the server's own columns."""


@pytest.mark.parametrize(
    ("record", "model", "columns", "server_only"),
    TABLES,
    ids=[record.__name__ for record, *_ in TABLES],
)
def test_each_table_has_a_column_for_every_field_of_its_record(
    record: type, model: Any, columns: dict[str, str], server_only: set[str]
) -> None:
    """Every declared field has its column; every other column is the server's own;
    an optional field's column takes NULL and a required one's does not."""
    table = model.__table__
    fields = {columns.get(f.name, f.name): f for f in spec_of(record).fields}
    assert set(table.columns.keys()) == set(fields) | server_only
    nullable = {name for name in fields if table.columns[name].nullable}
    optional = {name for name, f in fields.items() if f.optional}
    assert nullable ^ optional == NULLABLE_EXCEPTIONS.get(model, set())


NULLABLE_EXCEPTIONS: dict[type[models.Base], set[str]] = {
    models.ScoreEvent: {"usn", "device_id"},
}
"""Columns whose NULL-ness differs from their field's: a stored score always has its usn
(the event's is None until the server accepts it), and a score made through the seed API
may have no device (read as "server")."""
