"""Approve / Request changes in the Screening Room, against the real sync server in-process:
the buttons follow the capability table, the decision is queued offline and shown at once
(a colour and a word), and the next sync moves the movie's status on the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import wait_until
from tests.gui.screening_films import film, wait_shown
from tests.gui.test_screening_notes import choose_film, screening_room
from tests.studio.conftest import SERVER_URL, Desk, Server, anyio_backend, server
from tests.studio.test_review_decision import _on_server, finished
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.studio.session import Account, Session
from vividverse_desktop.sync import SyncClient

pytestmark = pytest.mark.anyio
__all__ = ["anyio_backend", "server"]


def desk_session(server: Server, desk: Desk) -> Session:
    """The GUI's session over a desk's real store (it syncs through ``server.sync``)."""
    user = desk.user
    account = Account(SERVER_URL, desk.username, user.id, user.display_name, user.roles)
    client = SyncClient(SERVER_URL, transport=server.transport)
    root = server.root / "desks" / desk.username
    return Session(
        account=account, user=user, client=client, store=desk.store, root=root, online=False
    )


async def test_approve_is_queued_shown_and_moves_the_movie_on_the_server(
    qtbot: QtBot, runner: TaskRunner, server: Server, tmp_path: Path
) -> None:
    """A reviewer sees "Awaiting a decision"; requesting changes without a comment is
    refused with a sentence; Approve shows "Approved" at once, offline; the sync makes the
    server's movie approved by them."""
    _, movie_id = await finished(server)
    rita = await server.desk("rita", "reviewer")
    await server.sync(rita)
    room = screening_room(qtbot, runner, desk_session(server, rita))
    room.open_file(film(tmp_path, 24, 72))
    assert wait_shown(room.player, 0)
    choose_film(room, movie_id)
    bar = room.notes.decisions
    assert wait_until(bar.approve_button.isEnabled)
    assert bar.changes_button.isEnabled()
    assert "Awaiting a decision" in bar.status.text()

    qtbot.mouseClick(bar.changes_button, Qt.MouseButton.LeftButton)
    assert "Say in the comment" in bar.message.text()
    assert rita.store.outbox() == ()

    qtbot.keyClicks(bar.comment, "Lovely pacing.")
    qtbot.mouseClick(bar.approve_button, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: "Approved" in bar.status.text())
    assert bar.colours.success in bar.status.text()
    assert not bar.approve_button.isEnabled()  # already approved: only the other way
    assert wait_until(bar.changes_button.isEnabled)
    assert len(rita.store.outbox()) == 1
    assert _on_server(server, movie_id)[0] == "completed"

    report = await server.sync(rita)
    assert report.accepted == 1
    assert _on_server(server, movie_id) == ("approved", rita.user.id, "Lovely pacing.")
    room.close()


async def test_an_editor_sees_the_status_but_may_not_decide(
    qtbot: QtBot, runner: TaskRunner, server: Server
) -> None:
    """The capability table leaves an editor's buttons and comment disabled."""
    _, movie_id = await finished(server)
    eddie = await server.desk("eddie", "editor")
    await server.sync(eddie)
    room = screening_room(qtbot, runner, desk_session(server, eddie))
    choose_film(room, movie_id)
    bar = room.notes.decisions
    assert wait_until(lambda: "Awaiting a decision" in bar.status.text())
    wait_until(lambda: bool(bar.allowed), 300)
    assert bar.allowed == ()
    assert not bar.approve_button.isEnabled()
    assert not bar.changes_button.isEnabled()
    assert not bar.comment.isEnabled()
    room.close()


async def test_choosing_a_published_film_fetches_it_once_and_plays_the_kept_copy(
    qtbot: QtBot,
    runner: TaskRunner,
    server: Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The film's video was uploaded; a reviewer picks the film: it is downloaded through
    its link, opened in the player, and kept under the data folder for offline viewing."""
    import anyio
    import httpx
    from PySide6.QtWidgets import QApplication

    from tests.sync_server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD

    monkeypatch.setenv("VIVIDVERSE_DATA_DIR", str(tmp_path / "data"))
    _, movie_id = await finished(server)
    made = film(tmp_path, 24, 72)
    async with httpx.AsyncClient(transport=server.transport, base_url=SERVER_URL) as http:
        login = await http.post(
            "/api/auth/login", json={"username": ADMIN, "password": ADMIN_PASSWORD}
        )
        token = login.json()["access_token"]
        put = await http.put(
            f"/api/movies/{movie_id}/video",
            params={"duration": "2.0", "name": "cut.mp4"},
            content=made.read_bytes(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "video/mp4"},
        )
        assert put.status_code == 200, put.text
    rita = await server.desk("rita", "reviewer")
    await server.sync(rita)
    session = desk_session(server, rita)
    await session.client.login("rita", PASSWORD)
    room = screening_room(qtbot, runner, session)
    choose_film(room, movie_id)
    kept = tmp_path / "data" / "films" / f"{movie_id}.mp4"
    for _ in range(500):
        if room.opened == kept:
            break
        await anyio.sleep(0.02)
        QApplication.processEvents()
    assert room.opened == kept
    assert kept.read_bytes() == made.read_bytes()
    assert wait_shown(room.player, 0)
    await session.client.aclose()
    room.close()
