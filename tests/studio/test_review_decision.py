"""studio.review decisions: a reviewer approves a finished film or requests changes,
offline first; the server checks the role and the move again; a stale decision is a
conflict with both versions."""

from __future__ import annotations

import httpx
import pytest

from sync_server import models
from tests.studio.conftest import SERVER_URL, Desk, Server, filmed
from tests.sync_server.conftest import ADMIN, ADMIN_PASSWORD
from vividverse_desktop.core.wire import MovieDecision, Op
from vividverse_desktop.core.workflow import Decision, MovieStatus, Role
from vividverse_desktop.studio import outbox, review
from vividverse_desktop.studio.errors import StudioError

pytestmark = pytest.mark.anyio

REVIEWER = frozenset({Role.REVIEWER})


async def _as_admin(server: Server, method: str, url: str, body: dict[str, object]) -> None:
    async with httpx.AsyncClient(transport=server.transport, base_url=SERVER_URL) as http:
        login = await http.post(
            "/api/auth/login", json={"username": ADMIN, "password": ADMIN_PASSWORD}
        )
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        response = await http.request(method, url, json=body, headers=headers)
    assert response.status_code == 200, response.text


async def finished(server: Server) -> tuple[Desk, str]:
    """A film whose render the admin reported completed; the admin's desk and its id."""
    admin, movie_id = await filmed(server)
    body = {"status": "completed", "progress": 1.0, "stage": "published"}
    await _as_admin(server, "PUT", f"/api/movies/{movie_id}/progress", body)
    await server.sync(admin)
    return admin, movie_id


def _on_server(server: Server, movie_id: str) -> tuple[str, str | None, str]:
    """The movie's status, decider and comment as the server's database holds them."""
    import uuid

    with server.app.state.context.database.snapshot() as session:
        movie = session.get(models.Movie, uuid.UUID(movie_id))
        assert movie is not None
        decider = None if movie.decided_by is None else str(movie.decided_by)
        return movie.status, decider, movie.decision_comment


async def test_approving_offline_shows_at_once_and_syncs_to_the_server(server: Server) -> None:
    """The decision is queued and the film shows approved before any sync; the sync
    moves the movie on the server, and another reviewer pulls the decision."""
    _, movie_id = await finished(server)
    rita = await server.desk("rita", "reviewer")
    await server.sync(rita)
    assert review.decisions(store=rita.store, movie_id=movie_id, roles=REVIEWER) == (
        Decision.APPROVED,
        Decision.CHANGES_REQUESTED,
    )
    saved = review.decide_on_movie(
        store=rita.store,
        user_id=rita.user.id,
        roles=REVIEWER,
        movie_id=movie_id,
        decision=Decision.APPROVED,
        comment="  Lovely pacing.  ",
    )
    assert saved.status is MovieStatus.APPROVED
    (film,) = review.movies(store=rita.store)
    assert (film.status, film.decision) == (MovieStatus.APPROVED, Decision.APPROVED)
    assert [item.what for item in outbox.items(store=rita.store)] == ["Decision on ‘Kettle’"]
    assert _on_server(server, movie_id)[0] == "completed"
    report = await server.sync(rita)
    assert report.accepted == 1
    assert _on_server(server, movie_id) == ("approved", rita.user.id, "Lovely pacing.")
    assert rita.store.outbox() == ()
    otto = await server.desk("otto", "reviewer")
    await server.sync(otto)
    (seen,) = review.movies(store=otto.store)
    assert seen.decision is Decision.APPROVED
    assert (seen.movie.decided_by, seen.movie.decision_comment) == (rita.user.id, "Lovely pacing.")
    assert review.decisions(store=otto.store, movie_id=movie_id, roles=REVIEWER) == (
        Decision.CHANGES_REQUESTED,
    )


async def test_a_writer_is_refused_here_and_by_the_server(server: Server) -> None:
    """The desk refuses a writer's decision with the capability table's sentence; the
    same op forced into the outbox is refused by the server and stays there, visible."""
    _, movie_id = await finished(server)
    wren = await server.desk("wendy")
    with pytest.raises(StudioError, match="no film"):
        review.decide_on_movie(
            store=wren.store,
            user_id=wren.user.id,
            roles=frozenset({Role.WRITER}),
            movie_id=movie_id,
            decision=Decision.APPROVED,
        )
    wren.store.record(
        Op.of(MovieDecision(movie_id, Decision.APPROVED, base_revision=2)), user_id=wren.user.id
    )
    report = await server.sync(wren)
    assert report.forbidden == 1
    (item,) = outbox.items(store=wren.store)
    assert item.state is outbox.State.REFUSED
    assert "only reviewers and admins may approve a movie" in item.message
    assert _on_server(server, movie_id)[0] == "completed"


