"""Checks made before a render starts, so it does not fail half-way for a known reason.

A cloud provider without its API key would otherwise fail only when the first scene
using it runs, after minutes of work; :func:`check_keys` names every such provider
(and where its key goes) before anything is rendered.
"""

from __future__ import annotations

from collections.abc import Iterable

from vividverse_desktop.providers import keys
from vividverse_desktop.render.events import RenderError


class MissingKeyError(RenderError):
    """Chosen providers have no API key; ``providers`` names them. Nothing was rendered."""

    def __init__(self, providers: list[str]) -> None:
        hints = "; ".join(
            f"{name} needs an API key: {keys.where_to_put(name)}" for name in providers
        )
        RuntimeError.__init__(self, hints)
        self.scene_id = None
        self.asset = "api key"
        self.provider = ", ".join(providers)
        self.cause = hints
        self.providers = providers


def check_keys(providers: Iterable[object]) -> None:
    """Raise :class:`MissingKeyError` unless every provider that needs a key has one.

    Keyless providers (no ``has_key`` method) always pass.
    """
    missing = keys.missing_keys(providers)
    if missing:
        raise MissingKeyError(missing)
