"""Script statistics: length, scenes, locations, characters, light and estimated runtime.

Definitions (what the numbers count):

- Lengths are in eighths of a page from ``paginate()``: a scene covers the body lines
  from its heading to the next heading; ``eighths`` of the script is the sum of its
  scenes' eighths (lines before the first heading count for no scene).
  ``page_count`` is the number of printed body pages.
- ``int_ext`` buckets scenes by heading prefix: ``INT``, ``EXT``, ``INT/EXT``, ``EST``
  and ``OTHER`` (no recognised prefix). ``day_night`` buckets by the time of day
  (see ``heading.day_night``): dawn, dusk and their kin, mixed and missing times are
  ``OTHER`` (the table states it); relative times (``CONTINUOUS``, ``LATER``) take the
  bucket of the scene before.
- Scenes are master scenes (``Screenplay.scenes``): a shot heading (``.ON THE TV``)
  plays inside the scene before it and is never a scene or a location.
- Locations are grouped by the heading's location text alone (``INT. BARN`` and
  ``EXT. BARN`` are one location, ``BARN``).
- A character is a speaking part, named as on its first cue without extensions;
  cues that differ only in case (``McKENNA``, ``MCKENNA``) are one character.
  ``speeches`` counts cues; ``words`` counts dialogue words (see
  ``timing.count_words``; parentheticals and lyrics excluded); ``scenes`` lists the
  scenes with at least one cue; ``pages`` counts the distinct pages on which the
  character's cue, parentheticals or dialogue print. Characters are sorted by
  speeches, most first, then by name; locations by scene count, then length, then name.
- Runtime by the page rule is ``eighths / 8`` minutes (one page, one minute); the
  timing model is in ``timing``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vividverse_desktop.core.screenplay.heading import DayNight, parse_heading, resolve_day_night
from vividverse_desktop.core.screenplay.model import ElementKind, Screenplay
from vividverse_desktop.core.screenplay.pagination import (
    Pagination,
    Paper,
    format_eighths,
    paginate,
)
from vividverse_desktop.core.screenplay.stats_report import format_table, stats_csv
from vividverse_desktop.core.screenplay.timing import (
    element_words,
    prelude_duration,
    scene_durations,
)

__all__ = [
    "CharacterStats",
    "LocationStats",
    "SceneStats",
    "ScriptStats",
    "Share",
    "compute",
    "format_table",
    "scene_durations",
]

INT_EXT_KEYS = ("INT", "EXT", "INT/EXT", "EST", "OTHER")
_WORDED = frozenset({ElementKind.DIALOGUE, ElementKind.ACTION})
DAY_NIGHT_KEYS = tuple(bucket.value for bucket in DayNight)


@dataclass(frozen=True, slots=True)
class Share:
    """How many scenes fall in a bucket and how long they are, in eighths."""

    scenes: int
    eighths: int

    def to_json(self) -> dict[str, Any]:
        """``{"scenes": n, "eighths": e, "length": "1 3/8"}``."""
        return {
            "scenes": self.scenes,
            "eighths": self.eighths,
            "length": format_eighths(self.eighths),
        }


@dataclass(frozen=True, slots=True)
class SceneStats:
    """One scene: where and when it plays, how long it is, who speaks in it."""

    number: str
    heading: str
    prefix: str
    location: str
    time_of_day: str
    day_night: DayNight
    page: int
    eighths: int
    characters: tuple[str, ...]
    dialogue_words: int
    action_words: int
    duration_s: float

    def to_json(self) -> dict[str, Any]:
        """The scene as a JSON object."""
        return {
            "number": self.number,
            "heading": self.heading,
            "int_ext": self.prefix or "OTHER",
            "location": self.location,
            "time_of_day": self.time_of_day,
            "day_night": self.day_night.value,
            "page": self.page,
            "eighths": self.eighths,
            "length": format_eighths(self.eighths),
            "characters": list(self.characters),
            "dialogue_words": self.dialogue_words,
            "action_words": self.action_words,
            "duration_s": round(self.duration_s, 2),
        }


@dataclass(frozen=True, slots=True)
class LocationStats:
    """A location and the scenes that play there."""

    name: str
    scenes: tuple[str, ...]
    eighths: int

    @property
    def scene_count(self) -> int:
        """Number of scenes at the location."""
        return len(self.scenes)

    def to_json(self) -> dict[str, Any]:
        """The location as a JSON object."""
        return {
            "name": self.name,
            "scene_count": self.scene_count,
            "scenes": list(self.scenes),
            "eighths": self.eighths,
            "length": format_eighths(self.eighths),
        }


@dataclass(frozen=True, slots=True)
class CharacterStats:
    """A speaking part: how much and where they speak."""

    name: str
    speeches: int
    words: int
    scenes: tuple[str, ...]
    pages: int
    first_scene: str | None
    first_page: int

    @property
    def scene_count(self) -> int:
        """Number of scenes with a speech by the character."""
        return len(self.scenes)

    def to_json(self) -> dict[str, Any]:
        """The character as a JSON object."""
        return {
            "name": self.name,
            "speeches": self.speeches,
            "words": self.words,
            "scene_count": self.scene_count,
            "scenes": list(self.scenes),
            "pages": self.pages,
            "first_scene": self.first_scene,
            "first_page": self.first_page,
        }


@dataclass(frozen=True, slots=True)
class ScriptStats:
    """Everything ``compute`` measures about a script (see the module docstring)."""

    title: str
    page_count: int
    eighths: int
    int_ext: Mapping[str, Share]
    day_night: Mapping[str, Share]
    scenes: tuple[SceneStats, ...]
    locations: tuple[LocationStats, ...]
    characters: tuple[CharacterStats, ...]
    dialogue_words: int
    action_words: int
    runtime_minutes_timing_model: float

    @property
    def scene_count(self) -> int:
        """Number of scenes."""
        return len(self.scenes)

    @property
    def length(self) -> str:
        """The script's length in pages and eighths, e.g. ``"118 4/8"``."""
        return format_eighths(self.eighths)

    @property
    def runtime_minutes_page_rule(self) -> float:
        """Minutes by the page rule: one page of length is one minute."""
        return self.eighths / 8

    def to_json(self) -> dict[str, Any]:
        """The statistics as one JSON object (the CLI's ``stats --json``)."""
        return {
            "title": self.title,
            "page_count": self.page_count,
            "eighths": self.eighths,
            "length": self.length,
            "scene_count": self.scene_count,
            "runtime_minutes_page_rule": round(self.runtime_minutes_page_rule, 2),
            "runtime_minutes_timing_model": round(self.runtime_minutes_timing_model, 2),
            "dialogue_words": self.dialogue_words,
            "action_words": self.action_words,
            "int_ext": {key: share.to_json() for key, share in self.int_ext.items()},
            "day_night": {key: share.to_json() for key, share in self.day_night.items()},
            "locations": [location.to_json() for location in self.locations],
            "characters": [character.to_json() for character in self.characters],
            "scenes": [scene.to_json() for scene in self.scenes],
        }

    def to_csv(self) -> str:
        """The statistics as CSV sections (see ``stats_report.stats_csv``)."""
        return stats_csv(self)


