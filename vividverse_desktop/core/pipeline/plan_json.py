"""The render plan as a JSON document a user may edit and feed back.

:func:`plan_to_json` writes it; :func:`plan_from_json` validates it strictly and
names the JSON path of the first problem (``$.scenes[2].shots[0].duration``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from vividverse_desktop.core.pipeline.cards import Light, Motion, ShotKind
from vividverse_desktop.core.pipeline.plan import Line, Plan, PlanScene, Shot, Transition

PLAN_FORMAT = 1
"""Version of the plan's JSON document (the ``vividverse_plan`` key)."""

MAX_SCENE_SECONDS = 3600.0


class PlanError(ValueError):
    """A plan document that cannot be used; ``path`` is the JSON path of the problem."""

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(f"{path}: {message}")
        self.message = message
        self.path = path


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as a JSON-ready document (read back by :func:`plan_from_json`)."""
    return {
        "vividverse_plan": PLAN_FORMAT,
        "title": plan.title,
        "scenes": [scene_to_json(scene) for scene in plan.scenes],
    }


def scene_to_json(scene: PlanScene) -> dict[str, Any]:
    """One scene as a JSON object (also the scene's slice for asset hashing)."""
    return {
        "id": scene.id,
        "heading": scene.heading,
        "location": scene.location,
        "time_of_day": scene.time_of_day,
        "exterior": scene.exterior,
        "light": scene.light.value,
        "duration": scene.duration,
        "characters": list(scene.characters),
        "shots": [
            {
                "id": s.id,
                "kind": s.kind.value,
                "action": s.action,
                "prompt": s.prompt,
                "duration": s.duration,
                "motion": s.motion.value,
                "speaker": s.speaker,
                "line": s.line,
            }
            for s in scene.shots
        ],
        "lines": [
            {
                "speaker": line.speaker,
                "text": line.text,
                "parenthetical": line.parenthetical,
                "start": line.start,
                "duration": line.duration,
            }
            for line in scene.lines
        ],
        "transition_in": scene.transition_in.value,
        "transition_out": scene.transition_out.value,
    }


class _Reader:
    """Strict typed access to one JSON object, naming paths in errors."""

    def __init__(self, data: object, path: str, keys: Sequence[str], optional: Sequence[str] = ()):
        if not isinstance(data, Mapping):
            raise PlanError(f"expected an object, got {_kind(data)}", path)
        unknown = sorted(set(data) - set(keys) - set(optional))
        if unknown:
            raise PlanError(f"unknown key {unknown[0]!r}", path)
        missing = [k for k in keys if k not in data]
        if missing:
            raise PlanError(f"missing key {missing[0]!r}", path)
        self.data, self.path = data, path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}"

    def text(self, key: str, default: str | None = None, *, empty: bool = True) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise PlanError(f"expected a string, got {_kind(value)}", self.at(key))
        if not empty and not value.strip():
            raise PlanError("must not be empty", self.at(key))
        return value

    def flag(self, key: str) -> bool:
        value = self.data[key]
        if not isinstance(value, bool):
            raise PlanError(f"expected true or false, got {_kind(value)}", self.at(key))
        return value

    def seconds(self, key: str, *, positive: bool) -> float:
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PlanError(f"expected a number of seconds, got {_kind(value)}", self.at(key))
        number = float(value)
        if not math.isfinite(number) or number < 0 or (positive and number == 0):
            bound = "positive" if positive else "zero or more"
            raise PlanError(f"must be {bound} and finite, got {value}", self.at(key))
        if number > MAX_SCENE_SECONDS:
            raise PlanError(f"must be at most {MAX_SCENE_SECONDS:g} s, got {value}", self.at(key))
        return number

    def items(self, key: str, *, nonempty: bool = False) -> list[object]:
        value = self.data[key]
        if not isinstance(value, list):
            raise PlanError(f"expected a list, got {_kind(value)}", self.at(key))
        if nonempty and not value:
            raise PlanError("must not be empty", self.at(key))
        return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "a list" if isinstance(value, list) else "an object"
    )


