"""What every FFmpeg command line of the render pipeline shares.

Builders in this package return an :data:`Argv`: the arguments that follow the
FFmpeg executable (``media.ffmpeg`` prepends the executable and runs it). They are
plain data so tests can assert them exactly; nothing here starts a process.

Every clip the pipeline encodes uses the same :class:`VideoFormat` and
:class:`X264` settings, so scene clips can be joined later by stream copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

Argv = tuple[str, ...]

BT709_SCALE = "out_color_matrix=bt709:out_range=tv"
"""``scale`` options converting to BT.709 limited range (add to a scale that resizes)."""

BT709_TAGS = "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"
"""Tags every frame BT.709 so all clips share one SPS (their VUI) and concat by copy."""

TO_BT709 = f"scale={BT709_SCALE},format=yuv420p,{BT709_TAGS}"
"""Filter chain converting any frame to the pipeline's pixels: yuv420p, BT.709, limited range."""

AUDIO_RATE = 48_000
"""Sample rate of every audio track the pipeline writes (Hz)."""

# The smallest time base every clip shares: 90 kHz (the MPEG clock) or a multiple
# of it so that one frame is always a whole number of ticks.
_BASE_TIMESCALE = 90_000


@dataclass(frozen=True, slots=True)
class VideoFormat:
    """Frame size and constant frame rate of every clip of a film.

    Width and height must be even (yuv420p halves the chroma planes).
    """

    width: int
    height: int
    fps: Fraction = Fraction(24)

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0 or self.width % 2 or self.height % 2:
            raise ValueError(f"frame size must be positive and even, got {self.size}")
        if self.fps <= 0:
            raise ValueError(f"frame rate must be positive, got {self.fps}")

    @property
    def size(self) -> str:
        """``WxH`` as FFmpeg writes a size."""
        return f"{self.width}x{self.height}"

    @property
    def rate(self) -> str:
        """The frame rate as FFmpeg reads it: ``24`` or ``30000/1001``."""
        fps = Fraction(self.fps)
        return str(fps.numerator) if fps.denominator == 1 else f"{fps.numerator}/{fps.denominator}"

    @property
    def timescale(self) -> int:
        """MP4 track time base (ticks per second) in which one frame is a whole tick count."""
        return math.lcm(Fraction(self.fps).numerator, _BASE_TIMESCALE)

    @property
    def keyframe_interval(self) -> int:
        """Frames between keyframes: half a second (12 at 24 fps), so players seek fast.

        Qt's player steps a frame in ~40-80 ms at 12, up to ~1 s at x264's default 250
        (DESIGN §9).
        """
        return max(1, math.floor(Fraction(self.fps) / 2))

    def frames_for(self, seconds: float | Fraction) -> int:
        """The whole number of frames closest to ``seconds`` (at least one)."""
        return max(1, round(Fraction(seconds) * Fraction(self.fps)))

    def seconds(self, frames: int) -> Fraction:
        """The exact duration of ``frames`` frames."""
        return Fraction(frames) / Fraction(self.fps)


CARD_FRIENDLY = "cabac=1:8x8dct=1"
"""x264 options on top of ``ultrafast`` that make a keyframe of a flat card ~20% smaller.

With a keyframe every half second a held card is mostly keyframes; CABAC and the 8x8
transform shrink them for ~7% more encoding time (only a card's first half second is
encoded; its repeats are stream copies). B-frames stay off. With CRF 28 (sharp enough
for type on flat colour) keyframes are ~40% smaller than ``ultrafast`` at CRF 23.
"""


@dataclass(frozen=True, slots=True)
class X264:
    """H.264 encoder settings shared by every clip (identical settings keep concat safe).

    ``ultrafast`` is the default: on held cards it runs about twice as fast as
    ``veryfast`` (~570 against ~320 frames/s at 720p) for files several times larger.
    """

    preset: str = "ultrafast"
    crf: int = 28
    params: str = CARD_FRIENDLY
    """Extra x264 options (``-x264-params``); the default makes keyframes of flat cards small."""

    def args(self, fmt: VideoFormat) -> Argv:
        """Encoder, keyframe interval, pixel format (yuv420p: DESIGN §9), BT.709 tags, time base.

        Every clip is tagged BT.709 limited range (the filters convert to it with
        :data:`TO_BT709`), so clips from cards and from providers share one SPS and
        can be stream-copied together.
        """
        return (
            "-c:v",
            "libx264",
            "-preset",
            self.preset,
            "-crf",
            str(self.crf),
            *(("-x264-params", self.params) if self.params else ()),
            "-g",
            str(fmt.keyframe_interval),
            "-pix_fmt",
            "yuv420p",
            "-color_range",
            "tv",
            "-colorspace",
            "bt709",
            "-color_primaries",
            "bt709",
            "-color_trc",
            "bt709",
            "-video_track_timescale",
            str(fmt.timescale),
        )


def global_args() -> Argv:
    """Options that open every command: quiet log, no stdin, overwrite, progress on stdout."""
    return (
        "-hide_banner",
        "-nostdin",
        "-y",
        "-loglevel",
        "error",
        "-nostats",
        "-progress",
        "pipe:1",
    )


def input_path(path: Path) -> str:
    """A path as an FFmpeg input or output name that can never be read as an option or URL.

    Relative paths are prefixed with ``./`` so a name starting with ``-`` is not an
    option, and any path containing ``:`` is given the ``file:`` protocol so that
    ``http:x`` is a file name, not a URL.
    """
    text = str(path)
    if not path.is_absolute() and not text.startswith("./"):
        text = "./" + text
    if ":" in text:
        text = "file:" + text
    return text


_VALUE_SPECIALS = "\\':"
_GRAPH_SPECIALS = "\\'[],;"


def escape_filter_value(text: str) -> str:
    """Escape a value for a filter option, then for the filter graph (two levels).

    Level one protects ``\\``, ``'`` and ``:`` inside an option value; level two
    protects ``\\``, ``'``, ``[``, ``]``, ``,`` and ``;`` inside the graph text.
    """
    level_one = "".join("\\" + c if c in _VALUE_SPECIALS else c for c in text)
    return "".join("\\" + c if c in _GRAPH_SPECIALS else c for c in level_one)


def filter_path(path: Path) -> str:
    """A file path written as a filter option value (fonts, text files)."""
    return escape_filter_value(str(path))


def clip_output_args(
    graph: str, fmt: VideoFormat, frames: int, output: Path, x264: X264 | None = None
) -> Argv:
    """The end of every scene-clip command: ``graph``'s ``[v]`` encoded to a video-only MP4.

    Exactly ``frames`` frames at ``fmt``'s rate, H.264 by ``x264`` (the default
    settings if None); the container is forced to MP4 so ``output`` may end in ``.part``.
    """
    encoder = x264 or X264()
    return (
        "-filter_complex",
        graph,
        "-map",
        "[v]",
        "-frames:v",
        str(frames),
        "-r",
        fmt.rate,
        *encoder.args(fmt),
        "-an",
        "-f",
        "mp4",
        input_path(output),
    )
