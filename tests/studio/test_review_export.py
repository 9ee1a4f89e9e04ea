"""Exporting a film's notes from a real store: CSV parsed back by the csv module, an EDL
whose locators OpenTimelineIO's CMX 3600 reader turns into markers at the notes' frames,
and a PDF read back by pypdf with the thumbnail and the drawing in it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import opentimelineio as otio  # type: ignore[import-untyped]
import pytest
from pypdf import PdfReader

from tests.gui.screening_films import CHAPTERS, reviewer_session
from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.core.wire import Arrow, Box, Drawing
from vividverse_desktop.studio import review, review_export
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.screening import Chapter

FRAMES = 72
SCENES = tuple(
    Chapter(i, title, first, (CHAPTERS[i + 1][1] if i + 1 < len(CHAPTERS) else FRAMES) - 1)
    for i, (title, first) in enumerate(CHAPTERS)
)


def _png() -> bytes:
    """A small real PNG (a mid-grey 64x48 frame), as the player would keep."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(90, 120, 160))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def _noted(tmp_path: Path, rate: FrameRate):  # type: ignore[no-untyped-def]
    session, movie_id = reviewer_session(tmp_path / "store.sqlite")
    store, user = session.store, session.user_id
    drawing = Drawing.of(Box((0.25, 0.25), (0.75, 0.75)), Arrow((0.1, 0.9), (0.3, 0.7)))
    review.add_note(
        store=store, user_id=user, movie_id=movie_id, frame=33, rate=rate,
        text='Door slams early, "too loud", cut 2 frames', drawing=drawing,
    )  # fmt: skip
    ranged = review.add_note(
        store=store, user_id=user, movie_id=movie_id, frame=5, frame_end=20, rate=rate,
        text="Hold the look\nlonger",
    )  # fmt: skip
    review.set_note_status(
        store=store, user_id=user, roles=session.roles, note_id=ranged.note_id,
        status=review.NoteStatus.RESOLVED,
    )  # fmt: skip
    review.reply_to_note(store=store, user_id=user, note_id=ranged.note_id, text="Done.")
    review_export.keep_thumbnail(root=tmp_path, movie_id=movie_id, frame=33, png=_png())
    return session, movie_id


def _export(tmp_path: Path, kind: str, rate: FrameRate) -> Path:
    session, movie_id = _noted(tmp_path, rate)
    try:
        return review_export.export_notes(
            store=session.store, movie_id=movie_id, viewer_id=session.user_id, kind=kind,
            path=tmp_path / f"notes.{kind}", chapters=SCENES, root=tmp_path, rate=rate,
            frames=FRAMES, aspect=4 / 3,
        )  # fmt: skip
    finally:
        session.store.close()


def test_csv_holds_one_row_per_note_in_frame_order(tmp_path: Path) -> None:
    """Columns frame, timecode, scene, author, status, text; quotes and newlines survive."""
    path = _export(tmp_path, "csv", FrameRate.of(24))
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(review_export.CSV_COLUMNS)
    assert [(r["frame"], r["timecode"], r["scene"], r["status"]) for r in rows] == [
        ("5", "00:00:00:05", "1. INT. KITCHEN - DAY", "resolved"),
        ("33", "00:00:01:09", "2. EXT. ROOF - NIGHT", "open"),
    ]
    assert rows[0]["text"] == "Hold the look\nlonger"
    assert rows[1]["text"] == 'Door slams early, "too loud", cut 2 frames'
    assert {r["author"] for r in rows} == {"you"}


@pytest.mark.parametrize("fps", [24, 25])
def test_edl_locators_are_markers_at_the_notes_frames(tmp_path: Path, fps: int) -> None:
    """OpenTimelineIO's CMX 3600 reader finds one clip with a marker per note at its frame,
    red while open and green once resolved."""
    rate = FrameRate.of(fps)
    path = _export(tmp_path, "edl", rate)
    timeline = otio.adapters.read_from_file(str(path), adapter_name="cmx_3600", rate=fps)
    (clip,) = timeline.video_tracks()[0].find_clips()
    assert clip.source_range.duration.to_frames() == FRAMES
    markers = [(m.marked_range.start_time.to_frames(), m.color, m.name) for m in clip.markers]
    assert [(frame, colour) for frame, colour, _ in markers] == [(5, "GREEN"), (33, "RED")]
    assert markers[0][2].startswith("Hold the look longer (to 00:00:00:20)")
    assert "Door slams early" in markers[1][2]


def _edl_with_notes_at(tmp_path: Path, rate: FrameRate, frames: list[int], length: int) -> str:
    """The EDL of a ``length``-frame film at ``rate`` with one open note at each of ``frames``."""
    session, movie_id = reviewer_session(tmp_path / "store.sqlite")
    try:
        for frame in frames:
            review.add_note(
                store=session.store, user_id=session.user_id, movie_id=movie_id, frame=frame,
                rate=rate, text=f"note at {frame}",
            )  # fmt: skip
        path = review_export.export_notes(
            store=session.store, movie_id=movie_id, viewer_id=session.user_id, kind="edl",
            path=tmp_path / "notes.edl", rate=rate, frames=length,
        )  # fmt: skip
    finally:
        session.store.close()
    return path.read_text(encoding="utf-8")


