"""The render plan: scenes -> shots -> prompts, dialogue lines with timing, scene durations.

:func:`build_plan` derives a plan from a screenplay, deterministically. The plan
is also a JSON document a user may edit and feed back (``core.pipeline.plan_json``).

Timing follows the timing model (``core.screenplay.timing``): a scene lasts what
``scene_durations`` says; within it the story clock starts after half the scene
overhead, action advances it at the reading rate, each speech at the speaking rate
after a turn gap. A scene's ``duration`` is authoritative: shot durations are
weights that the renderer scales to fill it.

Shots follow the beats: an establishing shot where the place or its look changes
(it holds the first half of the overhead), then one shot per action paragraph and
per speech, each weighted by the time the timing model gives that beat, so a
speech's card is up while its line plays.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from vividverse_desktop.core.pipeline.cards import Light, Motion, ShotKind, light_of
from vividverse_desktop.core.pipeline.marks import cast_order
from vividverse_desktop.core.pipeline.prompt import shot_prompt
from vividverse_desktop.core.screenplay.heading import DayNight, parse_heading, resolve_day_night
from vividverse_desktop.core.screenplay.model import Element, ElementKind, Scene, Screenplay
from vividverse_desktop.core.screenplay.timing import (
    ACTION_WPM,
    DIALOGUE_WPM,
    MIN_SCENE_S,
    SCENE_OVERHEAD_S,
    TRANSITION_S,
    TURN_GAP_S,
    element_words,
    prelude_duration,
    scene_durations,
)

MAX_SHOTS = 6
"""At most this many distinct pictures (prompts) per scene: later action beats are
still shots of their own, but ask for the last picture's prompt again, so an image
provider is paid for no more stills than before beats."""

NARRATOR = "(narrator)"
"""The speaker of narrated action lines. Fountain character cues are upper case and
cannot be written in parentheses, so no character of a script can take this name."""


@dataclass(frozen=True, slots=True)
class Line:
    """A spoken line: who, what, and when it starts (seconds into its scene), how long."""

    speaker: str
    text: str
    start: float
    duration: float
    parenthetical: str = ""


class Transition(enum.StrEnum):
    """How a scene begins or ends: a cut, a fade from or to black, a cross-dissolve."""

    CUT = "cut"
    FADE = "fade"
    DISSOLVE = "dissolve"


@dataclass(frozen=True, slots=True)
class Shot:
    """One shot: the action it shows, its provider prompt, its weight in seconds, its motion.

    A speech shot also names its ``speaker`` and holds the spoken ``line`` (shown as
    a lower third). ``id`` is derived from the shot's own content, so it does not
    change when another beat or scene is edited.
    """

    action: str
    prompt: str
    duration: float
    motion: Motion = Motion.NONE
    id: str = ""
    kind: ShotKind = ShotKind.ACTION
    speaker: str = ""
    line: str = ""


@dataclass(frozen=True, slots=True)
class PlanScene:
    """A scene of the plan. ``id`` is unique in the plan (the scene number)."""

    id: str
    heading: str
    location: str
    time_of_day: str
    exterior: bool
    light: Light
    duration: float
    characters: tuple[str, ...]
    shots: tuple[Shot, ...]
    lines: tuple[Line, ...]
    transition_in: Transition = Transition.CUT
    transition_out: Transition = Transition.CUT

    def shot_seconds(self) -> tuple[float, ...]:
        """Shot durations scaled so that they fill the scene exactly."""
        weights = [max(0.0, shot.duration) for shot in self.shots]
        total = sum(weights)
        if total <= 0:
            return tuple(self.duration / len(self.shots) for _ in self.shots)
        return tuple(self.duration * w / total for w in weights)


@dataclass(frozen=True, slots=True)
class Plan:
    """A film to render: its title and scenes in order."""

    title: str
    scenes: tuple[PlanScene, ...]

    @property
    def duration(self) -> float:
        """Planned seconds of the whole film."""
        return sum(scene.duration for scene in self.scenes)

    def scene(self, scene_id: str) -> PlanScene:
        """The scene with ``scene_id`` (KeyError if none)."""
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise KeyError(scene_id)


def film_cast(plan: Plan) -> tuple[str, ...]:
    """The film's characters in order of first appearance, as their marks follow it.

    Scene by scene, each scene's characters as the plan lists them (speakers in
    order of first speech, then those named in the action), then any other shot
    speaker; names as :func:`marks.name_key` gives them.
    """
    return cast_order(name for scene in plan.scenes for name in scene_cast(scene))


def scene_cast(scene: PlanScene) -> tuple[str, ...]:
    """The characters a scene's cards show: its characters, then any other shot speaker."""
    return cast_order((*scene.characters, *(shot.speaker for shot in scene.shots)))


