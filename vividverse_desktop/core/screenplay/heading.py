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
    """A heading split into its parts; ``prefix`` is ``""`` for forced or unusual headings."""

    prefix: Prefix
    location: str
    time_of_day: str

    @property
    def day_night(self) -> DayNight | None:
        """The day/night bucket of the time of day; ``None`` when it is relative (``LATER``)."""
        return day_night(self.time_of_day)


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
# hyphen, en or em dash); a bare hyphen inside a name ("WEST-END") does not split.
_DASH = re.compile(r"\s+(?:--|-|–|—)\s+|\s*(?:--|–|—)\s*")

_DAY_WORDS = frozenset(
    {"DAY", "DAYTIME", "MORNING", "AFTERNOON", "NOON", "MIDDAY", "DAYLIGHT", "BREAKFAST", "LUNCH"}
)
_NIGHT_WORDS = frozenset({"NIGHT", "NIGHTTIME", "MIDNIGHT", "EVENING", "DINNER", "TONIGHT"})
_OTHER_WORDS = frozenset({"DAWN", "DUSK", "SUNRISE", "SUNSET", "TWILIGHT", "MAGIC", "GOLDEN"})
_RELATIVE_WORDS = frozenset({"CONTINUOUS", "LATER", "SAME", "MOMENTS", "CONT'D", "CONTD"})
_TIME_WORDS = _DAY_WORDS | _NIGHT_WORDS | _OTHER_WORDS | _RELATIVE_WORDS
_WORD = re.compile(r"[A-Z']+")


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
    location, time_of_day = _split_time(rest)
    return SceneHeading(prefix, location.upper(), time_of_day.upper())


def _split_time(rest: str) -> tuple[str, str]:
    matches = list(_DASH.finditer(rest))
    if not matches:
        return rest.strip(" -"), ""
    last = matches[-1]
    tail = rest[last.end() :].strip()
    if _names_time(tail):
        return rest[: last.start()].strip(" -"), tail
    return rest.strip(" -"), ""


def _names_time(segment: str) -> bool:
    words = _WORD.findall(segment.upper())
    return any(word in _TIME_WORDS for word in words)


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
