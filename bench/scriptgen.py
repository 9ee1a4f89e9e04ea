"""A deterministic, original feature-length Fountain script for benchmarks and tests.

``feature_script(pages, seed)`` always returns the same text for the same
arguments. Proportions follow a typical feature: a little over one scene per page,
action in short paragraphs, dialogue exchanges between recurring characters with
extensions and parentheticals, dual dialogue now and then, a transition every few
scenes, a title page, sections, synopses, notes and emphasis. Roughly 55 printed
lines per page once paginated.

``feature_script_with_truth(pages, seed)`` returns the same text together with a
``ScriptTruth``: the figures the generator knows because it wrote them (scenes, the
INT/EXT and DAY/NIGHT splits, locations, and per character speeches, words spoken,
scenes spoken in and first scene). It is recorded while writing, from the generator's
own choices, without the parser or the statistics, so tests can hold
``core.screenplay.stats`` to it on feature-length scripts.

Page tolerance: laid out on Letter by ``core.screenplay.pagination``, the script runs
to ``pages`` within ``page_tolerance(pages)`` printed pages (2 pages or 3%, whichever
is more; seeds 1-10 at 30 to 150 pages measured 0 to +2 pages).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_CHARACTERS = (
    "MARGOT",
    "DESMOND",
    "ILSE",
    "TOBIAS",
    "RUTH",
    "FELIX",
    "NADIA",
    "OSCAR",
    "PRIYA",
    "LEON",
    "AGATHA",
    "WENDELL",
    "SOFIA",
)
_LOCATIONS = (
    "LIGHTHOUSE KITCHEN",
    "HARBOUR OFFICE",
    "MARGOT'S APARTMENT",
    "FERRY DECK",
    "RAILWAY PLATFORM",
    "ABANDONED CANNERY",
    "POLICE STATION - BULLPEN",
    "COASTAL ROAD",
    "HOSPITAL CORRIDOR",
    "DESMOND'S WORKSHOP",
    "TOWN SQUARE",
    "ROOFTOP GARDEN",
    "ARCHIVE BASEMENT",
    "FISH MARKET",
    "MOTEL ROOM 12",
    "CLIFFTOP",
)
_TIMES = ("DAY", "NIGHT", "DAY", "NIGHT", "CONTINUOUS", "LATER", "MORNING", "DUSK")
_SETTINGS = ("INT.", "EXT.", "INT.", "EXT.", "INT./EXT.", "I/E")
_EXTENSIONS = ("V.O.", "O.S.", "CONT'D", "O.C.")
_PARENTHETICALS = (
    "(quietly)",
    "(beat)",
    "(not looking up)",
    "(to Desmond)",
    "(laughing)",
    "(into the radio)",
    "(re: the map)",
    "(under her breath)",
    "(a long pause)",
    "(sotto)",
)
_TRANSITIONS = ("CUT TO:", "SMASH CUT TO:", "DISSOLVE TO:", "MATCH CUT TO:")
_SUBJECTS = (
    "The fog",
    "A gull",
    "Margot",
    "Desmond",
    "The old radio",
    "Rain",
    "A delivery van",
    "The lamp",
    "Ilse",
    "Somebody",
    "The tide",
    "A dog",
    "Tobias",
    "The kettle",
)
_VERBS = (
    "drifts across",
    "circles above",
    "slams into",
    "hums beside",
    "waits near",
    "crawls over",
    "glints against",
    "rattles past",
    "settles on",
    "leans toward",
    "vanishes behind",
    "hovers over",
)
_OBJECTS = (
    "the rusted railing",
    "a stack of unopened letters",
    "the flickering sign",
    "the harbour wall",
    "an empty chair",
    "the narrow stairwell",
    "a chipped enamel mug",
    "the frozen clock",
    "a crate of lemons",
    "the shuttered window",
    "the long table",
    "a pile of nets",
)
_DETAILS = (
    "Nobody moves.",
    "Somewhere a bell rings twice.",
    "The light changes, slowly.",
    "It has been like this for years.",
    "A door bangs in the wind.",
    "The radio crackles and dies.",
    "Footsteps, then silence.",
    "Steam curls from a cup.",
)
_LINES_OPEN = (
    "I told you we should have left before the tide turned.",
    "You don't get to decide that.",
    "Where were you last night?",
    "It's not about the money. It was never about the money.",
    "Hand me the wrench, would you?",
    "Listen to me.",
    "Do you hear that?",
    "We have maybe ten minutes before they notice.",
    "I kept every one of your letters.",
    "That's not what happened and you know it.",
    "Fine.",
    "Say that again.",
    "The ferry doesn't run on Sundays.",
    "Then we walk.",
    "He knew. He always knew.",
    "I'm not asking twice.",
)
_LINES_MORE = (
    "And don't look at me like that.",
    "Nobody else was going to do it.",
    "The map is wrong, it has always been wrong.",
    "We start at the cannery and work our way back.",
    "You can laugh, but I was there.",
    "If the lights go out, stay by the door.",
    "Trust me on this one.",
    "I'll explain later.",
)


def _action(rng: random.Random) -> str:
    """One action paragraph of one to four lines."""
    lines = []
    for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
        sentence = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."
        if rng.random() < 0.4:
            sentence += " " + rng.choice(_DETAILS)
        if rng.random() < 0.06:
            words = sentence.split(" ")
            at = rng.randrange(len(words))
            words[at] = rng.choice(("*", "**", "_")).join(("", words[at], ""))
            sentence = " ".join(words)
        lines.append(sentence)
    return "\n".join(lines)


# What each heading prefix the generator writes counts as, by the statistics' rules
# (core/screenplay/heading.py: "I/E" is another spelling of "INT./EXT.").
_SETTING_KINDS = {"INT.": "INT", "EXT.": "EXT", "INT./EXT.": "INT/EXT", "I/E": "INT/EXT"}
# The light each time of day plays in, by the same rules: MORNING is a day word, DUSK
# is neither day nor night, and a relative time (None) plays in the previous scene's
# light, OTHER when no scene came before.
_TIME_LIGHTS: dict[str, str | None] = {
    "DAY": "DAY",
    "NIGHT": "NIGHT",
    "MORNING": "DAY",
    "DUSK": "OTHER",
    "CONTINUOUS": None,
    "LATER": None,
}
INT_EXT_KEYS = ("INT", "EXT", "INT/EXT", "EST", "OTHER")
DAY_NIGHT_KEYS = ("DAY", "NIGHT", "OTHER")
# The word definition of core/screenplay/timing.py, restated: whitespace or dashes
# (two or more hyphens, en or em dash) separate words, and a word holds a letter or digit.
_WORD_BREAK = re.compile(r"\s+|--+|[—–]")


def spoken_words(line: str) -> int:
    """Words in one line of dialogue: tokens between whitespace or dashes with a letter or digit."""
    return sum(1 for token in _WORD_BREAK.split(line) if any(ch.isalnum() for ch in token))


def page_tolerance(pages: int) -> int:
    """How many printed pages a script asked for ``pages`` may be off: 2, or 3% if more."""
    return max(2, math.ceil(0.03 * pages))


@dataclass(frozen=True, slots=True)
class CharacterTruth:
    """A speaking part as written: cues, dialogue words, scenes with a cue, first such scene."""

    speeches: int
    words: int
    scenes: tuple[str, ...]
    first_scene: str


@dataclass(frozen=True, slots=True)
class ScriptTruth:
    """What the generator wrote, counted as it wrote it (see the module docstring).

    Scene numbers are strings as the statistics give them (explicit ``#n#`` numbers are
    the scene's position anyway). ``int_ext`` has the keys of ``INT_EXT_KEYS`` and
    ``day_night`` those of ``DAY_NIGHT_KEYS``, zero counts included; ``locations`` maps
    a location to its scenes in order; ``characters`` maps a name (as on the cue,
    without extensions) to its part.
    """

    target_pages: int
    scene_count: int
    int_ext: Mapping[str, int]
    day_night: Mapping[str, int]
    locations: Mapping[str, tuple[str, ...]]
    characters: Mapping[str, CharacterTruth]

    @property
    def speeches(self) -> int:
        """All cues of the script."""
        return sum(part.speeches for part in self.characters.values())

    @property
    def dialogue_words(self) -> int:
        """All words spoken in dialogue."""
        return sum(part.words for part in self.characters.values())


@dataclass
class _Part:
    speeches: int = 0
    words: int = 0
    scenes: dict[str, None] = field(default_factory=dict)
    first_scene: str = ""


@dataclass
class _Ledger:
    """The running count of what has been written so far."""

    int_ext: dict[str, int] = field(default_factory=lambda: dict.fromkeys(INT_EXT_KEYS, 0))
    day_night: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DAY_NIGHT_KEYS, 0))
    locations: dict[str, list[str]] = field(default_factory=dict)
    parts: dict[str, _Part] = field(default_factory=dict)
    scene: str = ""
    scene_count: int = 0
    light: str = "OTHER"

    def heading(self, number: int, setting: str, location: str, time: str) -> None:
        self.scene = str(number)
        self.scene_count += 1
        self.int_ext[_SETTING_KINDS[setting]] += 1
        self.light = _TIME_LIGHTS[time] or self.light
        self.day_night[self.light] += 1
        self.locations.setdefault(location, []).append(self.scene)

    def speech(self, name: str, spoken: list[str]) -> None:
        part = self.parts.setdefault(name, _Part(first_scene=self.scene))
        part.speeches += 1
        part.words += sum(spoken_words(line) for line in spoken)
        part.scenes[self.scene] = None

    def truth(self, pages: int) -> ScriptTruth:
        return ScriptTruth(
            target_pages=pages,
            scene_count=self.scene_count,
            int_ext=dict(self.int_ext),
            day_night=dict(self.day_night),
            locations={name: tuple(scenes) for name, scenes in self.locations.items()},
            characters={
                name: CharacterTruth(p.speeches, p.words, tuple(p.scenes), p.first_scene)
                for name, p in self.parts.items()
            },
        )


def _speech(rng: random.Random, name: str, dual: bool = False) -> tuple[list[str], list[str]]:
    """A cue and one to four lines of dialogue, maybe with parentheticals; and the spoken lines.

    The first list is the speech as written; the second holds its dialogue lines alone.
    """
    cue = name
    if rng.random() < 0.15:
        cue += f" ({rng.choice(_EXTENSIONS)})"
    if dual:
        cue += " ^"
    out = [cue]
    if rng.random() < 0.25:
        out.append(rng.choice(_PARENTHETICALS))
    spoken = [rng.choice(_LINES_OPEN)]
    out.append(spoken[-1])
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        if rng.random() < 0.15:
            out.append(rng.choice(_PARENTHETICALS))
        spoken.append(rng.choice(_LINES_MORE))
        out.append(spoken[-1])
    return out, spoken


def feature_script(pages: int = 120, seed: int = 1, *, boneyard: bool = False) -> str:
    """Fountain text of an original script about ``pages`` pages long, same for same args.

    ``boneyard=True`` adds a struck-out ``/* */`` passage now and then (off by
    default: jouvence 0.4.2 never returns on any boneyard).
    """
    return feature_script_with_truth(pages, seed, boneyard=boneyard)[0]


def feature_script_with_truth(
    pages: int = 120, seed: int = 1, *, boneyard: bool = False
) -> tuple[str, ScriptTruth]:
    """``feature_script(pages, seed)``'s text and the truth recorded while writing it.

    The text is exactly ``feature_script``'s for the same arguments. Boneyard passages
    are not part of the script and count for nothing.
    """
    rng = random.Random(seed)
    ledger = _Ledger()
    cast = list(_CHARACTERS[: 8 + rng.randrange(6)])
    out = [
        "Title: The Lighthouse Ledger",
        "Credit: Written by",
        "Author: Vividverse Bench",
        "Draft date: 24 November 2026",
        "Contact:",
        "    bench@example.org",
        "    Harbour Lane 5",
        "",
    ]
    printed = 0
    target = pages * 57  # my line estimate runs ~3% short of core.screenplay.pagination
    scene = 0
    act = 0
    while printed < target:
        if scene % 20 == 0:
            act += 1
            out += [f"# Act {act}", "", f"= The story turns, part {act}.", ""]
        scene += 1
        setting = rng.choice(_SETTINGS)
        location = rng.choice(_LOCATIONS)
        time = rng.choice(_TIMES)
        heading = f"{setting} {location} - {time}"
        if rng.random() < 0.1:
            heading += f" #{scene}#"
        ledger.heading(scene, setting, location, time)
        out += [heading, ""]
        printed += 3
        present = rng.sample(cast, rng.choice((2, 2, 3, 3, 4)))
        beats = rng.randrange(6, 14)
        for beat in range(beats):
            if beat == 0 or rng.random() < 0.35:
                paragraph = _action(rng)
                out += [paragraph, ""]
                printed += sum(-(-len(line) // 60) for line in paragraph.split("\n")) + 1
                continue
            speaker = present[beat % len(present)]
            speech, spoken = _speech(rng, speaker)
            ledger.speech(speaker, spoken)
            if rng.random() < 0.05:
                other = present[(beat + 1) % len(present)]
                answer, answered = _speech(rng, other, dual=True)
                ledger.speech(other, answered)
                speech += ["", *answer]
            out += [*speech, ""]
            printed += sum(-(-len(line) // 32) for line in speech if line) + 1
            if rng.random() < 0.03:
                out += [f"[[Check continuity with scene {max(1, scene - 3)}.]]", ""]
        if rng.random() < 0.2:
            out += [rng.choice(_TRANSITIONS), ""]
            printed += 2
        if boneyard and rng.random() < 0.05:
            out += ["/* alternate take:", "MARGOT", "We never speak of this. */", ""]
    out += ["> THE END <", ""]
    return "\n".join(out), ledger.truth(pages)
