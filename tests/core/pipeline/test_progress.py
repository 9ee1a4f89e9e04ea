"""FFmpeg's -progress output becomes progress reports, whatever the chunking."""

from __future__ import annotations

from vividverse_desktop.core.pipeline.progress import Progress, ProgressParser

BLOCK = (
    "frame=48\nfps=0.00\nstream_0_0_q=-1.0\nbitrate=   1.2kbits/s\ntotal_size=7000\n"
    "out_time_us=2000000\nout_time_ms=2000000\nout_time=00:00:02.000000\n"
    "dup_frames=0\ndrop_frames=0\nspeed=41.5x\nprogress=continue\n"
)


def test_a_complete_block_gives_one_report() -> None:
    """A block ending in progress=continue yields its frame, time and speed."""
    reports = ProgressParser().feed(BLOCK)
    assert reports == [
        Progress(out_time_us=2_000_000, frame=48, fps=0.0, speed=41.5, total_size=7000)
    ]


def test_chunks_split_mid_line_give_the_same_report() -> None:
    """Feeding one character at a time gives the same reports as one chunk."""
    parser = ProgressParser()
    reports: list[Progress] = []
    for char in BLOCK + BLOCK.replace("continue", "end"):
        reports.extend(parser.feed(char))
    assert [r.frame for r in reports] == [48, 48]
    assert [r.done for r in reports] == [False, True]


def test_partial_block_gives_nothing_until_complete() -> None:
    """Keys without their closing progress= line are held back."""
    parser = ProgressParser()
    assert parser.feed("frame=10\nout_time_us=5000") == []
    assert parser.feed("00\nprogress=continue\n")[0].out_time_us == 500_000


def test_not_available_values_are_none() -> None:
    """N/A fields (at the start of a run) become None instead of raising."""
    (report,) = ProgressParser().feed(
        "frame=0\nout_time_us=N/A\nout_time_ms=N/A\nspeed=N/A\nprogress=continue\n"
    )
    assert (report.out_time_us, report.speed, report.frame) == (None, None, 0)


def test_negative_start_time_is_unknown() -> None:
    """A negative out_time (FFmpeg's value before the first frame) is reported as unknown."""
    (report,) = ProgressParser().feed("out_time_us=-9223372036854775807\nprogress=continue\n")
    assert report.out_time_us is None


def test_crlf_lines_are_read() -> None:
    """Windows line endings do not leak into values."""
    (report,) = ProgressParser().feed("frame=3\r\nspeed=2x\r\nprogress=end\r\n")
    assert (report.frame, report.speed, report.done) == (3, 2.0, True)


def test_last_keeps_the_latest_report() -> None:
    """The parser remembers the most recent report."""
    parser = ProgressParser()
    parser.feed(BLOCK)
    parser.feed("frame=96\nprogress=end\n")
    assert parser.last is not None
    assert parser.last.frame == 96


def test_fraction_is_clamped_and_one_when_done() -> None:
    """fraction() is position over total, within [0, 1], and 1 on the final report."""
    assert Progress(out_time_us=1_500_000).fraction(3.0) == 0.5
    assert Progress(out_time_us=9_000_000).fraction(3.0) == 1.0
    assert Progress().fraction(3.0) == 0.0
    assert Progress(done=True).fraction(3.0) == 1.0
