"""The status state machines: the one place that decides legal transitions of a
script's status, and of a movie's status by a review decision (at the end).

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
- An actor may hold several roles (an account that is writer and editor, or a studio of
  one holding every role): the move is legal when any one of them grants it.
- Validators and reviewers make no script status transitions: scoring and review notes
  are records of their own. A reviewer's decision moves the movie's status instead
  (``decision_refusal``): a finished film (``completed``) may be approved or sent back
  for changes, and a decided one may take the other decision.
- Staying in the same status is never a transition.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
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

    @classmethod
    def primary(cls, roles: Iterable[Role]) -> Role:
        """The most privileged of ``roles`` (see ``PRIVILEGE_ORDER``); ValueError if none."""
        held = set(roles)
        for role in PRIVILEGE_ORDER:
            if role in held:
                return role
        raise ValueError("an actor needs at least one role")


PRIVILEGE_ORDER: tuple[Role, ...] = (
    Role.SYSTEM,
    Role.ADMIN,
    Role.EDITOR,
    Role.REVIEWER,
    Role.VALIDATOR,
    Role.WRITER,
)
"""Roles from the most privileged down: ``Role.primary`` of a set is its first here.

The primary role is what a client that shows one role sees (the ``role`` of a user
record); what an account may do is the union of all its roles (``core.capabilities``).
"""

RoleSpec = Role | str | Iterable[Role | str]
"""One role (or its wire string), or several: an actor holding any of them."""


def roles_of(roles: RoleSpec) -> frozenset[Role]:
    """The set of roles ``roles`` names (wire strings accepted); ValueError if unknown or none."""
    if isinstance(roles, str):  # a Role is a str too
        return frozenset({Role(roles)})
    held = frozenset(Role(role) for role in roles)
    if not held:
        raise ValueError("an actor needs at least one role")
    return held


def role_names(roles: Iterable[Role]) -> tuple[str, ...]:
    """The wire strings of ``roles`` in ``Role`` order (writer, validator, ... admin)."""
    held = set(roles)
    return tuple(role.value for role in Role if role in held)


class WorkflowError(ValueError):
    """A status change that the workflow does not allow for this actor.

    ``roles`` are the actor's roles; ``role`` is the most privileged of them.
    """

    def __init__(
        self, current: Status, target: Status, role: Role | frozenset[Role], reason: str
    ) -> None:
        roles = roles_of(role)
        names = "+".join(role_names(roles))
        super().__init__(f"{names} cannot move a script from {current} to {target}: {reason}")
        self.current = current
        self.target = target
        self.roles = roles
        self.role = Role.primary(roles)
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


def _refusal(
    current: Status, target: Status, roles: frozenset[Role], is_author: bool
) -> str | None:
    """Why the move is refused, or None when it is legal (any one role may grant it)."""
    if current is target:
        return "the script is already in that status"
    grants = TRANSITIONS.get((current, target))
    if grants is None:
        return "no such transition"
    held = [role for role in roles if role in grants]
    if not held:
        allowed = ", ".join(r.value for r in grants)
        return f"only {allowed} may do this"
    if not is_author and all(grants[role] for role in held):
        return "only the script's author may do this"
    return None


def can_transition(
    current: Status | str, target: Status | str, role: RoleSpec, *, is_author: bool = False
) -> bool:
    """Whether an actor holding ``role`` (one role or several; the author when
    ``is_author``) may move ``current`` to ``target``."""
    return _refusal(Status(current), Status(target), roles_of(role), is_author) is None


def transition(
    current: Status | str, target: Status | str, role: RoleSpec, *, is_author: bool = False
) -> Status:
    """``target`` if the move is legal; otherwise raise ``WorkflowError`` saying why.

    ``role`` is one role or several (any one granting the move suffices). Wire strings
    are accepted for statuses and roles; an unknown one (or no role) is a ValueError.
    """
    source, goal, actors = Status(current), Status(target), roles_of(role)
    reason = _refusal(source, goal, actors, is_author)
    if reason is not None:
        raise WorkflowError(source, goal, actors, reason)
    return goal


def allowed_targets(
    current: Status | str, role: RoleSpec, *, is_author: bool = False
) -> tuple[Status, ...]:
    """The statuses an actor holding ``role`` may move a ``current`` script to, in
    ``Status`` order."""
    actors = roles_of(role)
    return tuple(t for t in Status if can_transition(current, t, actors, is_author=is_author))


def move_exists(current: Status | str, target: Status | str) -> bool:
    """Whether the table has a move from ``current`` to ``target`` for some actor.

    A refused move that exists was refused for the actor's roles (or authorship): a
    "forbidden", where a move that does not exist is simply invalid.
    """
    return (Status(current), Status(target)) in TRANSITIONS


def movers(current: Status | str, target: Status | str) -> frozenset[Role]:
    """The roles that may make the move at all (authorship aside); empty if none."""
    return frozenset(TRANSITIONS.get((Status(current), Status(target)), {}))


def moves_others_scripts(role: RoleSpec) -> bool:
    """Whether a held role makes some move on a script the actor did not write (an
    editor or admin does; a writer moves only their own)."""
    actors = roles_of(role)
    return any(
        not needs_author
        for grants in TRANSITIONS.values()
        for held, needs_author in grants.items()
        if held in actors
    )


def is_validation_complete(total_validations: int, quorum: int = VALIDATION_QUORUM) -> bool:
    """Whether a version has enough current scores for the system to mark it Validated."""
    return total_validations >= quorum


class MovieStatus(enum.StrEnum):
    """A movie's status: its render's (reported by the editor's desktop) and then the
    reviewers' decision. Values are the wire strings; render reports may use any letter
    case (``movie_status`` reads them)."""

    QUEUED = "queued"
    RENDERING = "rendering"
    COMPLETED = "completed"
    FAILED = "failed"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class Decision(enum.StrEnum):
    """What a reviewer decides on a finished movie. Values are the wire strings."""

    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"

    @property
    def status(self) -> MovieStatus:
        """The movie status this decision moves the movie to."""
        return MovieStatus(self.value)


DECIDABLE = frozenset({MovieStatus.COMPLETED, MovieStatus.APPROVED, MovieStatus.CHANGES_REQUESTED})
"""Movie statuses a decision may be taken from: a finished film, or one already decided
(a reviewer may change the verdict). Who may decide is ``Action.DECIDE_ON_MOVIE``."""


def movie_status(value: str) -> MovieStatus | None:
    """The movie status ``value`` names (any letter case), or None for one this version
    does not know."""
    try:
        return MovieStatus(value.lower())
    except ValueError:
        return None


def decision_refusal(current: str, decision: Decision) -> str | None:
    """Why a movie in status ``current`` cannot take ``decision``, or None when it can.

    Only the move is judged here; the role is the capability table's.
    """
    status = movie_status(current)
    if status is decision.status:
        return f"the movie is already {decision.status.value.replace('_', ' ')}"
    if status not in DECIDABLE:
        return f"the movie is {current}: only a finished film can be approved or sent back"
    return None
