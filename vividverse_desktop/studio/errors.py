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
