"""Errors raised for bad screenplay input: a message a person can act on, and where."""

from __future__ import annotations


class ScreenplayError(ValueError):
    """Input that cannot be read as a screenplay.

    ``line`` is the 1-based source line the problem was found on, or ``None`` when
    the problem is with the file as a whole (not UTF-8, not a PDF, encrypted, ...).
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"line {self.line}: {self.message}"
