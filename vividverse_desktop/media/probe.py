"""Facts about a media file, read with FFmpeg itself (the bundled build has no ffprobe).

:func:`probe` runs ``ffmpeg -hide_banner -i FILE`` (which exits 1 — "no output
file" — after describing its input) and parses the description: container,
duration, streams and chapters. The description rounds the duration to 10 ms; for
exact counts :func:`count_frames` and :func:`audio_duration` read the file to a null
output and take the totals from FFmpeg's progress report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import input_path
from vividverse_desktop.core.pipeline.progress import Progress
from vividverse_desktop.media.ffmpeg import FFmpeg, FFmpegError


@dataclass(frozen=True, slots=True)
class VideoStream:
    """A video stream as FFmpeg describes it (``fps`` is the stream's nominal rate)."""

    index: int
    codec: str
    width: int
    height: int
    pix_fmt: str
    fps: float | None = None
    sar: tuple[int, int] | None = None
    language: str = ""
    color: str = ""
    """Range, colour space and scan as FFmpeg prints them, e.g. ``tv, bt709, progressive``."""


@dataclass(frozen=True, slots=True)
class AudioStream:
    """An audio stream: codec, sample rate (Hz), channel count and layout name."""

    index: int
    codec: str
    sample_rate: int
    channels: int
    layout: str
    language: str = ""


@dataclass(frozen=True, slots=True)
class SubtitleStream:
    """A subtitle stream (``mov_text`` in our MP4s)."""

    index: int
    codec: str
    language: str = ""


@dataclass(frozen=True, slots=True)
class ChapterInfo:
    """A chapter: start and end in seconds, and its title (``""`` if none)."""

    start: float
    end: float
    title: str = ""


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What FFmpeg says about a file; ``duration`` is ``None`` when it does not know."""

    container: str
    duration: float | None
    video: tuple[VideoStream, ...] = ()
    audio: tuple[AudioStream, ...] = ()
    subtitles: tuple[SubtitleStream, ...] = ()
    chapters: tuple[ChapterInfo, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)


class ProbeError(FFmpegError):
    """The file could not be read as media."""


_INPUT = re.compile(r"^Input #0, (?P<container>.+?), from '")
_DURATION = re.compile(r"^\s*Duration: (?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)")
_CHAPTER = re.compile(r"^\s*Chapter #\d+:\d+: start (?P<start>-?[\d.]+), end (?P<end>-?[\d.]+)")
_STREAM = re.compile(
    r"^\s*Stream #0:(?P<index>\d+)(?:\[[^\]]*\])?(?:\((?P<lang>[^)]*)\))?: "
    r"(?P<kind>Video|Audio|Subtitle|Data|Attachment): (?P<desc>.*)$"
)
_META = re.compile(r"^(?P<indent>\s+)(?P<key>[^:]+?)\s*: (?P<value>.*)$")
_SIZE = re.compile(r"(?<![\w/])(\d{1,5})x(\d{1,5})(?![\w])")
_SAR = re.compile(r"\[SAR (\d+):(\d+) DAR")
_FPS = re.compile(r"([\d.]+)(k?) fps")
_TBR = re.compile(r"([\d.]+)(k?) tbr")
_RATE = re.compile(r"(\d+) Hz")
_CHANNELS = re.compile(r"(\d+) channels")
_LAYOUT_CHANNELS = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "5.0": 5, "5.1": 6, "7.1": 8}


def parse_probe(text: str) -> MediaInfo:
    """Parse the stderr of ``ffmpeg -hide_banner -i FILE`` (first input only).

    Raises :class:`ProbeError` when the text does not describe an input.
    """
    container = ""
    duration: float | None = None
    video: list[VideoStream] = []
    audio: list[AudioStream] = []
    subtitles: list[SubtitleStream] = []
    chapters: list[ChapterInfo] = []
    metadata: dict[str, str] = {}
    section = ""
    chapter_title_pending = False
    for line in text.splitlines():
        if match := _INPUT.match(line):
            container = match["container"]
            section = "input"
            continue
        if not container:
            continue
        if line.startswith(("Output #", "Input #")):
            break
        if match := _DURATION.match(line):
            duration = int(match["h"]) * 3600 + int(match["m"]) * 60 + float(match["s"])
            section = "duration"
        elif match := _CHAPTER.match(line):
            chapters.append(ChapterInfo(float(match["start"]), float(match["end"])))
            section, chapter_title_pending = "chapter", True
        elif match := _STREAM.match(line):
            section = "stream"
            _add_stream(match, video, audio, subtitles)
        elif line.strip() == "Metadata:":
            continue
        elif (match := _META.match(line)) and section in ("input", "chapter"):
            key, value = match["key"].strip(), match["value"]
            if section == "input":
                metadata[key] = value
            elif key == "title" and chapter_title_pending:
                last = chapters[-1]
                chapters[-1] = ChapterInfo(last.start, last.end, value)
                chapter_title_pending = False
    if not container:
        raise ProbeError("FFmpeg could not read the file as media", stderr_tail=text[-2000:])
    return MediaInfo(
        container,
        duration,
        tuple(video),
        tuple(audio),
        tuple(subtitles),
        tuple(chapters),
        metadata,
    )


def _add_stream(
    match: re.Match[str],
    video: list[VideoStream],
    audio: list[AudioStream],
    subtitles: list[SubtitleStream],
) -> None:
    index, kind, desc = int(match["index"]), match["kind"], match["desc"]
    language = match["lang"] or ""
    parts = _split_top_level(desc)
    codec = parts[0].split(" ", 1)[0] if parts else ""
    if kind == "Video":
        size = next((m for p in parts[1:] if (m := _SIZE.search(p))), None)
        pix_fmt, _, color = parts[1].partition("(") if len(parts) > 1 else ("", "", "")
        sar = _SAR.search(desc)
        video.append(
            VideoStream(
                index,
                codec,
                int(size.group(1)) if size else 0,
                int(size.group(2)) if size else 0,
                pix_fmt.strip(),
                _rate(desc),
                (int(sar.group(1)), int(sar.group(2))) if sar else None,
                language,
                color.rstrip(")").strip(),
            )
        )
    elif kind == "Audio":
        rate = _RATE.search(desc)
        layout = parts[2].strip() if len(parts) > 2 else ""
        count = _CHANNELS.search(layout)
        channels = int(count.group(1)) if count else _LAYOUT_CHANNELS.get(layout.split("(")[0], 0)
        audio.append(
            AudioStream(index, codec, int(rate.group(1)) if rate else 0, channels, layout, language)
        )
    elif kind == "Subtitle":
        subtitles.append(SubtitleStream(index, codec, language))


def _rate(desc: str) -> float | None:
    for pattern in (_FPS, _TBR):
        if match := pattern.search(desc):
            return float(match.group(1)) * (1000 if match.group(2) else 1)
    return None


def _split_top_level(desc: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for c in desc:
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(0, depth - 1)
        if c == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(c)
    parts.append("".join(current).strip())
    return parts


def probe(path: Path, *, ffmpeg: FFmpeg | None = None, timeout: float = 30.0) -> MediaInfo:
    """Describe ``path``: container, duration, streams, chapters. Raises :class:`ProbeError`."""
    runner = ffmpeg or FFmpeg()
    args = ("-hide_banner", "-nostdin", "-protocol_whitelist", "file", "-i", input_path(path))
    # With an input and no output FFmpeg exits 1 after describing the input: that is success.
    try:
        result = runner.run(args, timeout=timeout, ok_codes=(0, 1))
    except FFmpegError as error:
        raise ProbeError(
            f"cannot read {path}: {error.message}", argv=error.argv, stderr_tail=error.stderr_tail
        ) from error
    return parse_probe(result.stderr)


def count_frames(path: Path, *, ffmpeg: FFmpeg | None = None, timeout: float = 60.0) -> int:
    """The exact number of frames in the first video stream (packets copied to a null output)."""
    report = _null_run(path, "0:v:0", ("-c", "copy"), ffmpeg, timeout)
    if report is None or report.frame is None:
        raise ProbeError(f"no video frames counted in {path}")
    return report.frame


def audio_duration(path: Path, *, ffmpeg: FFmpeg | None = None, timeout: float = 60.0) -> float:
    """The exact duration in seconds of the first audio stream, decoded to a null output."""
    report = _null_run(path, "0:a:0", (), ffmpeg, timeout)
    if report is None or report.out_time_us is None:
        raise ProbeError(f"no audio decoded from {path}")
    return report.out_time_us / 1_000_000


def _null_run(
    path: Path, stream: str, codec: tuple[str, ...], ffmpeg: FFmpeg | None, timeout: float
) -> Progress | None:
    runner = ffmpeg or FFmpeg()
    args = (
        "-hide_banner", "-nostdin", "-loglevel", "error", "-nostats", "-progress", "pipe:1",
        "-protocol_whitelist", "file", "-i", input_path(path),
        "-map", stream, *codec, "-f", "null", "-",
    )  # fmt: skip
    try:
        return runner.run(args, timeout=timeout).progress
    except FFmpegError as error:
        raise ProbeError(error.message, argv=error.argv, stderr_tail=error.stderr_tail) from error
