"""The scoring rubric: which criteria a validator scores, on what scale, with what anchors.

Every criterion and the Overall are scored with whole numbers from 1 to 10; each
criterion divides that scale into bands, and each band carries an anchor text telling
the reader what a score in that band means. A validation also carries a verdict
(Pass / Consider / Recommend) and the validator's confidence from 1 to 5.

A rubric is a value: it can be loaded from a JSON object and dumped back unchanged
(``Rubric.from_json(r.to_json()) == r``). Criterion names are stable machine names
(``"visual_potential"``); labels are for display (``"Visual potential"``).
"""

from __future__ import annotations

import enum
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vividverse_desktop.core.scoring.errors import ScoringError

SCORE_MIN = 1
SCORE_MAX = 10
CONFIDENCE_MIN = 1
CONFIDENCE_MAX = 5
OVERALL = "overall"
"""The reserved name under which the Overall score appears next to the criteria."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class Verdict(enum.StrEnum):
    """A validator's recommendation. Values are the wire strings."""

    PASS = "Pass"
    CONSIDER = "Consider"
    RECOMMEND = "Recommend"

    @classmethod
    def parse(cls, value: object, field: str = "verdict") -> Verdict:
        """The verdict named by ``value`` (any letter case); ``ScoringError`` otherwise."""
        if type(value) is str:
            found = _VERDICT_BY_TEXT.get(value)
            if found is None:
                found = _VERDICT_BY_TEXT.get(value.strip().lower())
            if found is not None:
                return found
        if isinstance(value, str):
            for verdict in cls:
                if verdict.value.lower() == value.strip().lower():
                    return verdict
        choices = ", ".join(v.value for v in cls)
        raise ScoringError(f"must be one of {choices}, not {value!r}", field)


_VERDICT_BY_TEXT: dict[str, Verdict] = {
    **{verdict.value: verdict for verdict in Verdict},
    **{verdict.value.lower(): verdict for verdict in Verdict},
}
"""Each verdict by its wire string and by that string in lower case."""


def whole_number(value: object, low: int, high: int, field: str) -> int:
    """``value`` as an int in ``[low, high]``; integral floats are accepted, bools are not."""
    if type(value) is int and low <= value <= high:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScoringError(f"must be a whole number from {low} to {high}, not {value!r}", field)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ScoringError(f"must be a whole number from {low} to {high}, not {value!r}", field)
        value = int(value)
    if not low <= value <= high:
        raise ScoringError(f"must be from {low} to {high}, not {value}", field)
    return value


@dataclass(frozen=True, slots=True)
class Band:
    """Scores ``low..high`` (inclusive) and the anchor text describing them."""

    low: int
    high: int
    anchor: str

    def to_json(self) -> dict[str, Any]:
        """The band as a JSON object."""
        return {"low": self.low, "high": self.high, "anchor": self.anchor}


@dataclass(frozen=True, slots=True)
class Criterion:
    """One scored aspect of a script.

    ``bands`` cover 1..10 in order, without gaps or overlaps (checked on creation).
    """

    name: str
    label: str
    bands: tuple[Band, ...]
    description: str = ""

    def __post_init__(self) -> None:
        where = f"criteria.{self.name}"
        if not _NAME.match(self.name):
            raise ScoringError(
                f"criterion name {self.name!r} must be lower_snake_case ASCII", "criteria"
            )
        if not self.label.strip():
            raise ScoringError("label must not be empty", f"{where}.label")
        expected = SCORE_MIN
        for band in self.bands:
            if band.low != expected or band.high < band.low:
                raise ScoringError(
                    f"bands must cover {SCORE_MIN}..{SCORE_MAX} in order without gaps;"
                    f" band {band.low}-{band.high} does not start at {expected}",
                    f"{where}.bands",
                )
            if not band.anchor.strip():
                raise ScoringError(f"band {band.low}-{band.high} has no anchor", f"{where}.bands")
            expected = band.high + 1
        if expected != SCORE_MAX + 1:
            raise ScoringError(
                f"bands must cover {SCORE_MIN}..{SCORE_MAX}; they end at {expected - 1}",
                f"{where}.bands",
            )

    def anchor(self, score: int) -> str:
        """The anchor text of the band holding ``score`` (1..10)."""
        score = whole_number(score, SCORE_MIN, SCORE_MAX, f"criteria.{self.name}")
        return next(b.anchor for b in self.bands if b.low <= score <= b.high)

    def to_json(self) -> dict[str, Any]:
        """The criterion as a JSON object."""
        data: dict[str, Any] = {"name": self.name, "label": self.label}
        if self.description:
            data["description"] = self.description
        data["bands"] = [b.to_json() for b in self.bands]
        return data

    @classmethod
    def from_json(cls, data: object) -> Criterion:
        """A criterion from its JSON object; ``ScoringError`` naming the bad field."""
        if not isinstance(data, Mapping):
            raise ScoringError("each criterion must be an object", "criteria")
        name = data.get("name")
        if not isinstance(name, str):
            raise ScoringError("each criterion needs a string name", "criteria")
        label = data.get("label", "")
        description = data.get("description", "")
        raw_bands = data.get("bands")
        if not isinstance(label, str) or not isinstance(description, str):
            raise ScoringError("label and description must be strings", f"criteria.{name}")
        if not isinstance(raw_bands, list):
            raise ScoringError("bands must be a list", f"criteria.{name}.bands")
        bands: list[Band] = []
        for raw in raw_bands:
            if not isinstance(raw, Mapping):
                raise ScoringError("each band must be an object", f"criteria.{name}.bands")
            field = f"criteria.{name}.bands"
            low = whole_number(raw.get("low"), SCORE_MIN, SCORE_MAX, field)
            high = whole_number(raw.get("high"), SCORE_MIN, SCORE_MAX, field)
            anchor = raw.get("anchor")
            if not isinstance(anchor, str):
                raise ScoringError("each band needs an anchor text", field)
            bands.append(Band(low, high, anchor))
        return cls(name, label, tuple(bands), description)


