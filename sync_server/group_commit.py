"""Writes that arrive together commit together: one transaction for a group of jobs.

A writing job is a function of a session that touches nothing but the database. Threads
hand their job in; one of them (the leader) takes every job waiting, runs them one
after another in a single transaction and commits once, while the others wait for their
result. When the leader is done, the next thread whose job is still waiting leads the
next group. A job alone runs exactly as it would in a transaction of its own.

Under load this shares the fixed cost of a transaction (the writers' turn, BEGIN, the
commit and its sync to disk) among the group. Jobs of a :class:`MergedWork` class go
further: consecutive ones run in one pass (one look-up for all of them, one insert per
table), so the group issues a handful of statements however many jobs it holds. That
matters beyond the statements' own cost: every SQLite call lets go of the interpreter
lock, and getting it back from a busy thread can take up to the interpreter's switch
interval.

If any job of a group raises, the whole transaction is rolled back and each job of the
group runs again in a transaction of its own, so only the job at fault sees an error
(the reason jobs must touch nothing but the database: they may run twice). A result is
handed back only once its transaction has committed.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.orm import Session

T = TypeVar("T")
W = TypeVar("W", bound="MergedWork[Any]")

MAX_GROUP = 16
"""At most this many jobs share one transaction (a bound on any one job's wait)."""


class MergedWork(ABC, Generic[T]):
    """A writing job that runs together with the other jobs of its class in one pass."""

    @classmethod
    @abstractmethod
    def run_all(cls: type[W], session: Session, jobs: Sequence[W]) -> list[T]:
        """Run ``jobs`` (all of this class) in ``session``, in order; one result each."""

    def __call__(self, session: Session) -> T:
        return self.run_all(session, [self])[0]


@dataclass(slots=True)
class _Job(Generic[T]):
    work: Callable[[Session], T]
    done: bool = False
    result: Any = None
    error: BaseException | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[no-any-return]


class GroupCommit:
    """Runs writing jobs in shared transactions opened by ``transaction``."""

    def __init__(
        self,
        transaction: Callable[[], AbstractContextManager[Session]],
        turn: Callable[[], AbstractContextManager[object]] = nullcontext,
        max_group: int = MAX_GROUP,
    ) -> None:
        if max_group < 1:
            raise ValueError("max_group must be at least 1")
        self._transaction = transaction
        self._turn = turn
        self._max_group = max_group
        self._changed = threading.Condition()
        self._waiting: list[_Job[Any]] = []
        self._leading = False
        self.groups = 0
        """How many groups ran (for tests and benchmarks)."""

    @property
    def queued(self) -> int:
        """How many jobs wait for a group."""
        with self._changed:
            return len(self._waiting)

    def run(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a transaction, perhaps shared with other jobs; its result.

        Blocks until the transaction holding ``work`` has committed (or failed).
        """
        job: _Job[T] = _Job(work)
        with self._changed:
            self._waiting.append(job)
        while True:
            with self._changed:
                while self._leading and not job.done:
                    self._changed.wait()
                if job.done:
                    return job.outcome()
                self._leading = True
            group: list[_Job[Any]] = []
            try:
                # The group is taken once the turn is ours: every job that came while
                # the leader waited for it joins in.
                with self._turn():
                    with self._changed:
                        group = self._waiting[: self._max_group]
                        del self._waiting[: self._max_group]
                        self.groups += 1
                    self._run_group(group)
            except BaseException as exc:
                if not group:  # the turn could not be taken: only this job fails
                    with self._changed:
                        self._waiting.remove(job)
                    job.error = exc
                    group = [job]
                raise
            finally:
                for member in group:
                    member.done = True
                with self._changed:
                    self._leading = False
                    self._changed.notify_all()

    def _run_group(self, group: list[_Job[Any]]) -> None:
        """Run ``group`` in one transaction, or each job alone if that fails."""
        try:
            with self._transaction() as session:
                _run_in(session, group)
            return
        except Exception as exc:
            if len(group) == 1:
                group[0].error = exc
                return
        except BaseException as exc:  # interrupted: nothing of the group is stored
            for job in group:
                job.error = exc
            raise
        for job in group:
            try:
                with self._transaction() as session:
                    _run_in(session, [job])
            except Exception as exc:
                job.error = exc


def _run_in(session: Session, group: list[_Job[Any]]) -> None:
    """Run the jobs in order in ``session``; consecutive merged jobs of a class in one pass."""
    start = 0
    while start < len(group):
        work = group[start].work
        end = start + 1
        if isinstance(work, MergedWork):
            kind = type(work)
            while end < len(group) and type(group[end].work) is kind:
                end += 1
            merged = [cast(MergedWork[Any], job.work) for job in group[start:end]]
            results = kind.run_all(session, merged)
            for job, result in zip(group[start:end], results, strict=True):
                job.result = result
        else:
            group[start].result = work(session)
        start = end
