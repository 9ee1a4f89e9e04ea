"""Thumbnails and exports in the Screening Room: adding a note keeps a PNG of the decoded
frame (its frame code reads back as the note's frame) shown beside the note with its
scene; the notes export from the room as CSV and PDF."""

from __future__ import annotations

import csv
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.gui.screening_films import film, number_in, reviewer_session, wait_shown
from tests.gui.test_screening_drawing import drag
from tests.gui.test_screening_notes import choose_film, screening_room, write_note
from vividverse_desktop.core.wire.drawing import ShapeKind
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.studio import review, review_export


def test_a_note_keeps_a_thumbnail_and_the_notes_export(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    """Note at frame 33 (scene 2) with a box: its thumbnail is the decoded frame 33, shown
    as the item's icon; the item names the scene; CSV and PDF exports hold the note."""
    session, movie_id = reviewer_session(tmp_path / "rita.sqlite")
    room = screening_room(qtbot, runner, session)
    room.open_file(film(tmp_path, 24, 72))
    assert wait_shown(room.player, 0)
    assert wait_until(lambda: room.facts is not None)
    choose_film(room, movie_id)
    room.player.seek(33)
    assert wait_shown(room.player, 33)
    room.draw_bar.choose(ShapeKind.BOX)
    overlay = room.overlay
    drag(qtbot, room, (0.2, 0.2), (0.6, 0.6))
    write_note(qtbot, room, "The roof light flickers.")
    path = review_export.thumbnail_path(root=session.root, movie_id=movie_id, frame=33)
    assert wait_until(path.is_file)
    thumb = QImage(str(path))
    assert thumb.width() <= 240
    assert number_in(thumb) == 33
    notes = room.notes.list
    assert wait_until(lambda: notes.count() == 1 and not notes.item(0).icon().isNull())
    assert "2. EXT. ROOF - NIGHT" in notes.item(0).text()
    assert overlay.draft == []

    with qtbot.waitSignal(room.notes.export_button.exported, timeout=10_000):
        room.notes.export_button.export_to("csv", tmp_path / "notes.csv")
    with (tmp_path / "notes.csv").open(newline="", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["frame"], row["timecode"], row["scene"]) == (
        "33",
        "00:00:01:09",
        "2. EXT. ROOF - NIGHT",
    )
    assert row["text"] == "The roof light flickers."
    with qtbot.waitSignal(room.notes.export_button.exported, timeout=10_000):
        room.notes.export_button.export_to("pdf", tmp_path / "notes.pdf")
    page = PdfReader(tmp_path / "notes.pdf").pages[0]
    assert "The roof light flickers." in page.extract_text()
    assert len(page.images) == 1
    assert "Notes saved to notes.pdf" in room.notes.message.text()

    # A colleague's note (as a sync brings it) gets its thumbnail once paused on its frame.
    theirs = review.add_note(
        store=session.store, user_id="u-otto", movie_id=movie_id, frame=60,
        rate=room.player.rate, text="Car scene: hold longer.",
    )  # fmt: skip
    room.notes.hub.publish(theirs.changes)
    assert wait_until(lambda: notes.count() == 2)
    later = review_export.thumbnail_path(root=session.root, movie_id=movie_id, frame=60)
    assert not later.exists()
    room.player.seek(60)
    assert wait_shown(room.player, 60)
    assert wait_until(later.is_file)
    assert number_in(QImage(str(later))) == 60
    assert wait_until(lambda: not notes.item(1).icon().isNull())
    assert "3. INT. CAR - LATER" in notes.item(1).text()
    room.close()
    session.store.close()