@dataclass
class _Speaker:
    name: str
    speeches: int = 0
    words: int = 0
    first_scene: str | None = None
    first_page: int = 0


def compute(
    screenplay: Screenplay,
    pagination: Pagination | None = None,
    *,
    paper: str | Paper = "letter",
) -> ScriptStats:
    """Measure a screenplay; ``pagination`` defaults to ``paginate(screenplay, paper)``.

    Raises ``ValueError`` for a paper other than ``"letter"`` or ``"a4"``.
    """
    layout = pagination if pagination is not None else paginate(screenplay, paper)
    scenes = screenplay.scenes()
    headings = [parse_heading(scene.heading.text) for scene in scenes]
    buckets = resolve_day_night(headings)
    eighths = layout.scene_eighths()
    durations = scene_durations(screenplay)
    heading_index = list(screenplay.scene_starts())

    elements = screenplay.elements
    names: dict[str, str] = {}
    for element in screenplay.of_kind(ElementKind.CHARACTER):
        names.setdefault(_speaker_key(element.text), element.text.strip())
    words = [element_words(e) if e.kind in _WORDED else 0 for e in elements]
    bounds = [*heading_index, len(elements)]

    def words_of(kind: ElementKind, start: int, end: int) -> int:
        return sum(words[i] for i in range(start, end) if elements[i].kind is kind)

    scene_stats: list[SceneStats] = []
    for k, scene in enumerate(scenes):
        heading = headings[k]
        dialogue = words_of(ElementKind.DIALOGUE, bounds[k] + 1, bounds[k + 1])
        action = words_of(ElementKind.ACTION, bounds[k] + 1, bounds[k + 1])
        scene_stats.append(
            SceneStats(
                number=scene.number,
                heading=scene.heading.plain_text(),
                prefix=heading.prefix,
                location=heading.location,
                time_of_day=heading.time_of_day,
                day_night=buckets[k],
                page=layout.first_page(heading_index[k]) or 0,
                eighths=eighths[k] if k < len(eighths) else 0,
                characters=tuple(
                    dict.fromkeys(names[_speaker_key(name)] for name in scene.characters)
                ),
                dialogue_words=dialogue,
                action_words=action,
                duration_s=durations[k],
            )
        )

    int_ext = _shares(INT_EXT_KEYS, ((s.prefix or "OTHER", s.eighths) for s in scene_stats))
    day_night = _shares(DAY_NIGHT_KEYS, ((s.day_night.value, s.eighths) for s in scene_stats))

    characters = _characters(screenplay, layout, heading_index, scene_stats, words)
    total_dialogue = words_of(ElementKind.DIALOGUE, 0, len(elements))
    total_action = words_of(ElementKind.ACTION, 0, len(elements))
    return ScriptStats(
        title=screenplay.title,
        page_count=layout.page_count,
        eighths=sum(s.eighths for s in scene_stats),
        int_ext=int_ext,
        day_night=day_night,
        scenes=tuple(scene_stats),
        locations=_locations(scene_stats),
        characters=characters,
        dialogue_words=total_dialogue,
        action_words=total_action,
        runtime_minutes_timing_model=(sum(durations) + prelude_duration(screenplay)) / 60.0,
    )


