"""The one error the studio layer raises: a sentence a person can act on."""

from __future__ import annotations


class StudioError(Exception):
    """Work that could not be done; ``str()`` says what happened and what to do.

    Front ends show the message as it is (the CLI on one line of stderr, the GUI where
    the problem is); nothing the user saved is lost when it is raised.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownChoice(StudioError):
    """A name the user chose (a provider, a role) that is not one of the choices."""


class OutputExists(StudioError):
    """The file to write already exists and overwriting it was not asked for."""


DISK_FULL = (
    "the disk is full: nothing more could be written, and nothing already saved was lost. "
    "Free some space, then try again"
)


def explain(error: BaseException) -> str:
    """A sentence a person can act on for any error a front end catches.

    A :class:`StudioError` says its own message; a full disk (``ENOSPC``, SQLite's
    "database or disk is full") and a read-only or unwritable place get their own
    sentence; anything else is an unexpected fault, told as one line.
    """
    import errno
    import sqlite3

    if isinstance(error, StudioError):
        return DISK_FULL if _disk_full(error) else error.message
    if _disk_full(error):
        return DISK_FULL
    if isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        where = f" ({error.filename})" if error.filename else ""
        return f"this computer refused to write there{where}: {error.strerror or error}"
    if isinstance(error, sqlite3.OperationalError) and "readonly" in str(error):
        return "the local store is read-only: check the data folder's permissions"
    return f"something went wrong: {error}. Details are in the log"


def _disk_full(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) is a full disk."""
    import errno

    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return True
        text = str(seen).lower()
        if "disk is full" in text or "no space left" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
