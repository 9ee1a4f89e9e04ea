"""studio.session: sign in, register, resume (online and offline), remembered accounts,
sync status, sign out; against the real server (in-process) and, for offline, a closed
port on 127.0.0.1."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.studio.conftest import SERVER_URL, Server
from tests.sync.memory_keyring import MemoryKeyring
from tests.sync_server.conftest import PASSWORD
from vividverse_desktop.core.changes import Subject
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.studio import scripts, session
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.sync import SERVICE, account_key

pytestmark = pytest.mark.anyio

SCRIPT = "INT. LAB - NIGHT\n\nA kettle boils.\n"


def _closed_port_url() -> str:
    """An address on loopback where nothing listens (the port was just released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_registering_as_a_writer_signs_in_and_remembers_the_account(
    server: Server, tmp_path: Path
) -> None:
    """The new account is signed in with its role, has its own store, and is listed first."""
    desk = await session.register(
        server_url=SERVER_URL,
        username="wren",
        password=PASSWORD,
        role=Role.WRITER,
        root=tmp_path / "desk",
        transport=server.transport,
    )
    try:
        assert desk.roles == frozenset({Role.WRITER})
        assert desk.store.path == session.store_path(root=tmp_path / "desk", account=desk.account)
        remembered = session.remembered_accounts(root=tmp_path / "desk")
        assert [a.username for a in remembered] == ["wren"]
        assert remembered[0].user_id == desk.user_id
        assert remembered[0].roles == frozenset({Role.WRITER})
    finally:
        await desk.close()


@pytest.mark.parametrize(
    ("role", "message"),
    [(Role.EDITOR, "ask an admin"), (Role.ADMIN, "ask an admin")],
)
async def test_staff_roles_cannot_be_self_registered(
    server: Server, tmp_path: Path, role: Role, message: str
) -> None:
    """The refusal names what to do, and nothing is remembered."""
    with pytest.raises(StudioError, match=message):
        await session.register(
            server_url=SERVER_URL,
            username="sneaky",
            password=PASSWORD,
            role=role,
            root=tmp_path,
            transport=server.transport,
        )
    assert session.remembered_accounts(root=tmp_path) == ()


async def test_a_taken_username_is_refused_with_the_servers_reason(
    server: Server, tmp_path: Path
) -> None:
    """The second registration of one name says it is taken."""
    await server.desk("wren")
    with pytest.raises(StudioError, match="taken"):
        await session.register(
            server_url=SERVER_URL,
            username="wren",
            password=PASSWORD,
            role=Role.VALIDATOR,
            root=tmp_path,
            transport=server.transport,
        )


async def test_a_wrong_password_says_so_and_opens_nothing(server: Server, tmp_path: Path) -> None:
    """The message is the one a person expects; no store or account is left behind."""
    await server.desk("wren")
    with pytest.raises(StudioError, match="Wrong username or password"):
        await session.sign_in(
            server_url=SERVER_URL,
            username="wren",
            password="not-the-password",
            root=tmp_path / "desk",
            transport=server.transport,
        )
    assert not (tmp_path / "desk" / "accounts").exists()


@pytest.mark.parametrize("address", ["127.0.0.1:8765", "ftp://example.org", ""])
async def test_a_malformed_server_address_is_explained(tmp_path: Path, address: str) -> None:
    """No traceback: a sentence with an example of an address."""
    with pytest.raises(StudioError, match="http://host"):
        await session.sign_in(server_url=address, username="wren", password=PASSWORD, root=tmp_path)


async def test_resume_uses_the_kept_token_and_none_without_one(
    server: Server, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """After a sign-in the keyring holds the refresh token; resume needs no password.
    With the keyring emptied, resume answers None (ask for the password)."""
    root = tmp_path / "desk"
    await server.desk("wren")
    first = await session.sign_in(
        server_url=SERVER_URL,
        username="wren",
        password=PASSWORD,
        root=root,
        transport=server.transport,
    )
    await first.close()
    (account,) = session.remembered_accounts(root=root)
    again = await session.resume(account=account, root=root, transport=server.transport)
    assert again is not None
    assert again.user_id == first.user_id
    await again.close()
    memory_keyring.secrets.clear()
    assert await session.resume(account=account, root=root, transport=server.transport) is None


async def test_offline_the_desk_opens_from_its_store_and_work_waits(
    server: Server, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """With the server unreachable a known account opens offline; a submission waits in
    the outbox, a sync says Offline without raising, and once the server is back the
    same work reaches it."""
    root = tmp_path / "desk"
    await server.desk("wren")
    first = await session.sign_in(
        server_url=SERVER_URL,
        username="wren",
        password=PASSWORD,
        root=root,
        transport=server.transport,
    )
    await first.close()
    (account,) = session.remembered_accounts(root=root)
    # The same account, its server now at an address where nothing answers.
    moved = session.Account(
        server_url=_closed_port_url(),
        username=account.username,
        user_id=account.user_id,
        roles=account.roles,
    )
    offline_store = session.store_path(root=root, account=moved)
    offline_store.parent.mkdir(parents=True)
    session.store_path(root=root, account=account).rename(offline_store)
    (token,) = memory_keyring.secrets.values()
    memory_keyring.set_password(SERVICE, account_key(moved.server_url, "wren"), token)
    desk = await session.resume(account=moved, root=root)
    assert desk is not None
    try:
        assert desk.status().online is False
        scripts.submit_script(
            store=desk.store, user_id=desk.user_id, title="Kettle", fountain_text=SCRIPT
        )
        outcome = await desk.sync()
        assert outcome.report is None
        assert outcome.status.online is False
        assert outcome.status.waiting == 1
        assert "cannot reach" in (outcome.status.last_error or "")
    finally:
        await desk.close()
    offline_store.rename(session.store_path(root=root, account=account))
    back = await session.resume(account=account, root=root, transport=server.transport)
    assert back is not None
    try:
        outcome = await back.sync()
        assert outcome.report is not None
        assert outcome.report.accepted == 1
        assert outcome.status.online is True
        assert outcome.status.waiting == 0
        assert Subject.SCRIPTS in outcome.changes
        assert outcome.status.last_sync is not None
    finally:
        await back.close()


async def test_an_unknown_account_offline_is_told_to_wait_for_the_server(tmp_path: Path) -> None:
    """Never signed in here, no server: a clear refusal, not an empty desk."""
    account = session.Account(server_url=_closed_port_url(), username="ghost", user_id="x")
    with pytest.raises(StudioError, match="not worked here offline before"):
        await session.open_offline(account=account, root=tmp_path)


async def test_sign_out_and_forget_drops_the_account_and_its_token(
    server: Server, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """The list no longer shows it and the keyring holds nothing for it; the store stays."""
    root = tmp_path / "desk"
    await server.desk("wren")
    desk = await session.sign_in(
        server_url=SERVER_URL,
        username="wren",
        password=PASSWORD,
        root=root,
        transport=server.transport,
    )
    store_file = desk.store.path
    assert memory_keyring.secrets
    await desk.sign_out(forget=True)
    assert session.remembered_accounts(root=root) == ()
    assert not memory_keyring.secrets
    assert store_file.exists()


def test_an_unreadable_account_list_is_an_empty_one(tmp_path: Path) -> None:
    """A damaged accounts file does not stop the app; saving writes a good one again."""
    (tmp_path / session.ACCOUNTS_FILE).write_text("{not json", encoding="utf-8")
    assert session.remembered_accounts(root=tmp_path) == ()
    account = session.Account(server_url=SERVER_URL, username="wren", user_id="u1")
    session.remember_account(root=tmp_path, account=account)
    assert session.remembered_accounts(root=tmp_path) == (account,)


def test_status_summary_reads_like_a_status_bar() -> None:
    """Counts appear only when non-zero."""
    status = session.SyncStatus(online=False, waiting=2, conflicts=1, refused=0, last_sync=None)
    assert status.summary() == "Offline · 2 waiting · 1 in conflict"
    assert status.needs_attention


async def test_the_password_is_asked_only_when_no_session_is_kept(
    server: Server, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """The first sync asks for the password; the second resumes from the keyring and never
    asks; both bring the user's record into the store."""
    from vividverse_desktop.store import LocalStore

    await server.desk("wren")
    memory_keyring.secrets.clear()  # the desk's own sign-in kept one
    asked: list[str] = []

    def password() -> str:
        asked.append("wren")
        return PASSWORD

    with LocalStore.open(tmp_path / "cli.sqlite3") as store:
        for _ in range(2):
            async with server.client() as client:
                report, kept = await session.sync_store(
                    store=store, client=client, username="wren", password=password
                )
            assert kept
            assert report.clean
        assert asked == ["wren"]
        assert [user.username for user in store.users()] == ["wren"]
