"""The plan of real-style scripts: prologue, shot headings as shots, plain titles."""

from __future__ import annotations

import json

from vividverse_desktop.core.pipeline.cards import Light
from vividverse_desktop.core.pipeline.plan import PROLOGUE_ID, Transition, build_plan
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.core.screenplay.model import Screenplay


def sample(name: str) -> tuple[Screenplay, dict[str, object]]:
    path = resource_path("samples", "real", f"{name}.fountain")
    expected = json.loads(path.with_name(f"{name}.expected.json").read_text("utf-8"))
    return parse(path.read_text("utf-8")), expected


def test_cold_open_becomes_the_prologue_scene() -> None:
    """Voice-over before the first heading plays in a prologue scene, nothing lost."""
    screenplay, expected = sample("brick_and_steel")
    plan = build_plan(screenplay)
    assert [s.id for s in plan.scenes][:2] == [PROLOGUE_ID, "1"]
    prologue = plan.scenes[0]
    assert len(prologue.lines) == expected["prologue_speeches"]
    assert [line.speaker for line in prologue.lines] == ["MARA", "MARA"]
    assert prologue.lines[0].text == "My father built half of this city."
    assert "Rain drums on a tin roof." in prologue.shots[0].action + prologue.shots[-1].action


def test_fade_in_alone_makes_no_prologue() -> None:
    """A script that opens with only FADE IN: starts with its first scene."""
    screenplay, expected = sample("channel_four")
    plan = build_plan(screenplay)
    assert [s.id for s in plan.scenes] == [str(n) for n in range(1, 6)]
    assert len(plan.scenes) == expected["scene_count"]


def test_shot_headings_are_shots_of_their_scene() -> None:
    """.ON THE TV, .SCOTT, .INSIDE THE FRIDGE open action beats of scene 1, not scenes."""
    plan = build_plan(sample("channel_four")[0])
    first = plan.scene("1")
    firsts = [s.action.split("\n")[0] for s in first.shots]
    opened = [line for line in firsts if line and line.isupper()]
    assert opened == ["ON THE TV", "SCOTT", "INSIDE THE FRIDGE"]
    assert first.location == "SAN FRANCISCO APARTMENT"


def test_plan_title_and_headings_are_plain_text() -> None:
    """The film's title carries no Fountain markup; the two lines join."""
    screenplay, expected = sample("brick_and_steel")
    plan = build_plan(screenplay)
    assert plan.title == expected["title"]
    assert not any("*" in s.heading or "_" in s.heading for s in plan.scenes)


def test_master_scenes_plus_prologue_make_the_chapters() -> None:
    """One plan scene per master scene, plus the prologue: 15 + 1 for the feature sample."""
    screenplay, expected = sample("brick_and_steel")
    assert len(build_plan(screenplay).scenes) == expected["scene_count"] + 1  # type: ignore[operator]


def test_each_time_of_day_gets_its_light() -> None:
    """(PRESENT) DAY is day, PRE-DAWN dawn, DUSK dusk, NIGHT - CONTINUOUS night, SAME inherits."""
    plan = build_plan(sample("brick_and_steel")[0])
    lights = {s.id: s.light for s in plan.scenes}
    assert (lights["10"], lights["9"], lights["14"], lights["3"], lights["6"]) == (
        Light.DAY,
        Light.DAWN,
        Light.DUSK,
        Light.NIGHT,
        Light.NIGHT,
    )


def test_a_prologue_without_fade_in_opens_on_a_cut() -> None:
    """Voice-over before the first heading, no FADE IN: the prologue and scene 1 cut."""
    plan = build_plan(parse("MARA (V.O.)\nOnce.\n\nINT. ROOM - DAY\n\nShe sits.\n"))
    assert [(s.id, s.transition_in) for s in plan.scenes] == [
        (PROLOGUE_ID, Transition.CUT),
        ("1", Transition.CUT),
    ]


def feature() -> tuple[Screenplay, dict[str, object]]:
    path = resource_path("samples", "the_long_take.fountain")
    expected = json.loads(path.with_name("the_long_take.expected.json").read_text("utf-8"))
    return parse(path.read_text("utf-8")), expected


def test_feature_chapters_are_its_hand_counted_master_scenes() -> None:
    """The Long Take: a prologue (its cold open) and one plan scene per master scene, in order."""
    screenplay, expected = feature()
    plan = build_plan(screenplay)
    assert plan.scenes[0].id == PROLOGUE_ID
    headings = expected["headings"]
    assert isinstance(headings, list)
    assert [s.heading for s in plan.scenes[1:]] == [" ".join(h.split()) for h in headings]


def test_relative_times_keep_the_light_of_the_scene_before() -> None:
    """MOMENTS LATER after DAWN stays dawn; NIGHT - FLASHBACK and CONTINUOUS (1979) are night."""
    lights = {s.id: s.light for s in build_plan(feature()[0]).scenes}
    assert (lights["1"], lights["2"]) == (Light.DAWN, Light.DAWN)
    assert (lights["26"], lights["27"], lights["28"]) == (Light.NIGHT,) * 3
    assert (lights["14"], lights["68"], lights["70"]) == (Light.DUSK, Light.DAWN, Light.DAY)


def test_continuous_after_dusk_is_still_dusk() -> None:
    """A scene that carries on from a dusk scene is lit as dusk, not as day."""
    plan = build_plan(parse("EXT. QUAY - DUSK\n\nGulls.\n\nINT. PUB - CONTINUOUS\n\nDarts.\n"))
    assert [s.light for s in plan.scenes] == [Light.DUSK, Light.DUSK]
