"""Screenplays: the model, Fountain in and out, and a Fountain linter.

Other modules of this package (stats, pagination, layout, PDF) are imported
directly from their own modules.
"""

from __future__ import annotations

from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.fountain import parse, parse_bytes
from vividverse_desktop.core.screenplay.lint import LintIssue, lint
from vividverse_desktop.core.screenplay.model import (
    Boneyard,
    DualSide,
    Element,
    ElementKind,
    Scene,
    Screenplay,
    Span,
    Style,
)
from vividverse_desktop.core.screenplay.writer import write

__all__ = [
    "Boneyard",
    "DualSide",
    "Element",
    "ElementKind",
    "LintIssue",
    "Scene",
    "Screenplay",
    "ScreenplayError",
    "Span",
    "Style",
    "lint",
    "parse",
    "parse_bytes",
    "write",
]
