"""A frame-code film: every frame shows its own number as a grid of black and white cells.

A player is checked against it by reading the number back from the decoded picture:
the frame it claims to show is the frame it shows (seek, step, play, pause).

Bit ``b`` of the frame number is the cell in column ``b % COLUMNS`` and row
``b // COLUMNS`` (white is 1); the cells tile the picture. FFmpeg's ``geq`` filter
draws them from the frame counter ``N``, so the number is the decoder's frame index.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import Argv, global_args, input_path

COLUMNS = 4
ROWS = 3
BITS = COLUMNS * ROWS
MAX_FRAMES = 1 << BITS


def frame_code_filter(width: int, height: int) -> str:
    """The ``geq`` filter drawing frame ``N``'s number in grey cells of a grey picture."""
    cell_w, cell_h = width // COLUMNS, height // ROWS
    bit = f"floor(X/{cell_w})+{COLUMNS}*floor(Y/{cell_h})"
    return f"geq=lum='if(mod(floor(N/pow(2,{bit})),2),235,16)':cb=128:cr=128"


def frame_code_argv(
    out: Path,
    *,
    rate: Fraction,
    frames: int,
    width: int = 64,
    height: int = 48,
    chapters: Path | None = None,
    keyframe_every: int = 12,
    scale_to: tuple[int, int] | None = None,
) -> Argv:
    """Write ``frames`` frames at ``rate`` (H.264 yuv420p, silent AAC, chapters from an
    FFMETADATA file) to ``out``; ``scale_to`` enlarges the picture (nearest neighbour:
    the cells stay sharp and still tile it), e.g. to a review size, cheaply."""
    if not 0 < frames <= MAX_FRAMES:
        raise ValueError(f"a frame-code film holds 1 to {MAX_FRAMES} frames, not {frames}")
    if width % (2 * COLUMNS) or height % (2 * ROWS):
        raise ValueError(f"{width}x{height} does not split into even {COLUMNS}x{ROWS} cells")
    rate = Fraction(rate)
    seconds = Fraction(frames) / rate
    source = f"color=black:s={width}x{height}:r={rate.numerator}/{rate.denominator}"
    argv: list[str] = [*global_args(), "-f", "lavfi", "-i", source]
    argv += ["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo"]
    if chapters is not None:
        argv += ["-f", "ffmetadata", "-i", input_path(chapters), "-map_chapters", "2"]
    argv += ["-map", "0:v", "-map", "1:a", "-frames:v", str(frames)]
    graph = frame_code_filter(width, height)
    if scale_to is not None:
        graph += f",scale={scale_to[0]}:{scale_to[1]}:flags=neighbor"
    argv += ["-vf", graph]
    argv += ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-pix_fmt", "yuv420p"]
    argv += ["-g", str(keyframe_every), "-c:a", "aac", "-t", f"{float(seconds):.6f}"]
    argv += ["-movflags", "+faststart", input_path(out)]
    return tuple(argv)


def read_frame_code(lightness: Callable[[int, int], int], width: int, height: int) -> int:
    """The number drawn in a picture, given the lightness (0-255) at a pixel ``(x, y)``."""
    cell_w, cell_h = width // COLUMNS, height // ROWS
    number = 0
    for bit in range(BITS):
        x = (bit % COLUMNS) * cell_w + cell_w // 2
        y = (bit // COLUMNS) * cell_h + cell_h // 2
        if lightness(x, y) > 128:
            number |= 1 << bit
    return number