async def test_an_editor_holding_the_film_may_not_decide(server: Server) -> None:
    """No decision is offered to an editor, and asking anyway is refused before the outbox."""
    _, movie_id = await finished(server)
    eddie = await server.desk("eddie", "editor")
    await server.sync(eddie)
    editor = frozenset({Role.EDITOR})
    assert review.decisions(store=eddie.store, movie_id=movie_id, roles=editor) == ()
    with pytest.raises(StudioError, match="only reviewers and admins may approve"):
        review.decide_on_movie(
            store=eddie.store,
            user_id=eddie.user.id,
            roles=editor,
            movie_id=movie_id,
            decision=Decision.CHANGES_REQUESTED,
        )
    assert eddie.store.outbox() == ()


async def test_a_film_still_rendering_cannot_be_decided(server: Server) -> None:
    """The workflow's sentence, before anything is queued."""
    _, movie_id = await filmed(server)
    rita = await server.desk("rita", "reviewer")
    await server.sync(rita)
    assert review.decisions(store=rita.store, movie_id=movie_id, roles=REVIEWER) == ()
    with pytest.raises(StudioError, match="only a finished film"):
        review.decide_on_movie(
            store=rita.store,
            user_id=rita.user.id,
            roles=REVIEWER,
            movie_id=movie_id,
            decision=Decision.APPROVED,
        )
    assert rita.store.outbox() == ()


async def test_a_revoked_reviewers_queued_decision_is_refused_and_kept(server: Server) -> None:
    """Decided offline, then the admin takes the reviewer role away: the sync refuses
    the decision, which stays in the outbox with the server's reason; the server's film
    is unchanged."""
    _, movie_id = await finished(server)
    rita = await server.desk("rita", "reviewer")
    await server.sync(rita)
    review.decide_on_movie(
        store=rita.store,
        user_id=rita.user.id,
        roles=REVIEWER,
        movie_id=movie_id,
        decision=Decision.CHANGES_REQUESTED,
        comment="The ending drags.",
    )
    await _as_admin(server, "PUT", f"/api/users/{rita.user.id}/roles", {"roles": ["writer"]})
    report = await server.sync(rita)
    assert report.forbidden == 1
    (item,) = outbox.items(store=rita.store)
    assert (item.state, item.what) == (outbox.State.REFUSED, "Decision on ‘Kettle’")
    assert "only reviewers and admins may approve a movie" in item.message
    assert "you are writer" in item.message
    assert _on_server(server, movie_id) == ("completed", None, "")


async def test_a_stale_decision_is_a_conflict_and_keeping_theirs_shows_the_servers(
    server: Server,
) -> None:
    """Two reviewers decide on the same revision offline: the second sync keeps a
    conflict with both versions; keeping theirs shows the first reviewer's decision."""
    _, movie_id = await finished(server)
    rita = await server.desk("rita", "reviewer")
    otto = await server.desk("otto", "reviewer")
    for desk in (rita, otto):
        await server.sync(desk)
    for desk, decision in ((rita, Decision.APPROVED), (otto, Decision.CHANGES_REQUESTED)):
        review.decide_on_movie(
            store=desk.store,
            user_id=desk.user.id,
            roles=REVIEWER,
            movie_id=movie_id,
            decision=decision,
        )
    assert (await server.sync(rita)).accepted == 1
    report = await server.sync(otto)
    assert report.conflicts == 1
    (conflict,) = outbox.conflicts(store=otto.store)
    assert conflict.mine["decision"] == "changes_requested"
    assert conflict.theirs is not None
    assert conflict.theirs["status"] == "approved"
    assert "status" in conflict.differing
    outbox.keep_theirs(store=otto.store, op_id=conflict.op_id)
    (film,) = review.movies(store=otto.store)
    assert film.decision is Decision.APPROVED
    assert _on_server(server, movie_id)[:2] == ("approved", rita.user.id)
