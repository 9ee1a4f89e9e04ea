"""studio.review: films held here, notes pinned to exact frames with their timecode,
written offline and synced, edited only by their authors, resolved by author or admin."""

from __future__ import annotations

import pytest

from tests.studio.conftest import Server, filmed
from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.studio import review
from vividverse_desktop.studio.errors import StudioError

pytestmark = pytest.mark.anyio

DF = FrameRate.of(29.97, drop_frame=True)


async def test_a_note_pinned_offline_reaches_the_server_with_its_drop_frame_timecode(
    server: Server,
) -> None:
    """The reviewer sees the film with its script's title; a note at frame 1800 of a
    29.97 DF film reads 00:01:00;02, syncs, and another reviewer sees it (its author by
    name where the store holds them: an admin's does)."""
    admin, movie_id = await filmed(server)
    reviewer = await server.desk("rita", "reviewer")
    await server.sync(reviewer)
    (film,) = review.movies(store=reviewer.store)
    assert film.movie.id == movie_id
    assert film.title == "Kettle"
    saved = review.add_note(
        store=reviewer.store,
        user_id=reviewer.user.id,
        movie_id=movie_id,
        frame=1800,
        frame_end=1830,
        rate=DF,
        text="  The cut lands a beat early.  ",
    )
    report = await server.sync(reviewer)
    assert report.accepted == 1
    other = await server.desk("otto", "reviewer")
    await server.sync(other)
    (seen,) = review.notes(store=other.store, movie_id=movie_id, viewer_id=other.user.id)
    assert seen.note.id == saved.note_id
    assert seen.note.timecode == "00:01:00;02"
    assert seen.rate == DF
    assert (seen.note.frame, seen.note.frame_end) == (1800, 1830)
    assert seen.note.text == "The cut lands a beat early."
    assert seen.author == "a colleague"
    assert not seen.resolved
    await server.sync(admin)
    (by_admin,) = review.notes(store=admin.store, movie_id=movie_id, viewer_id=admin.user.id)
    assert by_admin.author == "rita"
    (by_rita,) = review.notes(store=reviewer.store, movie_id=movie_id, viewer_id=reviewer.user.id)
    assert by_rita.author == "you"


@pytest.mark.parametrize(
    ("frame", "frame_end", "text", "message"),
    [
        (-1, None, "x", "0 or later"),
        (10, 5, "x", "end before it starts"),
        (10, None, "   ", "needs some text"),
        (10, None, "x" * 10_001, "at most"),
    ],
)
async def test_a_note_that_cannot_be_is_refused_with_a_sentence(
    server: Server, frame: int, frame_end: int | None, text: str, message: str
) -> None:
    """Nothing reaches the outbox."""
    _, movie_id = await filmed(server)
    reviewer = await server.desk("rita", "reviewer")
    await server.sync(reviewer)
    with pytest.raises(StudioError, match=message):
        review.add_note(
            store=reviewer.store,
            user_id=reviewer.user.id,
            movie_id=movie_id,
            frame=frame,
            frame_end=frame_end,
            rate=DF,
            text=text,
        )
    assert reviewer.store.outbox() == ()


async def test_only_the_author_edits_and_an_admin_may_resolve_anyones(server: Server) -> None:
    """Another reviewer may neither edit nor resolve; the admin resolves; the author sees it."""
    admin, movie_id = await filmed(server)
    rita = await server.desk("rita", "reviewer")
    await server.sync(rita)
    saved = review.add_note(
        store=rita.store, user_id=rita.user.id, movie_id=movie_id, frame=24, rate=DF, text="Hm."
    )
    review.edit_note(
        store=rita.store, user_id=rita.user.id, note_id=saved.note_id, text="Too dark here."
    )
    await server.sync(rita)
    otto = await server.desk("otto", "reviewer")
    await server.sync(otto)
    with pytest.raises(StudioError, match="only the note's author may edit"):
        review.edit_note(store=otto.store, user_id=otto.user.id, note_id=saved.note_id, text="!")
    with pytest.raises(StudioError, match="author or an admin"):
        review.set_note_status(
            store=otto.store,
            user_id=otto.user.id,
            roles=frozenset({Role.REVIEWER}),
            note_id=saved.note_id,
            status=review.NoteStatus.RESOLVED,
        )
    assert otto.store.outbox() == ()
    await server.sync(admin)
    review.set_note_status(
        store=admin.store,
        user_id=admin.user.id,
        roles=frozenset({Role.ADMIN}),
        note_id=saved.note_id,
        status=review.NoteStatus.RESOLVED,
    )
    report = await server.sync(admin)
    assert report.accepted == 1
    await server.sync(rita)
    (seen,) = review.notes(store=rita.store, movie_id=movie_id, viewer_id=rita.user.id)
    assert seen.note.text == "Too dark here."
    assert seen.resolved