def _ms(seconds: float) -> float:
    return round(seconds, 3)


_CUE = re.compile(r"\b[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+)?\b")


def _present(scene: Scene, cast: frozenset[str]) -> tuple[str, ...]:
    """Speaking characters, then known characters named in capitals in the action."""
    seen: dict[str, None] = dict.fromkeys(scene.characters)
    for element in scene.elements:
        if element.kind is ElementKind.ACTION:
            for match in _CUE.finditer(element.plain_text()):
                if match.group(0) in cast:
                    seen.setdefault(match.group(0), None)
    return tuple(seen)


def _advance(element: Element, narrate: bool) -> float:
    kind = element.kind
    if kind in (ElementKind.DIALOGUE, ElementKind.LYRICS):
        return element_words(element) * 60.0 / DIALOGUE_WPM
    if kind in (ElementKind.ACTION, ElementKind.CENTERED):
        # Read aloud, action takes as long as speech; on screen it plays at reading pace.
        return element_words(element) * 60.0 / (DIALOGUE_WPM if narrate else ACTION_WPM)
    if kind is ElementKind.CHARACTER:
        return TURN_GAP_S
    if kind is ElementKind.TRANSITION:
        return TRANSITION_S
    return 0.0


_SHOWN = (ElementKind.SCENE_HEADING, ElementKind.ACTION, ElementKind.CENTERED)
"""What a shot's action shows: its shot heading (``ON THE TV``), action, centered text."""
_TOLD = frozenset(
    {ElementKind.ACTION, ElementKind.DIALOGUE, ElementKind.CENTERED, ElementKind.LYRICS}
)

PROLOGUE_ID = "0"
"""The plan id of the prologue: what a script tells before its first scene heading."""
PROLOGUE_HEADING = "PROLOGUE"


def _is_cue_word(text: str) -> bool:
    """Blank text, or an editing word written as action (``FADE IN:``): nothing to show."""
    words = text.strip()
    return not words or (words.isupper() and words.endswith((":", ".")) and len(words) < 20)


def _prologue(screenplay: Screenplay) -> Scene | None:
    """The elements before the first heading as a scene, when they tell something."""
    before = screenplay.prologue()
    if not any(e.kind in _TOLD and not _is_cue_word(e.plain_text()) for e in before):
        return None
    heading = Element(ElementKind.SCENE_HEADING, PROLOGUE_HEADING, before[0].line)
    return Scene(-1, replace(heading, scene_number=PROLOGUE_ID), before)


def _shown(element: Element) -> bool:
    """Whether a shot's card shows this element: shot headings, action, centered text."""
    if element.kind is ElementKind.ACTION:
        return not _is_cue_word(element.plain_text())
    return element.kind in _SHOWN


@dataclass(slots=True)
class _Beat:
    kind: ShotKind
    elements: list[Element]

    def shows(self) -> bool:
        return any(
            e.kind in (ElementKind.ACTION, ElementKind.CENTERED)
            and not _is_cue_word(e.plain_text())
            for e in self.elements
        )


