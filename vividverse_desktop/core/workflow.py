"""The script status state machine: the one place that decides legal transitions.

Statuses (wire values) and who may move a script between them:

======================  ======================  ==========================================
from                    to                      who
======================  ======================  ==========================================
Draft                   PendingValidation       its writer (author), admin: submit
PendingValidation       Draft                   its writer (author), admin: withdraw to revise
PendingValidation       Validated               system, admin: enough scores are in
PendingValidation       Rejected                admin: rejected without (more) scoring
Validated               PendingValidation       admin: reopen for more scores
Validated               Selected                admin: chosen for production
Validated               Rejected                admin
Selected                Validated               admin: deselect
Selected                Rejected                admin
Selected                Generating              editor, admin: start the render
Generating              Completed               editor, system: the render finished
Generating              Failed                  editor, system, admin: the render failed
                                                (admin: mark a stuck render failed)
Generating              Selected                editor, admin: render cancelled
Failed                  Generating              editor, admin: retry
Failed                  Selected                admin: give up for now, keep it selected
Completed               Generating              editor, admin: re-render after review notes
Rejected                Draft                   its writer (author), admin: revise
======================  ======================  ==========================================

Rules around the table:

- ``Role.SYSTEM`` is the server acting on its own (e.g. when a quorum of scores is in,
  or on a render's final progress report); no user holds it (``Role.user_roles()``).
- "its writer (author)": a writer may make the move only for their own script
  (``is_author=True``). Other roles are not restricted by authorship, and being the
  author grants nothing beyond the role's own rights.
- Validators and reviewers make no status transitions: scoring and review notes are
  records of their own, not status changes.
- Staying in the same status is never a transition.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType


class Status(enum.StrEnum):
    """A script's status. Values are the wire strings."""

    DRAFT = "Draft"
    PENDING_VALIDATION = "PendingValidation"
    VALIDATED = "Validated"
    SELECTED = "Selected"
    GENERATING = "Generating"
    COMPLETED = "Completed"
    REJECTED = "Rejected"
    FAILED = "Failed"


class Role(enum.StrEnum):
    """Who acts. Values are the wire strings; ``SYSTEM`` is the server itself."""

    WRITER = "writer"
    VALIDATOR = "validator"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    SYSTEM = "system"

    @classmethod
    def user_roles(cls) -> tuple[Role, ...]:
        """The roles a user account can hold (every role but ``SYSTEM``)."""
        return tuple(r for r in cls if r is not cls.SYSTEM)


class WorkflowError(ValueError):
    """A status change that the workflow does not allow for this actor."""

    def __init__(self, current: Status, target: Status, role: Role, reason: str) -> None:
        super().__init__(f"{role.value} cannot move a script from {current} to {target}: {reason}")
        self.current = current
        self.target = target
        self.role = role
        self.reason = reason


_AUTHOR = True
_ANYONE = False

TRANSITIONS: Mapping[tuple[Status, Status], Mapping[Role, bool]] = MappingProxyType(
    {
        (source, target): MappingProxyType(grants)
        for (source, target), grants in {
            (Status.DRAFT, Status.PENDING_VALIDATION): {Role.WRITER: _AUTHOR, Role.ADMIN: _ANYONE},
            (Status.PENDING_VALIDATION, Status.DRAFT): {Role.WRITER: _AUTHOR, Role.ADMIN: _ANYONE},
            (Status.PENDING_VALIDATION, Status.VALIDATED): {
                Role.SYSTEM: _ANYONE,
                Role.ADMIN: _ANYONE,
            },
            (Status.PENDING_VALIDATION, Status.REJECTED): {Role.ADMIN: _ANYONE},
            (Status.VALIDATED, Status.PENDING_VALIDATION): {Role.ADMIN: _ANYONE},
            (Status.VALIDATED, Status.SELECTED): {Role.ADMIN: _ANYONE},
            (Status.VALIDATED, Status.REJECTED): {Role.ADMIN: _ANYONE},
            (Status.SELECTED, Status.VALIDATED): {Role.ADMIN: _ANYONE},
            (Status.SELECTED, Status.REJECTED): {Role.ADMIN: _ANYONE},
            (Status.SELECTED, Status.GENERATING): {Role.EDITOR: _ANYONE, Role.ADMIN: _ANYONE},
            (Status.GENERATING, Status.COMPLETED): {Role.EDITOR: _ANYONE, Role.SYSTEM: _ANYONE},
            (Status.GENERATING, Status.FAILED): {
                Role.EDITOR: _ANYONE,
                Role.SYSTEM: _ANYONE,
                Role.ADMIN: _ANYONE,
            },
            (Status.GENERATING, Status.SELECTED): {Role.EDITOR: _ANYONE, Role.ADMIN: _ANYONE},
            (Status.FAILED, Status.GENERATING): {Role.EDITOR: _ANYONE, Role.ADMIN: _ANYONE},
            (Status.FAILED, Status.SELECTED): {Role.ADMIN: _ANYONE},
            (Status.COMPLETED, Status.GENERATING): {Role.EDITOR: _ANYONE, Role.ADMIN: _ANYONE},
            (Status.REJECTED, Status.DRAFT): {Role.WRITER: _AUTHOR, Role.ADMIN: _ANYONE},
        }.items()
    }
)
"""``(from, to) -> {role: needs authorship}``: the whole table of legal transitions."""

VALIDATION_QUORUM = 3
"""Current scores a version needs before the system marks it Validated."""


def _refusal(current: Status, target: Status, role: Role, is_author: bool) -> str | None:
    """Why the move is refused, or None when it is legal."""
    if current is target:
        return "the script is already in that status"
    grants = TRANSITIONS.get((current, target))
    if grants is None:
        return "no such transition"
    if role not in grants:
        allowed = ", ".join(r.value for r in grants)
        return f"only {allowed} may do this"
    if grants[role] and not is_author:
        return "only the script's author may do this"
    return None


def can_transition(
    current: Status | str, target: Status | str, role: Role | str, *, is_author: bool = False
) -> bool:
    """Whether ``role`` (the author when ``is_author``) may move ``current`` to ``target``."""
    return _refusal(Status(current), Status(target), Role(role), is_author) is None


def transition(
    current: Status | str, target: Status | str, role: Role | str, *, is_author: bool = False
) -> Status:
    """``target`` if the move is legal; otherwise raise ``WorkflowError`` saying why.

    Wire strings are accepted for statuses and roles; an unknown one is a ValueError.
    """
    source, goal, actor = Status(current), Status(target), Role(role)
    reason = _refusal(source, goal, actor, is_author)
    if reason is not None:
        raise WorkflowError(source, goal, actor, reason)
    return goal


def allowed_targets(
    current: Status | str, role: Role | str, *, is_author: bool = False
) -> tuple[Status, ...]:
    """The statuses ``role`` may move a ``current`` script to, in ``Status`` order."""
    return tuple(t for t in Status if can_transition(current, t, role, is_author=is_author))


def is_validation_complete(total_validations: int, quorum: int = VALIDATION_QUORUM) -> bool:
    """Whether a version has enough current scores for the system to mark it Validated."""
    return total_validations >= quorum
