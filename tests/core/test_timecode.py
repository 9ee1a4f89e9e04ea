"""core.timecode: exact rates, frame <-> time, mid-frame seeks, SMPTE labels with drop-frame."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vividverse_desktop.core.timecode import FrameRate, TimecodeError

RATES = [
    FrameRate.of(23.976),
    FrameRate.of(24),
    FrameRate.of(25),
    FrameRate.of(29.97),
    FrameRate.of(29.97, drop_frame=True),
    FrameRate.of(30),
    FrameRate.of(50),
    FrameRate.of(59.94, drop_frame=True),
    FrameRate.of(60),
]


@pytest.mark.parametrize(
    ("value", "exact"),
    [
        (23.976, Fraction(24000, 1001)),
        ("29.97", Fraction(30000, 1001)),
        (29.97002997, Fraction(30000, 1001)),
        ("30000/1001", Fraction(30000, 1001)),
        (59.94, Fraction(60000, 1001)),
        (25.0, Fraction(25)),
        (24.0000001, Fraction(24)),
    ],
)
def test_decoder_rates_snap_to_their_exact_fraction(value: object, exact: Fraction) -> None:
    assert FrameRate.of(value).exact == exact  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["fast", "0", "-24", "1/0"])
def test_a_rate_that_is_not_one_is_refused(value: str) -> None:
    with pytest.raises(TimecodeError):
        FrameRate.of(value)


def test_drop_frame_exists_only_at_ntsc_rates() -> None:
    with pytest.raises(TimecodeError, match=r"29\.97 and 59\.94"):
        FrameRate.of(25, drop_frame=True)


@pytest.mark.parametrize("rate", RATES, ids=str)
def test_every_frame_of_an_hour_round_trips_through_time_seek_and_timecode(
    rate: FrameRate,
) -> None:
    """frame -> start time -> frame, frame -> mid-frame ms -> frame, frame -> label -> frame."""
    labels = set()
    for frame in range(0, rate.frame_count(3600) + 1, 7):
        assert rate.frame_at(rate.seconds(frame)) == frame
        assert rate.frame_at(float(rate.seconds(frame))) == frame
        assert rate.frame_at_ms(rate.seek_ms(frame)) == frame
        label = rate.timecode(frame)
        assert rate.frame_of(label) == frame
        labels.add(label)
    assert len(labels) == len(range(0, rate.frame_count(3600) + 1, 7))


@pytest.mark.parametrize(
    ("rate", "frame", "label"),
    [
        (FrameRate.of(29.97, drop_frame=True), 1799, "00:00:59;29"),
        (FrameRate.of(29.97, drop_frame=True), 1800, "00:01:00;02"),
        (FrameRate.of(29.97, drop_frame=True), 17982, "00:10:00;00"),
        (FrameRate.of(29.97, drop_frame=True), 107892, "01:00:00;00"),
        (FrameRate.of(29.97), 107892, "00:59:56:12"),
        (FrameRate.of(59.94, drop_frame=True), 3600, "00:01:00;04"),
        (FrameRate.of(59.94, drop_frame=True), 215784, "01:00:00;00"),
        (FrameRate.of(24), 86400, "01:00:00:00"),
        (FrameRate.of(25), 1, "00:00:00:01"),
    ],
)
def test_labels_match_the_smpte_counts(rate: FrameRate, frame: int, label: str) -> None:
    """Known labels: DF reaches 01:00:00;00 after exactly one hour of 29.97 (107,892 frames)."""
    assert rate.timecode(frame) == label
    assert rate.frame_of(label) == frame


@pytest.mark.parametrize("label", ["00:01:00;00", "00:01:00;01", "00:02:00:01"])
def test_labels_skipped_by_drop_frame_are_refused(label: str) -> None:
    with pytest.raises(TimecodeError, match="skipped"):
        FrameRate.of(29.97, drop_frame=True).frame_of(label)


def test_every_tenth_minute_keeps_its_first_labels() -> None:
    rate = FrameRate.of(29.97, drop_frame=True)
    assert rate.frame_of("00:10:00;00") == 17982


@pytest.mark.parametrize("label", ["1:2:3", "00:00:00:30", "00:60:00:00", "junk"])
def test_malformed_or_out_of_range_labels_are_refused(label: str) -> None:
    with pytest.raises(TimecodeError):
        FrameRate.of(30).frame_of(label)


@given(st.integers(min_value=0, max_value=24 * 3600 * 60 - 1))
def test_drop_frame_labels_increase_by_one_frame_each(frame: int) -> None:
    """Consecutive frames get consecutive labels: never a repeated or out-of-order one."""
    rate = FrameRate.of(59.94, drop_frame=True)
    if frame + 1 >= rate.frame_count(24 * 3600):
        return
    assert rate.frame_of(rate.timecode(frame + 1)) == rate.frame_of(rate.timecode(frame)) + 1


def test_seeking_aims_at_the_middle_of_the_frame() -> None:
    """At 24 fps frame 1 spans 41.67-83.33 ms: the seek aims at 62 ms, not 41."""
    assert FrameRate.of(24).seek_ms(1) == 62
    assert FrameRate.of(29.97).seek_ms(0) == 16


@pytest.mark.parametrize(
    ("value", "drop_frame", "label_of_frame_1800"),
    [
        (23.976, False, "00:01:15:00"),
        (24, False, "00:01:15:00"),
        (25, False, "00:01:12:00"),
        (29.97, True, "00:01:00;02"),
        (30, False, "00:01:00:00"),
        (50, False, "00:00:36:00"),
        (59.94, True, "00:00:30;00"),
        (60, False, "00:00:30:00"),
    ],
)
def test_conventional_rates_count_drop_frame_only_at_ntsc_broadcast_rates(
    value: float, drop_frame: bool, label_of_frame_1800: str
) -> None:
    """The review player's rates: DF at 29.97 and 59.94, stated in the label's ';'."""
    rate = FrameRate.conventional(value)
    assert rate.drop_frame is drop_frame
    assert rate.timecode(1800) == label_of_frame_1800
    assert rate.frame_of(label_of_frame_1800) == 1800


@pytest.mark.parametrize(
    ("value", "ms", "frame"),
    [
        (23.976, 1001, 24),
        (23.976, 1000, 23),
        (25, 40, 1),
        (25, 39, 0),
        (50, 20, 1),
        (60, 17, 1),
        (60, 16, 0),
        (29.97, 1001, 30),
        (29.97, 1000, 29),
    ],
)
def test_player_positions_name_the_frame_whose_span_holds_them(
    value: float, ms: int, frame: int
) -> None:
    """A position on a frame's boundary is that frame; a millisecond before is the one before."""
    assert FrameRate.of(value).frame_at_ms(ms) == frame