def _beats(elements: Sequence[Element]) -> list[_Beat]:
    """A beat per action paragraph (with the shot heading before it) and per speech.

    Parentheticals, dialogue and lyrics belong to their speech; transitions, notes
    and editing words written as action (``FADE IN:``) to the beat they follow.
    """
    beats: list[_Beat] = []
    for element in elements:
        kind = element.kind
        current = beats[-1] if beats else None
        if kind is ElementKind.SCENE_HEADING:
            opens = current is None or bool(current.elements)
            beat_kind = ShotKind.ACTION
        elif kind in (ElementKind.ACTION, ElementKind.CENTERED):
            cue = _is_cue_word(element.plain_text())
            opens = current is None or (
                not cue and (current.kind is not ShotKind.ACTION or current.shows())
            )
            beat_kind = ShotKind.ACTION
        elif kind is ElementKind.CHARACTER:
            opens, beat_kind = True, ShotKind.SPEECH
        else:
            opens, beat_kind = current is None, ShotKind.ACTION
        if opens:
            beats.append(_Beat(beat_kind, []))
        beats[-1].elements.append(element)
    return beats


def _shot_id(kind: ShotKind, speaker: str, action: str, line: str, used: set[str]) -> str:
    """A short hash of the shot's own content, suffixed ``-2``, ``-3`` when repeated."""
    text = "\n".join((kind.value, speaker, action, line))
    base = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    shot_id, n = base, 1
    while shot_id in used:
        n += 1
        shot_id = f"{base}-{n}"
    used.add(shot_id)
    return shot_id


def _plan_scene(
    scene: Scene,
    duration: float,
    light: Light,
    exterior: bool,
    cast: frozenset[str],
    *,
    narrate: bool = False,
    establish: bool = False,
) -> PlanScene:
    heading = parse_heading(scene.heading.text)
    characters = _present(scene, cast)
    # Shots follow the beats: an establishing card when the place or its look
    # changes, then one shot per action paragraph (a shot heading opens one) and
    # one per speech, each as long as the timing model plays it.
    beats = _beats(scene.elements)
    if establish:
        beats.insert(0, _Beat(ShotKind.ESTABLISHING, []))
    if not beats:
        beats.append(_Beat(ShotKind.ACTION, []))
    lines: list[Line] = []
    clock = SCENE_OVERHEAD_S / 2
    speaker, parenthetical = "", ""
    weights: list[float] = []
    spoken: list[tuple[str, str]] = []
    for n, beat in enumerate(beats):
        start = clock
        said: list[str] = []
        for element in beat.elements:
            step = _advance(element, narrate)
            if narrate and element.kind in (ElementKind.ACTION, ElementKind.CENTERED):
                text = " ".join(element.plain_text().split())
                if text:
                    lines.append(Line(NARRATOR, text, _ms(clock), _ms(step)))
            elif element.kind is ElementKind.CHARACTER:
                speaker, parenthetical = element.text, ""
            elif element.kind is ElementKind.PARENTHETICAL:
                parenthetical = element.plain_text().strip("() ")
            elif element.kind is ElementKind.DIALOGUE and element.plain_text().strip():
                text = " ".join(element.plain_text().split())
                lines.append(Line(speaker, text, _ms(clock), _ms(step), parenthetical))
                said.append(text)
                parenthetical = ""
            clock += step
        spoken.append((speaker if beat.kind is ShotKind.SPEECH else "", " ".join(said)))
        weights.append(clock - start + (SCENE_OVERHEAD_S / 2 if n == 0 else 0.0))
    weights[-1] += SCENE_OVERHEAD_S / 2
    if narrate:
        # Narration reads action slower than the timing model lets it play: the scene
        # lasts at least until its last line is spoken and half the overhead after.
        duration = max(duration, clock + SCENE_OVERHEAD_S / 2)
    # Pictures (prompts) come from the action beats, at most MAX_SHOTS; an establishing
    # shot or a speech shows the picture before it (the first: the scene's wide shot),
    # so an image provider is asked for no more stills than one per picture.
    pictures = min(MAX_SHOTS, sum(1 for b in beats if b.kind is ShotKind.ACTION))
    texts = ["\n".join(e.plain_text() for e in b.elements if _shown(e)) for b in beats]
    first = next((t for b, t in zip(beats, texts, strict=True) if b.kind is ShotKind.ACTION), "")
    opening = shot_prompt(heading, light.value, first, characters, shot_count=max(1, pictures))
    shots: list[Shot] = []
    used: set[str] = set()
    prompt, drawn = opening, 0
    for beat, action, weight, (who, said_text) in zip(beats, texts, weights, spoken, strict=True):
        if beat.kind is ShotKind.ACTION and drawn < pictures:
            prompt = shot_prompt(
                heading, light.value, action, characters, shot_index=drawn, shot_count=pictures
            )
            drawn += 1
        seen = scene.heading.plain_text() if beat.kind is ShotKind.ESTABLISHING else action
        shot_id = _shot_id(beat.kind, who, seen, said_text, used)
        shots.append(
            Shot(
                action,
                prompt,
                _ms(max(weight, 0.001)),
                id=shot_id,
                kind=beat.kind,
                speaker=who,
                line=said_text,
            )
        )
    return PlanScene(
        id=scene.number,
        heading=" ".join(scene.heading.plain_text().split()),
        location=heading.location,
        time_of_day=heading.time_of_day,
        exterior=exterior,
        light=light,
        duration=_ms(duration),
        characters=characters,
        shots=tuple(shots),
        lines=tuple(lines),
    )


