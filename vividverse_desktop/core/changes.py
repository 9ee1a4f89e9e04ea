"""What a mutation changed, so views refresh only what they show (STYLE.md).

The store's mutators and a sync return :class:`Changes`; the studio layer passes them on
and the GUI's change hub tells the views. Pure: ids per subject, nothing else.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from vividverse_desktop.core.wire import Entity


class Subject(enum.StrEnum):
    """A kind of thing the store holds."""

    USERS = "users"
    SCRIPTS = "scripts"
    SCRIPT_VERSIONS = "script_versions"
    SCORE_EVENTS = "score_events"
    MOVIES = "movies"
    REVIEW_NOTES = "review_notes"
    NOTE_REPLIES = "note_replies"
    OUTBOX = "outbox"
    CONFLICTS = "conflicts"
    SYNC_STATE = "sync_state"

    @classmethod
    def of(cls, entity: Entity) -> Subject:
        """The subject holding records of a wire entity."""
        return _OF_ENTITY[entity]


_OF_ENTITY: Mapping[Entity, Subject] = {
    Entity.USER: Subject.USERS,
    Entity.SCRIPT: Subject.SCRIPTS,
    Entity.SCRIPT_VERSION: Subject.SCRIPT_VERSIONS,
    Entity.SCORE_EVENT: Subject.SCORE_EVENTS,
    Entity.MOVIE: Subject.MOVIES,
    Entity.REVIEW_NOTE: Subject.REVIEW_NOTES,
    Entity.NOTE_REPLY: Subject.NOTE_REPLIES,
}


@dataclass(frozen=True, slots=True)
class Changes:
    """The ids changed per subject (op ids for the outbox and conflicts); empty is falsy."""

    touched: Mapping[Subject, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, subject: Subject, ids: Iterable[str]) -> Changes:
        """Changes to ``ids`` of one subject (nothing if ``ids`` is empty)."""
        found = frozenset(ids)
        return cls(MappingProxyType({subject: found} if found else {}))

    def ids(self, subject: Subject) -> frozenset[str]:
        """The ids of ``subject`` that changed (empty if none)."""
        return self.touched.get(subject, frozenset())

    @property
    def subjects(self) -> frozenset[Subject]:
        """The subjects with at least one change."""
        return frozenset(self.touched)

    def __contains__(self, subject: object) -> bool:
        return subject in self.touched

    def __bool__(self) -> bool:
        return bool(self.touched)

    def __or__(self, other: Changes) -> Changes:
        merged = {s: self.ids(s) | other.ids(s) for s in self.subjects | other.subjects}
        return Changes(MappingProxyType(merged))


EVERYTHING = Changes(MappingProxyType({subject: frozenset({"*"}) for subject in Subject}))
"""Every subject touched, id ``"*"``: re-read it all (another process wrote the store)."""


class ChangeLog:
    """A mutable collector used inside one transaction; ``freeze()`` gives the value."""

    def __init__(self) -> None:
        self._ids: dict[Subject, set[str]] = {}

    def add(self, subject: Subject, item_id: str) -> None:
        """Note that ``item_id`` of ``subject`` changed."""
        self._ids.setdefault(subject, set()).add(item_id)

    def freeze(self) -> Changes:
        """The collected changes."""
        return Changes(MappingProxyType({s: frozenset(ids) for s, ids in self._ids.items()}))
