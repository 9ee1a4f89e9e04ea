"""Who may do what: the one table of role x action that the server enforces and the
front ends ask (a button is enabled from the same rule the server checks).

An account holds one or more roles; it may do what any of them may (the union).
Status moves of a script are the workflow's (``core.workflow``): ``MOVE_SCRIPT`` only
says a role makes some moves at all, ``Capabilities.can_move`` asks the workflow which.
Ownership is the caller's to check: ``REVISE_OWN_SCRIPT`` grants revising a script
only to its author, ``REVISE_ANY_SCRIPT`` any script. Rules that are not about roles
(nobody scores their own script) are the server's, next to the data they need.

========  ===================================================================
role      may
========  ===================================================================
writer    submit scripts; revise, retitle, withdraw and read their own; read
          their own scripts' scores
validator read the blind queue (scripts waiting for scores, without author or
          title page); score scripts
editor    read every script and its scores; the leaderboard; start, report
          and publish renders; watch movies; write review notes, edit theirs
          and resolve anyone's
reviewer  read every script and its scores; watch movies; review notes as an
          editor does; approve a movie or request changes
admin     everything above but scoring; select scripts; see every score event
          with its validator; manage accounts and grant roles
========  ===================================================================
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from vividverse_desktop.core.workflow import (
    Decision,
    Role,
    RoleSpec,
    Status,
    allowed_targets,
    can_transition,
    decision_refusal,
    role_names,
    roles_of,
)


class Action(enum.StrEnum):
    """Something a user can do. Values are stable names (for logs, tests and the GUI)."""

    SUBMIT_SCRIPT = "submit_script"
    REVISE_OWN_SCRIPT = "revise_own_script"
    """Add a version, retitle or upload the source file of a script one wrote."""
    REVISE_ANY_SCRIPT = "revise_any_script"
    MOVE_SCRIPT = "move_script"
    """Change a script's status at all (the workflow decides which moves)."""
    READ_OWN_SCRIPTS = "read_own_scripts"
    READ_ALL_SCRIPTS = "read_all_scripts"
    READ_BLIND_QUEUE = "read_blind_queue"
    """Read scripts waiting for scores, blind: no author, title or title page."""
    SCORE_SCRIPT = "score_script"
    READ_OWN_SCORES = "read_own_scores"
    """The aggregated scores of one's own scripts."""
    READ_ALL_SCORES = "read_all_scores"
    """The aggregated scores of any script."""
    VIEW_LEADERBOARD = "view_leaderboard"
    VIEW_VALIDATORS = "view_validators"
    """Every score event with the validator who gave it (names on the leaderboard)."""
    SELECT_SCRIPT = "select_script"
    START_RENDER = "start_render"
    REPORT_RENDER = "report_render"
    PUBLISH_MOVIE = "publish_movie"
    WATCH_MOVIE = "watch_movie"
    READ_OWN_REVIEWS = "read_own_reviews"
    """The films of one's own scripts and the review notes on them (not the films)."""
    WRITE_NOTE = "write_note"
    EDIT_OWN_NOTE = "edit_own_note"
    RESOLVE_ANY_NOTE = "resolve_any_note"
    """Edit or resolve a review note, whoever wrote it."""
    DECIDE_ON_MOVIE = "decide_on_movie"
    """Approve a movie or request changes."""
    MANAGE_USERS = "manage_users"
    """List, read, create, disable and enable accounts; reset passwords."""
    GRANT_ROLES = "grant_roles"


PHRASES: Mapping[Action, str] = MappingProxyType(
    {
        Action.SUBMIT_SCRIPT: "submit a script",
        Action.REVISE_OWN_SCRIPT: "revise their own script",
        Action.REVISE_ANY_SCRIPT: "revise anyone's script",
        Action.MOVE_SCRIPT: "change a script's status",
        Action.READ_OWN_SCRIPTS: "read their own scripts",
        Action.READ_ALL_SCRIPTS: "read every script",
        Action.READ_BLIND_QUEUE: "read the scripts waiting for scores",
        Action.SCORE_SCRIPT: "score a script",
        Action.READ_OWN_SCORES: "read their own scripts' scores",
        Action.READ_ALL_SCORES: "read any script's scores",
        Action.VIEW_LEADERBOARD: "view the leaderboard",
        Action.VIEW_VALIDATORS: "see who gave each score",
        Action.SELECT_SCRIPT: "select a script for production",
        Action.START_RENDER: "start a render",
        Action.REPORT_RENDER: "report a render's progress",
        Action.PUBLISH_MOVIE: "publish a movie",
        Action.WATCH_MOVIE: "watch a movie",
        Action.READ_OWN_REVIEWS: "read the review notes on films of their own scripts",
        Action.WRITE_NOTE: "write a review note",
        Action.EDIT_OWN_NOTE: "edit their own review note",
        Action.RESOLVE_ANY_NOTE: "edit or resolve anyone's review note",
        Action.DECIDE_ON_MOVIE: "approve a movie or request changes",
        Action.MANAGE_USERS: "manage accounts",
        Action.GRANT_ROLES: "grant or revoke roles",
    }
)
"""What each action is, as the end of "only editors may ...": for refusals."""