_FADES = ("FADE", "CUT TO BLACK", "SMASH TO BLACK", "IRIS")


def transition_of(text: str) -> Transition | None:
    """The motion a transition's words ask for (None: the words are no transition).

    ``FADE IN``, ``FADE OUT``, ``FADE TO BLACK``, ``CUT TO BLACK`` are fades,
    any ``DISSOLVE`` a cross-dissolve, other ``... TO:`` and ``... CUT`` a cut.
    """
    words = " ".join(text.upper().strip().rstrip(":.").split())
    if not words:
        return None
    if "DISSOLVE" in words:
        return Transition.DISSOLVE
    if words.startswith(_FADES):
        return Transition.FADE
    if words.endswith((" TO", "CUT", " IN", " OUT")):
        return Transition.CUT
    return None


def _transitions(scene: Scene) -> tuple[Transition | None, Transition | None]:
    """The transitions a scene's own elements write at its start and at its end."""
    told = [
        n for n, e in enumerate(scene.elements)
        if e.kind in _TOLD and not _is_cue_word(e.plain_text())
    ]  # fmt: skip
    # A closing fade may come before a centered THE END: the scene fades after it.
    last = max((n for n in told if scene.elements[n].kind is not ElementKind.CENTERED), default=-1)
    first = told[0] if told else len(scene.elements)
    opening = closing = None
    for n, element in enumerate(scene.elements):
        if element.kind not in (ElementKind.TRANSITION, ElementKind.ACTION):
            continue
        if element.kind is ElementKind.ACTION and not _is_cue_word(element.plain_text()):
            continue
        motion = transition_of(element.plain_text())
        if motion is None:
            continue
        if n < first and opening is None:
            opening = motion
        elif n > last:
            closing = motion
    return opening, closing


def _with_transitions(
    planned: list[PlanScene], sources: list[Scene], opening: Transition | None
) -> list[PlanScene]:
    """Scenes with their transitions: a scene's closing words end it and open the next."""
    result = []
    before = opening
    for n, (item, source) in enumerate(zip(planned, sources, strict=True)):
        start, end = _transitions(source)
        start = start or before or Transition.CUT
        if n == 0 and start is Transition.DISSOLVE:
            start = Transition.FADE  # nothing to dissolve from: the film opens from black
        result.append(replace(item, transition_in=start, transition_out=end or Transition.CUT))
        before = end
    if result and result[-1].transition_out is Transition.DISSOLVE:
        result[-1] = replace(result[-1], transition_out=Transition.FADE)
    for n, item in enumerate(result[:-1]):  # a dissolve is baked into the next scene's start
        if item.transition_out is Transition.DISSOLVE:
            result[n] = replace(item, transition_out=Transition.CUT)
    return result


