"""What every verb shares: exit codes, the error type, safe output files."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """A failure to report on one line to stderr, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.code = code


def write_output(target: str, data: str | bytes, *, force: bool, source: str | None = None) -> None:
    """Write to a file atomically (or to stdout for ``-``), never over the input.

    An existing file is kept unless ``force``; the input file is never overwritten.
    """
    if target == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    path = Path(target)
    if source is not None and path.exists() and path.resolve() == Path(source).resolve():
        raise CliError(f"{path}: refusing to overwrite the input file")
    if path.exists() and not force:
        raise CliError(f"{path}: already exists (use --force to overwrite)")
    directory = path.parent
    if not directory.is_dir():
        raise CliError(f"{directory}: no such directory")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
