"""studio.review threads and drawings: replies to a note written offline and synced,
edited only by their authors; a drawing on a note's frame kept through edits and syncs."""

from __future__ import annotations

import pytest

from tests.studio.conftest import Desk, Server, filmed
from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.core.wire import (
    Arrow,
    Box,
    Drawing,
    Label,
    NoteReplyEdit,
    Op,
    Pen,
    ReviewNoteEdit,
)
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.studio import outbox, review
from vividverse_desktop.studio.errors import StudioError

pytestmark = pytest.mark.anyio

FPS24 = FrameRate.of(24)
SKETCH = Drawing.of(
    Pen(((0.2, 0.2), (0.25, 0.3), (0.3, 0.2))),
    Arrow((0.9, 0.9), (0.6, 0.55), "#ffcc00", 0.006),
    Label((0.05, 0.05), "boom mic in shot", "#ffffff", 0.03),
)


async def noted(server: Server) -> tuple[Desk, str, str]:
    """A reviewer who pinned a note (unsent) to a film: their desk, the film and the note."""
    _, movie_id = await filmed(server)
    rita = await server.desk("rita", "reviewer")
    await server.sync(rita)
    note = review.add_note(
        store=rita.store, user_id=rita.user.id, movie_id=movie_id, frame=48, rate=FPS24, text="?"
    )
    return rita, movie_id, note.note_id


async def test_a_thread_of_replies_syncs_with_its_authors(server: Server) -> None:
    """Replies written offline show in the note's thread at once, oldest first; after a
    sync the other reviewer sees the thread with "you" for their own."""
    rita, movie_id, note_id = await noted(server)
    otto = await server.desk("otto", "reviewer")
    first = review.reply_to_note(
        store=rita.store, user_id=rita.user.id, note_id=note_id, text="  Too dark.  "
    )
    (view,) = review.notes(store=rita.store, movie_id=movie_id, viewer_id=rita.user.id)
    assert [(r.reply.text, r.author) for r in view.replies] == [("Too dark.", "you")]
    assert [item.what for item in outbox.items(store=rita.store)][-1] == "Reply on ‘Kettle’"
    assert (await server.sync(rita)).accepted == 2
    await server.sync(otto)
    review.reply_to_note(
        store=otto.store, user_id=otto.user.id, note_id=note_id, text="Lifted in v2."
    )
    await server.sync(otto)
    await server.sync(rita)
    thread = review.thread(store=rita.store, note_id=note_id, viewer_id=rita.user.id)
    assert [(r.reply.text, r.author) for r in thread] == [
        ("Too dark.", "you"),
        ("Lifted in v2.", "a colleague"),
    ]
    assert thread[0].reply.id == first.reply_id
    assert {r.reply.movie_id for r in thread} == {movie_id}


async def test_only_a_replys_author_edits_it(server: Server) -> None:
    """The author's edit syncs; another reviewer is refused here, and by the server when
    the edit is forced into the outbox (kept there with the reason)."""
    rita, _, note_id = await noted(server)
    reply = review.reply_to_note(
        store=rita.store, user_id=rita.user.id, note_id=note_id, text="first"
    )
    review.edit_reply(store=rita.store, user_id=rita.user.id, reply_id=reply.reply_id, text="2nd")
    assert (await server.sync(rita)).accepted == 3
    otto = await server.desk("otto", "reviewer")
    await server.sync(otto)
    with pytest.raises(StudioError, match="only the reply's author may edit it"):
        review.edit_reply(store=otto.store, user_id=otto.user.id, reply_id=reply.reply_id, text="!")
    held = otto.store.note_reply(reply.reply_id)
    assert held is not None
    assert (held.text, held.revision) == ("2nd", 2)
    forged = NoteReplyEdit(held.id, held.note_id, "Rewritten by otto.", held.revision)
    otto.store.record(Op.of(forged), user_id=otto.user.id)
    assert (await server.sync(otto)).forbidden == 1
    (item,) = outbox.items(store=otto.store)
    assert item.state is outbox.State.REFUSED
    await server.sync(rita)
    (kept,) = review.thread(store=rita.store, note_id=note_id, viewer_id=rita.user.id)
    assert kept.reply.text == "2nd"


async def test_a_reply_needs_text_and_a_note(server: Server) -> None:
    """Nothing reaches the outbox for an empty reply or one to a note not held here."""
    rita, movie_id, note_id = await noted(server)
    waiting = len(rita.store.outbox())
    with pytest.raises(StudioError, match="a reply needs some text"):
        review.reply_to_note(store=rita.store, user_id=rita.user.id, note_id=note_id, text=" ")
    with pytest.raises(StudioError, match="no note"):
        review.reply_to_note(
            store=rita.store, user_id=rita.user.id, note_id=movie_id, text="Orphan"
        )
    assert len(rita.store.outbox()) == waiting


