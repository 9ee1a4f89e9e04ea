"""Find FFmpeg and run one command line with progress, a time limit and cancellation.

The executable is, in order: an explicit path, the ``VIVIDVERSE_FFMPEG``
environment variable, or the static build in the imageio-ffmpeg wheel. Arguments
come from the builders in ``core.pipeline`` (everything after the executable).

Each run starts FFmpeg in its own process group so stopping it also stops
anything it started. Stopping is graceful first: SIGINT (FFmpeg finishes the file
it is writing), then SIGTERM, then SIGKILL, each after a short wait.

FFmpeg stays in the app's session and runs ``NICENESS`` lower than the app. An encode
keeps every core busy, and the window's thread must get one the moment it wakes.
Linux schedules each session as one group (autogroups, on by default): an FFmpeg in a
session of its own weighed as much as the whole app, and the app's GUI thread waited
for a core for 100-370 ms at a time during a render (2 cores). In the app's session and
nicer, the longest wait was 8-26 ms, and the render took as long.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.progress import Progress, ProgressParser

ENV_VAR = "VIVIDVERSE_FFMPEG"
_TAIL_LINES = 40
_LOG_CAP = 4 * 1024 * 1024  # characters of stderr kept in RunResult.stderr
# Windows has no process groups by session; a new console process group stands in.
_NEW_PROCESS_GROUP = (
    getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) if sys.platform == "win32" else 0
)

NICENESS = 10
"""How much lower FFmpeg's scheduling priority is than the app's (POSIX nice; on Windows
any value above 0 means below normal)."""

ProgressCallback = Callable[[Progress], None]


class FFmpegError(RuntimeError):
    """FFmpeg did not produce its output; ``stderr_tail`` holds its last log lines."""

    def __init__(
        self,
        message: str,
        *,
        argv: Sequence[str] = (),
        returncode: int | None = None,
        stderr_tail: str = "",
    ) -> None:
        detail = f"{message}\n{stderr_tail}" if stderr_tail else message
        super().__init__(detail)
        self.message = message
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stderr_tail = stderr_tail


class FFmpegNotFound(FFmpegError):
    """No usable FFmpeg executable."""


class FFmpegTimeout(FFmpegError):
    """The run passed its time limit and was stopped."""


class FFmpegCancelled(FFmpegError):
    """The run was cancelled by the caller and stopped."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """A finished run: exit code, stderr text, the last progress report, wall time.

    ``stderr`` is complete up to 4 Mi characters; beyond that its start and its last
    lines are kept.
    """

    returncode: int
    stderr: str
    progress: Progress | None
    seconds: float


def locate_ffmpeg(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The FFmpeg executable: ``explicit``, else ``$VIVIDVERSE_FFMPEG``, else the wheel's.

    Raises :class:`FFmpegNotFound` when the chosen path is not an executable file or
    no FFmpeg is available at all.
    """
    chosen = explicit if explicit is not None else os.environ.get(ENV_VAR) or None
    if chosen is not None:
        path = Path(chosen).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise FFmpegNotFound(f"FFmpeg not found or not executable: {path}")
        return path
    try:
        import imageio_ffmpeg
    except ImportError as error:  # pragma: no cover - the wheel is a dependency
        raise FFmpegNotFound(
            "no FFmpeg: install imageio-ffmpeg or set VIVIDVERSE_FFMPEG"
        ) from error
    try:
        return Path(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as error:
        raise FFmpegNotFound(f"no FFmpeg: {error}") from error


class FFmpeg:
    """One FFmpeg executable; :meth:`run` executes argument tuples built in ``core.pipeline``."""

    def __init__(
        self, executable: str | os.PathLike[str] | None = None, *, niceness: int = NICENESS
    ) -> None:
        self.executable = locate_ffmpeg(executable)
        self.niceness = niceness

    def run(
        self,
        args: Sequence[str],
        *,
        timeout: float,
        on_progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        cwd: str | os.PathLike[str] | None = None,
        ok_codes: Iterable[int] = (0,),
        grace: float = 2.0,
    ) -> RunResult:
        """Run FFmpeg with ``args`` and wait, streaming progress reports to ``on_progress``.

        ``timeout`` (seconds, required) bounds the whole run; ``cancel`` stops it the
        moment it is cancelled. Either way the process group gets SIGINT, then SIGTERM,
        then SIGKILL, ``grace`` seconds apart, and :class:`FFmpegTimeout` or
        :class:`FFmpegCancelled` is raised. An exit code outside ``ok_codes`` raises
        :class:`FFmpegError` with the tail of stderr; one that cannot start raises
        :class:`FFmpegNotFound`.
        ``on_progress`` runs on the calling thread (an exception in it stops FFmpeg
        and propagates). ``cwd`` is the working directory, e.g. a job directory so
        that relative names stay inside it.
        """
        argv = (str(self.executable), *args)
        started = time.monotonic()
        deadline = started + timeout
        lines: queue.Queue[tuple[str, str | None]] = queue.Queue()
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                process_group=None if sys.platform == "win32" else 0,
                creationflags=_NEW_PROCESS_GROUP | _below_normal(self.niceness),
            )
        except OSError as error:
            raise FFmpegNotFound(f"cannot start FFmpeg: {error}", argv=argv) from error
        _lower_priority(process.pid, self.niceness)
        assert process.stdout is not None
        assert process.stderr is not None
        readers = [
            threading.Thread(target=_pump, args=(process.stdout, "out", lines), daemon=True),
            threading.Thread(target=_pump, args=(process.stderr, "err", lines), daemon=True),
        ]
        for reader in readers:
            reader.start()
        forget = cancel.on_cancel(lambda: lines.put(("cancel", None))) if cancel else None
        parser = ProgressParser()
        log = _Log()
        open_streams = 2
        stop_reason: type[FFmpegError] | None = None
        try:
            while open_streams:
                if cancel is not None and cancel.is_set():
                    stop_reason = FFmpegCancelled
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    stop_reason = FFmpegTimeout
                    break
                try:  # a cancel wakes this at once (it puts a "cancel" item)
                    stream, text = lines.get(timeout=remaining)
                except queue.Empty:
                    continue
                if stream == "cancel":
                    continue
                if text is None:
                    open_streams -= 1
                elif stream == "err":
                    log.add(text)
                else:
                    for report in parser.feed(text):
                        if on_progress is not None:
                            on_progress(report)
            if stop_reason is None:
                try:
                    process.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    stop_reason = FFmpegTimeout
        finally:
            if forget is not None:
                forget()
            if stop_reason is not None or process.poll() is None:
                _stop(process, grace)
            for reader in readers:
                reader.join(timeout=grace)
            process.stdout.close()
            process.stderr.close()
        _drain(lines, log)
        tail = log.tail()
        elapsed = time.monotonic() - started
        if stop_reason is FFmpegTimeout:
            raise FFmpegTimeout(
                f"FFmpeg passed its {timeout:g} s time limit and was stopped",
                argv=argv,
                returncode=process.returncode,
                stderr_tail=tail,
            )
        if stop_reason is FFmpegCancelled:
            raise FFmpegCancelled(
                "FFmpeg was cancelled", argv=argv, returncode=process.returncode, stderr_tail=tail
            )
        if process.returncode not in set(ok_codes):
            raise FFmpegError(
                f"FFmpeg failed with exit code {process.returncode}",
                argv=argv,
                returncode=process.returncode,
                stderr_tail=tail,
            )
        return RunResult(process.returncode, log.text(), parser.last, elapsed)


