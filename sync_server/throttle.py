"""Login throttling, counted in the database that every worker and server shares.

Two budgets of failed logins in a sliding window:

- per username and address (``max_failures``): guessing one account's password from
  one address slows to ``max_failures`` tries per window, for that address only, so
  the owner signing in from elsewhere is never locked out;
- per address (``address_max_failures``, any usernames): spraying many accounts from
  one address stops as well. A username that signed in from that address before
  (within ``known_seconds``) is exempt from this budget, so a shared address under
  attack does not lock out the people who use it; its own budget still holds.

A success clears the failures of its username and address.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from sync_server.models import LoginAttempt


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    """The budgets; the counts live in ``login_attempts``."""

    max_failures: int
    window_seconds: int
    address_max_failures: int = 20
    known_seconds: int = 30 * 24 * 3600

    def retry_after(
        self, session: Session, username: str, address: str, now: datetime
    ) -> int | None:
        """Whole seconds until ``username`` may try again from ``address``, or ``None``."""
        since = now - timedelta(seconds=self.window_seconds)
        failed = (LoginAttempt.at > since) & LoginAttempt.succeeded.is_(False)
        own = (LoginAttempt.username == username) & (LoginAttempt.address == address)
        wait = self._wait(session, failed & own, self.max_failures, now)
        if wait is not None:
            return wait
        wait = self._wait(
            session, failed & (LoginAttempt.address == address), self.address_max_failures, now
        )
        if wait is None or self.known(session, username, address, now):
            return None
        return wait

    def record_failure(self, session: Session, username: str, address: str, now: datetime) -> None:
        """Note one failed login, and forget failures older than the window."""
        session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.at <= now - timedelta(seconds=self.window_seconds),
            )
        )
        session.add(LoginAttempt(username=username, address=address, succeeded=False, at=now))

    def record_success(self, session: Session, username: str, address: str, now: datetime) -> None:
        """A success: the pair's failures are cleared, and the address becomes known."""
        session.execute(
            delete(LoginAttempt).where(
                (LoginAttempt.username == username) & (LoginAttempt.address == address)
                | LoginAttempt.succeeded.is_(True)
                & (LoginAttempt.at <= now - timedelta(seconds=self.known_seconds))
            )
        )
        session.add(LoginAttempt(username=username, address=address, succeeded=True, at=now))

    def _wait(self, session: Session, condition: object, budget: int, now: datetime) -> int | None:
        """Seconds until fewer than ``budget`` failures match ``condition``; ``None`` if already."""
        oldest_counted = session.execute(
            select(LoginAttempt.at)
            .where(condition)  # type: ignore[arg-type]
            .order_by(LoginAttempt.at.desc())
            .limit(1)
            .offset(budget - 1)
        ).scalar()
        if oldest_counted is None:
            return None
        left = (oldest_counted - now).total_seconds() + self.window_seconds
        return max(1, math.ceil(left))

    def known(self, session: Session, username: str, address: str, now: datetime) -> bool:
        """Whether ``username`` signed in from ``address`` within ``known_seconds``."""
        since = now - timedelta(seconds=self.known_seconds)
        return bool(
            session.execute(
                select(
                    exists().where(
                        LoginAttempt.username == username,
                        LoginAttempt.address == address,
                        LoginAttempt.succeeded.is_(True),
                        LoginAttempt.at > since,
                    )
                )
            ).scalar()
        )