def build_plan(screenplay: Screenplay, *, narrate: bool = False) -> Plan:
    """The plan of a screenplay: one plan scene per master scene, deterministic.

    Shot headings (``.ON THE TV``) are shots of their scene, so the film's chapters
    follow the master scenes. What comes before the first heading (a cold open,
    FADE IN and opening voice-over) is the prologue scene, id ``PROLOGUE_ID``, when it
    holds action, dialogue, centered text or lyrics.

    With ``narrate``, every action paragraph is also a line spoken by
    :data:`NARRATOR` at the speaking rate, and scenes grow to fit their narration.

    Scene ids are scene numbers (made unique with ``-2``, ``-3`` suffixes when the
    script repeats one); durations come from the timing model, rounded to the
    millisecond; relative times of day (``CONTINUOUS``) take the previous scene's light.

    Shots follow the beats (an establishing shot where the location, INT/EXT or
    light changes, then a shot per action paragraph and per speech). Transition
    words become each scene's ``transition_in`` / ``transition_out``: a fade ends a
    scene and opens the next from black; a dissolve is the next scene's
    ``transition_in`` alone (its clip starts on the previous scene's last picture).
    """
    scenes = screenplay.scenes()
    durations = scene_durations(screenplay)
    headings = [parse_heading(scene.heading.text) for scene in scenes]
    buckets = resolve_day_night(headings)
    cast = frozenset(e.text for e in screenplay.of_kind(ElementKind.CHARACTER))
    planned: list[PlanScene] = []
    sources: list[Scene] = []
    used: set[str] = set()
    prologue = _prologue(screenplay)
    opening = None
    if prologue is None:
        # FADE IN: alone before the first heading opens the first scene.
        opening = _transitions(Scene(-1, Element(ElementKind.SCENE_HEADING, "", 0),
                                     screenplay.prologue()))[0]  # fmt: skip
        if opening is None and any(key.upper() == "FADE IN" for key in screenplay.title_page):
            opening = Transition.FADE  # a first line "FADE IN:" reads as a title-page key
    else:
        seconds = max(MIN_SCENE_S, SCENE_OVERHEAD_S + prelude_duration(screenplay))
        first = buckets[0] if buckets else DayNight.NIGHT
        light = light_of(parse_heading(PROLOGUE_HEADING), first)
        item = _plan_scene(prologue, seconds, light, False, cast, narrate=narrate)
        planned.append(item)
        sources.append(prologue)
        used.add(item.id)
    place: tuple[str, bool, Light] | None = None
    for scene, duration, heading, bucket in zip(scenes, durations, headings, buckets, strict=True):
        exterior = heading.prefix in ("EXT", "INT/EXT", "EST")
        # MOMENTS LATER after a DAWN scene is still dawn: relative times keep the light.
        relative = heading.day_night is None
        light = place[2] if relative and place else light_of(heading, bucket)
        here = (heading.location, exterior, light)
        item = _plan_scene(
            scene, duration, light, exterior, cast, narrate=narrate, establish=here != place
        )
        place = here
        sources.append(scene)
        scene_id, n = item.id, 1
        while scene_id in used:
            n += 1
            scene_id = f"{item.id}-{n}"
        used.add(scene_id)
        planned.append(item if scene_id == item.id else _with_id(item, scene_id))
    return Plan(screenplay.title, tuple(_with_transitions(planned, sources, opening)))


def _with_id(scene: PlanScene, scene_id: str) -> PlanScene:
    return replace(scene, id=scene_id)