def _read_edl(text: str, rate: FrameRate):  # type: ignore[no-untyped-def]
    """The one clip OpenTimelineIO's CMX 3600 reader makes of ``text`` at ``rate``."""
    timeline = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=rate.fps)
    (clip,) = timeline.video_tracks()[0].find_clips()
    return clip


@pytest.mark.parametrize(
    "rate",
    [FrameRate.of(v) for v in (23.976, 24, 25, 29.97, 30, 50, 59.94, 60)],
    ids=str,
)
def test_non_drop_locators_either_side_of_minute_boundaries_land_on_their_frames(
    tmp_path: Path, rate: FrameRate
) -> None:
    """At every non-drop rate (29.97 and 59.94 counted non-drop too) OpenTimelineIO reads
    each note back at its frame: last frame of a minute, first of the next, and the tenth."""
    n = rate.nominal
    frames = [n * 60 - 1, n * 60, n * 600 - 1, n * 600, n * 600 + 1]
    text = _edl_with_notes_at(tmp_path, rate, frames, length=n * 600 + 10)
    assert "FCM: NON-DROP FRAME" in text
    assert ";" not in text
    clip = _read_edl(text, rate)
    assert clip.source_range.duration.to_frames() == n * 600 + 10
    assert [m.marked_range.start_time.to_frames() for m in clip.markers] == frames


# Hand-counted drop-frame labels: at 29.97 the first minute holds 30 x 60 = 1800 frames
# (0-1799), then ;00 and ;01 are skipped at each minute but the tenth, so ten minutes hold
# 18000 - 9 x 2 = 17982 frames; at 59.94 four labels go, and ten minutes hold 36000 - 36.
DROP_FRAME_LABELS = {
    FrameRate.of(29.97, drop_frame=True): {
        1799: "00:00:59;29", 1800: "00:01:00;02", 1801: "00:01:00;03",
        17981: "00:09:59;29", 17982: "00:10:00;00", 17983: "00:10:00;01",
    },
    FrameRate.of(59.94, drop_frame=True): {
        3599: "00:00:59;59", 3600: "00:01:00;04",
        35963: "00:09:59;59", 35964: "00:10:00;00", 35965: "00:10:00;01",
    },
}  # fmt: skip


@pytest.mark.parametrize("rate", list(DROP_FRAME_LABELS), ids=str)
def test_a_drop_frame_edl_says_so_and_its_timecodes_read_back_as_the_notes_frames(
    tmp_path: Path, rate: FrameRate
) -> None:
    """The EDL of a DF film carries ``FCM: DROP FRAME`` and ``;`` timecodes. OpenTimelineIO
    reads the event as drop-frame (its length exact, where a non-drop count would add 18
    frames); each locator's label is the hand-counted one, and both our timecode module and
    OpenTimelineIO's turn it back into the note's frame. The CMX reader itself skips ``;``
    locators (it matches only HH:MM:SS:FF): any it does read must be at the notes' frames."""
    table = DROP_FRAME_LABELS[rate]
    frames = list(table)
    length = 10 * 60 * rate.nominal  # 18000 frames at 29.97: ends at 00:10:00;18
    text = _edl_with_notes_at(tmp_path, rate, frames, length=length)
    assert "FCM: DROP FRAME" in text
    event = next(line for line in text.splitlines() if line.startswith("001 "))
    assert event.split()[-2:] == [rate.timecode(0), rate.timecode(length)]
    assert ";" in rate.timecode(length)
    labels = re.findall(r"^\* LOC: (\S+) ", text, flags=re.MULTILINE)
    assert labels == list(table.values())
    assert [rate.frame_of(label) for label in labels] == frames
    fps = rate.fps
    assert [otio.opentime.from_timecode(label, fps).to_frames() for label in labels] == frames
    clip = _read_edl(text, rate)
    assert clip.source_range.duration.to_frames() == length
    assert [m.marked_range.start_time.to_frames() for m in clip.markers] in ([], frames)


def test_pdf_reads_back_with_thumbnail_drawing_and_scene(tmp_path: Path) -> None:
    """pypdf finds each note's timecode, scene, text and reply, the kept thumbnail as an
    image, and the drawing's red strokes in the page's content."""
    path = _export(tmp_path, "pdf", FrameRate.of(24))
    reader = PdfReader(path)
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Review notes: Kettle",
        "00:00:01:09",
        "2. EXT. ROOF - NIGHT",
        "Door slams early",
        "Hold the look",
        "Done.",
    ):
        assert expected in text, expected
    page = reader.pages[0]
    assert len(page.images) == 1  # the one thumbnail kept
    content = page.get_contents().get_data().decode("latin-1")
    assert "1 0.2314 0.1882 RG" in content  # the drawing's red (#ff3b30) strokes
    assert " re S" in content  # the box, stroked


def test_an_unknown_kind_and_a_bad_thumbnail_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StudioError, match="csv, pdf, edl"):
        _export(tmp_path, "xml", FrameRate.of(24))
    with pytest.raises(StudioError, match="PNG"):
        review_export.keep_thumbnail(root=tmp_path, movie_id="m", frame=1, png=b"GIF89a")
