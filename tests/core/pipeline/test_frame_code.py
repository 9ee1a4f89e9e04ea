"""core.pipeline.frame_code: the frame-code film's command line and reading a number back."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from vividverse_desktop.core.pipeline.frame_code import (
    COLUMNS,
    MAX_FRAMES,
    ROWS,
    frame_code_argv,
    frame_code_filter,
    read_frame_code,
)


def test_the_command_draws_the_frame_counter_at_the_exact_rate() -> None:
    """30000/1001 is passed as a fraction; frames, keyframes, chapters and yuv420p are set."""
    argv = frame_code_argv(
        Path("/tmp/f.mp4"), rate=Fraction(30000, 1001), frames=90, chapters=Path("/tmp/c.txt")
    )
    assert "color=black:s=64x48:r=30000/1001" in argv
    assert argv[argv.index("-frames:v") + 1] == "90"
    assert argv[argv.index("-g") + 1] == "12"
    assert argv[argv.index("-pix_fmt") + 1] == "yuv420p"
    assert argv[argv.index("-map_chapters") + 1] == "2"
    assert argv[argv.index("-t") + 1] == "3.003000"
    assert argv[-1] == "/tmp/f.mp4"
    assert frame_code_filter(64, 48) in argv


@pytest.mark.parametrize("frames", [0, MAX_FRAMES + 1])
def test_a_film_longer_than_the_code_counts_is_refused(frames: int) -> None:
    with pytest.raises(ValueError, match="frame-code film"):
        frame_code_argv(Path("f.mp4"), rate=Fraction(24), frames=frames)


@pytest.mark.parametrize("number", [0, 1, 5, 1800, MAX_FRAMES - 1])
def test_a_number_drawn_as_cells_reads_back(number: int) -> None:
    """Cells drawn as the filter draws them (bit b at column b % 4, row b // 4) read back."""
    width, height = 64, 48
    cell_w, cell_h = width // COLUMNS, height // ROWS

    def lightness(x: int, y: int) -> int:
        bit = x // cell_w + COLUMNS * (y // cell_h)
        return 235 if (number >> bit) & 1 else 16

    assert read_frame_code(lightness, width, height) == number


def test_a_review_sized_film_scales_the_cells_up_sharp() -> None:
    """The code is drawn small and enlarged by nearest neighbour, keyframes as asked."""
    argv = frame_code_argv(
        Path("f.mp4"), rate=Fraction(24), frames=24, scale_to=(1280, 720), keyframe_every=48
    )
    graph = argv[argv.index("-vf") + 1]
    assert graph == frame_code_filter(64, 48) + ",scale=1280:720:flags=neighbor"
    assert argv[argv.index("-g") + 1] == "48"
