"""studio.this_computer: the embedded server as a child process on 127.0.0.1, the owner
signed in without a password, the samples submitted by sample authors on the first run."""

from __future__ import annotations

import socket
import stat
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from vividverse_desktop.core.workflow import Role, Status
from vividverse_desktop.studio import scoring, session, this_computer

pytestmark = pytest.mark.anyio


def _port_is_free(url: str) -> bool:
    port = urlsplit(url).port
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


async def test_first_run_opens_the_owners_studio_with_the_samples_to_score(
    tmp_path: Path,
) -> None:
    """The owner is an admin on a loopback server, the samples are pending validation by
    their sample authors (so the owner may score them), and closing stops the server."""
    desk = await this_computer.open_this_computer(root=tmp_path)
    url = desk.account.server_url
    try:
        assert urlsplit(url).hostname == "127.0.0.1"
        assert desk.account.this_computer
        assert desk.account.label == "This computer"
        assert Role.ADMIN in desk.roles
        outcome = await desk.sync()
        assert outcome.status.online is True
        held = desk.store.scripts()
        assert len(held) == len(this_computer.sample_scripts()) == 4  # the feature too
        assert {s.status for s in held} == {Status.PENDING_VALIDATION}
        authors = {desk.store.user(s.author_id).username for s in held}  # type: ignore[union-attr]
        assert authors == set(this_computer.SAMPLE_AUTHORS)
        queue = scoring.my_queue(store=desk.store, validator_id=desk.user_id)
        assert len(queue) == 4
    finally:
        await desk.close()
    assert _port_is_free(url)
    owner_file = this_computer.home(tmp_path) / this_computer.OWNER_FILE
    assert stat.S_IMODE(owner_file.stat().st_mode) == 0o600


async def test_a_second_start_keeps_the_data_and_adds_no_samples(tmp_path: Path) -> None:
    """The same owner, the same scripts (no second set of samples), remembered once."""
    first = await this_computer.open_this_computer(root=tmp_path)
    await first.sync()
    user_id = first.user_id
    await first.close()
    again = await this_computer.open_this_computer(root=tmp_path)
    try:
        await again.sync()
        assert again.user_id == user_id
        assert len(again.store.scripts()) == len(this_computer.sample_scripts())
        remembered = session.remembered_accounts(root=tmp_path)
        assert [a.this_computer for a in remembered] == [True]
    finally:
        await again.close()


def test_a_damaged_owner_file_is_explained(tmp_path: Path) -> None:
    """Not a traceback: where the file is and what to do."""
    path = this_computer.home(tmp_path) / this_computer.OWNER_FILE
    path.parent.mkdir(parents=True)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(Exception, match="move it away"):
        this_computer.owner_of(tmp_path)
