"""Scene heading parts: interior/exterior prefix, location and time of day.

``INT. HARBOUR OFFICE - NIGHT`` reads as prefix ``INT``, location ``HARBOUR OFFICE``,
time of day ``NIGHT``. Statistics group scenes by the location and by a coarse
day/night bucket of the time of day.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Literal

Prefix = Literal["INT", "EXT", "INT/EXT", "EST", ""]


class DayNight(enum.StrEnum):
    """The light a scene plays in, as a schedule counts it."""

    DAY = "DAY"
    NIGHT = "NIGHT"
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class SceneHeading:
    """A heading split into its parts; ``prefix`` is ``""`` for forced or unusual headings.

    ``continuity`` holds a continuity phrase (``CONTINUOUS``, ``MOMENTS LATER``) when the
    heading has one; with no time of day named, ``time_of_day`` holds it too.
    """

    prefix: Prefix
    location: str
    time_of_day: str
    continuity: str = ""

    @property
    def day_night(self) -> DayNight | None:
        """The day/night bucket of the time of day; ``None`` when it is relative (``LATER``)."""
        return day_night(self.time_of_day)

    @property
    def is_shot(self) -> bool:
        """A shot heading (``.ON THE TV``): no INT/EXT prefix and no time of day.

        A shot heading plays inside the current scene; it is not a scene or a location.
        """
        return not self.prefix and not self.time_of_day


# Longest spellings first so that "INT./EXT." is not read as "INT." + "/EXT.".
_PREFIXES: tuple[tuple[str, Prefix], ...] = (
    ("INT./EXT.", "INT/EXT"),
    ("EXT./INT.", "INT/EXT"),
    ("INT/EXT.", "INT/EXT"),
    ("EXT/INT.", "INT/EXT"),
    ("INT/EXT", "INT/EXT"),
    ("EXT/INT", "INT/EXT"),
    ("INT.EXT.", "INT/EXT"),
    ("I./E.", "INT/EXT"),
    ("E./I.", "INT/EXT"),
    ("I/E.", "INT/EXT"),
    ("I/E", "INT/EXT"),
    ("E/I", "INT/EXT"),
    ("INT.", "INT"),
    ("INT", "INT"),
    ("EXT.", "EXT"),
    ("EXT", "EXT"),
    ("EST.", "EST"),
    ("EST", "EST"),
)

# A time-of-day segment is separated by a dash with spaces around it (hyphen, double
# hyphen, en or em dash) or by a comma; a bare hyphen inside a name ("WEST-END") does
# not split.
_DASH = re.compile(r"\s+(?:--|-|–|—)\s+|\s*(?:--|–|—)\s*|,\s+")

_DAY_WORDS = frozenset(
    {"DAY", "DAYTIME", "MORNING", "AFTERNOON", "NOON", "MIDDAY", "DAYLIGHT", "BREAKFAST", "LUNCH"}
)
_NIGHT_WORDS = frozenset({"NIGHT", "NIGHTTIME", "MIDNIGHT", "EVENING", "DINNER", "TONIGHT"})
_TWILIGHT_WORDS = frozenset(
    {"DAWN", "DUSK", "SUNRISE", "SUNSET", "TWILIGHT", "DAYBREAK", "NIGHTFALL", "SUNUP", "SUNDOWN"}
)
# MAGIC and GOLDEN name a time only before HOUR ("GOLDEN GATE PARK" is a place).
_HOUR_WORDS = frozenset({"MAGIC", "GOLDEN"})
_OTHER_WORDS = _TWILIGHT_WORDS | _HOUR_WORDS
_RELATIVE_WORDS = frozenset(
    {"CONTINUOUS", "LATER", "SAME", "MOMENTS", "CONTINUED", "CONT'D", "CONTD", "CONT"}
)
_CLOCK_WORDS = _DAY_WORDS | _NIGHT_WORDS | _TWILIGHT_WORDS
_WORD = re.compile(r"[A-Z']+")
# A part that only says what kind of scene it is (``- FLASHBACK``, ``- DREAM``, ``- 1979``)
# is a note on the heading, set aside like ``[THE STORM]``: it needs a year or one of
# the marker words, and every other word must be one of the fillers ("END OF FLASHBACK").
_NOTE_MARKERS = frozenset(
    {"FLASHBACK", "FLASHBACKS", "FLASH", "FLASHFORWARD", "DREAM", "FANTASY", "MEMORY"}
    | {"PRESENT", "MONTAGE", "INTERCUT"}
)
_NOTE_FILLERS = frozenset({"BACK", "FORWARD", "END", "OF", "BEGIN", "THE", "SEQUENCE", "TO"})
_NOTE_SEASONS = frozenset({"SPRING", "SUMMER", "AUTUMN", "FALL", "WINTER"})
_YEAR = re.compile(r"\b(?:1[0-9]|20)\d\dS?\b")  # 1979, 1970S


def parse_heading(text: str) -> SceneHeading:
    """Split a scene heading into prefix, location and time of day.

    The prefix is recognised case-insensitively (``INT.``, ``EXT.``, ``INT./EXT.``,
    ``I/E``, ``EST.`` and spellings without the dot); anything else gives prefix
    ``""`` and the whole text before the time of day as location. The time of day is
    the part after the last spaced dash when it names a time (``DAY``, ``NIGHT``,
    ``DAWN``, ``CONTINUOUS``, ``MOMENTS LATER``, ``LATER THAT NIGHT``, ...), kept as
    written but upper-cased; otherwise it is ``""``. Location is upper-cased and its
    whitespace collapsed. A leading forcing dot and a trailing ``#n#`` scene number
    are ignored.
    """
    rest = " ".join(text.split())
    if rest.startswith(".") and not rest.startswith(".."):
        rest = rest[1:].lstrip()
    rest = re.sub(r"\s*#[^#]*#\s*$", "", rest)
    prefix: Prefix = ""
    upper = rest.upper()
    for spelling, value in _PREFIXES:
        if upper.startswith(spelling):
            after = rest[len(spelling) :]
            # "INTERVIEW ROOM" is not "INT" + "ERVIEW ROOM": a dotless prefix needs a space.
            if not spelling.endswith(".") and after and not after[0].isspace():
                continue
            prefix = value
            rest = after.strip()
            break
    location, time_of_day, continuity = _split_time(rest)
    return SceneHeading(prefix, location.upper(), time_of_day.upper(), continuity.upper())


def _split_time(rest: str) -> tuple[str, str, str]:
    """Location, time of day and continuity of the text after the prefix.

    Parts are cut at spaced dashes and commas. From the end, continuity parts
    (``CONTINUOUS``) and bracketed notes (``[THE STORM]``) are set aside until a
    part naming a time (``NIGHT``, ``(PRESENT) DAY``) is found; it is the time of day
    and what comes before it the location. Notes on the kind of scene (``FLASHBACK``,
    ``DREAM``, a year) are set aside like bracketed ones. A part that is none of these
    ends the search.
    """
    cuts = list(_DASH.finditer(rest))
    if not cuts:
        return rest.strip(" -,"), "", ""
    continuity = ""
    end = len(rest)
    location_end = end
    for cut in reversed(cuts):
        part = rest[cut.end() : end].strip()
        words = _WORD.findall(part.upper())
        if _names_clock(words):
            return rest[: cut.start()].strip(" -,"), part, continuity
        if words and _RELATIVE_WORDS & set(words):
            continuity = part if not continuity else f"{part} - {continuity}"
        elif not (part[:1] in "[(" and part[-1:] in "])") and not _is_note(part, words):
            break
        end = cut.start()
        location_end = end
    return rest[:location_end].strip(" -,"), continuity, continuity


def _is_note(part: str, words: list[str]) -> bool:
    """Whether a part only marks the kind of scene: ``FLASHBACK``, ``DREAM``, ``1979``."""
    found = set(words)
    if not (found & _NOTE_MARKERS or _YEAR.search(part.upper())):
        return False
    return found <= _NOTE_MARKERS | _NOTE_FILLERS | _NOTE_SEASONS | {"S"}


def _names_clock(words: list[str]) -> bool:
    """Whether a part's words name a time of day (not only a continuity)."""
    found = set(words)
    return bool(found & _CLOCK_WORDS) or bool(found & _HOUR_WORDS and "HOUR" in found)


