"""The task runner: lanes, results on the GUI thread, cancellation, shutdown."""

from __future__ import annotations

import asyncio
import threading

import httpx
from pytestqt.qtbot import QtBot
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.gui.conftest import wait_until
from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.gui.tasks import TaskRunner

GUI = threading.get_ident


def test_database_lane_runs_in_order_on_one_thread_off_the_gui(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    """Database tasks run one after another, in order, on one thread that is not the GUI's."""
    gui = GUI()
    ran: list[tuple[int, int]] = []
    delivered: list[tuple[int, int]] = []

    def job(n: int) -> int:
        ran.append((n, threading.get_ident()))
        return n

    tasks = [
        runner.run_db(job, n, on_done=lambda r: delivered.append((r, GUI()))) for n in range(20)
    ]
    with qtbot.waitSignal(tasks[-1].ended, timeout=5000):
        pass
    assert [n for n, _ in ran] == list(range(20))
    assert len({t for _, t in ran}) == 1
    assert ran[0][1] != gui
    assert delivered == [(n, gui) for n in range(20)]


def test_work_pool_runs_tasks_side_by_side(qtbot: QtBot, runner: TaskRunner) -> None:
    """Two work tasks that each wait for the other both finish: the pool runs them at once."""
    meet = threading.Barrier(2, timeout=5)
    results: list[str] = []
    a = runner.run_work(lambda: meet.wait() is not None and "a", on_done=results.append)
    b = runner.run_work(lambda: meet.wait() is not None and "b", on_done=results.append)
    assert wait_until(lambda: a.is_finished and b.is_finished)
    assert sorted(results) == ["a", "b"]


def test_cancelling_a_running_task_stops_it_and_reports_cancelled(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    """A task waiting on its token stops at cancel; on_cancelled runs, on_done does not."""
    started = threading.Event()
    outcome: list[str] = []

    def long_work(cancel: CancelToken) -> str:
        started.set()
        cancel.sleep(60)
        return "finished"

    task = runner.run_work(
        long_work, on_done=outcome.append, on_cancelled=lambda: outcome.append("cancelled")
    )
    assert started.wait(5)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.cancel()
    assert outcome == ["cancelled"]
    assert task.state == "cancelled"


def test_a_task_cancelled_while_queued_never_runs(qtbot: QtBot, runner: TaskRunner) -> None:
    """Cancelled behind a busy database lane, the task's function is never called."""
    gate = threading.Event()
    ran: list[str] = []
    blocker = runner.run_db(gate.wait, 5)
    queued = runner.run_db(lambda: ran.append("ran"))
    queued.cancel()
    gate.set()
    with qtbot.waitSignal(queued.cancelled, timeout=5000):
        pass
    assert blocker.state == "done"
    assert ran == []


def test_a_callers_token_cancels_the_task(qtbot: QtBot, runner: TaskRunner) -> None:
    """A token passed as cancel= is the task's parent: cancelling it stops the work."""
    parent = CancelToken()
    started = threading.Event()

    def work(cancel: CancelToken) -> None:
        started.set()
        cancel.sleep(60)

    task = runner.run_work(work, cancel=parent)
    assert started.wait(5)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        parent.cancel("user pressed Cancel")


def test_errors_reach_on_error_on_the_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    """An exception in the work is handed to on_error, on the GUI thread."""
    seen: list[tuple[str, int]] = []

    def broken() -> None:
        raise ValueError("disk full")

    task = runner.run_work(broken, on_error=lambda e: seen.append((str(e), GUI())))
    with qtbot.waitSignal(task.failed, timeout=5000):
        pass
    assert seen == [("disk full", GUI())]


def test_errors_without_a_handler_are_reported_by_the_runner(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    """A task with no on_error is not silent: the runner's unhandled signal carries it."""

    def broken() -> None:
        raise KeyError("x")

    with qtbot.waitSignal(runner.unhandled, timeout=5000) as blocker:
        task = runner.run_db(broken)
    assert blocker.args[0] is task
    assert isinstance(blocker.args[1], KeyError)


def test_progress_arrives_on_the_gui_thread_and_ends_with_the_latest(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    """Progress reports are coalesced but in order, and the last one is always delivered."""
    seen: list[int] = []
    threads: set[int] = set()

    def counting(on_progress) -> int:
        for n in range(1, 2001):
            on_progress(n)
        return 2000

    def record(n: int) -> None:
        seen.append(n)
        threads.add(GUI())

    task = runner.run_work(counting, on_progress=record)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen[-1] == 2000
    assert seen == sorted(set(seen))
    assert threads == {GUI()}


def _tiny_server() -> Starlette:
    async def hello(request):
        return JSONResponse({"hello": request.query_params.get("name", "")})

    return Starlette(routes=[Route("/hello", hello)])


def test_network_lane_runs_httpx_inside_the_qt_loop(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, runner: TaskRunner
) -> None:
    """A coroutine using httpx.AsyncClient runs on the qasync loop; its result reaches on_done."""
    app = _tiny_server()
    results: list[object] = []

    async def fetch(name: str) -> object:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://studio") as client:
            response = await client.get("/hello", params={"name": name})
            return response.json()

    task = runner.run_net(fetch, "ada", on_done=results.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert results == [{"hello": "ada"}]


def test_cancelling_a_network_task_cancels_the_coroutine(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, runner: TaskRunner
) -> None:
    """Cancel reaches a coroutine awaiting forever; it sees CancelledError and on_cancelled runs."""
    inside: list[str] = []

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            inside.append("cancelled inside")
            raise

    task = runner.run_net(forever)
    assert wait_until(lambda: task.state == "running")
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.cancel()
    assert inside == ["cancelled inside"]


def test_shutdown_cancels_running_work_and_delivers_nothing_after(qtbot: QtBot) -> None:
    """Shutdown wakes a long task through its token, stops every thread, drops callbacks."""
    tasks = TaskRunner(workers=2)
    started = threading.Event()
    delivered: list[str] = []

    def long_work(cancel: CancelToken) -> None:
        started.set()
        cancel.sleep(60)

    tasks.run_work(long_work, on_cancelled=lambda: delivered.append("cancelled"))
    tasks.run_db(long_work, on_cancelled=lambda: delivered.append("db cancelled"))
    assert started.wait(5)
    assert tasks.shutdown(timeout=10)
    wait_until(lambda: False, 100)
    assert delivered == []
    ran: list[str] = []
    late = tasks.run_db(lambda: ran.append("ran"), on_done=lambda _r: ran.append("done"))
    wait_until(lambda: False, 100)
    assert late.state == "cancelled"  # a view redrawing after its window closed: nothing runs
    assert ran == []


def test_shutdown_waits_only_up_to_its_bound_for_work_that_ignores_cancel(
    qtbot: QtBot,
) -> None:
    """Work that never looks at its token keeps its thread; shutdown says so instead of hanging."""
    tasks = TaskRunner(workers=1)
    release = threading.Event()
    started = threading.Event()

    def stubborn() -> None:
        started.set()
        release.wait(30)

    tasks.run_work(stubborn)
    assert started.wait(5)
    assert tasks.shutdown(timeout=0.2) is False
    release.set()
    assert all(lane.wait(5000) for lane in tasks._lanes)