def _five_bands(*anchors: str) -> tuple[Band, ...]:
    lows = range(SCORE_MIN, SCORE_MAX + 1, 2)
    return tuple(Band(low, low + 1, text) for low, text in zip(lows, anchors, strict=True))


@dataclass(frozen=True, slots=True)
class Rubric:
    """The criteria a validation scores, plus the anchors of the Overall score."""

    criteria: tuple[Criterion, ...]
    overall: Criterion
    name: str = "default"
    _names: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.criteria:
            raise ScoringError("a rubric needs at least one criterion", "criteria")
        names = [c.name for c in self.criteria]
        # Read for every score of every push: made once (the rubric is frozen).
        object.__setattr__(self, "_names", tuple(names))
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ScoringError(f"duplicate criteria: {', '.join(duplicates)}", "criteria")
        if OVERALL in names:
            raise ScoringError(f"{OVERALL!r} is reserved for the Overall score", "criteria")

    @property
    def names(self) -> tuple[str, ...]:
        """Criterion machine names, in rubric order."""
        return self._names

    def criterion(self, name: str) -> Criterion:
        """The criterion (or the Overall, for ``"overall"``) called ``name``; KeyError if none."""
        if name == OVERALL:
            return self.overall
        for criterion in self.criteria:
            if criterion.name == name:
                return criterion
        raise KeyError(name)

    def canonical_name(self, key: str) -> str | None:
        """The machine name ``key`` refers to, or None.

        Accepts the machine name, camelCase (``visualPotential``), or the label in any
        case (``"Visual potential"``), so seed-style clients can send any of them.
        """
        if key in self.names:
            return key
        snake = _CAMEL_BOUNDARY.sub("_", key.strip()).lower().replace(" ", "_").replace("-", "_")
        for criterion in self.criteria:
            if snake == criterion.name or key.strip().lower() == criterion.label.lower():
                return criterion.name
        return None

    def validate_criteria(
        self, scores: object, field: str = "criteria", *, partial: bool = False
    ) -> dict[str, int]:
        """The per-criterion scores as ``{machine name: 1..10}`` in rubric order.

        Raises ``ScoringError`` naming the field for a non-object, an unknown criterion,
        a criterion given twice (under two spellings), a missing criterion (with
        ``partial``: no criterion at all) or a value that is not a whole number from 1 to 10.
        """
        if type(scores) is not dict and not isinstance(scores, Mapping):
            raise ScoringError("must be an object of criterion -> score", field)
        names = self.names
        plain = type(self) is Rubric  # a subclass may spell names its own way
        found: dict[str, int] = {}
        for key, value in scores.items():
            if plain and type(key) is str and key in names:  # a machine name: no look-up
                name: str | None = key
            else:
                name = self.canonical_name(key) if isinstance(key, str) else None
            if name is None:
                known = ", ".join(names)
                raise ScoringError(f"unknown criterion {key!r} (known: {known})", f"{field}.{key}")
            if name in found:
                raise ScoringError("given more than once", f"{field}.{name}")
            if type(value) is int and SCORE_MIN <= value <= SCORE_MAX:
                found[name] = value
            else:
                found[name] = whole_number(value, SCORE_MIN, SCORE_MAX, f"{field}.{name}")
        missing = [n for n in names if n not in found]
        if partial and not found:
            raise ScoringError("must score at least one criterion", field)
        if missing and not partial:
            raise ScoringError(f"missing criteria: {', '.join(missing)}", field)
        return {n: found[n] for n in names if n in found}

    def to_json(self) -> dict[str, Any]:
        """The rubric as a JSON object (the inverse of ``from_json``)."""
        return {
            "name": self.name,
            "criteria": [c.to_json() for c in self.criteria],
            "overall": self.overall.to_json(),
        }

    @classmethod
    def from_json(cls, data: object) -> Rubric:
        """A rubric from its JSON object; a missing ``overall`` takes the default anchors."""
        if not isinstance(data, Mapping):
            raise ScoringError("a rubric must be a JSON object")
        raw_criteria = data.get("criteria")
        if not isinstance(raw_criteria, list):
            raise ScoringError("must be a list of criteria", "criteria")
        criteria = tuple(Criterion.from_json(c) for c in raw_criteria)
        raw_overall = data.get("overall")
        overall = OVERALL_CRITERION if raw_overall is None else Criterion.from_json(raw_overall)
        if overall.name != OVERALL:
            raise ScoringError(f"the Overall criterion must be named {OVERALL!r}", "overall")
        name = data.get("name", "default")
        if not isinstance(name, str):
            raise ScoringError("must be a string", "name")
        return cls(criteria, overall, name)

    def dumps(self) -> str:
        """The rubric as JSON text."""
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)

    @classmethod
    def loads(cls, text: str) -> Rubric:
        """A rubric from JSON text; ``ScoringError`` for malformed JSON too."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScoringError(f"not valid JSON: {exc}") from exc
        return cls.from_json(data)


OVERALL_CRITERION = Criterion(
    OVERALL,
    "Overall",
    _five_bands(
        "Not workable: pass without notes beyond a courtesy reply.",
        "Weak: a spark somewhere, but it would need a page-one rewrite.",
        "Competent: professional on the page, yet nothing makes it stand out from the pile.",
        "Strong: a script we would want to make after a focused revision.",
        "Exceptional: ready to put into production; push for it.",
    ),
    "The reader's overall judgement, not an average of the criteria.",
)

DEFAULT_RUBRIC = Rubric(
    (
        Criterion(
            "premise",
            "Premise",
            _five_bands(
                "No clear premise: after ten pages you cannot say what the story is about.",
                "A premise exists but is familiar or muddled, and the stakes are vague.",
                "A clear, serviceable premise with understandable stakes; little surprise.",
                "A sharp hook with real stakes that you could pitch in a sentence.",
                "An irresistible concept: fresh, high stakes, and it demands to be seen.",
            ),
            "Is the central idea clear, compelling and worth two hours?",
        ),
        Criterion(
            "structure",
            "Structure",
            _five_bands(
                "No discernible shape: scenes could be reordered without loss.",
                "Acts exist but sag; turning points are late, missing or unearned.",
                "Conventional structure that works; the middle loses pace in places.",
                "Tight escalation: every act turn lands and the climax pays off set-ups.",
                "Masterful control of pace and reveal; every scene moves the story forward.",
            ),
            "Does the story build, turn and pay off at the right moments?",
        ),
        Criterion(
            "character",
            "Character",
            _five_bands(
                "Characters are names delivering plot; no wants, no arcs.",
                "A protagonist with a goal, but flat; supporting roles are functional.",
                "Believable people with clear goals; arcs are predictable.",
                "Specific, contradictory characters whose choices drive the story.",
                "Unforgettable characters an actor would fight to play; every arc earned.",
            ),
            "Do the people want things, change, and drive the plot by their choices?",
        ),
        Criterion(
            "dialogue",
            "Dialogue",
            _five_bands(
                "Stilted or expository; characters say exactly what they mean and feel.",
                "Functional but interchangeable voices; frequent on-the-nose lines.",
                "Natural and clear, with a few memorable exchanges.",
                "Distinct voices, strong subtext, and scenes that play well out loud.",
                "Quotable and precise; every line reveals character or advances the story.",
            ),
            "Do the characters sound like themselves, with subtext?",
        ),
        Criterion(
            "originality",
            "Originality",
            _five_bands(
                "Derivative: a retread of well-known films with nothing added.",
                "Familiar genre beats with a small twist that is not developed.",
                "A known form handled with some fresh angles or setting.",
                "A distinctive voice or take that sets it apart from comparable titles.",
                "Truly original: a story or way of telling it we have not seen before.",
            ),
            "Would an audience feel they have not seen this before?",
        ),
        Criterion(
            "visual_potential",
            "Visual potential",
            _five_bands(
                "Talking heads: the story would work as well as a radio play.",
                "Few images; action lines are generic and locations interchangeable.",
                "Some strong images and set pieces; mostly conventional coverage.",
                "Vivid, filmable moments that tell story through picture.",
                "Iconic images on nearly every page; it begs to be shot.",
            ),
            "Does it tell its story in images that can be rendered and filmed?",
        ),
    ),
    OVERALL_CRITERION,
)
"""The studio's default rubric: six criteria with anchors per two-point band."""
