"""Scripts are parsed and measured in child processes, each text with a time limit.

A thread of the server process would hold the interpreter lock while it parses, and
the event loop waits for that lock at every switch: other clients' requests slow down
by the parse's length. A reader child parses instead (``screenplays.measure``): a text
that takes longer than ``seconds`` is refused, its child killed and replaced, and the
others go on. At most ``workers`` readers run per server process, started on first use
(forked from a forkserver, else spawned: no copy of the server's threads or
connections); a text
that finds none free for ``seconds`` is refused as busy (try again).

A reader exits when its server process is gone: it reads end-of-file on its pipe.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import threading
import time
import weakref
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any

from starlette.concurrency import run_in_threadpool

from sync_server.screenplays import Measured, measure
from vividverse_desktop.core.screenplay.errors import ScreenplayError

START_SECONDS = 60.0
"""How long a new reader may take to import the parser and say it is ready."""
READER_NICENESS = 10
"""Readers run at a lower CPU priority: on a busy machine the server's event loops,
which answer everyone else, go first."""
WAIT_STEP_SECONDS = 0.005
"""How often a text waiting for a free reader looks again."""


class ReadTimeout(Exception):
    """The text took longer than the time limit to read; its reader was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"reading this script took longer than {seconds:g} s; it was stopped")
        self.seconds = seconds


class ReadersBusy(Exception):
    """No reader came free within the time limit: the server is busy reading other scripts."""


class ReaderFailed(Exception):
    """The reader process died while reading (out of memory, say)."""


def _serve(connection: Connection) -> None:
    """A reader child's loop: a text in, ``("ok", Measured)`` or ``("error", ...)`` out."""
    with contextlib.suppress(OSError, AttributeError):  # no os.nice on Windows
        os.nice(READER_NICENESS)
    connection.send("ready")
    while True:
        try:
            text = connection.recv()
        except (EOFError, OSError):
            return  # the server process is gone
        try:
            answer: tuple[Any, ...] = ("ok", measure(text))
        except ScreenplayError as exc:
            answer = ("error", exc.message, exc.line)
        try:
            connection.send(answer)
        except (BrokenPipeError, OSError):
            return


def _start_method() -> ForkServerContext | SpawnContext:
    """forkserver where there is one (a new reader forks from a small process that
    imported the parser: ~10 ms, no copy of the server's threads), else spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


class _Reader:
    """One child process and the server's end of its pipe."""

    def __init__(self) -> None:
        context = _start_method()
        here, there = context.Pipe(duplex=True)
        self.connection = here
        self.process: BaseProcess = context.Process(
            target=_serve, args=(there,), name="vividverse-script-reader", daemon=True
        )
        self.process.start()
        there.close()
        if not here.poll(START_SECONDS) or here.recv() != "ready":
            self.kill()
            raise ReaderFailed("a script reader did not start")

    def read(self, text: str, seconds: float) -> Measured:
        """Measure ``text`` in the child; kills it when ``seconds`` pass first."""
        try:
            self.connection.send(text)
            if not self.connection.poll(seconds):
                self.kill()
                raise ReadTimeout(seconds)
            answer = self.connection.recv()
        except (EOFError, OSError):
            self.kill()
            raise ReaderFailed("the script reader stopped while reading") from None
        if answer[0] == "error":
            raise ScreenplayError(answer[1], answer[2])
        measured: Measured = answer[1]
        return measured

    @property
    def alive(self) -> bool:
        return not self.connection.closed and self.process.is_alive()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=10)
        self.connection.close()


class ScriptReaders:
    """Up to ``workers`` reader processes measuring texts, ``seconds`` at most each."""

    def __init__(self, workers: int, seconds: float) -> None:
        if workers < 1 or seconds <= 0:
            raise ValueError("script readers need at least one worker and a positive limit")
        self.workers = workers
        self.seconds = seconds
        self._lock = threading.Lock()
        self._idle: list[_Reader] = []
        self._running = 0
        self._closed = False
        # Readers of an app dropped without close() (tests) stop with it.
        self._stop_idle = weakref.finalize(self, _kill_all, self._idle)

    async def measure(self, text: str) -> Measured:
        """Statistics and blind copy of ``text``, read in a child process.

        Raises ``ScreenplayError`` (the text cannot be read), :class:`ReadTimeout`,
        :class:`ReadersBusy` or :class:`ReaderFailed`.
        """
        await self._take_turn()
        try:
            return await run_in_threadpool(self._read, text)
        finally:
            with self._lock:
                self._running -= 1

    async def _take_turn(self) -> None:
        """Wait (without a thread, whatever the event loop) until fewer than ``workers`` read."""
        deadline = time.monotonic() + self.seconds
        while True:
            with self._lock:
                if self._closed:
                    raise ReadersBusy("the server is shutting down")
                if self._running < self.workers:
                    self._running += 1
                    return
            if time.monotonic() > deadline:
                raise ReadersBusy(
                    f"the server has been reading other scripts for {self.seconds:g} s"
                )
            await asyncio.sleep(WAIT_STEP_SECONDS)

    def _read(self, text: str) -> Measured:
        with self._lock:
            reader = self._idle.pop() if self._idle else None
        if reader is None or not reader.alive:
            reader = _Reader()
        try:
            return reader.read(text, self.seconds)
        finally:
            with self._lock:
                keep = reader.alive and not self._closed
                if keep:
                    self._idle.append(reader)
            if not keep and not reader.connection.closed:
                reader.kill()

    def close(self) -> None:
        """Stop every idle reader; one still reading stops when its text is done."""
        with self._lock:
            self._closed = True
        self._stop_idle()


def _kill_all(readers: list[_Reader]) -> None:
    while True:
        try:
            reader = readers.pop()
        except IndexError:
            return
        reader.kill()
