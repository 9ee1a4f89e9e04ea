"""Score events: append-only records of one validator scoring one script version.

A validator never edits a score; scoring again appends a new event, and their
*current* score for a version is their latest event. Earlier events stay for audit.

Ordering ("latest") never uses client clocks (``created_at`` is for display only):

1. Events the server has accepted carry its update sequence number ``usn``; a higher
   usn is later. The server assigns usns uniquely, but if two events ever share one,
   the larger event ``id`` (as text) is treated as later so every replica agrees.
2. Events without a usn (still in a client's outbox) are later than every event with
   one: they are the validator's newest, unsent intent. Among themselves they keep
   the order in which they were given (the outbox order).

Seed-style validations (``{scriptId, scores: {criterion: n}, comments}``) may omit the
Overall, the verdict and the confidence. They are events with ``overall``, ``verdict``
and ``confidence`` set to ``None``. Where an Overall is needed (aggregates, ranking),
such an event's ``effective_overall`` is the unrounded mean of its criteria.

The event declares its fields like the wire's records (``core.declared``), and the copies
to and from table rows follow from that list. The fields in ``TUNED`` are read, checked
and written by hand below, for push speed, with their own messages; every field added
after them is read, checked and written by its declaration. Such a field must be
optional and left out of the JSON when None (``omit_none=True``), so that existing ops
keep their payload hash::

    strengths: Annotated[str | None, Text(max_length=4000, omit_none=True)] = None
"""

from __future__ import annotations

import re
import statistics
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Annotated, Any

from vividverse_desktop.core.declared import (
    Id,
    Object,
    OneOf,
    Stamp,
    Text,
    Uuid,
    Whole,
    WireField,
    spec_of,
)
from vividverse_desktop.core.instants import instant_problem
from vividverse_desktop.core.scoring.errors import ScoringError
from vividverse_desktop.core.scoring.rubric import (
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    DEFAULT_RUBRIC,
    OVERALL,
    SCORE_MAX,
    SCORE_MIN,
    Rubric,
    Verdict,
    whole_number,
)
from vividverse_desktop.core.strict_json import Reader, WireError


def _text(data: Mapping[str, Any], key: str, *, optional: bool = False) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ScoringError("must be a non-empty string", key)
    return value


MAX_USN = 2**63 - 1
"""The largest update sequence number (a signed 64-bit column)."""

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A UUID's text exactly as ``str(uuid.UUID(...))`` writes it."""


def _event_id(value: object, field_name: str = "id") -> str:
    if type(value) is str and _CANONICAL_UUID.fullmatch(value):
        return value  # already what str(uuid.UUID(value)) would give
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise ScoringError(f"must be a UUID, not {value!r}", field_name)


def _optional_whole(value: object, low: int, high: int, field_name: str) -> int | None:
    return None if value is None else whole_number(value, low, high, field_name)


def _optional_verdict(value: object) -> Verdict | None:
    if value is None or isinstance(value, Verdict):
        return value
    return Verdict.parse(value)


def _checked_criteria(criteria: object) -> Mapping[str, int]:
    """Criterion scores as the constructor keeps them (no rubric): a read-only copy."""
    if not isinstance(criteria, Mapping) or not criteria:
        raise ScoringError("must score at least one criterion", "criteria")
    checked: dict[str, int] = {}
    for key, value in criteria.items():
        if not isinstance(key, str) or key == OVERALL:
            raise ScoringError("is not a criterion name", f"criteria.{key}")
        checked[key] = whole_number(value, SCORE_MIN, SCORE_MAX, f"criteria.{key}")
    return MappingProxyType(checked)


