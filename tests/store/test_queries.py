"""What the desktop's panes list: movies, my blind queue, a script's latest version, notes."""

from __future__ import annotations

from datetime import timedelta

from tests.core.scoring.builders import score
from tests.store.builders import T0, page
from vividverse_desktop.core.wire import (
    MovieRecord,
    Op,
    Record,
    ScriptRecord,
    ScriptRevision,
    ScriptVersionRecord,
    SourceFormat,
    new_id,
)
from vividverse_desktop.core.workflow import Status
from vividverse_desktop.store import LocalStore

ME = new_id()
TEXT = "INT. KITCHEN - DAY\n\nANNA pours coffee.\n"


def script(
    status: Status = Status.PENDING_VALIDATION, *, author: str | None = None, age: int = 0
) -> ScriptRecord:
    """A script by ``author`` (someone else by default), made ``age`` days after T0."""
    return ScriptRecord(new_id(), author or new_id(), "Hidden", status, 1, T0 + timedelta(days=age))


def version(of: ScriptRecord, n: int = 1) -> ScriptVersionRecord:
    return ScriptVersionRecord(new_id(), of.id, n, f"{n:064x}", TEXT, SourceFormat.FOUNTAIN, T0)


def pulled(store: LocalStore, *records: Record) -> None:
    """Apply ``records`` as one pulled page, numbered in order after the store's cursor."""
    start = store.last_usn() + 1
    store.apply_pull(page([(record, start + i) for i, record in enumerate(records)]))


def test_the_queue_holds_only_pending_scripts_that_are_not_mine(store: LocalStore) -> None:
    """Scripts of other statuses and my own scripts are not in my queue."""
    waiting, mine, draft = script(), script(author=ME), script(Status.VALIDATED)
    pulled(store, waiting, mine, draft, version(waiting), version(mine), version(draft))
    assert [item.script.id for item in store.scoring_queue(ME)] == [waiting.id]


def test_the_queue_offers_the_newest_version_of_each_script(store: LocalStore) -> None:
    """A revised script appears once, with its latest version."""
    revised = script()
    first, second = version(revised, 1), version(revised, 2)
    pulled(store, revised, second, first)
    [item] = store.scoring_queue(ME)
    assert item.version == second


def test_unscored_scripts_come_first_then_the_oldest(store: LocalStore) -> None:
    """A script I scored goes behind the ones I have not, whatever its age."""
    oldest, middle, newest = script(age=0), script(age=1), script(age=2)
    versions = [version(s) for s in (oldest, middle, newest)]
    pulled(store, newest, oldest, middle, *versions)
    store.save_score(score(versions[0].id, ME))
    queue = store.scoring_queue(ME)
    assert [item.script.id for item in queue] == [middle.id, newest.id, oldest.id]
    assert [item.scored for item in queue] == [False, False, True]


def test_mine_of_an_older_version_leaves_the_new_one_unscored(store: LocalStore) -> None:
    """After a revision, my score of version 1 does not count for version 2."""
    revised = script()
    first, second = version(revised, 1), version(revised, 2)
    pulled(store, revised, first, second)
    store.save_score(score(first.id, ME))
    [item] = store.scoring_queue(ME)
    assert (item.version.id, item.mine) == (second.id, None)


def test_the_queue_item_carries_my_current_score(store: LocalStore) -> None:
    """Scored twice: the item holds the later score, not the first."""
    waiting = script()
    latest = version(waiting)
    pulled(store, waiting, latest)
    store.save_score(score(latest.id, ME, overall=4))
    second = score(latest.id, ME, overall=9)
    store.save_score(second)
    store.save_score(score(latest.id, new_id(), overall=1))  # another validator's
    [item] = store.scoring_queue(ME)
    assert item.mine == second


def test_the_latest_version_counts_an_unsent_revision(store: LocalStore) -> None:
    """After a local revision, the latest version is the unsent one."""
    mine = script(Status.DRAFT, author=ME)
    pulled(store, mine, version(mine))
    revision = ScriptRevision.of(mine.id, TEXT + "\nANNA leaves.\n")
    store.record(Op.of(revision), user_id=ME)
    latest = store.latest_version(mine.id)
    assert latest is not None
    assert (latest.id, latest.n) == (revision.version_id, 2)


def test_a_script_without_versions_has_no_latest_version(store: LocalStore) -> None:
    """An unknown script id gives None, not an error."""
    assert store.latest_version(new_id()) is None


def test_movies_are_listed_newest_first_and_by_status(store: LocalStore) -> None:
    """Every movie, the last one the server numbered first; ``status`` keeps that status."""
    done = MovieRecord(new_id(), new_id(), "completed", 1.0, "published", ME, 3)
    running = MovieRecord(new_id(), new_id(), "rendering", 0.4, "scenes", ME, 2)
    pulled(store, done, running)
    assert [movie.id for movie in store.movies()] == [running.id, done.id]
    assert store.movies(status="completed") == (done,)
