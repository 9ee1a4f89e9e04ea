"""Drawings on a note's frame: vector shapes in frame fractions, checked strictly, with
errors naming the offending field; and the movie decision's workflow and capabilities."""

from __future__ import annotations

import json
from typing import Any

import pytest

from vividverse_desktop.core.capabilities import Capabilities
from vividverse_desktop.core.wire import (
    Arrow,
    Box,
    Drawing,
    Label,
    Op,
    Pen,
    ReviewNoteEdit,
    WireError,
    canonical_json,
    new_id,
    sha256_hex,
)
from vividverse_desktop.core.wire.drawing import MAX_POINTS, MAX_SHAPES
from vividverse_desktop.core.workflow import Decision, MovieStatus, Role, decision_refusal

ARROW: dict[str, Any] = {
    "kind": "arrow",
    "from": [0.25, 0.5],
    "to": [0.75, 0.5],
    "color": "#ff0000",
    "width": 0.01,
}


def test_every_shape_round_trips_through_json_text() -> None:
    """A drawing of each kind of shape reads back equal, in the order drawn."""
    drawing = Drawing.of(
        Pen(((0, 0), (0.5, 0.25), (1, 1)), "#112233", 0.05),
        Arrow((0.1, 0.2), (0.3, 0.4)),
        Box((1, 1), (0, 0), "#abcdef", 0.001),
        Label((0.5, 0.5), "Lose the lamp", "#ffffff", 0.25),
    )
    text = json.dumps(drawing.to_json())
    assert Drawing.from_json(json.loads(text)) == drawing
    assert [shape.kind.value for shape in drawing.shapes] == ["pen", "arrow", "box", "text"]
    assert drawing.shapes[0] == Pen(((0.0, 0.0), (0.5, 0.25), (1.0, 1.0)), "#112233", 0.05)


@pytest.mark.parametrize(
    ("shape", "field", "message"),
    [
        ({**ARROW, "from": [0.25, 1.01]}, "drawing[0].from", "y must be from 0 to 1"),
        ({**ARROW, "to": [-0.1, 0]}, "drawing[0].to", "x must be from 0 to 1"),
        ({**ARROW, "to": [0.1]}, "drawing[0].to", "must be a point [x, y]"),
        ({**ARROW, "to": ["0.1", 0]}, "drawing[0].to", "x must be a number"),
        ({**ARROW, "to": [float("nan"), 0]}, "drawing[0].to", "x must be from 0 to 1"),
        ({**ARROW, "color": "red"}, "drawing[0].color", "must be a colour #rrggbb"),
        ({**ARROW, "color": "#FF0000"}, "drawing[0].color", "in lowercase hex"),
        ({**ARROW, "width": 0}, "drawing[0].width", "must be above 0"),
        ({**ARROW, "width": 0.5}, "drawing[0].width", "must be from 0 to 0.05"),
        ({**ARROW, "width": True}, "drawing[0].width", "must be a number"),
        ({**ARROW, "shade": 1}, "drawing[0].shade", "unknown field"),
        ({k: v for k, v in ARROW.items() if k != "to"}, "drawing[0].to", "is required"),
        ({**ARROW, "kind": "circle"}, "drawing[0].kind", "must be one of pen, arrow, box, text"),
        (
            {"kind": "pen", "points": [], "color": "#000000", "width": 0.01},
            "drawing[0].points",
            "must be a non-empty array of points",
        ),
        (
            {"kind": "pen", "points": [[0, 0], [0, 2]], "color": "#000000", "width": 0.01},
            "drawing[0].points[1]",
            "y must be from 0 to 1",
        ),
        (
            {"kind": "text", "at": [0, 0], "text": " ", "color": "#000000", "size": 0.05},
            "drawing[0].text",
            "must be some text",
        ),
        (
            {"kind": "text", "at": [0, 0], "text": "x" * 501, "color": "#000000", "size": 0.05},
            "drawing[0].text",
            "must be at most 500 characters",
        ),
        (
            {"kind": "text", "at": [0, 0], "text": "x", "color": "#000000", "size": 0.001},
            "drawing[0].size",
            "must be from 0.01 to 0.25",
        ),
        ("arrow", "drawing[0]", "must be a JSON object"),
    ],
)
def test_a_bad_shape_is_refused_naming_its_field(shape: Any, field: str, message: str) -> None:
    """Each rule breaks with the path of the offending field."""
    with pytest.raises(WireError) as caught:
        Drawing.from_json([shape])
    assert caught.value.field == field
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must hold at least one shape (no drawing is null)"),
        ({"shapes": []}, "must be an array of shapes"),
        ([ARROW] * (MAX_SHAPES + 1), f"must hold at most {MAX_SHAPES} shapes"),
        (
            [
                {
                    "kind": "pen",
                    "points": [[0.5, 0.5]] * (MAX_POINTS // 2 + 1),
                    "color": "#000000",
                    "width": 0.01,
                }
            ]
            * 2,
            f"must hold at most {MAX_POINTS} points in all",
        ),
    ],
)
def test_a_drawing_is_bounded_in_size(data: Any, message: str) -> None:
    """Too many shapes or points, or no shape at all, is refused as a whole."""
    with pytest.raises(WireError) as caught:
        Drawing.from_json(data)
    assert (caught.value.field, caught.value.message) == ("drawing", message)


