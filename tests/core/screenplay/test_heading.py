"""Scene headings split into prefix, location and time of day, and bucketed by light."""

from __future__ import annotations

import pytest

from vividverse_desktop.core.screenplay.heading import (
    DayNight,
    SceneHeading,
    day_night,
    parse_heading,
    resolve_day_night,
)


def test_interior_heading_has_prefix_location_and_time() -> None:
    """INT. LOCATION - TIME gives the three parts."""
    assert parse_heading("INT. HARBOUR OFFICE - NIGHT") == SceneHeading(
        "INT", "HARBOUR OFFICE", "NIGHT"
    )


@pytest.mark.parametrize(
    "text",
    [
        "INT./EXT. CAR - DAY",
        "EXT./INT. CAR - DAY",
        "INT/EXT CAR - DAY",
        "I/E CAR - DAY",
        "I/E. CAR - DAY",
    ],
)
def test_mixed_prefix_spellings_read_as_int_ext(text: str) -> None:
    """Every common spelling of interior/exterior is one prefix."""
    assert parse_heading(text) == SceneHeading("INT/EXT", "CAR", "DAY")


def test_establishing_prefix() -> None:
    """EST. is the establishing-shot prefix."""
    assert parse_heading("EST. LIGHTHOUSE - DUSK").prefix == "EST"


def test_prefix_is_case_insensitive_and_location_upper_cased() -> None:
    """A lower-case heading reads the same as its upper-case form."""
    assert parse_heading("ext. the old pier - day") == SceneHeading("EXT", "THE OLD PIER", "DAY")


def test_forced_heading_without_prefix_keeps_whole_text_as_location() -> None:
    """A heading with no INT/EXT prefix has an empty prefix."""
    assert parse_heading("THE VOID") == SceneHeading("", "THE VOID", "")


def test_word_starting_with_int_is_not_a_prefix() -> None:
    """INTERVIEW ROOM is a location, not INT + ERVIEW ROOM."""
    assert parse_heading("INTERVIEW ROOM - DAY") == SceneHeading("", "INTERVIEW ROOM", "DAY")


@pytest.mark.parametrize("dash", ["-", "--", "–", "—"])
def test_time_after_any_dash(dash: str) -> None:
    """Hyphen, double hyphen, en and em dash all separate the time of day."""
    assert parse_heading(f"EXT. QUAY {dash} DAWN").time_of_day == "DAWN"


def test_sub_location_stays_in_location() -> None:
    """Only the last dash segment naming a time is the time of day."""
    heading = parse_heading("INT. FERRY - ENGINE ROOM - MOMENTS LATER")
    assert (heading.location, heading.time_of_day) == ("FERRY - ENGINE ROOM", "MOMENTS LATER")


def test_last_segment_that_is_not_a_time_stays_in_location() -> None:
    """INT. HOUSE - KITCHEN has no time of day."""
    assert parse_heading("INT. HOUSE - KITCHEN") == SceneHeading("INT", "HOUSE - KITCHEN", "")


def test_hyphenated_name_is_not_split() -> None:
    """An unspaced hyphen is part of the location."""
    assert parse_heading("EXT. WEST-END ALLEY - NIGHT").location == "WEST-END ALLEY"


def test_trailing_scene_number_is_ignored() -> None:
    """A #12# scene number does not end up in the time of day."""
    assert parse_heading("INT. BARN - DAY #12#").time_of_day == "DAY"


@pytest.mark.parametrize(
    ("time", "bucket"),
    [
        ("DAY", DayNight.DAY),
        ("MORNING", DayNight.DAY),
        ("LATE AFTERNOON", DayNight.DAY),
        ("NIGHT", DayNight.NIGHT),
        ("LATER THAT NIGHT", DayNight.NIGHT),
        ("EVENING", DayNight.NIGHT),
        ("DAWN", DayNight.OTHER),
        ("DUSK", DayNight.OTHER),
        ("MAGIC HOUR", DayNight.OTHER),
        ("", DayNight.OTHER),
        ("CONTINUOUS", None),
        ("MOMENTS LATER", None),
        ("LATER", None),
    ],
)
def test_day_night_buckets(time: str, bucket: DayNight | None) -> None:
    """Times of day fall in DAY, NIGHT or OTHER; relative times have no bucket of their own."""
    assert day_night(time) is bucket


