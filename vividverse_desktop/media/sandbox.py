"""Run one function in a child Python process with time and memory limits.

Untrusted input (a PDF someone uploaded) is parsed in a fresh interpreter so a
hostile file can only hurt that child: the child caps its own address space and
CPU time with ``resource.setrlimit`` before it reads its work, the parent kills
it after a wall-clock timeout, and the result comes back as JSON (plain data,
never a pickle, so a subverted child cannot run code in the parent).

The function is named by module and attribute, so it must be importable from a
fresh interpreter; arguments go to the child pickled (parent to child only) and
the return value must be JSON-serialisable (lists, dicts, str, numbers).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vividverse_desktop.core.cancel import CancelToken

_CHILD_FLAG = "--vividverse-sandbox-child"
_MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for one sandboxed call.

    ``seconds`` is the wall-clock limit (the child is killed after it),
    ``cpu_seconds`` the CPU-time limit and ``memory_bytes`` the address-space
    limit the child sets on itself (POSIX only; elsewhere only the wall clock holds).
    """

    seconds: float = 30.0
    cpu_seconds: int = 30
    memory_bytes: int = 1024 * _MiB


class SandboxError(Exception):
    """The sandboxed call did not return a result."""


class SandboxTimeout(SandboxError):
    """The child ran past its wall-clock or CPU-time limit and was stopped."""


class SandboxMemoryError(SandboxError):
    """The child ran out of its memory allowance."""


class SandboxCancelled(SandboxError):
    """The caller cancelled; the child was killed."""


class SandboxFailure(SandboxError):
    """The function raised; ``kind`` is the exception's class name."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}" if message else kind)
        self.kind = kind
        self.message = message


def child_command() -> list[str]:
    """The argv that starts a sandbox child with the current interpreter.

    A frozen (PyInstaller) app re-runs its own executable with a flag; its entry
    point must call :func:`serve_if_child` first thing.
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, _CHILD_FLAG]
    return [sys.executable, "-s", "-m", __name__]


def run(
    target: Callable[..., Any],
    *args: Any,
    limits: Limits | None = None,
    cancel: CancelToken | None = None,
) -> Any:
    """Call ``target(*args)`` in a child process under ``limits`` and return its result.

    ``target`` must be a module-level function. Raises :class:`SandboxTimeout`,
    :class:`SandboxMemoryError` or :class:`SandboxFailure` (carrying the exception's
    class name and message, never a traceback) when no result comes back, and
    :class:`SandboxCancelled` when ``cancel`` fires (the child is killed at once).
    """
    limits = limits or Limits()
    request = pickle.dumps(
        (target.__module__, target.__qualname__, args, limits), protocol=pickle.HIGHEST_PROTOCOL
    )
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    posix = os.name == "posix"
    with subprocess.Popen(
        child_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=posix,  # its own process group: a timeout kills helpers too
    ) as child:
        forget = cancel.on_cancel(lambda: _kill(child, posix)) if cancel is not None else None
        try:
            out, err = child.communicate(request, timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            _kill(child, posix)
            child.communicate()
            raise SandboxTimeout(f"gave up after {limits.seconds:g} s") from None
        except BrokenPipeError:  # killed on cancel before it read its work
            child.communicate()
            out, err = b"", b""
        finally:
            if forget is not None:
                forget()
    if cancel is not None and cancel.cancelled:
        raise SandboxCancelled(cancel.reason)
    return _decode(out, err, child.returncode, limits)


def _kill(child: subprocess.Popen[bytes], posix: bool) -> None:
    if child.poll() is not None:
        return
    if posix:
        import signal

        try:
            os.killpg(child.pid, signal.SIGKILL)
            return
        except ProcessLookupError:
            return
    child.kill()


def _decode(out: bytes, err: bytes, returncode: int, limits: Limits) -> Any:
    try:
        reply = json.loads(out) if out else None
    except ValueError:
        reply = None
    if isinstance(reply, dict) and "result" in reply:
        return reply["result"]
    if isinstance(reply, dict) and "error" in reply:
        kind = str(reply["error"])
        message = str(reply.get("message", ""))
        if kind == "MemoryError":
            raise SandboxMemoryError(message or "out of memory")
        raise SandboxFailure(kind, message)
    # No reply: the child died. SIGXCPU/SIGKILL after RLIMIT_CPU, or an abort when
    # an allocation failed outside Python's control.
    if returncode in (-24, -9):
        raise SandboxTimeout(f"used more than {limits.cpu_seconds} s of CPU")
    if b"MemoryError" in err or b"Cannot allocate memory" in err:
        raise SandboxMemoryError("out of memory")
    raise SandboxFailure("ChildDied", f"the child process exited with status {returncode}")


def _apply_limits(limits: Limits) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def serve() -> int:
    """The child side: read one request on stdin, run it, write one JSON reply."""
    import importlib
    import logging
    import warnings

    request = sys.stdin.buffer.read()
    module_name, qualname, args, limits = pickle.loads(request)
    _apply_limits(limits)
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:
        target: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
        reply = _encode({"result": target(*args)})
    except MemoryError:
        reply = _encode({"error": "MemoryError", "message": "out of memory"})
    except Exception as error:
        reply = _encode({"error": type(error).__name__, "message": str(error)})
    sys.stdout.buffer.write(reply)
    sys.stdout.buffer.flush()
    return 0


def serve_if_child() -> None:
    """In a frozen app: serve a sandbox request and exit if started as a sandbox child."""
    if len(sys.argv) > 1 and sys.argv[1] == _CHILD_FLAG:
        raise SystemExit(serve())


if __name__ == "__main__":
    raise SystemExit(serve())
