"""The render plan: derived from a screenplay, deterministic, and strict when read back."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from vividverse_desktop.core.pipeline.cards import Light, Motion, ShotKind
from vividverse_desktop.core.pipeline.plan import (
    MAX_SHOTS,
    NARRATOR,
    Transition,
    build_plan,
    transition_of,
)
from vividverse_desktop.core.pipeline.plan_json import PlanError, plan_from_json, plan_to_json
from vividverse_desktop.core.pipeline.prompt import shot_prompt
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.core.screenplay.heading import parse_heading
from vividverse_desktop.core.screenplay.timing import TURN_GAP_S, scene_durations

SCRIPT = """\
Title: The Lighthouse Keeper

INT. LIGHTHOUSE - NIGHT

Rain hammers the glass. MARA winds the lamp.

MARA
(quietly)
Not tonight. Not again.

TOM
Mara? Are you up there?

The lamp catches. Light sweeps the sea.

EXT. CLIFF PATH - CONTINUOUS

Tom climbs, out of breath.

EXT. HARBOUR - DAWN

Boats. Gulls. Nobody speaks.
"""


@pytest.fixture
def plan_json() -> dict[str, Any]:
    """The sample script's plan as a JSON document."""
    return plan_to_json(build_plan(parse(SCRIPT)))


def test_one_plan_scene_per_scene_with_the_timing_models_duration() -> None:
    """Each scene is planned, lasting what the timing model says (to the millisecond)."""
    screenplay = parse(SCRIPT)
    plan = build_plan(screenplay)
    expected = scene_durations(screenplay)
    assert [s.id for s in plan.scenes] == ["1", "2", "3"]
    assert [s.duration for s in plan.scenes] == pytest.approx(expected, abs=0.0005)
    assert plan.title == "The Lighthouse Keeper"


def test_heading_parts_light_and_interior_come_from_the_heading() -> None:
    """Location, time of day, INT/EXT and light; CONTINUOUS keeps the previous scene's light."""
    first, second, third = build_plan(parse(SCRIPT)).scenes
    assert (first.location, first.time_of_day, first.exterior) == ("LIGHTHOUSE", "NIGHT", False)
    assert first.light is Light.NIGHT
    assert second.exterior
    assert second.light is Light.NIGHT
    assert third.light is Light.DAWN


def test_dialogue_lines_carry_speaker_parenthetical_and_timing_in_order() -> None:
    """Lines keep speaker and parenthetical, start in order inside the scene, last > 0."""
    scene = build_plan(parse(SCRIPT)).scenes[0]
    assert [(ln.speaker, ln.text) for ln in scene.lines] == [
        ("MARA", "Not tonight. Not again."),
        ("TOM", "Mara? Are you up there?"),
    ]
    assert scene.lines[0].parenthetical == "quietly"
    first, second = scene.lines
    assert 0 < first.start < first.start + first.duration <= second.start < scene.duration
    assert second.start + second.duration <= scene.duration


def test_shots_follow_the_beats_and_fill_the_scene() -> None:
    """Establishing card, then a shot per action paragraph and per speech, in story order."""
    scene = build_plan(parse(SCRIPT)).scenes[0]
    assert [(s.kind, s.action, s.speaker, s.line) for s in scene.shots] == [
        (ShotKind.ESTABLISHING, "", "", ""),
        (ShotKind.ACTION, "Rain hammers the glass. MARA winds the lamp.", "", ""),
        (ShotKind.SPEECH, "", "MARA", "Not tonight. Not again."),
        (ShotKind.SPEECH, "", "TOM", "Mara? Are you up there?"),
        (ShotKind.ACTION, "The lamp catches. Light sweeps the sea.", "", ""),
    ]
    assert sum(scene.shot_seconds()) == pytest.approx(scene.duration)


def test_speech_shots_start_with_their_line_and_last_the_timing_models_time() -> None:
    """Unscaled shot starts meet each line's start less the turn gap; shot = gap + speech."""
    scene = build_plan(parse(SCRIPT)).scenes[0]
    starts, clock = [], 0.0
    for shot in scene.shots:
        starts.append(clock)
        clock += shot.duration
    assert clock == pytest.approx(scene.duration, abs=0.002)
    speeches = [n for n, s in enumerate(scene.shots) if s.kind is ShotKind.SPEECH]
    for n, line in zip(speeches, scene.lines, strict=True):
        assert starts[n] + TURN_GAP_S == pytest.approx(line.start, abs=0.002)
        assert scene.shots[n].duration == pytest.approx(TURN_GAP_S + line.duration, abs=0.002)