def test_shapes_made_in_code_are_checked_too() -> None:
    """A GUI building a shape gets the same errors as the wire."""
    with pytest.raises(WireError, match="from: x must be from 0 to 1"):
        Box((1.5, 0), (0, 0))
    with pytest.raises(WireError, match="width: must be above 0"):
        Pen(((0, 0),), width=0)


def test_a_note_without_a_drawing_hashes_as_before_drawings() -> None:
    """No ``drawing`` key in the payload (an empty drawing is none), so ops queued by an
    older desktop keep their payload hash."""
    plain = ReviewNoteEdit(new_id(), new_id(), 1, None, 24.0, "00:00:00:01", "x", "open")
    emptied = ReviewNoteEdit(
        plain.note_id, plain.movie_id, 1, None, 24.0, "00:00:00:01", "x", "open", drawing=Drawing()
    )
    assert "drawing" not in plain.to_json()
    assert emptied == plain
    before = {
        "noteId": plain.note_id,
        "movieId": plain.movie_id,
        "frame": 1,
        "frameEnd": None,
        "fps": 24.0,
        "timecode": "00:00:00:01",
        "text": "x",
        "status": "open",
        "baseRevision": None,
    }
    expected = sha256_hex(canonical_json({"kind": "review_note", "payload": before}))
    assert Op.of(plain).payload_sha256 == expected


@pytest.mark.parametrize(
    ("current", "decision", "refusal"),
    [
        ("completed", Decision.APPROVED, None),
        ("Completed", Decision.CHANGES_REQUESTED, None),
        ("approved", Decision.CHANGES_REQUESTED, None),
        ("changes_requested", Decision.APPROVED, None),
        ("approved", Decision.APPROVED, "the movie is already approved"),
        ("changes_requested", Decision.CHANGES_REQUESTED, "already changes requested"),
        ("queued", Decision.APPROVED, "the movie is queued: only a finished film"),
        ("rendering", Decision.APPROVED, "only a finished film"),
        ("failed", Decision.CHANGES_REQUESTED, "only a finished film"),
        ("exploded", Decision.APPROVED, "the movie is exploded: only a finished film"),
    ],
)
def test_the_workflow_decides_which_decisions_a_movie_takes(
    current: str, decision: Decision, refusal: str | None
) -> None:
    """A finished film takes either decision; a decided one the other; nothing else."""
    found = decision_refusal(current, decision)
    if refusal is None:
        assert found is None
    else:
        assert found is not None
        assert refusal in found


@pytest.mark.parametrize(
    ("roles", "offered"),
    [
        ({Role.REVIEWER}, (Decision.APPROVED, Decision.CHANGES_REQUESTED)),
        ({Role.ADMIN}, (Decision.APPROVED, Decision.CHANGES_REQUESTED)),
        ({Role.WRITER, Role.REVIEWER}, (Decision.APPROVED, Decision.CHANGES_REQUESTED)),
        ({Role.EDITOR}, ()),
        ({Role.WRITER}, ()),
        ({Role.VALIDATOR}, ()),
    ],
)
def test_reviewers_and_admins_decide_per_the_capability_table(
    roles: set[Role], offered: tuple[Decision, ...]
) -> None:
    """The decisions offered on a finished film follow ``Action.DECIDE_ON_MOVIE``."""
    caps = Capabilities.of(roles)
    assert caps.decisions(MovieStatus.COMPLETED) == offered
    if not offered:
        reason = caps.decision_refusal("completed", Decision.APPROVED)
        assert reason is not None
        assert reason.startswith("only reviewers and admins may approve a movie")
