"""Where the refresh token is kept: a usable keyring, or nowhere at all."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError

from tests.sync.memory_keyring import MemoryKeyring
from tests.sync.studio import SERVER_URL, Studio
from tests.sync_server.conftest import PASSWORD
from vividverse_desktop.sync import SERVICE, Keychain, SyncClient, account_key
from vividverse_desktop.sync.auth import TokenPair
from vividverse_desktop.sync.keychain import is_usable

URL = "https://sync.example.org/"


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's file backend, which writes secrets in clear."""


class LockedKeyring(MemoryKeyring):
    """A keyring that refuses every operation, like a locked desktop wallet."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("the wallet is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the wallet is locked")


def test_the_token_is_kept_under_the_service_and_the_server_and_user() -> None:
    """Saved as service 'Vividverse', username '<server URL>|<user>' (lower-case user)."""
    backend = MemoryKeyring()
    assert Keychain(URL, backend).save("Ada", "refresh-token")
    assert backend.secrets == {(SERVICE, "https://sync.example.org|ada"): "refresh-token"}
    assert Keychain(URL, backend).load("ada") == "refresh-token"


def test_the_same_user_on_two_servers_has_two_tokens() -> None:
    """Keys differ per server, so one server's token is never sent to another."""
    assert account_key("http://a.test", "ada") != account_key("http://b.test", "ada")


NOWHERE: list[KeyringBackend] = [fail.Keyring(), null.Keyring()]  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("backend", NOWHERE, ids=["fail", "null"])
def test_without_a_keyring_nothing_is_stored(backend: object) -> None:
    """The fail and null backends are not usable: save says False, load finds nothing."""
    keychain = Keychain(URL, backend)  # type: ignore[arg-type]
    assert not keychain.usable
    assert not keychain.save("ada", "refresh-token")
    assert keychain.load("ada") is None
    keychain.forget("ada")


def test_a_plain_text_keyring_is_never_used() -> None:
    """A backend that writes secrets in clear is treated as no keyring at all."""
    backend = PlaintextKeyring()
    assert not Keychain(URL, backend).save("ada", "refresh-token")
    assert backend.secrets == {}


def test_a_chain_is_usable_only_with_a_usable_member() -> None:
    """A chainer backend is judged by the keyrings it chains."""

    class EmptyChain(chainer.ChainerBackend):
        backends: ClassVar[list[KeyringBackend]] = []

    class MemoryChain(chainer.ChainerBackend):
        backends: ClassVar[list[KeyringBackend]] = [MemoryKeyring()]

    assert not is_usable(EmptyChain())  # type: ignore[no-untyped-call]
    assert is_usable(MemoryChain())  # type: ignore[no-untyped-call]


def test_a_locked_keyring_means_signing_in_again_not_a_crash() -> None:
    """Keyring errors are absorbed: nothing kept, nothing found."""
    keychain = Keychain(URL, LockedKeyring())
    assert not keychain.save("ada", "refresh-token")
    assert keychain.load("ada") is None


def test_forgetting_removes_the_token_and_tolerates_none() -> None:
    """forget() deletes a kept token and is quiet when there is none."""
    backend = MemoryKeyring()
    keychain = Keychain(URL, backend)
    keychain.save("ada", "refresh-token")
    keychain.forget("ada")
    keychain.forget("ada")
    assert backend.secrets == {}


class ThreadRecordingKeyring(MemoryKeyring):
    """Records, for each call, its name and the thread it ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, int]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append(("get", threading.get_ident()))
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append(("set", threading.get_ident()))
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append(("delete", threading.get_ident()))
        super().delete_password(service, username)


@pytest.mark.anyio
async def test_the_client_never_calls_the_keyring_on_the_event_loop(studio: Studio) -> None:
    """Login, resume, a refresh on 401 and logout: every keyring call runs off the loop."""
    backend = ThreadRecordingKeyring()
    loop_thread = threading.get_ident()
    keychain = Keychain(SERVER_URL, backend)
    async with SyncClient(SERVER_URL, transport=studio.transport, keychain=keychain) as client:
        await client.login("vera", PASSWORD)
        assert client.auth.tokens is not None
        client.auth.tokens = TokenPair("expired", client.auth.tokens.refresh_token)
        await client.me()  # 401, refreshed through the auth flow: the rotated token is saved
        assert await client.keeps_refresh_token()
    async with SyncClient(SERVER_URL, transport=studio.transport, keychain=keychain) as again:
        assert await again.resume("vera") is not None
        await again.logout()
    kinds = [kind for kind, _ in backend.calls]
    assert kinds.count("set") >= 3
    assert {"get", "delete"} <= set(kinds)
    assert all(thread != loop_thread for _, thread in backend.calls)


@pytest.mark.anyio
async def test_the_async_keychain_calls_keep_and_find_the_token() -> None:
    """asave, aload and aforget do what save, load and forget do."""
    keychain = Keychain(URL, MemoryKeyring())
    assert await keychain.ausable()
    assert await keychain.asave("ada", "refresh-token")
    assert await keychain.aload("ada") == "refresh-token"
    await keychain.aforget("ada")
    assert await keychain.aload("ada") is None
