"""What one sync did: counts a person can read, and the ops the server refused."""

from __future__ import annotations

from dataclasses import dataclass, field

from vividverse_desktop.core.changes import Changes
from vividverse_desktop.store import OutboxEntry


@dataclass(frozen=True, slots=True)
class SyncReport:
    """The outcome of one sync.

    ``pushed`` ops were sent; the server named ``accepted + duplicates + conflicts +
    forbidden + invalid`` of them (``unanswered`` were not named and stay pending).
    ``pulled`` changes were applied. ``refused`` lists the ops kept in the outbox with
    the server's message; ``problems`` holds what the end-of-sync sanity check found.
    ``changes`` names what the sync changed in the store: pulled rows, and the outbox ops
    (with conflicts and score usns) the server's replies settled or refused.
    """

    pushed: int = 0
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    forbidden: int = 0
    invalid: int = 0
    unanswered: int = 0
    pulled: int = 0
    batches: int = 0
    pages: int = 0
    elapsed: float = 0.0
    refused: tuple[OutboxEntry, ...] = field(default=(), compare=False)
    problems: tuple[str, ...] = ()
    changes: Changes = field(default_factory=Changes, compare=False)

    @property
    def settled(self) -> int:
        """Ops that left the outbox: accepted now or found already on the server."""
        return self.accepted + self.duplicates

    @property
    def clean(self) -> bool:
        """Whether everything sent is on the server and the sanity check found nothing."""
        return not (self.conflicts or self.forbidden or self.invalid or self.unanswered) and (
            not self.problems
        )

    def summary(self) -> str:
        """One line: what was pushed, settled, refused and pulled, and how long it took."""
        parts = [
            f"pushed {self.pushed} ({self.accepted} accepted, {self.duplicates} already there)",
            f"pulled {self.pulled}",
        ]
        refused = [
            f"{count} {name}"
            for count, name in (
                (self.conflicts, "in conflict"),
                (self.forbidden, "forbidden"),
                (self.invalid, "invalid"),
                (self.unanswered, "unanswered"),
            )
            if count
        ]
        if refused:
            parts.append("kept: " + ", ".join(refused))
        return "; ".join(parts) + f" in {self.elapsed:.2f} s"