@dataclass(frozen=True, slots=True)
class ScoreEvent:
    """One validation as made on a client (DESIGN.md §3).

    ``criteria`` maps machine names to 1..10 (stored read-only, in the order given);
    checking that they match a rubric is ``validate(rubric)``. ``usn`` is the server's
    update sequence number, ``None`` until the server has accepted the event.
    Construction checks everything that does not depend on a rubric and raises
    ``ScoringError`` naming the field.
    """

    id: Uuid
    script_version_id: Annotated[str, Id()]
    validator_id: Annotated[str, Id()]
    criteria: Annotated[Mapping[str, int], Object()]
    overall: Annotated[int | None, Whole(SCORE_MIN, SCORE_MAX)]
    verdict: Annotated[Verdict | None, OneOf(Verdict)]
    confidence: Annotated[int | None, Whole(CONFIDENCE_MIN, CONFIDENCE_MAX)]
    comments: Annotated[str, Text(allow_empty=True)]
    scene_ref: Annotated[str | None, Text(allow_empty=True)]
    created_at: Stamp
    device_id: Annotated[str, Text(max_length=64)]
    usn: Annotated[int | None, Whole(0, MAX_USN, omit_none=True)] = field(
        default=None, compare=False
    )
    # A field added later goes here (optional, default None, omit_none=True): see the
    # module docstring. Its JSON, checks and row copies follow from the declaration.

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", _event_id(self.id))
        for name in ("script_version_id", "validator_id", "device_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ScoringError("must be a non-empty string", name)
        object.__setattr__(self, "criteria", _checked_criteria(self.criteria))
        overall = _optional_whole(self.overall, SCORE_MIN, SCORE_MAX, "overall")
        object.__setattr__(self, "overall", overall)
        object.__setattr__(self, "verdict", _optional_verdict(self.verdict))
        confidence = _optional_whole(self.confidence, CONFIDENCE_MIN, CONFIDENCE_MAX, "confidence")
        object.__setattr__(self, "confidence", confidence)
        if not isinstance(self.comments, str):
            raise ScoringError("must be a string", "comments")
        if self.scene_ref is not None and not isinstance(self.scene_ref, str):
            raise ScoringError("must be a string or null", "sceneRef")
        problem = instant_problem(self.created_at)
        if problem is not None:
            raise ScoringError(problem, "createdAt")
        if self.usn is not None and (isinstance(self.usn, bool) or not isinstance(self.usn, int)):
            raise ScoringError("must be an integer or null", "usn")
        for extra in extra_fields(type(self)):
            value = getattr(self, extra.name)
            if value is not None:
                object.__setattr__(self, extra.name, _checked_extra(type(self), extra, value))

    @property
    def effective_overall(self) -> float:
        """The Overall given, or (when omitted) the unrounded mean of the criteria."""
        if self.overall is not None:
            return float(self.overall)
        return statistics.fmean(self.criteria.values())

    def value(self, name: str) -> float:
        """The score for criterion ``name``, or ``effective_overall`` for ``"overall"``."""
        if name == OVERALL:
            return self.effective_overall
        return float(self.criteria[name])

    def validate(self, rubric: Rubric = DEFAULT_RUBRIC) -> None:
        """Raise ``ScoringError`` unless the criteria are exactly the rubric's."""
        rubric.validate_criteria(dict(self.criteria))
        unknown = [k for k in self.criteria if k not in rubric.names]
        if unknown:  # a non-canonical spelling that the rubric would have renamed
            raise ScoringError("use the criterion's machine name", f"criteria.{unknown[0]}")

    def with_usn(self, usn: int) -> ScoreEvent:
        """The same event as accepted by the server under ``usn``."""
        return replace(self, usn=usn)

    def has_extras(self) -> bool:
        """Whether a field beyond ``TUNED`` holds a value (written by its declaration)."""
        extras = extra_fields(type(self))
        return bool(extras) and any(getattr(self, f.name) is not None for f in extras)

    def payload(self) -> dict[str, Any]:
        """The client-made fields as a JSON object (no ``usn``): what identifies the op.

        Two pushes of the same ``id`` are the same op exactly when their payloads are equal.
        """
        data = {
            "id": self.id,
            "scriptVersionId": self.script_version_id,
            "validatorId": self.validator_id,
            "criteria": dict(self.criteria),
            "overall": self.overall,
            "verdict": None if self.verdict is None else self.verdict.value,
            "confidence": self.confidence,
            "comments": self.comments,
            "sceneRef": self.scene_ref,
            "createdAt": self.created_at.isoformat(),
            "deviceId": self.device_id,
        }
        for extra in extra_fields(type(self)):
            value = getattr(self, extra.name)
            if value is not None:
                data[extra.key] = extra.kind.write(value)
        return data

    def to_json(self) -> dict[str, Any]:
        """The payload plus ``usn`` when the server has assigned one."""
        data = self.payload()
        if self.usn is not None:
            data["usn"] = self.usn
        return data

    @classmethod
    def from_json(cls, data: object, rubric: Rubric | None = DEFAULT_RUBRIC) -> ScoreEvent:
        """An event from its JSON object (camelCase keys, as ``to_json`` writes).

        With a ``rubric`` the criteria are canonicalised and must be exactly the
        rubric's; with ``None`` any criterion names are kept as given. Refuses what the
        constructor refuses, with the same ``ScoringError``.
        """
        # Every field is checked here once, in the order in which reading and then the
        # constructor would find a fault, so the event is built without checking again.
        if type(data) is not dict and not isinstance(data, Mapping):
            raise ScoringError("a score event must be a JSON object")
        get = data.get
        trusted: Mapping[str, int] | None = None
        if rubric is None:
            given = get("criteria")
            if not isinstance(given, Mapping):
                raise ScoringError("must be an object of criterion -> score", "criteria")
        else:
            given = rubric.validate_criteria(get("criteria"))
            if type(rubric) is Rubric:  # its contract: exactly its names, each 1..10
                trusted = MappingProxyType(given)
        created = get("createdAt")
        try:
            created_at = datetime.fromisoformat(created) if isinstance(created, str) else None
        except ValueError:
            created_at = None
        if created_at is None:
            raise ScoringError(f"must be an ISO 8601 timestamp, not {created!r}", "createdAt")
        event_id = _event_id(get("id"))
        script_version_id = _text(data, "scriptVersionId") or ""
        validator_id = _text(data, "validatorId") or ""
        criteria = dict(given) if trusted is None else trusted
        overall = _optional_whole(get("overall"), SCORE_MIN, SCORE_MAX, "overall")
        verdict = _optional_verdict(get("verdict"))
        confidence = _optional_whole(
            get("confidence"), CONFIDENCE_MIN, CONFIDENCE_MAX, "confidence"
        )
        comments = get("comments", "")
        if comments is None:
            comments = ""
        scene_ref = get("sceneRef")
        device_id = _text(data, "deviceId") or ""
        usn = get("usn")
        # What the constructor checks beyond the above:
        if trusted is None:
            criteria = _checked_criteria(criteria)
        if not isinstance(comments, str):
            raise ScoringError("must be a string", "comments")
        if scene_ref is not None and not isinstance(scene_ref, str):
            raise ScoringError("must be a string or null", "sceneRef")
        problem = instant_problem(created_at)
        if problem is not None:
            raise ScoringError(problem, "createdAt")
        if usn is not None and (isinstance(usn, bool) or not isinstance(usn, int)):
            raise ScoringError("must be an integer or null", "usn")
        extras = _read_extras(cls, data) if extra_fields(cls) else {}
        if cls is not ScoreEvent:  # a subclass may check more: let its constructor run
            return cls(
                id=event_id,
                script_version_id=script_version_id,
                validator_id=validator_id,
                criteria=criteria,
                overall=overall,
                verdict=verdict,
                confidence=confidence,
                comments=comments,
                scene_ref=scene_ref,
                created_at=created_at,
                device_id=device_id,
                usn=usn,
                **extras,
            )
        event = object.__new__(cls)
        put = object.__setattr__
        put(event, "id", event_id)
        put(event, "script_version_id", script_version_id)
        put(event, "validator_id", validator_id)
        put(event, "criteria", criteria)
        put(event, "overall", overall)
        put(event, "verdict", verdict)
        put(event, "confidence", confidence)
        put(event, "comments", comments)
        put(event, "scene_ref", scene_ref)
        put(event, "created_at", created_at)
        put(event, "device_id", device_id)
        put(event, "usn", usn)
        for name, value in extras.items():
            put(event, name, value)
        return event


TUNED = frozenset(
    {
        "id",
        "script_version_id",
        "validator_id",
        "criteria",
        "overall",
        "verdict",
        "confidence",
        "comments",
        "scene_ref",
        "created_at",
        "device_id",
        "usn",
    }
)
"""The score event's fields that its methods (and the op hash in ``core.wire.ops``) read,
check and write by hand; the others follow from their declaration."""

_EXTRAS_OF: dict[type, tuple[WireField, ...]] = {}


def extra_fields(cls: type[ScoreEvent]) -> tuple[WireField, ...]:
    """The declared fields of ``cls`` (a ``ScoreEvent``) beyond ``TUNED``, in order.

    ``TypeError`` if one is not optional with a None default and ``omit_none``: an
    event made before the field existed must keep its JSON and its payload hash.
    """
    extras = _EXTRAS_OF.get(cls)
    if extras is not None:
        return extras
    extras = tuple(f for f in spec_of(cls).fields if f.name not in TUNED)
    for extra in extras:
        if not (extra.optional and extra.kind.omit_none and extra.default is not None):
            raise TypeError(f"{cls.__name__}.{extra.name} must be optional with omit_none=True")
        if extra.default() is not None:
            raise TypeError(f"{cls.__name__}.{extra.name} must default to None")
    _EXTRAS_OF[cls] = extras
    return extras


def _read_extras(cls: type[ScoreEvent], data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``cls`` beyond ``TUNED`` from an event's JSON, each read by its kind."""
    extras = extra_fields(cls)
    if not extras:
        return {}
    read = Reader(data, "", data)  # a score event ignores keys it does not know
    values: dict[str, Any] = {}
    for extra in extras:
        if not read.has(extra.key):
            values[extra.name] = None
            continue
        try:
            values[extra.name] = extra.kind.read(read, extra.key)
        except WireError as exc:
            raise ScoringError(exc.message, exc.field) from None
    return values


def _checked_extra(cls: type[ScoreEvent], extra: WireField, value: object) -> Any:
    """``value`` of a field beyond ``TUNED``, as its kind reads it back from its JSON."""
    try:
        written = extra.kind.write(value)
    except (AttributeError, TypeError, ValueError):
        raise ScoringError("is not a value of this field", extra.key) from None
    return _read_extras(cls, {extra.key: written})[extra.name]


extra_fields(ScoreEvent)  # a misdeclared field fails on import, not on the first push


@dataclass(frozen=True, slots=True)
class SeedValidation:
    """A validation in the seed API's shape: ``{scriptId, scores, comments}``.

    ``overall``, ``verdict``, ``confidence`` and ``sceneRef`` are optional. The server
    turns it into a ``ScoreEvent`` with ``to_event`` once it knows the version and user.
    """

    script_id: str
    criteria: Mapping[str, int]
    comments: str = ""
    overall: int | None = None
    verdict: Verdict | None = None
    confidence: int | None = None
    scene_ref: str | None = None

    @classmethod
    def from_json(cls, data: object, rubric: Rubric = DEFAULT_RUBRIC) -> SeedValidation:
        """Parse and check a seed-style body; ``ScoringError`` naming the bad field."""
        if not isinstance(data, Mapping):
            raise ScoringError("a validation must be a JSON object")
        script_id = data.get("scriptId")
        if isinstance(script_id, int) and not isinstance(script_id, bool):
            script_id = str(script_id)
        if not isinstance(script_id, str) or not script_id.strip():
            raise ScoringError("must be a non-empty string", "scriptId")
        comments = data.get("comments", "")
        if comments is None:
            comments = ""
        if not isinstance(comments, str):
            raise ScoringError("must be a string", "comments")
        scene_ref = data.get("sceneRef")
        if scene_ref is not None and not isinstance(scene_ref, str):
            raise ScoringError("must be a string or null", "sceneRef")
        return cls(
            script_id=script_id,
            criteria=MappingProxyType(
                rubric.validate_criteria(data.get("scores"), "scores", partial=True)
            ),
            comments=comments,
            overall=_optional_whole(data.get("overall"), SCORE_MIN, SCORE_MAX, "overall"),
            verdict=_optional_verdict(data.get("verdict")),
            confidence=_optional_whole(
                data.get("confidence"), CONFIDENCE_MIN, CONFIDENCE_MAX, "confidence"
            ),
            scene_ref=scene_ref,
        )

    def to_event(
        self,
        *,
        event_id: str | uuid.UUID,
        script_version_id: str,
        validator_id: str,
        created_at: datetime,
        device_id: str,
    ) -> ScoreEvent:
        """The score event this validation records."""
        return ScoreEvent(
            id=_event_id(event_id),
            script_version_id=script_version_id,
            validator_id=validator_id,
            criteria=dict(self.criteria),
            overall=self.overall,
            verdict=self.verdict,
            confidence=self.confidence,
            comments=self.comments,
            scene_ref=self.scene_ref,
            created_at=created_at,
            device_id=device_id,
        )


def current_scores(events: Iterable[ScoreEvent]) -> tuple[ScoreEvent, ...]:
    """Each validator's latest event per script version (see the module docstring).

    The result is ordered by script version id, then validator id.
    """
    latest: dict[tuple[str, str], tuple[tuple[int, int, str], ScoreEvent]] = {}
    for position, event in enumerate(events):
        key = (0, event.usn, event.id) if event.usn is not None else (1, position, event.id)
        slot = (event.script_version_id, event.validator_id)
        held = latest.get(slot)
        if held is None or key > held[0]:
            latest[slot] = (key, event)
    return tuple(latest[slot][1] for slot in sorted(latest))
