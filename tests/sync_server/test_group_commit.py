"""Writes waiting together commit together; each job is still all or nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server import models
from sync_server.db import Database
from sync_server.group_commit import GroupCommit, MergedWork
from sync_server.usn import next_usns


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'group.sqlite3'}")
    database.migrate()
    yield database
    database.dispose()


def _take_usn(session: Session) -> int:
    return next_usns(session)[0]


def _counter(database: Database) -> int:
    with database.snapshot() as session:
        return session.scalars(select(models.UsnCounter.value)).one()


def _while_blocked(database: Database, jobs: Sequence[Callable[[Session], Any]]) -> list[Any]:
    """Run ``jobs`` on threads while a first job holds the writers' turn; their outcomes.

    The first job lets go only once every other job is waiting, so they form one group.
    """
    release = threading.Event()

    def first(session: Session) -> int:
        usn = _take_usn(session)
        release.wait(10)
        return usn

    outcomes: list[Any] = [None] * len(jobs)

    def run(index: int) -> None:
        try:
            outcomes[index] = database.write(jobs[index])
        except Exception as exc:
            outcomes[index] = exc

    leader = threading.Thread(target=database.write, args=(first,))
    leader.start()
    deadline = time.monotonic() + 10
    while database.group_commit.groups < 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    while database.group_commit.queued < len(jobs) and time.monotonic() < deadline:
        time.sleep(0.005)
    release.set()
    for thread in [leader, *threads]:
        thread.join(10)
    return outcomes


def test_a_job_alone_commits_in_its_own_transaction(database: Database) -> None:
    """One write runs at once, returns its result and is committed when it returns."""
    usn = database.write(_take_usn)
    assert usn == 1
    assert _counter(database) == 1
    assert database.group_commit.groups == 1


def test_jobs_waiting_together_share_one_transaction(database: Database) -> None:
    """Jobs queued behind a running one all run in the next single transaction."""
    outcomes = _while_blocked(database, [_take_usn] * 5)
    assert sorted(outcomes) == [2, 3, 4, 5, 6]
    assert database.group_commit.groups == 2
    assert _counter(database) == 6


def test_a_failing_job_leaves_no_trace_and_the_others_commit(database: Database) -> None:
    """The job that raises gets its own error; the rest of its group is stored."""

    def failing(session: Session) -> int:
        _take_usn(session)
        raise ValueError("this job fails")

    outcomes = _while_blocked(database, [_take_usn, failing, _take_usn])
    assert isinstance(outcomes[1], ValueError)
    assert str(outcomes[1]) == "this job fails"
    assert sorted(o for o in outcomes if isinstance(o, int)) == [2, 3]
    assert _counter(database) == 3


class _Recorded(MergedWork[int]):
    passes: list[int] = []  # noqa: RUF012 - shared record of run_all calls in one test

    @classmethod
    def run_all(cls, session: Session, jobs: Sequence[_Recorded]) -> list[int]:
        cls.passes.append(len(jobs))
        usns = next_usns(session, len(jobs))
        return list(usns)


def test_merged_jobs_of_one_class_run_in_one_pass(database: Database) -> None:
    """Consecutive jobs of a MergedWork class are handed to run_all together."""
    _Recorded.passes = []
    outcomes = _while_blocked(database, [_Recorded() for _ in range(4)])
    assert _Recorded.passes == [4]
    assert sorted(outcomes) == [2, 3, 4, 5]


def test_a_merged_job_alone_runs_by_itself(database: Database) -> None:
    """Calling a MergedWork job runs a pass of one."""
    _Recorded.passes = []
    assert database.write(_Recorded()) == 1
    assert _Recorded.passes == [1]


def test_a_group_is_bounded(tmp_path: Path) -> None:
    """No more than max_group jobs share a transaction; the rest form the next group."""
    database = Database(f"sqlite:///{tmp_path / 'bounded.sqlite3'}")
    database.migrate()
    database.group_commit = GroupCommit(database.transaction, max_group=2)
    try:
        outcomes = _while_blocked(database, [_take_usn] * 5)
        assert sorted(outcomes) == [2, 3, 4, 5, 6]
        assert database.group_commit.groups == 4  # the first, then 2 + 2 + 1
    finally:
        database.dispose()


def test_a_group_size_below_one_is_refused(database: Database) -> None:
    """max_group must allow at least one job."""
    with pytest.raises(ValueError, match="at least 1"):
        GroupCommit(database.transaction, max_group=0)


def test_jobs_that_come_while_the_leader_waits_for_the_turn_join_its_group(
    database: Database,
) -> None:
    """The group is taken once the writers' turn is had, not when the leader starts waiting."""
    holding, release = threading.Event(), threading.Event()

    def hold_the_turn() -> None:
        with database.transaction() as session:
            _take_usn(session)
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_turn)
    holder.start()
    holding.wait(10)
    outcomes: list[Any] = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(database.write(_take_usn)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while database.group_commit.queued < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    release.set()
    for thread in [holder, *threads]:
        thread.join(10)
    assert sorted(outcomes) == [2, 3, 4]
    assert database.group_commit.groups == 1
