"""The blind copy of a script: what validators read (DESIGN.md §1).

It is written from the parsed model, not cut from the source text, so whatever the
parser takes for the title page (after a BOM, around or inside boneyards) is gone:
no title page, and no boneyard (struck text may name the author or the draft).
"""

from __future__ import annotations

from vividverse_desktop.core.screenplay.model import Screenplay
from vividverse_desktop.core.screenplay.writer import write


def blind_copy(screenplay: Screenplay) -> str:
    """Fountain text of ``screenplay``'s elements alone: no title page, no boneyard.

    Parsing the result gives the same elements and an empty title page.
    """
    return write(Screenplay({}, screenplay.elements, ()))
