"""Update sequence numbers: the server's order of changes, handed out by the database.

One counter row is bumped inside the writing transaction, so USNs are unique, increase
in commit order per row lock, and never come from a client's clock. ``UPDATE ...
RETURNING`` works on both SQLite (3.35+) and PostgreSQL.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from sync_server.models import UsnCounter

_COUNTER = cast(Table, UsnCounter.__table__)
# Core statements on the table (not the mapped class): no ORM bookkeeping per batch.
_READ = select(_COUNTER.c.value).where(_COUNTER.c.id == 1).with_for_update()
_WRITE = update(_COUNTER).where(_COUNTER.c.id == 1).values(value=bindparam("last"))


def next_usns(session: Session, count: int = 1) -> range:
    """Reserve ``count`` consecutive USNs in the current transaction and return them."""
    if count < 1:
        raise ValueError("count must be at least 1")
    last = session.execute(
        update(UsnCounter)
        .where(UsnCounter.id == 1)
        .values(value=UsnCounter.value + count)
        .returning(UsnCounter.value)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return range(last - count + 1, last + 1)


class UsnSequence:
    """USNs for one writing transaction, handed out one at a time.

    :meth:`lock` takes the counter row's lock first, so every later statement of the
    transaction runs after any earlier writer has committed (and, on PostgreSQL's READ
    COMMITTED, sees its rows). :meth:`store` writes the last USN back; call it before
    the transaction commits.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._last: int | None = None
        self._stored: int | None = None

    def lock(self) -> UsnSequence:
        """Lock the counter row and read its value (once per transaction)."""
        if self._last is None:
            value = self._session.connection().scalar(_READ)
            if value is None:
                raise RuntimeError("the usn_counter row is missing; migrate the database")
            self._last = self._stored = int(value)
        return self

    def take(self) -> int:
        """The next USN."""
        if self._last is None:
            self.lock()
        assert self._last is not None
        self._last += 1
        return self._last

    def store(self) -> None:
        """Write the last USN handed out back to the counter row."""
        if self._last is None or self._last == self._stored:
            return
        self._session.connection().execute(_WRITE, {"last": self._last})
        self._stored = self._last
