"""Screening: the facts a review player needs about a film on disk.

:func:`film_facts` reads a film with FFmpeg (blocking: run it off the GUI thread):
its exact frame rate with the timecode convention (drop-frame at 29.97 and 59.94),
its exact number of frames, and its chapters (one per scene in our renders) as
frame ranges, so a player, its timeline and its notes all count the same frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

from vividverse_desktop.core.timecode import FrameRate, TimecodeError
from vividverse_desktop.studio.errors import StudioError


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter of a film: its frames ``first..last`` (inclusive) and its title."""

    index: int
    title: str
    first: int
    last: int

    @property
    def label(self) -> str:
        """The title with its scene number in front (kept when the title has one already,
        as our renders' chapters do: "3. EXT. ROOF - NIGHT")."""
        head = self.title.split(" ", 1)[0]
        if head.endswith(".") and head[:-1] and head[0].isdigit():
            return self.title
        return f"{self.index + 1}. {self.title}"

    def holds(self, frame: int) -> bool:
        """Whether ``frame`` is one of this chapter's frames."""
        return self.first <= frame <= self.last


@dataclass(frozen=True, slots=True)
class FilmFacts:
    """A film's frame rate, frame count, size, chapters, and when its file was written."""

    path: Path
    rate: FrameRate
    frames: int
    width: int
    height: int
    chapters: tuple[Chapter, ...] = ()
    modified: datetime | None = None

    def chapter_at(self, frame: int) -> Chapter | None:
        """The chapter holding ``frame``, if any."""
        return next((c for c in self.chapters if c.holds(frame)), None)


def film_facts(*, path: Path, timeout: float = 60.0) -> FilmFacts:
    """Read ``path``'s rate, exact frame count and chapters; StudioError if it is no film."""
    from vividverse_desktop.media.probe import ProbeError, count_frames, probe

    try:
        info = probe(path, timeout=timeout)
        if not info.video:
            raise StudioError(f"{path.name} has no picture to screen")
        stream = info.video[0]
        if stream.fps is None:
            raise StudioError(f"{path.name} does not say its frame rate")
        rate = FrameRate.conventional(stream.fps)
        frames = count_frames(path, timeout=timeout)
    except (ProbeError, TimecodeError) as error:
        raise StudioError(f"cannot screen {path.name}: {error}") from error
    chapters = []
    for index, chapter in enumerate(info.chapters):
        # Our chapters fall on cuts; FFmpeg prints their times rounded to the microsecond.
        first = min(round(Fraction(chapter.start) * rate.exact), frames - 1)
        last = min(max(first, round(Fraction(chapter.end) * rate.exact) - 1), frames - 1)
        chapters.append(Chapter(index, chapter.title or f"Chapter {index + 1}", first, last))
    try:
        modified: datetime | None = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        modified = None
    return FilmFacts(
        path, rate, frames, stream.width, stream.height, tuple(chapters), modified=modified
    )


def make_frame_code_film(
    *,
    path: Path,
    rate: FrameRate,
    frames: int,
    chapters: tuple[tuple[str, int], ...] = (),
    width: int = 64,
    height: int = 48,
    scale_to: tuple[int, int] | None = None,
    keyframe_every: int = 12,
    timeout: float = 60.0,
) -> Path:
    """Write a film whose every frame shows its own number (``core.pipeline.frame_code``),
    with chapters given as ``(title, first frame)`` pairs; for checking a player.
    ``scale_to`` enlarges the picture; a keyframe comes every ``keyframe_every`` frames."""
    from vividverse_desktop.core.pipeline.frame_code import frame_code_argv
    from vividverse_desktop.core.pipeline.stitch import Chapter as Cut
    from vividverse_desktop.core.pipeline.stitch import ffmetadata
    from vividverse_desktop.media.ffmpeg import FFmpeg, FFmpegError

    metadata = None
    if chapters:
        starts = [first for _title, first in chapters]
        ends = [*starts[1:], frames]
        cuts = [Cut(t, s, e) for (t, s), e in zip(chapters, ends, strict=True)]
        metadata = path.with_name(path.name + ".chapters.txt")
        metadata.write_text(ffmetadata(cuts, rate.exact), encoding="utf-8")
    argv = frame_code_argv(
        path,
        rate=rate.exact,
        frames=frames,
        width=width,
        height=height,
        chapters=metadata,
        keyframe_every=keyframe_every,
        scale_to=scale_to,
    )
    try:
        FFmpeg().run(argv, timeout=timeout)
    except FFmpegError as error:
        raise StudioError(f"could not make the frame-code film: {error.message}") from error
    finally:
        if metadata is not None:
            metadata.unlink(missing_ok=True)
    return path