_Choices = type[Light] | type[Motion] | type[ShotKind] | type[Transition]


def _enum(reader: _Reader, key: str, choices: _Choices, default: str | None = None) -> Any:
    value = reader.text(key, default)
    try:
        return choices(value)
    except ValueError:
        allowed = ", ".join(c.value for c in choices)
        raise PlanError(f"must be one of {allowed}; got {value!r}", reader.at(key)) from None


def plan_from_json(data: object) -> Plan:
    """Read and validate a plan document; raises :class:`PlanError` naming the JSON path.

    Checked: the format version, every key known and present and of its type,
    durations positive and finite, scene ids unique and non-empty, lines starting
    inside their scene, at least one shot per scene, lights and motions known.
    """
    top = _Reader(data, "$", ("vividverse_plan", "scenes"), ("title",))
    if top.data["vividverse_plan"] != PLAN_FORMAT:
        raise PlanError(
            f"unsupported plan format {top.data['vividverse_plan']!r}", top.at("vividverse_plan")
        )
    title = top.text("title", "")
    scenes: list[PlanScene] = []
    ids: set[str] = set()
    for i, raw in enumerate(top.items("scenes", nonempty=True)):
        scene = _scene_from_json(raw, f"$.scenes[{i}]")
        if scene.id in ids:
            raise PlanError(f"duplicate scene id {scene.id!r}", f"$.scenes[{i}].id")
        ids.add(scene.id)
        scenes.append(scene)
    return Plan(title, tuple(scenes))


_SCENE_KEYS = (
    "id", "heading", "location", "time_of_day", "exterior", "light",
    "duration", "characters", "shots", "lines",
)  # fmt: skip


_SHOT_OPTIONAL = ("motion", "id", "kind", "speaker", "line")


def _scene_from_json(raw: object, path: str) -> PlanScene:
    r = _Reader(raw, path, _SCENE_KEYS, ("transition_in", "transition_out"))
    duration = r.seconds("duration", positive=True)
    characters = []
    for j, name in enumerate(r.items("characters")):
        if not isinstance(name, str) or not name.strip():
            raise PlanError("expected a non-empty name", f"{path}.characters[{j}]")
        characters.append(name)
    shots = []
    for j, item in enumerate(r.items("shots", nonempty=True)):
        s = _Reader(item, f"{path}.shots[{j}]", ("action", "prompt", "duration"), _SHOT_OPTIONAL)
        shots.append(
            Shot(
                s.text("action"),
                s.text("prompt"),
                s.seconds("duration", positive=True),
                _enum(s, "motion", Motion, Motion.NONE.value),
                s.text("id", ""),
                _enum(s, "kind", ShotKind, ShotKind.ACTION.value),
                s.text("speaker", ""),
                s.text("line", ""),
            )
        )
    lines = []
    for j, item in enumerate(r.items("lines")):
        at = f"{path}.lines[{j}]"
        ln = _Reader(item, at, ("speaker", "text", "start", "duration"), ("parenthetical",))
        start = ln.seconds("start", positive=False)
        if start >= duration:
            raise PlanError(
                f"starts at {start:g} s, after its scene ends ({duration:g} s)", f"{at}.start"
            )
        lines.append(
            Line(
                ln.text("speaker", empty=False),
                ln.text("text", empty=False),
                start,
                ln.seconds("duration", positive=True),
                ln.text("parenthetical", ""),
            )
        )
    return PlanScene(
        id=r.text("id", empty=False),
        heading=r.text("heading"),
        location=r.text("location"),
        time_of_day=r.text("time_of_day"),
        exterior=r.flag("exterior"),
        light=_enum(r, "light", Light),
        duration=duration,
        characters=tuple(characters),
        shots=tuple(shots),
        lines=tuple(lines),
        transition_in=_enum(r, "transition_in", Transition, Transition.CUT.value),
        transition_out=_enum(r, "transition_out", Transition, Transition.CUT.value),
    )
