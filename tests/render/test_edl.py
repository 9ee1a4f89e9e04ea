"""The EDL export: one picture and one sound event per scene, on the film's cuts."""

from __future__ import annotations

from fractions import Fraction

from vividverse_desktop.render.edl import EdlEvent, film_edl, timecode


def test_timecode_counts_frames_at_the_nominal_rate() -> None:
    """Frame 90061 at 24 fps is 1 h 2 min 32 s and 13 frames."""
    assert timecode(90061, Fraction(24)) == "01:02:32:13"
    assert timecode(30, Fraction(30000, 1001)) == "00:00:01:00"


def test_each_scene_is_a_video_and_an_audio_event_on_the_cuts() -> None:
    """Record in/out follow the scene slots; sources start at zero; files are named."""
    text = film_edl(
        "Pier Nine",
        [
            EdlEvent("1. EXT. PIER - NIGHT", "/j/c1.mp4", "/j/a1.au", 0, 48),
            EdlEvent("2. INT. OFFICE - DAY", "/j/c2.mp4", None, 48, 30),
        ],
        Fraction(24),
    )
    lines = text.splitlines()
    assert lines[:2] == ["TITLE: Pier Nine", "FCM: NON-DROP FRAME"]
    events = [line for line in lines if line[:3].isdigit()]
    assert events == [
        "001  AX       V     C        00:00:00:00 00:00:02:00 00:00:00:00 00:00:02:00",
        "002  AX       A     C        00:00:00:00 00:00:02:00 00:00:00:00 00:00:02:00",
        "003  AX       V     C        00:00:00:00 00:00:01:06 00:00:02:00 00:00:03:06",
    ]
    assert "* FROM CLIP NAME: /j/c2.mp4" in lines
    assert "* COMMENT: 2. INT. OFFICE - DAY" in lines