def test_shot_ids_are_unique_and_survive_an_unrelated_edit() -> None:
    """Ids hash the beat's content: editing one beat changes only that shot's id."""
    before = build_plan(parse(SCRIPT))
    edited = build_plan(parse(SCRIPT.replace("Light sweeps the sea.", "Light sweeps the bay.")))
    for scene in before.scenes:
        ids = [shot.id for shot in scene.shots]
        assert len(set(ids)) == len(ids)
        assert all(ids)
    old, new = before.scenes[0].shots, edited.scenes[0].shots
    assert [a.id == b.id for a, b in zip(old, new, strict=True)] == [True] * 4 + [False]
    assert before.scenes[1:] == edited.scenes[1:]
    twice = build_plan(parse("INT. ROOM - DAY\n\nHe waits.\n\nHe waits.\n")).scenes[0]
    assert [s.id for s in twice.shots][2] == twice.shots[1].id + "-2"


def test_establishing_cards_open_a_new_place_or_look_only() -> None:
    """The same location in the same light keeps going; a new one (or new light) establishes."""
    script = (
        "INT. KITCHEN - DAY\n\nTea.\n\nINT. KITCHEN - DAY\n\nMore tea.\n\n"
        "INT. KITCHEN - NIGHT\n\nDark.\n\nEXT. KITCHEN - NIGHT\n\nOutside.\n"
    )
    kinds = [s.shots[0].kind for s in build_plan(parse(script)).scenes]
    assert kinds == [ShotKind.ESTABLISHING, ShotKind.ACTION, ShotKind.ESTABLISHING,
                     ShotKind.ESTABLISHING]  # fmt: skip


def test_transition_words_become_fades_dissolves_and_cuts() -> None:
    """FADE IN opens from black, DISSOLVE TO dissolves into the next scene, FADE OUT ends."""
    script = (
        "Title: Four rooms\n\nFADE IN:\n\nINT. ROOM - DAY\n\nAnn sits.\n\nDISSOLVE TO:\n\n"
        "INT. HALL - DAY\n\nBob runs.\n\nCUT TO:\n\nINT. YARD - DAY\n\nCal digs.\n\n"
        "FADE TO BLACK.\n\nINT. ROOF - DAY\n\nDee waves.\n\n> FADE OUT.\n"
    )
    scenes = build_plan(parse(script)).scenes
    assert [(s.transition_in, s.transition_out) for s in scenes] == [
        (Transition.FADE, Transition.CUT),
        (Transition.DISSOLVE, Transition.CUT),
        (Transition.CUT, Transition.FADE),
        (Transition.FADE, Transition.FADE),
    ]
    bare = build_plan(parse("FADE IN:\n\nINT. ROOM - DAY\n\nAnn sits.\n")).scenes[0]
    assert bare.transition_in is Transition.FADE
    assert [transition_of(w) for w in ("SMASH CUT TO:", "LAP DISSOLVE TO:", "Hello.")] == [
        Transition.CUT, Transition.DISSOLVE, None]  # fmt: skip


def test_narration_speaks_every_action_paragraph_in_story_order() -> None:
    """Narrated, each action paragraph is a narrator line, interleaved with the dialogue."""
    scene = build_plan(parse(SCRIPT), narrate=True).scenes[0]
    assert [(ln.speaker, ln.text) for ln in scene.lines] == [
        (NARRATOR, "Rain hammers the glass. MARA winds the lamp."),
        ("MARA", "Not tonight. Not again."),
        ("TOM", "Mara? Are you up there?"),
        (NARRATOR, "The lamp catches. Light sweeps the sea."),
    ]
    for line, after in zip(scene.lines, scene.lines[1:], strict=False):
        assert line.start + line.duration <= after.start + 1e-9
    last = scene.lines[-1]
    assert last.start + last.duration < scene.duration


def test_narrated_scenes_grow_to_fit_their_narration() -> None:
    """Reading action aloud is slower than watching it: no scene shrinks, a wordy one grows."""
    words = " ".join(["word"] * 120)
    script = f"INT. ROOM - DAY\n\n{words}.\n"
    quiet, narrated = build_plan(parse(script)), build_plan(parse(script), narrate=True)
    assert quiet.scenes[0].lines == ()
    assert narrated.scenes[0].duration > quiet.scenes[0].duration
    spoken = narrated.scenes[0].lines[0]
    assert spoken.duration == pytest.approx(120 * 60 / 150, abs=0.001)
    plain = build_plan(parse(SCRIPT))
    assert all(
        n.duration >= q.duration
        for n, q in zip(build_plan(parse(SCRIPT), narrate=True).scenes, plain.scenes, strict=True)
    )


def test_a_narrated_plan_round_trips_through_json() -> None:
    """The narrator is an ordinary speaker in the plan document."""
    plan = build_plan(parse(SCRIPT), narrate=True)
    assert plan_from_json(json.loads(json.dumps(plan_to_json(plan)))) == plan


