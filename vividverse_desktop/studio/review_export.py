"""A film's review notes taken out of the app: thumbnails of their frames kept beside the
store, and exports as CSV (for a spreadsheet), PDF (thumbnails with the drawings) and a
CMX 3600 EDL whose locators an NLE imports as markers.

Thumbnails are small PNGs the player made from the decoded frame; they live under
``ROOT/thumbnails/<movie>/<frame>.png`` (one per movie and frame, whoever wrote the note).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.core.wire import Drawing
from vividverse_desktop.studio import review
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.screening import Chapter

if TYPE_CHECKING:
    from vividverse_desktop.store import LocalStore

CSV_COLUMNS = ("frame", "timecode", "scene", "author", "status", "text")
MAX_THUMBNAIL_BYTES = 2_000_000
_SAFE = re.compile(r"[A-Za-z0-9_-]{1,64}")


# -- thumbnails ------------------------------------------------------------------------------


def thumbnail_path(*, root: Path, movie_id: str, frame: int) -> Path:
    """Where the thumbnail of ``frame`` of a film is kept (it may not exist)."""
    folder = (
        movie_id if _SAFE.fullmatch(movie_id) else hashlib.sha256(movie_id.encode()).hexdigest()
    )
    return Path(root) / "thumbnails" / folder / f"{max(0, frame):07d}.png"


def keep_thumbnail(*, root: Path, movie_id: str, frame: int, png: bytes) -> Path:
    """Write a frame's thumbnail (PNG bytes) atomically; its path."""
    if not png.startswith(b"\x89PNG") or len(png) > MAX_THUMBNAIL_BYTES:
        raise StudioError("a thumbnail must be a small PNG")
    path = thumbnail_path(root=root, movie_id=movie_id, frame=frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_bytes(png)
    os.replace(part, path)
    return path


def thumbnails(*, root: Path, movie_id: str, frames: Sequence[int]) -> dict[int, bytes]:
    """The thumbnails kept for ``frames`` of a film, as PNG bytes by frame."""
    found: dict[int, bytes] = {}
    for frame in set(frames):
        path = thumbnail_path(root=root, movie_id=movie_id, frame=frame)
        if path.is_file():
            found[frame] = path.read_bytes()
    return found


# -- the rows every export prints ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteRow:
    """One note as the exports print it."""

    frame: int
    frame_end: int | None
    timecode: str
    timecode_end: str | None
    scene: str
    author: str
    status: str
    text: str
    drawing: Drawing | None
    replies: tuple[str, ...]
    thumbnail: Path | None


def scene_of(frame: int, chapters: Sequence[Chapter]) -> str:
    """The heading of the scene holding ``frame`` ("3. INT. CAR - LATER"), or ""."""
    chapter = next((c for c in chapters if c.holds(frame)), None)
    return "" if chapter is None else chapter.label


def note_rows(
    views: Sequence[review.NoteView], *, chapters: Sequence[Chapter] = (), root: Path | None = None
) -> tuple[NoteRow, ...]:
    """The rows for ``views`` (as ``studio.review.notes`` lists them)."""
    rows = []
    for view in views:
        note = view.note
        end = (
            note.frame_end if note.frame_end is not None and note.frame_end != note.frame else None
        )
        thumb = None
        if root is not None:
            path = thumbnail_path(root=root, movie_id=note.movie_id, frame=note.frame)
            thumb = path if path.is_file() else None
        rows.append(
            NoteRow(
                frame=note.frame,
                frame_end=end,
                timecode=note.timecode,
                timecode_end=None if end is None else view.rate.timecode(end),
                scene=scene_of(note.frame, chapters),
                author=view.author,
                status=note.status,
                text=note.text,
                drawing=view.drawing,
                replies=tuple(f"{r.author}: {r.reply.text}" for r in view.replies),
                thumbnail=thumb,
            )
        )
    return tuple(rows)


# -- the three exports -----------------------------------------------------------------------


def csv_text(rows: Sequence[NoteRow]) -> str:
    """The notes as CSV: frame, timecode, scene, author, status, text (a header first)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow((row.frame, row.timecode, row.scene, row.author, row.status, row.text))
    return out.getvalue()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def edl_text(title: str, rows: Sequence[NoteRow], *, rate: FrameRate, frames: int) -> str:
    """A CMX 3600 EDL of the film as one event, each note a locator (``* LOC:``) at its
    frame: red while open, green once resolved.

    Drop-frame says so twice: the CMX header ``FCM: DROP FRAME``, and ``;`` before the
    frames of every timecode (``00:01:00;02``), which is how readers that skip the header
    tell it. OpenTimelineIO is one: it counts any ``:`` timecode as non-drop, so a ``:`` at DF
    would land a note two frames late for each minute after the first. (Its CMX reader,
    otio-cmx3600-adapter 1.0, takes a locator only as ``HH:MM:SS:FF`` and skips the ``;``
    ones, though its own writer writes them so; it reads the event's ``;`` timecodes.)"""
    end = max(frames, max((r.frame_end or r.frame for r in rows), default=0) + 1, 1)
    start_tc, end_tc = rate.timecode(0), rate.timecode(end)
    lines = [
        f"TITLE: {_one_line(title)[:70] or 'Vividverse review notes'}",
        f"FCM: {'DROP FRAME' if rate.drop_frame else 'NON-DROP FRAME'}",
        "",
        f"001  AX       V     C        {start_tc} {end_tc} {start_tc} {end_tc}",
        f"* FROM CLIP NAME: {_one_line(title) or 'film'}",
    ]
    for row in rows:
        colour = "GREEN" if row.status == review.NoteStatus.RESOLVED.value else "RED"
        span = f" (to {row.timecode_end})" if row.timecode_end else ""
        text = _one_line(f"{row.text}{span} - {row.author}")
        lines.append(f"* LOC: {rate.timecode(row.frame)} {colour:<7} {text}")
    return "\n".join(lines) + "\n"


def pdf_bytes(
    title: str, rows: Sequence[NoteRow], *, aspect: float = 16 / 9, created: datetime | None = None
) -> bytes:
    """The notes as a PDF with each frame's thumbnail and drawing."""
    from vividverse_desktop.media.notes_pdf import PdfNote, notes_pdf

    notes = [
        PdfNote(
            heading=_heading(row),
            scene=row.scene,
            author=row.author,
            text=row.text,
            thumbnail=row.thumbnail,
            drawing=row.drawing,
            replies=row.replies,
        )
        for row in rows
    ]
    return notes_pdf(title, notes, aspect=aspect, created=created)


def _heading(row: NoteRow) -> str:
    where = row.timecode + (f" - {row.timecode_end}" if row.timecode_end else "")
    frames = f"frame {row.frame}" + (f"-{row.frame_end}" if row.frame_end is not None else "")
    return f"{where}  {frames}  {row.status}"


EXPORTS = ("csv", "pdf", "edl")


def export_notes(
    *,
    store: LocalStore,
    movie_id: str,
    viewer_id: str,
    kind: str,
    path: Path,
    chapters: Sequence[Chapter] = (),
    root: Path | None = None,
    rate: FrameRate | None = None,
    frames: int = 0,
    aspect: float = 16 / 9,
) -> Path:
    """Write a film's notes to ``path`` as ``kind`` (csv, pdf or edl); the path written.

    ``rate`` is the film's (the notes' own when not given); ``frames`` its length (the EDL's
    event); ``root`` is where thumbnails are kept (the PDF prints them)."""
    if kind not in EXPORTS:
        raise StudioError(f"notes export as {', '.join(EXPORTS)}, not {kind!r}")
    views = review.notes(store=store, movie_id=movie_id, viewer_id=viewer_id)
    rows = note_rows(views, chapters=chapters, root=root)
    film = next((m for m in review.movies(store=store) if m.movie.id == movie_id), None)
    title = film.title if film is not None else movie_id
    path = Path(path)
    try:
        if kind == "csv":
            path.write_text(csv_text(rows), encoding="utf-8", newline="")
        elif kind == "edl":
            film_rate = rate or (views[0].rate if views else FrameRate.of(24))
            path.write_text(edl_text(title, rows, rate=film_rate, frames=frames), encoding="utf-8")
        else:
            path.write_bytes(pdf_bytes(title, rows, aspect=aspect))
    except OSError as error:
        raise StudioError(f"could not write {path.name}: {error.strerror or error}") from error
    return path
