"""The sync protocol's message types, shared by the desktop client and the sync server.

Pure and stdlib-only (plus core). Every type is a frozen dataclass with ``to_json`` and a
strict ``from_json`` that raises :class:`WireError` naming the offending field. Keys on
the wire are camelCase, like the seed API and ``ScoreEvent``. Records and op bodies
declare their fields once (``schema``): their JSON and their table rows follow from that.

The protocol (DESIGN.md §4)
---------------------------
Push, ``POST /api/sync/push`` with :class:`PushRequest` ``{deviceId, ops}``:

- Each :class:`Op` carries ``opId``, a UUID the client made when the user acted, its
  ``kind`` and ``payload``. The client keeps ops in its outbox, in the order they were
  made, and sends them in batches of at most ``MAX_PUSH_OPS``.
- The server applies a batch in one transaction and answers :class:`PushResponse`, one
  :class:`PushResult` per op naming its ``opId``:
  ``accepted`` (applied now under ``usn``), ``duplicate`` (already applied with the same
  payload: the same as accepted), ``conflict`` (409: the id is known with another payload,
  or the edit was stale; both versions are carried), ``forbidden`` (403: the user's role
  may not do this, e.g. revoked while offline) or ``invalid`` (4xx with a message).
- "Same payload" means equal ``Op.payload_sha256``: SHA-256 of the canonical JSON
  (sorted keys, no spaces, UTF-8) of ``{"kind", "payload"}``. ``createdAt`` is not part
  of it. Pushing the same op twice changes nothing.
- The client deletes an op from its outbox only when a reply names it as accepted or
  duplicate. Conflicting, forbidden and invalid ops stay in the outbox, visible to the
  user; ops a reply does not name (a lost reply, a dropped connection) stay pending and are
  sent again.
- Mutable records (script metadata, movie progress, review notes) are edited against a
  ``baseRevision``: the server applies the edit only if it is still the record's current
  revision; otherwise the result is a ``stale`` conflict with the server's record, never a
  silent last-writer-wins.

Pull, ``GET /api/sync/pull?since=USN`` answered by :class:`PullResponse`
``{changes, nextSince, hasMore}``:

- Every change the server commits gets an update sequence number (USN) from one counter.
  A :class:`Change` carries a record's whole state as of its ``usn``; a page holds the
  changes with ``since < usn`` in usn order (``PULL_PAGE_SIZE`` of them, ~250).
- The client applies a page in one transaction, idempotently (a record already held at
  the same or a newer usn is left alone), and stores ``nextSince`` in that same
  transaction; it asks again while ``hasMore``.
- Nothing is ever ordered by client clocks: ``createdAt`` fields are for display only.
  Order comes from the outbox (unsent ops) and from USNs (everything the server accepted).
- A client pushes before it pulls, so its own unsent edits are not mistaken for stale.
"""

from __future__ import annotations

from vividverse_desktop.core.wire.drawing import Arrow, Box, Drawing, Label, Pen, Shape
from vividverse_desktop.core.wire.exchange import (
    MAX_PULL_PAGE,
    MAX_PUSH_OPS,
    MAX_USN,
    PULL_PAGE_SIZE,
    Change,
    Conflict,
    ConflictReason,
    Outcome,
    PullResponse,
    PushRequest,
    PushResponse,
    PushResult,
    Record,
    RefusedOp,
    decode_record,
    entity_of,
    read_push,
    usn_cursor,
)
from vividverse_desktop.core.wire.fields import WireError, canonical_json, new_id, sha256_hex
from vividverse_desktop.core.wire.ops import (
    OP_ENTITY,
    Body,
    Op,
    OpKind,
    ScriptMetadata,
    ScriptRevision,
    ScriptSubmission,
)
from vividverse_desktop.core.wire.records import (
    Entity,
    MovieRecord,
    NoteReplyRecord,
    ReviewNoteRecord,
    ScriptRecord,
    ScriptVersionRecord,
    SourceFormat,
    UserRecord,
    content_sha256,
)
from vividverse_desktop.core.wire.review_ops import (
    MovieDecision,
    MovieProgress,
    NoteReplyEdit,
    ReviewNoteEdit,
)

__all__ = [
    "MAX_PULL_PAGE",
    "MAX_PUSH_OPS",
    "MAX_USN",
    "OP_ENTITY",
    "PULL_PAGE_SIZE",
    "Arrow",
    "Body",
    "Box",
    "Change",
    "Conflict",
    "ConflictReason",
    "Drawing",
    "Entity",
    "Label",
    "MovieDecision",
    "MovieProgress",
    "MovieRecord",
    "NoteReplyEdit",
    "NoteReplyRecord",
    "Op",
    "OpKind",
    "Outcome",
    "Pen",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "PushResult",
    "Record",
    "RefusedOp",
    "ReviewNoteEdit",
    "ReviewNoteRecord",
    "ScriptMetadata",
    "ScriptRecord",
    "ScriptRevision",
    "ScriptSubmission",
    "ScriptVersionRecord",
    "Shape",
    "SourceFormat",
    "UserRecord",
    "WireError",
    "canonical_json",
    "content_sha256",
    "decode_record",
    "entity_of",
    "new_id",
    "read_push",
    "sha256_hex",
    "usn_cursor",
]