def test_every_paragraph_is_a_shot_but_pictures_are_capped() -> None:
    """Each paragraph is a card; image providers are asked for at most MAX_SHOTS pictures."""
    body = "\n\n".join(f"Paragraph {n} of the action." for n in range(MAX_SHOTS + 4))
    scene = build_plan(parse(f"INT. ROOM - DAY\n\n{body}\n")).scenes[0]
    assert len(scene.shots) == MAX_SHOTS + 4 + 1
    assert "Paragraph 9" in scene.shots[-1].action
    assert len({shot.prompt for shot in scene.shots}) == MAX_SHOTS


def test_characters_present_include_named_silent_ones() -> None:
    """Speakers first, then known characters named in capitals in the action."""
    first, second, _ = build_plan(parse(SCRIPT)).scenes
    assert first.characters == ("MARA", "TOM")
    assert second.characters == ()


def test_prompt_names_framing_place_light_cast_and_action() -> None:
    """A prompt is built from the shot's facts and says them plainly."""
    prompt = shot_prompt(
        parse_heading("INT. DEV'S STALL - NIGHT"), "night", "A hand takes a roll.", ["DEV", "LUCA"]
    )
    assert prompt.startswith("wide shot; interior, Dev's Stall; night")
    assert "with Dev and Luca" in prompt
    assert "A hand takes a roll." in prompt


def test_the_plan_is_deterministic() -> None:
    """Planning the same script twice gives identical JSON."""
    assert plan_to_json(build_plan(parse(SCRIPT))) == plan_to_json(build_plan(parse(SCRIPT)))


def test_repeated_scene_numbers_get_unique_ids() -> None:
    """Two headings numbered #5# become ids 5 and 5-2."""
    plan = build_plan(parse("INT. A - DAY #5#\n\nOne.\n\nINT. B - DAY #5#\n\nTwo.\n"))
    assert [s.id for s in plan.scenes] == ["5", "5-2"]


def test_json_round_trips(plan_json: dict[str, Any]) -> None:
    """A plan written as JSON reads back equal."""
    text = json.dumps(plan_json)
    assert plan_to_json(plan_from_json(json.loads(text))) == plan_json


def test_an_edited_plan_is_accepted(plan_json: dict[str, Any]) -> None:
    """Edits to prompts, durations, motion and lines are read back as written."""
    scene = plan_json["scenes"][1]
    scene["duration"] = 9.5
    scene["shots"][0]["prompt"] = "a storm"
    scene["shots"][0]["motion"] = "push_in"
    scene["lines"].append({"speaker": "TOM", "text": "Nearly there.", "start": 2, "duration": 1})
    plan = plan_from_json(plan_json)
    edited = plan.scenes[1]
    assert edited.duration == 9.5
    assert edited.shots[0].prompt == "a storm"
    assert edited.shots[0].motion is Motion.PUSH_IN
    assert edited.lines[-1].text == "Nearly there."


def _sc(data: dict[str, Any], n: int) -> dict[str, Any]:
    scene: dict[str, Any] = data["scenes"][n]
    return scene


@pytest.mark.parametrize(
    ("edit", "path", "words"),
    [
        (lambda d: d["scenes"][1].update(duration=-1), "$.scenes[1].duration", "positive"),
        (lambda d: _sc(d, 0)["shots"][1].update(duration="5"), "$.scenes[0].shots[1].duration", ""),
        (lambda d: d["scenes"][0].update(light="noon"), "$.scenes[0].light", "one of"),
        (lambda d: d["scenes"][2].update(shots=[]), "$.scenes[2].shots", "empty"),
        (lambda d: _sc(d, 0)["lines"][1].update(start=999), "$.scenes[0].lines[1].start", "after"),
        (lambda d: d["scenes"][0]["lines"][0].pop("speaker"), "$.scenes[0].lines[0]", "missing"),
        (lambda d: d["scenes"][0].update(colour="red"), "$.scenes[0]", "unknown key"),
        (lambda d: d["scenes"][1].update(id="1"), "$.scenes[1].id", "duplicate"),
        (lambda d: d.update(vividverse_plan=99), "$.vividverse_plan", "unsupported"),
        (lambda d: _sc(d, 0)["shots"][0].update(motion="s"), "$.scenes[0].shots[0].motion", "one"),
        (lambda d: d["scenes"][0].update(duration=float("nan")), "$.scenes[0].duration", "finite"),
    ],
)  # fmt: skip
def test_invalid_plans_are_refused_with_the_json_path(
    plan_json: dict[str, Any], edit: Any, path: str, words: str
) -> None:
    """Each kind of bad edit names where it is and what is wrong."""
    data = copy.deepcopy(plan_json)
    edit(data)
    with pytest.raises(PlanError) as caught:
        plan_from_json(data)
    assert caught.value.path == path
    assert words in caught.value.message


def test_a_document_that_is_not_an_object_is_refused() -> None:
    """A JSON list is not a plan."""
    with pytest.raises(PlanError, match=r"^\$: expected an object"):
        plan_from_json([1, 2])