def test_relative_time_takes_previous_scene_bucket() -> None:
    """CONTINUOUS after a night scene is night; at the start it is OTHER."""
    headings = [
        parse_heading("INT. HALL - CONTINUOUS"),
        parse_heading("EXT. YARD - NIGHT"),
        parse_heading("INT. HALL - CONTINUOUS"),
        parse_heading("INT. HALL - DAY"),
        parse_heading("INT. HALL - LATER"),
    ]
    assert resolve_day_night(headings) == [
        DayNight.OTHER,
        DayNight.NIGHT,
        DayNight.NIGHT,
        DayNight.DAY,
        DayNight.DAY,
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EXT. BY THE RIVER - NIGHT - CONTINUOUS", ("EXT", "BY THE RIVER", "NIGHT", "CONTINUOUS")),
        ("INT. SAN FRANCISCO APARTMENT, DAY", ("INT", "SAN FRANCISCO APARTMENT", "DAY", "")),
        ("INT./EXT. EDWARD'S CAR - NIGHT - [THE STORM]", ("INT/EXT", "EDWARD'S CAR", "NIGHT", "")),
        (
            "INT. HALF-DARK PARIS APARTMENT - (PRESENT) DAY",
            ("INT", "HALF-DARK PARIS APARTMENT", "(PRESENT) DAY", ""),
        ),
        ("EXT. FIRE ESCAPE, CONTINUOUS", ("EXT", "FIRE ESCAPE", "CONTINUOUS", "CONTINUOUS")),
        ("EXT. ROME, ITALY - DAY", ("EXT", "ROME, ITALY", "DAY", "")),
        (
            "EXT/INT  MILLER'S TRUCK - SAME TIME",
            ("INT/EXT", "MILLER'S TRUCK", "SAME TIME", "SAME TIME"),
        ),
        ("INT. OFFICE - THE NEXT MORNING", ("INT", "OFFICE", "THE NEXT MORNING", "")),
        (
            "EXT. STREET - A FEW DAYS LATER",
            ("EXT", "STREET", "A FEW DAYS LATER", "A FEW DAYS LATER"),
        ),
        ("I/E CAR PARK - PRE-DAWN", ("INT/EXT", "CAR PARK", "PRE-DAWN", "")),
        ("EXT. SF - GOLDEN GATE PARK", ("EXT", "SF - GOLDEN GATE PARK", "", "")),
        ("EXT. PIER - MAGIC HOUR", ("EXT", "PIER", "MAGIC HOUR", "")),
    ],
)
def test_real_heading_shapes(text: str, expected: tuple[str, str, str, str]) -> None:
    """Time of day is the last dash or comma part naming a time; continuity is not place."""
    heading = parse_heading(text)
    assert (heading.prefix, heading.location, heading.time_of_day, heading.continuity) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "INT. REGAL CINEMA - PROJECTION BOOTH - NIGHT - FLASHBACK",
            ("REGAL CINEMA - PROJECTION BOOTH", "NIGHT", ""),
        ),
        ("EXT. QUAY - DAY - 1979", ("QUAY", "DAY", "")),
        ("INT. CAR - NIGHT - 1970S", ("CAR", "NIGHT", "")),
        ("EXT. BEACH - DAY - SUMMER 1979", ("BEACH", "DAY", "")),
        ("INT. LAB - NIGHT - END OF FLASHBACK - CONTINUOUS", ("LAB", "NIGHT", "CONTINUOUS")),
        ("INT. KITCHEN - DAY - DREAM", ("KITCHEN", "DAY", "")),
        ("INT. HOUSE - BACK", ("HOUSE - BACK", "", "")),
        ("EXT. PARK - SPRING", ("PARK - SPRING", "", "")),
        ("INT. MEMORY LANE - DAY", ("MEMORY LANE", "DAY", "")),
    ],
)
def test_flashback_and_year_after_the_time_are_notes(
    text: str, expected: tuple[str, str, str]
) -> None:
    """``- FLASHBACK``, ``- DREAM`` or a year after the time is neither place nor time."""
    heading = parse_heading(text)
    assert (heading.location, heading.time_of_day, heading.continuity) == expected


@pytest.mark.parametrize(
    ("time", "bucket"),
    [
        ("(PRESENT) DAY", DayNight.DAY),
        ("THE NEXT MORNING", DayNight.DAY),
        ("PRE-DAWN", DayNight.OTHER),
        ("DAY TO NIGHT", DayNight.OTHER),
        ("A FEW DAYS LATER", None),
        ("SAME TIME", None),
        ("CONTINUED", None),
    ],
)
def test_real_time_buckets(time: str, bucket: DayNight | None) -> None:
    """Real times of day: twilight and mixed are OTHER; continuity has no light of its own."""
    assert day_night(time) is bucket


@pytest.mark.parametrize(
    ("text", "shot"),
    [
        ("ON THE TV", True),
        ("SCOTT", True),
        ("INSIDE", True),
        ("INTERVIEW ROOM - DAY", False),
        ("INT. KITCHEN", False),
    ],
)
def test_shot_heading_has_no_prefix_and_no_time(text: str, shot: bool) -> None:
    """A heading without INT/EXT and without a time of day is a shot heading."""
    assert parse_heading(text).is_shot is shot
