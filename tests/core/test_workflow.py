"""Specification of the script status workflow: the full matrix and the main stories."""

from __future__ import annotations

import itertools

import pytest

from vividverse_desktop.core.workflow import (
    Role,
    Status,
    WorkflowError,
    allowed_targets,
    can_transition,
    is_validation_complete,
    transition,
)

# The legal moves, written out independently of the module's table.
# "writer*" means: a writer, only for a script they wrote.
_SPEC = """
Draft             -> PendingValidation : writer*, admin
PendingValidation -> Draft             : writer*, admin
PendingValidation -> Validated         : system, admin
PendingValidation -> Rejected          : admin
Validated         -> PendingValidation : admin
Validated         -> Selected          : admin
Validated         -> Rejected          : admin
Selected          -> Validated         : admin
Selected          -> Rejected          : admin
Selected          -> Generating        : editor, admin
Generating        -> Completed         : editor, system
Generating        -> Failed            : editor, system, admin
Generating        -> Selected          : editor, admin
Failed            -> Generating        : editor, admin
Failed            -> Selected          : admin
Completed         -> Generating        : editor, admin
Rejected          -> Draft             : writer*, admin
"""


def _expected() -> dict[tuple[Status, Status, Role], bool]:
    """(from, to, role) -> needs authorship, for every legal move in _SPEC."""
    legal: dict[tuple[Status, Status, Role], bool] = {}
    for line in _SPEC.strip().splitlines():
        move, who = line.split(":")
        source, target = (Status(part.strip()) for part in move.split("->"))
        for grant in who.split(","):
            name = grant.strip()
            legal[source, target, Role(name.rstrip("*"))] = name.endswith("*")
    return legal


_LEGAL = _expected()
_MATRIX = list(itertools.product(Status, Status, Role, (False, True)))


def test_wire_values_are_the_seed_strings() -> None:
    """Statuses and roles serialise as the strings the API uses."""
    assert [s.value for s in Status] == [
        "Draft",
        "PendingValidation",
        "Validated",
        "Selected",
        "Generating",
        "Completed",
        "Rejected",
        "Failed",
    ]
    assert [r.value for r in Role.user_roles()] == [
        "writer",
        "validator",
        "editor",
        "reviewer",
        "admin",
    ]


@pytest.mark.parametrize(("current", "target", "role", "is_author"), _MATRIX)
def test_every_move_matches_the_table(
    current: Status, target: Status, role: Role, is_author: bool
) -> None:
    """can_transition and transition agree with the spec for every status x status x role."""
    needs_author = _LEGAL.get((current, target, role))
    legal = needs_author is not None and (is_author or not needs_author)
    assert can_transition(current, target, role, is_author=is_author) is legal
    if legal:
        assert transition(current, target, role, is_author=is_author) is target
    else:
        with pytest.raises(WorkflowError):
            transition(current, target, role, is_author=is_author)


@pytest.mark.parametrize(
    ("current", "role", "is_author"), list(itertools.product(Status, Role, (False, True)))
)
def test_allowed_targets_lists_exactly_the_legal_moves(
    current: Status, role: Role, is_author: bool
) -> None:
    """allowed_targets returns the legal targets in Status order."""
    expected = tuple(
        t
        for t in Status
        if (current, t, role) in _LEGAL and (is_author or not _LEGAL[current, t, role])
    )
    assert allowed_targets(current, role, is_author=is_author) == expected


def test_validators_and_reviewers_never_change_status() -> None:
    """No status is reachable for a validator or a reviewer, author or not."""
    for status, role, author in itertools.product(
        Status, (Role.VALIDATOR, Role.REVIEWER), (False, True)
    ):
        assert allowed_targets(status, role, is_author=author) == ()


def test_writer_cannot_submit_someone_elses_script() -> None:
    """A writer submitting a draft they did not write gets a WorkflowError saying so."""
    with pytest.raises(WorkflowError, match="author") as info:
        transition(Status.DRAFT, Status.PENDING_VALIDATION, Role.WRITER)
    assert (info.value.current, info.value.target, info.value.role) == (
        Status.DRAFT,
        Status.PENDING_VALIDATION,
        Role.WRITER,
    )


def test_refusal_names_who_may_do_it() -> None:
    """An editor trying to select a script is told only admin may."""
    with pytest.raises(WorkflowError, match="only admin may"):
        transition(Status.VALIDATED, Status.SELECTED, Role.EDITOR)


def test_staying_put_is_not_a_transition() -> None:
    """Draft -> Draft is refused even for an admin."""
    with pytest.raises(WorkflowError, match="already"):
        transition(Status.DRAFT, Status.DRAFT, Role.ADMIN)


def test_wire_strings_are_accepted() -> None:
    """Plain strings from the API work like the enums."""
    assert can_transition("Selected", "Generating", "editor")
    assert transition("Draft", "PendingValidation", "writer", is_author=True) == "PendingValidation"
    assert allowed_targets("Failed", "admin") == (Status.SELECTED, Status.GENERATING)


def test_unknown_wire_strings_are_value_errors() -> None:
    """A misspelt status or role is refused before any table lookup."""
    with pytest.raises(ValueError, match="Drafted"):
        can_transition("Drafted", "PendingValidation", "writer")
    with pytest.raises(ValueError, match="producer"):
        transition("Draft", "PendingValidation", "producer")


def test_story_from_draft_to_film() -> None:
    """Submit, validate, select, generate, complete: each step by the role that owns it."""
    status = Status.DRAFT
    status = transition(status, Status.PENDING_VALIDATION, Role.WRITER, is_author=True)
    assert is_validation_complete(3)
    status = transition(status, Status.VALIDATED, Role.SYSTEM)
    status = transition(status, Status.SELECTED, Role.ADMIN)
    status = transition(status, Status.GENERATING, Role.EDITOR)
    status = transition(status, Status.COMPLETED, Role.EDITOR)
    assert status is Status.COMPLETED


def test_story_render_fails_and_is_retried() -> None:
    """A failed render goes back to Generating on retry and can then complete."""
    status = transition(Status.SELECTED, Status.GENERATING, Role.EDITOR)
    status = transition(status, Status.FAILED, Role.SYSTEM)
    status = transition(status, Status.GENERATING, Role.EDITOR)
    status = transition(status, Status.COMPLETED, Role.SYSTEM)
    assert status is Status.COMPLETED


def test_story_rejected_script_is_revised_and_resubmitted() -> None:
    """Admin rejects; the author revises (Draft) and submits again."""
    status = transition(Status.PENDING_VALIDATION, Status.REJECTED, Role.ADMIN)
    status = transition(status, Status.DRAFT, Role.WRITER, is_author=True)
    status = transition(status, Status.PENDING_VALIDATION, Role.WRITER, is_author=True)
    assert status is Status.PENDING_VALIDATION


def test_completed_film_cannot_skip_back_to_draft() -> None:
    """Completed is only left by re-rendering; no role can send it to Draft."""
    assert all(
        not can_transition(Status.COMPLETED, Status.DRAFT, role, is_author=True) for role in Role
    )


def test_validation_quorum() -> None:
    """Two scores are not enough for the default quorum of three."""
    assert not is_validation_complete(2)
    assert is_validation_complete(2, quorum=2)
