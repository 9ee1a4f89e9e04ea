"""The collector policy: what lives as long as a session is frozen out of the garbage
collector's full passes when it opens, and given back when it ends."""

from __future__ import annotations

import gc
import weakref

from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.sync_server.conftest import PASSWORD
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.gui.collector import freeze_long_lived, thaw
from vividverse_desktop.gui.desk import DeskController
from vividverse_desktop.gui.dialogs.sign_in import SignInRequest
from vividverse_desktop.gui.main_window import MainWindow


class _Node:
    """A reference cycle: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def _tracked(thing: object) -> bool:
    """Whether a full pass would walk ``thing`` (frozen objects are not listed)."""
    return any(candidate is thing for candidate in gc.get_objects())


def test_a_frozen_cycle_waits_for_the_thaw_and_new_garbage_is_still_collected() -> None:
    """Frozen: out of the passes and not freed; garbage made after is; the next freeze
    after a thaw frees what was frozen."""
    old = _Node()
    frozen = freeze_long_lived()
    assert frozen > 0
    assert not _tracked(old)
    gone_old = weakref.ref(old)
    del old
    young = _Node()
    gone_young = weakref.ref(young)
    del young
    gc.collect()
    assert gone_young() is None
    assert gone_old() is not None  # frozen: kept until thawed

    thaw()
    assert gc.get_freeze_count() == 0
    freeze_long_lived()  # collects first: the thawed garbage goes
    assert gone_old() is None


def test_a_session_is_frozen_when_it_opens_and_thawed_when_it_ends(
    qtbot: QtBot, desk: DeskController, window: MainWindow, team_server: str
) -> None:
    """Signing in freezes the session's objects; signing out gives them back; signing in
    again frees the old session before freezing the new one."""
    thaw()
    request = SignInRequest(
        "register", server_url=team_server, username="vera", password=PASSWORD, role=Role.VALIDATOR
    )
    with qtbot.waitSignal(desk.sync_finished, timeout=20_000):
        desk._open(request)
    assert desk.session is not None
    store = desk.session.store
    assert gc.get_freeze_count() > 10_000
    assert not _tracked(store)
    gone = weakref.ref(store)
    del store

    window.actions["actionSignOut"].trigger()
    assert wait_until(lambda: desk.dialog is not None and desk.dialog.isVisible(), 20_000)
    assert gc.get_freeze_count() == 0

    again = SignInRequest("sign-in", server_url=team_server, username="vera", password=PASSWORD)
    with qtbot.waitSignal(desk.sync_finished, timeout=20_000):
        desk._open(again)
    assert gc.get_freeze_count() > 10_000
    assert gone() is None


def test_collections_run_on_the_gui_thread_while_a_runner_lives(qtbot: QtBot) -> None:
    """Garbage a worker makes is collected by the GUI thread's timer, never by the worker
    (a collection there ran PySide's weak-reference callbacks off the GUI thread: a hang);
    the last runner to stop gives automatic collection back."""
    import threading

    from vividverse_desktop.gui.tasks import TaskRunner

    before = gc.isenabled()  # (a shell's runner of an earlier test may still live)
    runner = TaskRunner(workers=1)
    assert not gc.isenabled()
    threads: list[str] = []

    def record(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    gc.callbacks.append(record)
    try:
        made: list[weakref.ref[_Node]] = []

        def make_garbage() -> None:  # far past the youngest generation's threshold
            for _ in range(5 * gc.get_threshold()[0]):
                made.append(weakref.ref(_Node()))

        done: list[object] = []
        runner.run_work(make_garbage, on_done=done.append)
        assert wait_until(lambda: bool(done))
        assert wait_until(lambda: all(ref() is None for ref in made))  # collected...
        assert threads  # ... by a collection,
        assert set(threads) == {threading.main_thread().name}  # on the GUI thread only
    finally:
        gc.callbacks.remove(record)
        assert runner.shutdown(timeout=10)
    assert gc.isenabled() == before
