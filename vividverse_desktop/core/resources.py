"""Where the files shipped in ``resources/`` are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
_CANDIDATES = (_PACKAGE / "_resources", _PACKAGE.parent / "resources")


def resources_dir() -> Path:
    """The resources directory: bundled with the wheel, or the checkout's ``resources/``."""
    for candidate in _CANDIDATES:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Vividverse resources are missing; reinstall the package")


def resource_path(*parts: str) -> Path:
    """A path inside the resources directory (which may not exist)."""
    return resources_dir().joinpath(*parts)
