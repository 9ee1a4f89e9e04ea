"""Running FFmpeg: finding it, progress, errors with their log, time limits and cancel."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.progress import Progress
from vividverse_desktop.media.ffmpeg import (
    ENV_VAR,
    NICENESS,
    FFmpeg,
    FFmpegCancelled,
    FFmpegError,
    FFmpegNotFound,
    FFmpegTimeout,
    locate_ffmpeg,
)

PROGRESS = (
    "-hide_banner",
    "-nostdin",
    "-y",
    "-loglevel",
    "error",
    "-nostats",
    "-progress",
    "pipe:1",
)


@pytest.fixture(scope="module")
def ffmpeg() -> FFmpeg:
    """The bundled FFmpeg."""
    return FFmpeg()


def test_bundled_ffmpeg_is_found_without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no override the imageio-ffmpeg executable is used."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    path = locate_ffmpeg()
    assert path.is_file()
    assert os.access(path, os.X_OK)


def test_environment_variable_overrides_the_bundled_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """VIVIDVERSE_FFMPEG names the executable to use."""
    fake = tmp_path / "my-ffmpeg"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(ENV_VAR, str(fake))
    assert locate_ffmpeg() == fake


def test_explicit_path_beats_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An explicit argument wins over the environment variable."""
    chosen = tmp_path / "chosen-ffmpeg"
    chosen.write_text("#!/bin/sh\nexit 0\n")
    chosen.chmod(chosen.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing"))
    assert locate_ffmpeg(chosen) == chosen


def test_missing_override_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A configured path that is not an executable is reported, not silently replaced."""
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope"))
    with pytest.raises(FFmpegNotFound, match="nope"):
        locate_ffmpeg()


def test_progress_is_reported_until_the_end(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """Progress callbacks run during the run and the last report says done."""
    reports: list[Progress] = []
    result = ffmpeg.run(
        (*PROGRESS, "-f", "lavfi", "-i", "testsrc=s=160x90:r=12:d=2",
         "-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4", str(tmp_path / "out.mp4")),
        timeout=30,
        on_progress=reports.append,
    )  # fmt: skip
    assert result.returncode == 0
    assert reports[-1].done
    assert reports[-1].frame == 24
    assert result.progress == reports[-1]


def test_failure_carries_the_tail_of_stderr(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """A failing command raises with its exit code and FFmpeg's own message."""
    missing = tmp_path / "does-not-exist.mp4"
    with pytest.raises(FFmpegError) as caught:
        ffmpeg.run((*PROGRESS, "-i", str(missing), "-f", "null", "-"), timeout=30)
    assert caught.value.returncode not in (0, None)
    assert "No such file" in caught.value.stderr_tail
    assert "does-not-exist.mp4" in str(caught.value)
    assert caught.value.argv[0] == str(ffmpeg.executable)


def test_accepted_exit_codes_are_not_errors(ffmpeg: FFmpeg) -> None:
    """ok_codes lets a caller accept FFmpeg's exit 1 (e.g. describing an input)."""
    result = ffmpeg.run(
        ("-hide_banner", "-f", "lavfi", "-i", "anullsrc"), timeout=30, ok_codes=(0, 1)
    )
    assert result.returncode == 1
    assert "Input #0" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_hanging_input_is_killed_by_the_time_limit(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """Reading a FIFO nobody writes would block forever; the time limit stops it."""
    fifo = tmp_path / "stuck.fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(FFmpegTimeout):
        ffmpeg.run((*PROGRESS, "-i", str(fifo), "-f", "null", "-"), timeout=1.0, grace=0.5)
    assert time.monotonic() - started < 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_cancel_wakes_a_silent_run(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """FFmpeg blocked on a FIFO writes nothing; a cancel from another thread still stops it."""
    fifo = tmp_path / "stuck.fifo"
    os.mkfifo(fifo)
    cancel = CancelToken()
    threading.Timer(0.3, cancel.cancel).start()
    started = time.monotonic()
    with pytest.raises(FFmpegCancelled):
        ffmpeg.run((*PROGRESS, "-i", str(fifo), "-f", "null", "-"), timeout=60, cancel=cancel,
                   grace=0.5)  # fmt: skip
    assert time.monotonic() - started < 60 / 6


def test_cancel_stops_a_run_in_progress(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """Cancelling the token mid-run stops FFmpeg well before it would finish."""
    cancel = CancelToken()

    def on_progress(report: Progress) -> None:
        if report.frame:
            cancel.cancel()

    started = time.monotonic()
    with pytest.raises(FFmpegCancelled):
        # -re paces input at real time: this would take 60 s to finish on its own.
        ffmpeg.run(
            (
                *PROGRESS,
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc=s=160x90:r=12:d=60",
                "-f",
                "null",
                "-",
            ),
            timeout=90,
            on_progress=on_progress,
            cancel=cancel,
        )
    assert time.monotonic() - started < 10


def test_cancel_before_start_stops_at_once(ffmpeg: FFmpeg) -> None:
    """An already-cancelled token stops the run immediately."""
    cancel = CancelToken()
    cancel.cancel()
    started = time.monotonic()
    with pytest.raises(FFmpegCancelled):
        ffmpeg.run(
            (*PROGRESS, "-re", "-f", "lavfi", "-i", "testsrc=d=60", "-f", "null", "-"),
            timeout=90,
            cancel=cancel,
        )
    assert time.monotonic() - started < 5


def test_sigint_lets_ffmpeg_finish_a_playable_file(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """A cancelled MP4 is closed properly: FFmpeg got SIGINT first, not a kill."""
    cancel = CancelToken()
    output = tmp_path / "partial.mkv"

    def on_progress(report: Progress) -> None:
        if report.frame and report.frame >= 12:
            cancel.cancel()

    with pytest.raises(FFmpegCancelled):
        ffmpeg.run(
            (*PROGRESS, "-re", "-f", "lavfi", "-i", "testsrc=s=160x90:r=24:d=60",
             "-c:v", "libx264", "-preset", "ultrafast", "-f", "matroska", str(output)),
            timeout=90,
            on_progress=on_progress,
            cancel=cancel,
        )  # fmt: skip
    check = ffmpeg.run(
        ("-hide_banner", "-v", "error", "-i", str(output), "-f", "null", "-"), timeout=30
    )
    assert check.returncode == 0
    assert "Duration: N/A" not in check.stderr


def test_a_failing_progress_callback_stops_ffmpeg(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """An exception in on_progress propagates and FFmpeg does not keep running."""

    class Stop(Exception):
        pass

    def on_progress(report: Progress) -> None:
        raise Stop

    started = time.monotonic()
    with pytest.raises(Stop):
        ffmpeg.run(
            (
                *PROGRESS,
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc=s=160x90:r=12:d=60",
                "-f",
                "null",
                "-",
            ),
            timeout=90,
            on_progress=on_progress,
        )
    assert time.monotonic() - started < 10


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_stubborn_process_group_is_killed(tmp_path: Path) -> None:
    """A program ignoring SIGINT and SIGTERM is killed, children included, after the grace."""
    child_pid = tmp_path / "child.pid"
    stubborn = tmp_path / "stubborn-ffmpeg"
    stubborn.write_text(
        "#!/bin/sh\n"
        "trap '' INT TERM\n"
        f"sleep 60 & echo $! > '{child_pid}'\n"
        "while true; do sleep 0.05; done\n"
    )
    stubborn.chmod(stubborn.stat().st_mode | stat.S_IXUSR)
    started = time.monotonic()
    with pytest.raises(FFmpegTimeout):
        FFmpeg(stubborn).run((), timeout=0.5, grace=0.3)
    assert time.monotonic() - started < 5
    pid = int(child_pid.read_text())
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux's /proc")
def test_ffmpeg_runs_nicer_in_its_own_group_of_the_apps_session(tmp_path: Path) -> None:
    """The process is NICENESS nicer than the app, leads its own process group (so a stop
    reaches its children) and stays in the app's session (scheduled with the app)."""
    pid_file = tmp_path / "ffmpeg.pid"
    waiting = tmp_path / "waiting-ffmpeg"
    waiting.write_text(f"#!/bin/sh\necho $$ > '{pid_file}'\nwhile true; do sleep 0.05; done\n")
    waiting.chmod(waiting.stat().st_mode | stat.S_IXUSR)
    cancel = CancelToken()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            FFmpeg(waiting).run((), timeout=60, cancel=cancel, grace=0.3)
        except BaseException as error:
            errors.append(error)

    runner = threading.Thread(target=run)
    runner.start()
    try:
        seen: list[str] = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if pid_file.exists() and pid_file.read_text().strip():
                pid = int(pid_file.read_text())
                seen = _stat_fields(pid)
                if seen and int(seen[16]) == os.getpriority(os.PRIO_PROCESS, 0) + NICENESS:
                    break
            time.sleep(0.05)
        assert seen, "the program did not start"
        # fields after the command: state, ppid, pgrp, session, ..., nice is the 17th
        assert int(seen[16]) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)
        assert int(seen[2]) == pid  # its own process group
        assert int(seen[3]) == os.getsid(0)  # the app's session
    finally:
        cancel.cancel()
        runner.join(10)
    assert len(errors) == 1
    assert isinstance(errors[0], FFmpegCancelled)


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name ([] once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return text.rsplit(")", 1)[1].split()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child not yet reaped by its (dead) parent is a zombie: count it as gone.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


def test_relative_names_resolve_in_the_working_directory(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """With cwd set to a job directory, relative output names land inside it."""
    ffmpeg.run(
        (*PROGRESS, "-f", "lavfi", "-i", "sine=d=0.1", "-f", "wav", "./tone.wav"),
        timeout=30,
        cwd=tmp_path,
    )
    assert (tmp_path / "tone.wav").stat().st_size > 44


def test_an_executable_that_cannot_start_is_reported(tmp_path: Path) -> None:
    """A file that is executable but not a program gives FFmpegNotFound, not an OSError."""
    broken = tmp_path / "not-a-program"
    broken.write_bytes(b"\x00\x01\x02")
    broken.chmod(0o755)
    with pytest.raises(FFmpegNotFound, match="cannot start"):
        FFmpeg(broken).run(("-version",), timeout=5)