_A = Action
_WRITER = frozenset(
    {_A.SUBMIT_SCRIPT, _A.REVISE_OWN_SCRIPT, _A.MOVE_SCRIPT, _A.READ_OWN_SCRIPTS,
     _A.READ_OWN_SCORES, _A.READ_OWN_REVIEWS}
)  # fmt: skip
_VALIDATOR = frozenset({_A.READ_BLIND_QUEUE, _A.SCORE_SCRIPT})
_REVIEW = frozenset(
    {_A.READ_ALL_SCRIPTS, _A.READ_ALL_SCORES, _A.WATCH_MOVIE, _A.WRITE_NOTE, _A.EDIT_OWN_NOTE}
)  # fmt: skip
"""Staff who watch films. Authors edit their own notes; only an admin edits or resolves
anyone's (a reviewer rewriting another's note under their name was a finding)."""
_EDITOR = _REVIEW | {
    _A.MOVE_SCRIPT, _A.VIEW_LEADERBOARD, _A.START_RENDER, _A.REPORT_RENDER, _A.PUBLISH_MOVIE
}  # fmt: skip
_REVIEWER = _REVIEW | {_A.DECIDE_ON_MOVIE}
_ADMIN = frozenset(Action) - _VALIDATOR - {
    _A.READ_OWN_SCRIPTS, _A.READ_OWN_SCORES, _A.READ_OWN_REVIEWS
}  # fmt: skip

TABLE: Mapping[Role, frozenset[Action]] = MappingProxyType(
    {
        Role.WRITER: _WRITER,
        Role.VALIDATOR: _VALIDATOR,
        Role.EDITOR: _EDITOR,
        Role.REVIEWER: _REVIEWER,
        Role.ADMIN: _ADMIN,
        Role.SYSTEM: frozenset(),  # the server acts only through the workflow's moves
    }
)
"""``role -> the actions it grants``: the whole table."""

_PLURALS = {role: f"{role.value}s" for role in Role}


def granted_to(action: Action) -> tuple[Role, ...]:
    """The roles that grant ``action``, in ``Role`` order."""
    return tuple(role for role in Role if action in TABLE[role])


def allows(roles: RoleSpec, action: Action) -> bool:
    """Whether an actor holding ``roles`` (one or several) may do ``action``."""
    return Capabilities.of(roles).can(action)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What an actor holding ``roles`` may do: the union of the roles' rights."""

    roles: frozenset[Role]
    actions: frozenset[Action]

    @staticmethod
    def of(roles: RoleSpec) -> Capabilities:
        """The capabilities of one role or several (wire strings accepted)."""
        return _capabilities(roles_of(roles))

    @property
    def role(self) -> Role:
        """The most privileged role held (``Role.primary``)."""
        return Role.primary(self.roles)

    def can(self, action: Action) -> bool:
        """Whether any held role grants ``action``."""
        return action in self.actions

    def can_any(self, *actions: Action) -> bool:
        """Whether any held role grants any of ``actions``."""
        return not self.actions.isdisjoint(actions)

    def reason(self, *actions: Action) -> str | None:
        """Why not, as a sentence for a tooltip or an error; ``None`` when allowed.

        With several actions, allowed when any one is (the sentence names the first).
        """
        if not actions or self.can_any(*actions):
            return None
        action = actions[0]
        holders = sorted({role for one in actions for role in granted_to(one)}, key=_order)
        who = " and ".join(_PLURALS[role] for role in holders) or "nobody"
        return f"only {who} may {PHRASES[action]}; you are {'+'.join(role_names(self.roles))}"

    def can_move(
        self, current: Status | str, target: Status | str, *, is_author: bool = False
    ) -> bool:
        """Whether the workflow lets these roles move a script (``workflow.can_transition``)."""
        return can_transition(current, target, self.roles, is_author=is_author)

    def targets(self, current: Status | str, *, is_author: bool = False) -> tuple[Status, ...]:
        """The statuses these roles may move a ``current`` script to."""
        return allowed_targets(current, self.roles, is_author=is_author)

    def decision_refusal(self, movie_status: str, decision: Decision) -> str | None:
        """Why these roles may not take ``decision`` on a movie in ``movie_status`` (the
        role first, then the workflow's move), or None when they may."""
        return self.reason(Action.DECIDE_ON_MOVIE) or decision_refusal(movie_status, decision)

    def decisions(self, movie_status: str) -> tuple[Decision, ...]:
        """The decisions these roles may take on a movie in ``movie_status``."""
        return tuple(d for d in Decision if self.decision_refusal(movie_status, d) is None)


def _order(role: Role) -> int:
    return list(Role).index(role)


@functools.cache
def _capabilities(roles: frozenset[Role]) -> Capabilities:
    actions = frozenset(action for role in roles for action in TABLE[role])
    return Capabilities(roles, actions)
