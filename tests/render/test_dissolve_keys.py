"""A scene opening on a dissolve depends on the picture it dissolves from, and on nothing else."""

from __future__ import annotations

import dataclasses

from vividverse_desktop.core.pipeline.mux import film_slots
from vividverse_desktop.core.pipeline.plan import Plan, PlanScene, Transition, build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.scenes import cast, scene_keys
from vividverse_desktop.render.settings import RenderSettings

SCRIPT = """\
Title: Two rooms

INT. KITCHEN - DAY

The kettle boils.

Ann pours the tea.

DISSOLVE TO:

INT. GARDEN SHED - DAY

Bob oils a hinge.

CUT TO:

EXT. LANE - DAY

A cart goes by.
"""


def clip_keys(plan: Plan) -> list[str]:
    settings = RenderSettings()
    slots = film_slots([s.duration for s in plan.scenes], settings.fmt)
    voice = LocalSpeech()
    voices = cast(plan, voice)
    keys = []
    for n, (scene, slot) in enumerate(zip(plan.scenes, slots, strict=True)):
        found = scene_keys(scene, slot, video=StoryboardCards(), voice=voice, voices=voices,
                           settings=settings, before=plan.scenes[n - 1] if n else None)  # fmt: skip
        assert found.clip is not None
        keys.append(found.clip[0])
    return keys


def edit_shot(plan: Plan, scene: int, shot: int, **changes: object) -> Plan:
    old: PlanScene = plan.scenes[scene]
    shots = list(old.shots)
    shots[shot] = dataclasses.replace(shots[shot], **changes)  # type: ignore[arg-type]
    scenes = list(plan.scenes)
    scenes[scene] = dataclasses.replace(old, shots=tuple(shots))
    return dataclasses.replace(plan, scenes=tuple(scenes))


def test_only_the_dissolved_from_picture_reaches_the_next_scenes_key() -> None:
    """Redrawing the kitchen's last card re-renders the shed; its length or first card do not."""
    plan = build_plan(parse(SCRIPT))
    assert [s.transition_in for s in plan.scenes] == [
        Transition.CUT, Transition.DISSOLVE, Transition.CUT,
    ]  # fmt: skip
    base = clip_keys(plan)
    redrawn = clip_keys(edit_shot(plan, 0, -1, action="Ann spills the tea."))
    assert [a == b for a, b in zip(base, redrawn, strict=True)] == [False, False, True]
    longer = clip_keys(edit_shot(plan, 0, -1, duration=9.0))
    assert [a == b for a, b in zip(base, longer, strict=True)] == [False, True, True]
    first = clip_keys(edit_shot(plan, 0, 1, action="The kettle sings."))
    assert [a == b for a, b in zip(base, first, strict=True)] == [False, True, True]
    redrawn_shed = clip_keys(edit_shot(plan, 1, -1, action="Bob drops the can."))
    assert [a == b for a, b in zip(base, redrawn_shed, strict=True)] == [True, False, True]
