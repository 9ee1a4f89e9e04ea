"""A storyboard clip depends on the marks it draws: a new face early in the film redraws only
the scenes whose characters' marks move; providers that draw no marks keep every key."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from vividverse_desktop.core.pipeline.mux import film_slots
from vividverse_desktop.core.pipeline.plan import Plan, build_plan, film_cast
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.providers.speech import LocalSpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.scenes import cast, scene_keys
from vividverse_desktop.render.settings import RenderSettings

SCRIPT = """\
Title: Three rooms

INT. KITCHEN - DAY

ANN
Tea?

INT. SHED - DAY

BOB
Later.

EXT. LANE - DAY

ANN
Fine.
"""


class Painter:
    """A video provider that paints scenes without drawing characters' marks."""

    name = "painter"
    version = "1"

    def settings(self) -> Mapping[str, Any]:
        return {}


def clip_keys(plan: Plan, video: object) -> list[str]:
    settings = RenderSettings()
    slots = film_slots([s.duration for s in plan.scenes], settings.fmt)
    voice = LocalSpeech()
    keys = []
    for scene, slot in zip(plan.scenes, slots, strict=True):
        found = scene_keys(scene, slot, video=video, voice=voice,  # type: ignore[arg-type]
                           voices=cast(plan, voice), settings=settings,
                           cast=film_cast(plan))  # fmt: skip
        assert found.clip is not None
        assert found.clip[1].cast == film_cast(plan)  # the request draws with the film's cast
        keys.append(found.clip[0])
    return keys


def with_new_face(plan: Plan) -> Plan:
    """CAL, a new character, stands in the kitchen: BOB becomes the film's third face."""
    kitchen = dataclasses.replace(plan.scenes[0], characters=("ANN", "CAL"))
    return dataclasses.replace(plan, scenes=(kitchen, *plan.scenes[1:]))


def test_a_new_face_redraws_only_the_scenes_whose_marks_move() -> None:
    """The kitchen (new figure) and the shed (BOB's mark moves) change; the lane keeps ANN's."""
    plan = build_plan(parse(SCRIPT))
    assert film_cast(plan) == ("ANN", "BOB")
    edited = with_new_face(plan)
    assert film_cast(edited) == ("ANN", "CAL", "BOB")
    storyboard = StoryboardCards()
    before, after = clip_keys(plan, storyboard), clip_keys(edited, storyboard)
    assert [a == b for a, b in zip(before, after, strict=True)] == [False, False, True]
    assert clip_keys(plan, storyboard) == before  # the same plan, the same keys


def test_a_provider_that_draws_no_marks_keeps_its_keys_when_marks_move() -> None:
    """Only the edited kitchen changes for a painter: the shed's picture does not depend on BOB's
    place in the cast."""
    plan = build_plan(parse(SCRIPT))
    painter = Painter()
    before, after = clip_keys(plan, painter), clip_keys(with_new_face(plan), painter)
    assert [a == b for a, b in zip(before, after, strict=True)] == [False, True, True]
