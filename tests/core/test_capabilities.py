"""Specification of who may do what: every action against every role, and role unions."""

from __future__ import annotations

import itertools

import pytest

from vividverse_desktop.core.capabilities import (
    PHRASES,
    TABLE,
    Action,
    Capabilities,
    allows,
    granted_to,
)
from vividverse_desktop.core.workflow import (
    TRANSITIONS,
    Role,
    Status,
    WorkflowError,
    can_transition,
    moves_others_scripts,
    transition,
)

# Written out independently of the module's table: action -> the roles that may.
_SPEC = """
submit_script      : writer, admin
revise_own_script  : writer, admin
revise_any_script  : admin
move_script        : writer, editor, admin
read_own_scripts   : writer
read_all_scripts   : editor, reviewer, admin
read_blind_queue   : validator
score_script       : validator
read_own_scores    : writer
read_all_scores    : editor, reviewer, admin
view_leaderboard   : editor, admin
view_validators    : admin
select_script      : admin
start_render       : editor, admin
report_render      : editor, admin
publish_movie      : editor, admin
watch_movie        : editor, reviewer, admin
read_own_reviews   : writer
write_note         : editor, reviewer, admin
edit_own_note      : editor, reviewer, admin
resolve_any_note   : admin
decide_on_movie    : reviewer, admin
manage_users       : admin
grant_roles        : admin
"""


def _expected() -> dict[Action, frozenset[Role]]:
    table: dict[Action, frozenset[Role]] = {}
    for line in _SPEC.strip().splitlines():
        action, who = line.split(":")
        table[Action(action.strip())] = frozenset(Role(name.strip()) for name in who.split(","))
    return table


_EXPECTED = _expected()
_USER_ROLES = Role.user_roles()


def test_the_spec_names_every_action() -> None:
    """The written-out table covers each action exactly once, and each has a phrase."""
    assert set(_EXPECTED) == set(Action)
    assert set(PHRASES) == set(Action)


@pytest.mark.parametrize(("action", "role"), list(itertools.product(Action, Role)))
def test_each_action_for_each_role(action: Action, role: Role) -> None:
    """A single role may do exactly what the written-out table says."""
    assert allows(role, action) is (role in _EXPECTED[action])
    assert Capabilities.of(role.value).can(action) is (role in _EXPECTED[action])


def test_the_system_role_grants_no_action() -> None:
    """The server acts only through the workflow's moves, never through an action."""
    assert TABLE[Role.SYSTEM] == frozenset()


@pytest.mark.parametrize(
    "roles", [set(pair) for pair in itertools.combinations(_USER_ROLES, 2)] + [set(_USER_ROLES)]
)
def test_several_roles_may_do_the_union(roles: set[Role]) -> None:
    """An account holding several roles may do what any one of them may, nothing more."""
    caps = Capabilities.of(roles)
    for action in Action:
        assert caps.can(action) is any(allows(role, action) for role in roles)


def test_every_role_together_may_do_everything() -> None:
    """A studio of one (every role) may do every action."""
    assert Capabilities.of(_USER_ROLES).actions == frozenset(Action)


def test_the_primary_role_is_the_most_privileged() -> None:
    """``role`` of a set is its most privileged member; ``Role.primary`` refuses no roles."""
    assert Capabilities.of({Role.WRITER, Role.VALIDATOR}).role is Role.VALIDATOR
    assert Capabilities.of({Role.WRITER, Role.EDITOR, Role.REVIEWER}).role is Role.EDITOR
    assert Capabilities.of(_USER_ROLES).role is Role.ADMIN
    with pytest.raises(ValueError, match="at least one role"):
        Role.primary([])
    with pytest.raises(ValueError, match="at least one role"):
        Capabilities.of([])


def test_reason_says_who_may_and_who_you_are() -> None:
    """A refusal names the roles that may and the roles held; an allowed action has none."""
    caps = Capabilities.of({Role.WRITER, Role.VALIDATOR})
    assert caps.reason(Action.SCORE_SCRIPT) is None
    assert caps.reason(Action.START_RENDER) == (
        "only editors and admins may start a render; you are writer+validator"
    )
    assert caps.reason(Action.MANAGE_USERS, Action.SUBMIT_SCRIPT) is None


def test_granted_to_lists_roles_in_role_order() -> None:
    """``granted_to`` reads the table column for one action."""
    assert granted_to(Action.WATCH_MOVIE) == (Role.EDITOR, Role.REVIEWER, Role.ADMIN)


def test_moving_scripts_agrees_with_the_workflow() -> None:
    """The roles with MOVE_SCRIPT are the user roles the workflow lets make some move, and
    SELECT_SCRIPT / START_RENDER are held by exactly the workflow's movers for them."""
    movers = {role for grants in TRANSITIONS.values() for role in grants} - {Role.SYSTEM}
    assert set(granted_to(Action.MOVE_SCRIPT)) == movers
    selecting = {r for r in _USER_ROLES if can_transition(Status.VALIDATED, Status.SELECTED, r)}
    assert set(granted_to(Action.SELECT_SCRIPT)) == selecting
    rendering = {r for r in _USER_ROLES if can_transition(Status.SELECTED, Status.GENERATING, r)}
    assert set(granted_to(Action.START_RENDER)) == rendering


def test_a_move_is_legal_when_any_held_role_grants_it() -> None:
    """A writer who is also an editor may start a render; authorship still binds the writer."""
    both = {Role.WRITER, Role.EDITOR}
    assert transition(Status.SELECTED, Status.GENERATING, both) is Status.GENERATING
    assert not can_transition(Status.DRAFT, Status.PENDING_VALIDATION, both)
    assert can_transition(Status.DRAFT, Status.PENDING_VALIDATION, both, is_author=True)
    caps = Capabilities.of(both)
    assert caps.can_move(Status.SELECTED, Status.GENERATING)
    assert Status.GENERATING in caps.targets(Status.SELECTED)


def test_a_refused_move_names_every_role_held() -> None:
    """The error of a refused move lists the roles and keeps the primary one as ``role``."""
    with pytest.raises(WorkflowError) as info:
        transition(Status.VALIDATED, Status.SELECTED, {Role.WRITER, Role.VALIDATOR})
    assert info.value.roles == frozenset({Role.WRITER, Role.VALIDATOR})
    assert info.value.role is Role.VALIDATOR
    assert "writer+validator cannot move" in str(info.value)


def test_moving_others_scripts() -> None:
    """Editors and admins move scripts they did not write; writers and reviewers do not."""
    assert [r for r in _USER_ROLES if moves_others_scripts(r)] == [Role.EDITOR, Role.ADMIN]
    assert moves_others_scripts({Role.WRITER, Role.EDITOR})
