"""A script's text read once, before the writers' turn: its statistics and its blind copy.

Validators read the blind copy only (DESIGN.md §1). It is written from the parsed
model (``core.screenplay.blind``), stored beside the text when a version is added,
and carries its own SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vividverse_desktop.core.screenplay import fountain, stats
from vividverse_desktop.core.screenplay.blind import blind_copy
from vividverse_desktop.core.wire import content_sha256


@dataclass(frozen=True, slots=True)
class Measured:
    """What the server keeps of a parsed text besides the text itself."""

    stats: dict[str, Any]
    blind_text: str
    blind_sha256: str


def measure(fountain_text: str) -> Measured:
    """Parse ``fountain_text`` once (blocking; linear time): statistics and blind copy.

    Raises ``ScreenplayError`` when the text cannot be read.
    """
    screenplay = fountain.parse(fountain_text)
    blind = blind_copy(screenplay)
    return Measured(stats.compute(screenplay).to_json(), blind, content_sha256(blind))