def _below_normal(niceness: int) -> int:
    """Windows' creation flag for a lower priority (0 elsewhere, or when not lowered)."""
    if sys.platform == "win32":  # pragma: no cover - Windows builds only
        return subprocess.BELOW_NORMAL_PRIORITY_CLASS if niceness > 0 else 0
    return 0


def _lower_priority(pid: int, niceness: int) -> None:
    """Make the FFmpeg just started ``niceness`` nicer than it is (POSIX).

    ``Popen`` returns once FFmpeg has been executed, before it starts its encoder
    threads, which inherit the value. A process already gone is left alone.
    """
    if niceness <= 0 or not hasattr(os, "setpriority"):
        return
    with contextlib.suppress(OSError):
        current = os.getpriority(os.PRIO_PROCESS, pid)
        os.setpriority(os.PRIO_PROCESS, pid, min(19, current + niceness))


def _pump(stream: IO[bytes], name: str, lines: queue.Queue[tuple[str, str | None]]) -> None:
    try:
        for raw in iter(stream.readline, b""):
            lines.put((name, raw.decode("utf-8", "replace")))
    finally:
        lines.put((name, None))


def _drain(lines: queue.Queue[tuple[str, str | None]], log: _Log) -> None:
    while True:
        try:
            stream, text = lines.get_nowait()
        except queue.Empty:
            return
        if stream == "err" and text is not None:
            log.add(text)


class _Log:
    """FFmpeg's stderr: kept whole up to a cap (a verbose run cannot exhaust memory),
    and its last lines always, for error messages."""

    def __init__(self, cap: int = _LOG_CAP) -> None:
        self._head: list[str] = []
        self._size = 0
        self._cap = cap
        self._dropped = False
        self._tail: deque[str] = deque(maxlen=_TAIL_LINES)

    def add(self, text: str) -> None:
        self._tail.append(text)
        if self._size + len(text) <= self._cap:
            self._head.append(text)
            self._size += len(text)
        else:
            self._dropped = True

    def text(self) -> str:
        if not self._dropped:
            return "".join(self._head)
        return "".join([*self._head, "[... log truncated ...]\n", *self._tail])

    def tail(self) -> str:
        return "".join(self._tail).rstrip()


def _stop(process: subprocess.Popen[bytes], grace: float) -> None:
    """SIGINT, wait, SIGTERM, wait, SIGKILL — to the whole process group."""
    if sys.platform == "win32":  # pragma: no cover - Windows builds only
        # CTRL_BREAK to the process's console group is Windows' nearest to SIGINT.
        with contextlib.suppress(OSError, ValueError):
            process.send_signal(getattr(signal, "CTRL_BREAK_EVENT", signal.SIGTERM))
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
        if process.poll() is None:
            process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
        if process.poll() is None:
            process.kill()
        process.wait()
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        if process.poll() is not None:
            return
        _signal_group(process, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    if process.poll() is None:
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