def _speaker_key(name: str) -> str:
    return name.strip().upper()


def _shares(keys: tuple[str, ...], values: Iterable[tuple[str, int]]) -> dict[str, Share]:
    counts = dict.fromkeys(keys, 0)
    lengths = dict.fromkeys(keys, 0)
    for key, eighths in values:
        counts[key] = counts.get(key, 0) + 1
        lengths[key] = lengths.get(key, 0) + eighths
    return {key: Share(counts[key], lengths[key]) for key in counts}


def _locations(scenes: list[SceneStats]) -> tuple[LocationStats, ...]:
    grouped: dict[str, list[SceneStats]] = {}
    for scene in scenes:
        grouped.setdefault(scene.location, []).append(scene)
    found = [
        LocationStats(name, tuple(s.number for s in group), sum(s.eighths for s in group))
        for name, group in grouped.items()
    ]
    found.sort(key=lambda loc: (-loc.scene_count, -loc.eighths, loc.name))
    return tuple(found)


def _characters(
    screenplay: Screenplay,
    layout: Pagination,
    heading_index: list[int],
    scenes: list[SceneStats],
    words: list[int],
) -> tuple[CharacterStats, ...]:
    speakers: dict[str, _Speaker] = {}
    scene_sets: dict[str, dict[str, None]] = {}
    page_sets: dict[str, set[int]] = {}
    current: _Speaker | None = None
    scene_number: str | None = None
    next_heading = 0
    for index, element in enumerate(screenplay.elements):
        kind = element.kind
        if kind is ElementKind.SCENE_HEADING:
            if next_heading < len(heading_index) and heading_index[next_heading] == index:
                scene_number = scenes[next_heading].number
                next_heading += 1
            current = None
            continue
        if kind is ElementKind.CHARACTER:
            key = _speaker_key(element.text)
            current = speakers.setdefault(key, _Speaker(element.text.strip()))
            current.speeches += 1
            if current.speeches == 1:
                current.first_scene = scene_number
                current.first_page = layout.first_page(index) or 0
            if scene_number is not None:
                scene_sets.setdefault(key, {})[scene_number] = None
        elif kind in (ElementKind.PARENTHETICAL, ElementKind.DIALOGUE, ElementKind.LYRICS):
            if current is None:
                continue
            if kind is ElementKind.DIALOGUE:
                current.words += words[index]
        else:
            current = None
            continue
        assert current is not None
        pages = page_sets.setdefault(_speaker_key(current.name), set())
        pages.update(p.page for p in layout.placements(index))
    found = [
        CharacterStats(
            name=s.name,
            speeches=s.speeches,
            words=s.words,
            scenes=tuple(scene_sets.get(key, {})),
            pages=len(page_sets.get(key, ())),
            first_scene=s.first_scene,
            first_page=s.first_page,
        )
        for key, s in speakers.items()
    ]
    found.sort(key=lambda c: (-c.speeches, c.name.upper()))
    return tuple(found)
