"""The stitch: scene clips and scene audio joined into the film, plus its side files.

Scene video clips are joined by the concat demuxer with stream copy (no re-encode);
scene audio files are joined the same way and encoded to AAC once, loudness-normalised
(see ``core.pipeline.loudness``).
Chapters (one per scene) come from an FFMETADATA file, soft subtitles from an SRT
converted to ``mov_text``; the MP4 is written with ``+faststart``.

The scene clips may instead be read as Annex B H.264 byte ranges (:func:`annexb_argv`,
:func:`access_units`, :func:`byte_range_list`, ``Stitch(video_rate=...)``): one raw H.264
input instead of the concat demuxer's MP4s. On a 2-hour film (173k frames, 338k
audio packets) that stitch took ~3.3 s instead of ~4.7-5.6 s with FFmpeg 9 (a quarter
of the thread wake-ups).

Concat lists run in safe mode (``-safe 1``) with a file-only protocol whitelist:
entries must be relative paths of plain names inside the job directory.
:func:`concat_list` refuses anything else before FFmpeg ever runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import AUDIO_RATE, Argv, global_args, input_path
from vividverse_desktop.core.pipeline.loudness import DEFAULT_LOUDNESS, Loudness

# FFmpeg's own safe-mode rule: relative, components of letters, digits, '.', '_', '-',
# none starting with '.'.
_SAFE_COMPONENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


class UnsafeMediaName(ValueError):
    """A concat entry that is not a plain relative path inside the job directory."""


def check_concat_entry(entry: str) -> str:
    """Return ``entry`` if the concat demuxer's safe mode accepts it, else raise.

    Refused: empty names, absolute paths, URL schemes (``x:``), ``..`` or any
    component starting with ``.``, backslashes, quotes, whitespace, newlines and any
    character outside ``[A-Za-z0-9._-]``.
    """
    if not entry:
        raise UnsafeMediaName("empty concat entry")
    for component in entry.split("/"):
        if not _SAFE_COMPONENT.fullmatch(component):
            raise UnsafeMediaName(f"unsafe concat entry: {entry!r}")
    return entry


def concat_list(entries: Sequence[str]) -> str:
    """The text of a concat demuxer list (``ffconcat version 1.0``) for safe entries.

    Entries are paths relative to the list file's directory; each is checked with
    :func:`check_concat_entry` (raising :class:`UnsafeMediaName`) before any is written.
    """
    if not entries:
        raise ValueError("a concat list needs at least one entry")
    checked = [check_concat_entry(entry) for entry in entries]
    return "ffconcat version 1.0\n" + "".join(f"file '{entry}'\n" for entry in checked)


_FRAME_HEADER_NALS = frozenset({6, 7, 8, 9})  # SEI, SPS, PPS, access unit delimiter
_SLICE_NALS = frozenset({1, 5})  # coded slice, IDR slice


def access_units(stream: bytes) -> list[int]:
    """Byte offsets where the frames (access units) of an Annex B H.264 stream start.

    A frame starts at the SEI, SPS, PPS or delimiter NAL units just before its first
    slice (``first_mb_in_slice`` 0), else at that slice; later slices of a frame do
    not start one. Keeping the first ``n`` frames is ``stream[: offsets[n]]`` (all of
    it when ``n == len(offsets)``).
    """
    offsets: list[int] = []
    header: int | None = None
    found = stream.find(b"\x00\x00\x01")
    while found != -1 and found + 3 < len(stream):
        start = found - 1 if found > 0 and stream[found - 1] == 0 else found
        kind = stream[found + 3] & 0x1F
        if kind in _FRAME_HEADER_NALS:
            if header is None:
                header = start
        elif kind in _SLICE_NALS:
            # first_mb_in_slice is ue(v): 0 is the single bit 1.
            if found + 4 < len(stream) and stream[found + 4] & 0x80:
                offsets.append(start if header is None else header)
            header = None
        found = stream.find(b"\x00\x00\x01", found + 3)
    return offsets


def annexb_argv(clip: Path, output: Path) -> Argv:
    """FFmpeg arguments rewriting an MP4 clip's H.264 as an Annex B stream, by stream copy.

    Parameter sets are written before every keyframe, so the clip's bytes from its
    start decode on their own and clips join by byte concatenation.
    """
    return (
        *global_args(),
        *_source("mp4", clip),
        "-map", "0:v:0", "-c:v", "copy", "-bsf:v", "h264_mp4toannexb",
        "-f", "h264", input_path(output),
    )  # fmt: skip


BYTE_RANGE_PROTOCOLS = "file,concatf,subfile"
"""The protocols a :func:`byte_range_list` input needs, and the only ones allowed."""


def byte_range_list(entries: Sequence[tuple[str, int]]) -> str:
    """A ``concatf`` list of the first ``length`` bytes of each file, one ``subfile`` URL a line.

    Entries are (safe name relative to FFmpeg's working directory, e.g. the job
    directory; length in bytes), checked with :func:`check_concat_entry`; a length
    must be positive. Read it with
    ``-protocol_whitelist`` :data:`BYTE_RANGE_PROTOCOLS`.
    """
    return byte_slice_list([(entry, 0, length) for entry, length in entries])


def byte_slice_list(entries: Sequence[tuple[str, int, int]]) -> str:
    """A ``concatf`` list of the bytes ``start`` up to ``end`` of each (safe name, start, end)."""
    if not entries:
        raise ValueError("a byte range list needs at least one entry")
    lines = []
    for entry, start, end in entries:
        check_concat_entry(entry)
        if end - start < 1 or start < 0:
            raise ValueError(f"{entry}: a byte range must keep at least one byte")
        lines.append(f"subfile,,start,{start},end,{end},,:{entry}")
    return "\n".join(lines) + "\n"


def byte_range_input(listing: Path, rate: Fraction) -> Argv:
    """Input options reading a byte range list as one Annex B H.264 stream at ``rate``."""
    rate = Fraction(rate)
    return (
        "-protocol_whitelist", BYTE_RANGE_PROTOCOLS, "-f", "h264",
        "-framerate", f"{rate.numerator}/{rate.denominator}",
        "-i", "concatf:" + input_path(listing),
    )  # fmt: skip


def byte_range_clip_argv(listing: Path, output: Path, rate: Fraction, timescale: int) -> Argv:
    """FFmpeg arguments copying a byte range list of Annex B H.264 into a video-only MP4."""
    return (
        *global_args(), *byte_range_input(listing, rate),
        "-map", "0:v:0", "-c:v", "copy", "-video_track_timescale", str(timescale),
        "-an", "-f", "mp4", input_path(output),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter from ``start_frame`` up to (not including) ``end_frame``."""

    title: str
    start_frame: int
    end_frame: int


