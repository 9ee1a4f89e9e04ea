"""Providers found through the ``vividverse.providers`` entry-point group.

Each entry point names a zero-argument factory (usually the provider class).
A provider that fails to import, to construct, or to meet the contract is
reported in :attr:`Registry.broken` and skipped; it never stops the others.
The built-in keyless providers are always present, even without installed
entry points (a source checkout).

A render needs two providers: one for the scene clips and one for the voices.
An image provider can make the clips too: :meth:`Registry.clip` wraps it in
:class:`~vividverse_desktop.providers.stills.StillsVideo` (one still per shot).
:meth:`Registry.place` sorts a list of chosen names into those two places.
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


CLIP_MAKERS = (Modality.VIDEO, Modality.IMAGE)
"""Modalities that can make scene clips (an image provider through stills)."""

_WHAT = {Modality.VIDEO: "make the scene clips", Modality.VOICE: "speak the lines"}


class ChoiceError(ValueError):
    """Provider names that cannot be used: unknown, or two for one place."""


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

    def available(self) -> str:
        """The usable providers by modality, as a user reads them: ``video: a, b; image: c``."""
        groups = ((m, self.names(m)) for m in (Modality.VIDEO, Modality.IMAGE, Modality.VOICE))
        return "; ".join(f"{m.value}: {', '.join(names)}" for m, names in groups if names)

    def place_of(self, name: str) -> Modality:
        """Where ``name`` goes in a render: VIDEO (clips) for image and video, else VOICE.

        ChoiceError for an unknown name, naming the available providers.
        """
        provider = self.providers.get(name)
        if provider is None:
            raise ChoiceError(f"unknown provider {name!r} (available: {self.available()})")
        return Modality.VIDEO if provider.modality in CLIP_MAKERS else provider.modality

    def place(self, names: Iterable[str]) -> dict[Modality, str]:
        """Each name placed by what it makes: image or video under VIDEO, voice under VOICE.

        A name given twice counts once. ChoiceError for an unknown name (naming the
        available providers) or for two different names in one place.
        """
        placed: dict[Modality, str] = {}
        for name in names:
            place = self.place_of(name)
            other = placed.setdefault(place, name)
            if other != name:
                raise ChoiceError(
                    f"conflicting providers: {other} and {name} would both {_WHAT[place]}; "
                    f"choose one (available: {self.available()})"
                )
        return placed

    def clip(self, name: str) -> Provider:
        """The provider of scene clips for ``name``: a video one as is, an image one as stills.

        ChoiceError if ``name`` is unknown or makes neither clips nor stills.
        """
        if self.place_of(name) is not Modality.VIDEO:
            raise ChoiceError(
                f"{name} is a {self.providers[name].modality.value} provider; clips need a "
                f"video or image provider (available: {self.available()})"
            )
        provider = self.providers[name]
        if provider.modality is Modality.IMAGE:
            from vividverse_desktop.providers.stills import StillsVideo

            return StillsVideo(provider)
        return provider


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
