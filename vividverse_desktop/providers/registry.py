"""Providers found through the ``vividverse.providers`` entry-point group.

Each entry point names a zero-argument factory (usually the provider class).
A provider that fails to import, to construct, or to meet the contract is
reported in :attr:`Registry.broken` and skipped; it never stops the others.
The built-in keyless providers are always present, even without installed
entry points (a source checkout).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

from vividverse_desktop.providers.contract import Modality, Provider

GROUP = "vividverse.providers"

DEFAULTS: dict[Modality, str] = {
    Modality.VIDEO: "storyboard",
    Modality.VOICE: "espeak",
}
"""The keyless provider each modality uses unless told otherwise."""


@dataclass(frozen=True, slots=True)
class BrokenProvider:
    """An entry point that could not be used and why."""

    name: str
    reason: str


@dataclass
class Registry:
    """Usable providers by name, and the ones that were skipped."""

    providers: dict[str, Provider] = field(default_factory=dict)
    broken: list[BrokenProvider] = field(default_factory=list)

    def get(self, name: str, modality: Modality | None = None) -> Provider:
        """The provider called ``name`` (of ``modality`` if given); KeyError names the choices."""
        provider = self.providers.get(name)
        if provider is None or (modality is not None and provider.modality is not modality):
            known = ", ".join(sorted(self.names(modality))) or "none"
            what = f"{modality.value} provider" if modality else "provider"
            raise KeyError(f"no {what} {name!r} (available: {known})")
        return provider

    def names(self, modality: Modality | None = None) -> list[str]:
        """Names of usable providers, of one modality if given."""
        return sorted(
            n for n, p in self.providers.items() if modality is None or p.modality is modality
        )

    def default(self, modality: Modality) -> Provider:
        """The keyless default for ``modality``."""
        return self.get(DEFAULTS[modality], modality)


def _builtins() -> dict[str, Callable[[], object]]:
    from vividverse_desktop.providers.speech import LocalSpeech
    from vividverse_desktop.providers.storyboard import StoryboardCards

    return {"storyboard": StoryboardCards, "espeak": LocalSpeech}


def _check(name: str, candidate: object) -> Provider:
    if not isinstance(candidate, Provider):
        raise TypeError("does not implement the provider contract")
    if candidate.name != name:
        raise TypeError(f"calls itself {candidate.name!r}, registered as {name!r}")
    if not isinstance(candidate.modality, Modality):
        raise TypeError(f"unknown modality {candidate.modality!r}")
    return candidate


def load_registry(points: Iterable[EntryPoint] | None = None) -> Registry:
    """Every provider of the entry-point group (``points`` overrides discovery, for tests).

    Built-ins come first; an entry point of the same name replaces a built-in only
    when it loads. Failures are collected in ``broken``, never raised.
    """
    registry = Registry()
    for name, factory in _builtins().items():
        registry.providers[name] = _check(name, factory())
    found = entry_points(group=GROUP) if points is None else points
    for point in found:
        try:
            factory = point.load()
            registry.providers[point.name] = _check(point.name, factory())
        except Exception as error:  # a broken plugin must not stop the render
            registry.broken.append(BrokenProvider(point.name, f"{type(error).__name__}: {error}"))
    return registry
