"""studio.screening: a film's exact rate, frame count and chapters as frame ranges."""

from __future__ import annotations

from pathlib import Path

import pytest

from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.screening import film_facts, make_frame_code_film

SCENES = (("INT. KITCHEN - DAY", 0), ("EXT. ROOF - NIGHT", 29), ("INT. CAR", 61))


@pytest.mark.parametrize(
    ("fps", "rate"),
    [
        (24, FrameRate(24)),
        (25, FrameRate(25)),
        (29.97, FrameRate(30000, 1001, drop_frame=True)),
        (23.976, FrameRate(24000, 1001)),
    ],
)
def test_facts_give_the_exact_rate_frames_and_chapters_on_their_cuts(
    tmp_path: Path, fps: float, rate: FrameRate
) -> None:
    """Chapters written on frames 0, 29 and 61 come back as frames 0-28, 29-60, 61-last."""
    path = make_frame_code_film(
        path=tmp_path / "film.mp4", rate=FrameRate.conventional(fps), frames=80, chapters=SCENES
    )
    facts = film_facts(path=path)
    assert facts.rate == rate
    assert facts.frames == 80
    assert (facts.width, facts.height) == (64, 48)
    assert [(c.title, c.first, c.last) for c in facts.chapters] == [
        ("INT. KITCHEN - DAY", 0, 28),
        ("EXT. ROOF - NIGHT", 29, 60),
        ("INT. CAR", 61, 79),
    ]
    assert facts.chapter_at(60).title == "EXT. ROOF - NIGHT"  # type: ignore[union-attr]
    assert facts.chapter_at(80) is None


def test_a_file_that_is_no_film_is_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(StudioError, match=r"cannot screen notes\.mp4"):
        film_facts(path=path)


def test_a_chapter_label_numbers_the_scene_once() -> None:
    from vividverse_desktop.studio.screening import Chapter

    assert Chapter(2, "EXT. ROOF - NIGHT", 0, 10).label == "3. EXT. ROOF - NIGHT"
    assert Chapter(2, "3. EXT. ROOF - NIGHT", 0, 10).label == "3. EXT. ROOF - NIGHT"
    assert Chapter(0, "4A. EXT. BRIDGE", 0, 10).label == "4A. EXT. BRIDGE"
