"""The change hub tells each view about its own subject only."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from vividverse_desktop.core.changes import Changes, Subject
from vividverse_desktop.gui.hub import ChangeHub


def test_subscribers_hear_only_their_subject(qtbot: QtBot) -> None:
    """A script change reaches the scripts view with its ids, not the scores view."""
    hub = ChangeHub()
    scripts: list[frozenset[str]] = []
    scores: list[frozenset[str]] = []
    hub.subscribe(Subject.SCRIPTS, scripts.append)
    hub.subscribe(Subject.SCORE_EVENTS, scores.append)
    hub.publish(Changes.of(Subject.SCRIPTS, ["s1", "s2"]))
    assert scripts == [frozenset({"s1", "s2"})]
    assert scores == []


def test_merged_changes_reach_every_subject_once(qtbot: QtBot) -> None:
    """A sync touching two subjects calls each subscriber once with its ids."""
    hub = ChangeHub()
    heard: list[tuple[str, frozenset[str]]] = []
    hub.subscribe(Subject.SCRIPTS, lambda ids: heard.append(("scripts", ids)))
    hub.subscribe(Subject.OUTBOX, lambda ids: heard.append(("outbox", ids)))
    changes = Changes.of(Subject.SCRIPTS, ["s1"]) | Changes.of(Subject.OUTBOX, ["op1", "op2"])
    hub.publish(changes)
    assert sorted(heard) == [("outbox", frozenset({"op1", "op2"})), ("scripts", frozenset({"s1"}))]


def test_nothing_changed_sends_nothing_and_unsubscribe_stops_calls(qtbot: QtBot) -> None:
    """Empty changes (or a non-Changes result) are not sent; an unsubscribed view hears nothing."""
    hub = ChangeHub()
    heard: list[frozenset[str]] = []
    with qtbot.assertNotEmitted(hub.changed):
        hub.publish(Changes())
        hub.publish(None)
    stop = hub.subscribe(Subject.MOVIES, heard.append)
    hub.publish(Changes.of(Subject.MOVIES, ["m1"]))
    stop()
    hub.publish(Changes.of(Subject.MOVIES, ["m2"]))
    assert heard == [frozenset({"m1"})]