def _escape_metadata(text: str) -> str:
    out = []
    for c in text:
        if c in "=;#\\\n":
            out.append("\\" + c)
        elif c == "\r":
            continue
        else:
            out.append(c)
    return "".join(out)


def ffmetadata(chapters: Sequence[Chapter], fps: Fraction, title: str = "") -> str:
    """An FFMETADATA1 document with the film title and one chapter per entry.

    Chapter times are in frames (``TIMEBASE`` is one frame), so they fall exactly on
    the cuts. ``=``, ``;``, ``#``, ``\\`` and newlines in text are backslash-escaped.
    """
    rate = Fraction(fps)
    lines = [";FFMETADATA1"]
    if title:
        lines.append(f"title={_escape_metadata(title)}")
    for chapter in chapters:
        if chapter.end_frame <= chapter.start_frame:
            raise ValueError(f"chapter {chapter.title!r} is empty")
        lines += [
            "[CHAPTER]",
            f"TIMEBASE={rate.denominator}/{rate.numerator}",
            f"START={chapter.start_frame}",
            f"END={chapter.end_frame}",
            f"title={_escape_metadata(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Subtitle:
    """One subtitle shown from ``start`` to ``end`` (seconds into the film)."""

    start: float
    end: float
    text: str


def srt_time(seconds: float) -> str:
    """``HH:MM:SS,mmm`` for a non-negative time, rounded to the millisecond."""
    total = max(0, round(seconds * 1000))
    hours, rest = divmod(total, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def _subtitle_text(text: str) -> str:
    # A blank line ends an SRT cue and "-->" starts a timing line; FFmpeg's SRT reader
    # reads <tags> and {\tags} as markup. Keep the words, drop the structure.
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    body = "\n".join(line for line in lines if line)
    body = body.replace("-->", "→")
    return body.replace("<", "‹").replace(">", "›").replace("{", "(").replace("}", ")")


def srt(subtitles: Sequence[Subtitle]) -> str:
    """SRT text for the subtitles in time order; empty texts are skipped.

    Text lines are kept, blank lines inside a text removed, ``-->`` and markup
    characters (``<``, ``>``, ``{``, ``}``) replaced so the text shows as written.
    """
    blocks: list[str] = []
    for subtitle in sorted(subtitles, key=lambda s: (s.start, s.end)):
        if subtitle.end <= subtitle.start:
            raise ValueError(f"subtitle at {subtitle.start} s ends before it starts")
        body = _subtitle_text(subtitle.text)
        if not body:
            continue
        blocks.append(
            f"{len(blocks) + 1}\n{srt_time(subtitle.start)} --> {srt_time(subtitle.end)}\n{body}\n"
        )
    return "\n".join(blocks)


@dataclass(frozen=True, slots=True)
class AudioEncoding:
    """How the film's audio is encoded, once: loudness, AAC bitrate and coder.

    ``loudness`` ``None`` skips normalisation; measure the audio first
    (``core.pipeline.loudness``) to avoid slow single-pass ``loudnorm``. The ``fast``
    AAC coder encodes ~1.7x faster than FFmpeg's default ``twoloop``. The AAC encode
    is the slowest step of a keyless render (~50x real time in stereo); speech-only
    audio loses nothing in mono (``channels=1``), which encodes ~2.8x faster.
    """

    loudness: Loudness | None = DEFAULT_LOUDNESS
    bitrate: str = "160k"
    aac_coder: str = "fast"
    channels: int = 2

    def args(self) -> Argv:
        """Filter and encoder options: 48 kHz AAC, timestamps by sample count."""
        # Audio is always re-timed by sample count: the concat demuxer's file offsets
        # are rounded to microseconds and must not leak into the encoded timeline.
        audio_filter = "asetpts=N/SR/TB" if self.loudness is None else self.loudness.filter
        return (
            "-af", audio_filter,
            "-c:a", "aac", "-aac_coder", self.aac_coder, "-b:a", self.bitrate,
            "-ar", str(AUDIO_RATE), "-ac", str(self.channels),
        )  # fmt: skip


DEFAULT_AUDIO = AudioEncoding()


@dataclass(frozen=True, slots=True)
class EncodedAudio:
    """A film audio track already encoded: the stitch copies it.

    Either an M4A from :func:`film_audio_argv` (``adts_priming`` 0) or an ADTS stream
    joined from scene segments (``core.pipeline.audio_segment``), whose leading encoder delay
    of ``adts_priming`` samples the stitch removes by shifting the input back.
    """

    path: Path
    adts_priming: int = 0

    def input_args(self) -> Argv:
        """Input options reading the track with an explicit demuxer, file protocol only."""
        if not self.adts_priming:
            return _source("mp4", self.path)
        shift = ("-itsoffset", f"-{self.adts_priming / AUDIO_RATE:.9f}")
        return (*shift, *_source("aac", self.path))


def _source(fmt: str, path: Path, *extra: str) -> tuple[str, ...]:
    return ("-protocol_whitelist", "file", "-f", fmt, *extra, "-i", input_path(path))


def film_audio_argv(
    audio_list: Path, output: Path, encoding: AudioEncoding = DEFAULT_AUDIO
) -> Argv:
    """FFmpeg arguments encoding the whole film's audio from a concat list of scene audio.

    The result (AAC in an MP4/M4A container) goes into :class:`EncodedAudio` for the
    stitch. Audio needs no video, so this can run while scene clips still render,
    and a re-render that changes only pictures reuses it.
    """
    return (
        *global_args(),
        *_source("concat", audio_list, "-safe", "1"),
        "-map", "0:a:0",
        *encoding.args(),
        "-f", "mp4", input_path(output),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Stitch:
    """Inputs of the final film: scene clips, the audio, side files.

    ``video_list`` is a concat list of scene clips (:func:`concat_list`); ``audio`` is
    either a concat list of scene audio, encoded here with ``encoding``, or an
    :class:`EncodedAudio` track, copied. ``chapters`` is an FFMETADATA file from
    :func:`ffmetadata`; ``subtitles`` an SRT from :func:`srt`. With ``video_rate``
    set, ``video_list`` is instead a :func:`byte_range_list` of Annex B clips, read
    as one H.264 stream at that frame rate.
    """

    video_list: Path
    audio: Path | EncodedAudio
    output: Path
    chapters: Path | None = None
    subtitles: Path | None = None
    encoding: AudioEncoding = DEFAULT_AUDIO
    language: str = "eng"
    video_rate: Fraction | None = None


def stitch_argv(stitch: Stitch) -> Argv:
    """FFmpeg arguments that write the film: copied video, AAC audio, chapters, subtitles.

    Every input is read with an explicit demuxer and ``-protocol_whitelist file``;
    the concat lists in safe mode. Video is stream-copied; audio is encoded here
    (once, for the whole film) or copied from an :class:`EncodedAudio` track.
    """
    args: list[str] = [*global_args()]
    if stitch.video_rate is None:
        args += _source("concat", stitch.video_list, "-safe", "1")
    else:
        args += byte_range_input(stitch.video_list, stitch.video_rate)
    if isinstance(stitch.audio, EncodedAudio):
        args += stitch.audio.input_args()
    else:
        args += _source("concat", stitch.audio, "-safe", "1")
    maps = ["-map", "0:v:0", "-map", "1:a:0"]
    n = 2
    if stitch.subtitles is not None:
        args += _source("srt", stitch.subtitles)
        maps += ["-map", f"{n}:s:0"]
        n += 1
    if stitch.chapters is not None:
        args += _source("ffmetadata", stitch.chapters)
        maps += ["-map_metadata", str(n), "-map_chapters", str(n)]
    else:
        maps += ["-map_metadata", "-1", "-map_chapters", "-1"]
    args += maps
    args += ["-c:v", "copy"]
    if isinstance(stitch.audio, EncodedAudio):
        args += ["-c:a", "copy"]
    else:
        args += stitch.encoding.args()
    args += ["-metadata:s:a:0", f"language={stitch.language}"]
    if stitch.subtitles is not None:
        args += ["-c:s", "mov_text", "-metadata:s:s:0", f"language={stitch.language}"]
    args += ["-movflags", "+faststart", "-f", "mp4", input_path(stitch.output)]
    return tuple(args)
