"""Errors raised for bad scores and rubrics: a message a person can act on, and which field."""

from __future__ import annotations


class ScoringError(ValueError):
    """A score, validation or rubric that cannot be accepted.

    ``field`` names the offending field as it appears on the wire (``"overall"``,
    ``"criteria.dialogue"``, ``"confidence"``, ...), or is ``None`` when the problem
    is with the value as a whole.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        if self.field is None:
            return self.message
        return f"{self.field}: {self.message}"