def day_night(time_of_day: str) -> DayNight | None:
    """The day/night bucket of a time of day, ``None`` for a relative one.

    ``NIGHT``, ``MIDNIGHT``, ``EVENING`` and phrases with them ("LATER THAT NIGHT")
    are NIGHT; ``DAY``, ``MORNING``, ``AFTERNOON``, ``NOON`` and the like are DAY;
    ``DAWN``, ``DUSK``, ``SUNRISE``, ``SUNSET``, ``MAGIC HOUR``, mixed (``DAY/NIGHT``)
    and unknown or empty times are OTHER. Purely relative times (``CONTINUOUS``,
    ``LATER``, ``MOMENTS LATER``, ``SAME``) return ``None``: the scene plays in the
    light of the scene before it (see ``resolve_day_night``).
    """
    words = set(_WORD.findall(time_of_day.upper()))
    night = bool(words & _NIGHT_WORDS)
    day = bool(words & _DAY_WORDS)
    if night and not day:
        return DayNight.NIGHT
    if day and not night:
        return DayNight.DAY
    if night or day or words & _OTHER_WORDS:
        return DayNight.OTHER
    if words & _RELATIVE_WORDS:
        return None
    return DayNight.OTHER


def resolve_day_night(headings: list[SceneHeading]) -> list[DayNight]:
    """The bucket of each heading in order, relative times taking the previous scene's.

    A relative time with no earlier scene is OTHER.
    """
    resolved: list[DayNight] = []
    previous = DayNight.OTHER
    for heading in headings:
        bucket = heading.day_night
        if bucket is None:
            bucket = previous
        resolved.append(bucket)
        previous = bucket
    return resolved