async def test_a_drawing_survives_sync_edits_and_resolving(server: Server) -> None:
    """The shapes reach another reviewer unchanged; editing the text keeps them, the
    admin resolving keeps them, and an empty drawing removes them."""
    admin, movie_id = await filmed(server)
    rita = await server.desk("rita", "reviewer")
    await server.sync(rita)
    saved = review.add_note(
        store=rita.store,
        user_id=rita.user.id,
        movie_id=movie_id,
        frame=120,
        frame_end=144,
        rate=FPS24,
        text="Boom in shot.",
        drawing=SKETCH,
    )
    (mine,) = review.notes(store=rita.store, movie_id=movie_id, viewer_id=rita.user.id)
    assert mine.drawing == SKETCH
    review.edit_note(
        store=rita.store, user_id=rita.user.id, note_id=saved.note_id, text="Boom mic in shot."
    )
    await server.sync(rita)
    await server.sync(admin)
    review.set_note_status(
        store=admin.store,
        user_id=admin.user.id,
        roles=frozenset({Role.ADMIN}),
        note_id=saved.note_id,
        status=review.NoteStatus.RESOLVED,
    )
    await server.sync(admin)
    otto = await server.desk("otto", "reviewer")
    await server.sync(otto)
    (seen,) = review.notes(store=otto.store, movie_id=movie_id, viewer_id=otto.user.id)
    assert (seen.note.text, seen.resolved, seen.drawing) == ("Boom mic in shot.", True, SKETCH)
    await server.sync(rita)
    reboxed = Drawing.of(Box((0.1, 0.1), (0.3, 0.3)))
    review.edit_note(
        store=rita.store, user_id=rita.user.id, note_id=saved.note_id, text="Box.", drawing=reboxed
    )
    (boxed,) = review.notes(store=rita.store, movie_id=movie_id, viewer_id=rita.user.id)
    assert boxed.drawing == reboxed
    review.edit_note(
        store=rita.store,
        user_id=rita.user.id,
        note_id=saved.note_id,
        text="None.",
        drawing=Drawing(),
    )
    await server.sync(rita)
    await server.sync(otto)
    (cleared,) = review.notes(store=otto.store, movie_id=movie_id, viewer_id=otto.user.id)
    assert (cleared.note.text, cleared.drawing) == ("None.", None)


async def test_a_drawing_that_is_not_a_drawing_is_refused(server: Server) -> None:
    """A list of shapes instead of a ``Drawing`` is refused with a sentence, unqueued."""
    _, movie_id = await filmed(server)
    rita = await server.desk("rita", "reviewer")
    await server.sync(rita)
    with pytest.raises(StudioError, match="must be a Drawing of shapes"):
        review.add_note(
            store=rita.store,
            user_id=rita.user.id,
            movie_id=movie_id,
            frame=1,
            rate=FPS24,
            text="x",
            drawing=[Box((0, 0), (1, 1))],  # type: ignore[arg-type]
        )
    assert rita.store.outbox() == ()


def _drawing_on_server(server: Server, note_id: str) -> object:
    """The note's drawing as the server's database holds it (its JSON, or None)."""
    import uuid

    from sync_server import models

    with server.app.state.context.database.snapshot() as session:
        note = session.get(models.ReviewNote, uuid.UUID(note_id))
        assert note is not None
        return note.drawing


async def test_the_author_removes_a_drawing_offline_and_the_removal_syncs(
    server: Server,
) -> None:
    """Removed offline: gone here at once (text, frames and status kept), queued, and still
    on the server until the sync; after it another reviewer pulls the note without it.
    Nobody else may remove it, a note without a drawing says so, and a removal forged past
    the desk's check is refused by the server with the drawing left standing."""
    _, movie_id = await filmed(server)
    rita = await server.desk("rita", "reviewer")
    otto = await server.desk("otto", "reviewer")
    await server.sync(rita)
    kept = review.add_note(
        store=rita.store, user_id=rita.user.id, movie_id=movie_id, frame=10, frame_end=14,
        rate=FPS24, text="Keep this one.", drawing=SKETCH,
    )  # fmt: skip
    gone = review.add_note(
        store=rita.store, user_id=rita.user.id, movie_id=movie_id, frame=30, rate=FPS24,
        text="Boom in shot.", drawing=SKETCH,
    )  # fmt: skip
    await server.sync(rita)
    await server.sync(otto)
    with pytest.raises(StudioError, match="only the note's author may remove its drawing"):
        review.remove_drawing(store=otto.store, user_id=otto.user.id, note_id=gone.note_id)
    assert otto.store.outbox() == ()

    saved = review.remove_drawing(store=rita.store, user_id=rita.user.id, note_id=gone.note_id)
    assert saved.note_id == gone.note_id
    views = review.notes(store=rita.store, movie_id=movie_id, viewer_id=rita.user.id)
    by_id = {v.note.id: v for v in views}
    after = by_id[gone.note_id]
    assert after.drawing is None
    assert (after.note.text, after.note.frame, after.note.frame_end, after.resolved) == (
        "Boom in shot.", 30, None, False,
    )  # fmt: skip
    assert by_id[kept.note_id].drawing == SKETCH
    assert len(rita.store.outbox()) == 1
    assert _drawing_on_server(server, gone.note_id) == SKETCH.to_json()
    with pytest.raises(StudioError, match="no drawing to remove"):
        review.remove_drawing(store=rita.store, user_id=rita.user.id, note_id=gone.note_id)

    assert (await server.sync(rita)).accepted == 1
    assert _drawing_on_server(server, gone.note_id) is None
    await server.sync(otto)
    seen = {v.note.id: v for v in review.notes(
        store=otto.store, movie_id=movie_id, viewer_id=otto.user.id
    )}  # fmt: skip
    assert seen[gone.note_id].drawing is None
    assert seen[gone.note_id].note.text == "Boom in shot."
    assert seen[kept.note_id].drawing == SKETCH

    note = otto.store.review_note(kept.note_id)
    assert note is not None
    forged = ReviewNoteEdit(
        note_id=note.id, movie_id=note.movie_id, frame=note.frame, frame_end=note.frame_end,
        fps=note.fps, timecode=note.timecode, text=note.text, status=note.status,
        base_revision=note.revision, drawing=None,
    )  # fmt: skip
    otto.store.record(Op.of(forged), user_id=otto.user.id)
    assert (await server.sync(otto)).forbidden == 1
    assert _drawing_on_server(server, kept.note_id) == SKETCH.to_json()
