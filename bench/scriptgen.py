"""A deterministic, original feature-length Fountain script for benchmarks and tests.

``feature_script(pages, seed)`` always returns the same text for the same
arguments. Proportions follow a typical feature: a little over one scene per page,
action in short paragraphs, dialogue exchanges between recurring characters with
extensions and parentheticals, dual dialogue now and then, a transition every few
scenes, a title page, sections, synopses, notes and emphasis. Roughly 55 printed
lines per page once paginated.
"""

from __future__ import annotations

import random

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


def _speech(rng: random.Random, name: str, dual: bool = False) -> list[str]:
    """A cue and one to four lines of dialogue, maybe with a parenthetical."""
    cue = name
    if rng.random() < 0.15:
        cue += f" ({rng.choice(_EXTENSIONS)})"
    if dual:
        cue += " ^"
    out = [cue]
    if rng.random() < 0.25:
        out.append(rng.choice(_PARENTHETICALS))
    out.append(rng.choice(_LINES_OPEN))
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        if rng.random() < 0.15:
            out.append(rng.choice(_PARENTHETICALS))
        out.append(rng.choice(_LINES_MORE))
    return out


def feature_script(pages: int = 120, seed: int = 1, *, boneyard: bool = False) -> str:
    """Fountain text of an original script about ``pages`` pages long, same for same args.

    ``boneyard=True`` adds a struck-out ``/* */`` passage now and then (off by
    default: jouvence 0.4.2 never returns on any boneyard).
    """
    rng = random.Random(seed)
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
        heading = f"{setting} {rng.choice(_LOCATIONS)} - {rng.choice(_TIMES)}"
        if rng.random() < 0.1:
            heading += f" #{scene}#"
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
            speech = _speech(rng, speaker)
            if rng.random() < 0.05:
                other = present[(beat + 1) % len(present)]
                speech += ["", *_speech(rng, other, dual=True)]
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
    return "\n".join(out)
