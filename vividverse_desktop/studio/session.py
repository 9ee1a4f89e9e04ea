"""Who is at the desk: sign in, resume, register, remembered accounts, sync and its status.

A :class:`Session` is one account on one server with its own local store (one SQLite
file per account under the data root, so two people sharing a computer never mix
their blind queues). Only the refresh token is kept between runs, in the OS keyring;
the list of remembered accounts (no secrets) is a small JSON file beside the stores.

Every function here is either a coroutine (network) or plain blocking code (disk);
front ends run the first on their event loop and the second off it. Nothing raises
past this module but :class:`~vividverse_desktop.studio.errors.StudioError`, whose
message says what happened and what to do.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from vividverse_desktop.core.capabilities import Action, Capabilities
from vividverse_desktop.core.changes import Changes
from vividverse_desktop.core.wire import UserRecord
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.store import LocalStore, OutboxStatus, StoreError
from vividverse_desktop.store.location import data_dir
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.sync import (
    AccountRefused,
    RateLimited,
    ServerUnreachable,
    SessionEnded,
    SyncClient,
    SyncError,
    SyncReport,
    WrongCredentials,
    synchronize,
)

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

ACCOUNTS_FILE = "accounts.json"
STORE_FILE = "store.sqlite3"
THIS_COMPUTER = "This computer"


@dataclass(frozen=True, slots=True)
class Account:
    """A remembered account: where and who, never a secret.

    ``this_computer`` marks the embedded server's owner account. ``user_id`` and
    ``roles`` are what the server said at the last sign-in, so the desk can open
    offline with the right rooms.
    """

    server_url: str
    username: str
    user_id: str = ""
    display_name: str = ""
    roles: frozenset[Role] = frozenset()
    this_computer: bool = False

    @property
    def label(self) -> str:
        """How a person recognises the account in a list."""
        if self.this_computer:
            return THIS_COMPUTER
        host = urlsplit(self.server_url).netloc or self.server_url
        return f"{self.display_name or self.username} on {host}"

    @property
    def slug(self) -> str:
        """A directory name for the account's data, stable and filesystem-safe."""
        if self.this_computer:
            return "this-computer"
        parts = urlsplit(self.server_url)
        raw = f"{self.username}@{parts.netloc}{parts.path}"
        return re.sub(r"[^A-Za-z0-9@._-]+", "_", raw).strip("_")

    def same_as(self, other: Account) -> bool:
        """Whether both name the same user on the same server (this computer's server
        is one server whatever port it listens on today)."""
        if self.this_computer or other.this_computer:
            return self.this_computer == other.this_computer and (
                self.username.lower() == other.username.lower()
            )
        return (self.server_url.rstrip("/"), self.username.lower()) == (
            other.server_url.rstrip("/"),
            other.username.lower(),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON object kept in the accounts file."""
        return {
            "serverUrl": self.server_url,
            "username": self.username,
            "userId": self.user_id,
            "displayName": self.display_name,
            "roles": sorted(role.value for role in self.roles),
            "thisComputer": self.this_computer,
        }

    @classmethod
    def from_json(cls, data: object) -> Account | None:
        """An account from the accounts file, or ``None`` for an entry that is not one."""
        if not isinstance(data, dict):
            return None
        server_url, username = data.get("serverUrl"), data.get("username")
        if not isinstance(server_url, str) or not isinstance(username, str):
            return None
        roles = frozenset(
            Role(value)
            for value in data.get("roles") or ()
            if value in Role._value2member_map_ and value != Role.SYSTEM.value
        )
        return cls(
            server_url=server_url,
            username=username,
            user_id=str(data.get("userId") or ""),
            display_name=str(data.get("displayName") or ""),
            roles=roles,
            this_computer=bool(data.get("thisComputer")),
        )


def default_root() -> Path:
    """Where the desktop keeps its accounts and stores: the user data directory."""
    return data_dir()


def remembered_accounts(*, root: Path) -> tuple[Account, ...]:
    """The accounts signed in here before, the most recent first (blocking: disk)."""
    path = root / ACCOUNTS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return ()
    entries = data.get("accounts") if isinstance(data, dict) else None
    found = (Account.from_json(entry) for entry in entries or ())
    return tuple(account for account in found if account is not None)


def remember_account(*, root: Path, account: Account) -> None:
    """Put ``account`` first in the remembered list (written atomically)."""
    others = [a for a in remembered_accounts(root=root) if not a.same_as(account)]
    _write_accounts(root, [account, *others])


def forget_account(*, root: Path, account: Account) -> None:
    """Drop ``account`` from the remembered list; its local store stays on disk."""
    kept = [a for a in remembered_accounts(root=root) if not a.same_as(account)]
    _write_accounts(root, kept)


def _write_accounts(root: Path, accounts: list[Account]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    path = root / ACCOUNTS_FILE
    temporary = path.with_suffix(".tmp")
    body = json.dumps({"accounts": [a.to_json() for a in accounts]}, indent=2)
    try:
        temporary.write_text(body + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StudioError(f"cannot save the account list in {root}: {exc.strerror or exc}") from exc


def store_path(*, root: Path, account: Account) -> Path:
    """The account's own local store file under ``root``."""
    return root / "accounts" / account.slug / STORE_FILE


def roles_of(user: UserRecord) -> frozenset[Role]:
    """Every role the user holds (a record from an older server carries its one role)."""
    return user.roles or frozenset({user.role})


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the status bar shows: reachable or not, what waits, what needs a person."""

    online: bool | None  # None: not tried yet
    waiting: int  # ops in the outbox not yet accepted
    conflicts: int  # ops the server answered with a conflict (both versions kept)
    refused: int  # ops refused (forbidden or invalid), kept for the user's decision
    last_sync: datetime | None
    last_error: str | None = None

    @property
    def needs_attention(self) -> bool:
        """Whether something waits for a person's decision."""
        return bool(self.conflicts or self.refused)

    def summary(self) -> str:
        """One short line, e.g. "Online · 2 waiting · synced 14:02"."""
        state = {None: "Not synced yet", True: "Online", False: "Offline"}[self.online]
        parts = [state]
        if self.waiting:
            parts.append(f"{self.waiting} waiting")
        if self.conflicts:
            parts.append(f"{self.conflicts} in conflict")
        if self.refused:
            parts.append(f"{self.refused} refused")
        if self.last_sync is not None:
            parts.append(f"synced {self.last_sync.astimezone().strftime('%H:%M')}")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """One sync: its report (``None`` when it could not run), what changed, the status after."""

    report: SyncReport | None
    changes: Changes
    status: SyncStatus


class Session:
    """One signed-in (or offline) account at this desk: its client, store and status."""

    def __init__(
        self,
        *,
        account: Account,
        user: UserRecord,
        client: SyncClient,
        store: LocalStore,
        root: Path,
        online: bool | None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.account = account
        self.user = user
        self.client = client
        self.store = store
        self.root = root
        self._online = online
        self._last_sync: datetime | None = None
        self._last_error: str | None = None
        self._on_close = on_close
        self._lock = asyncio.Lock()

    @property
    def roles(self) -> frozenset[Role]:
        """The roles this account holds (what rooms it sees, what it may do)."""
        return roles_of(self.user)

    @property
    def capabilities(self) -> Capabilities:
        """What this account's roles allow, by the table the server enforces."""
        return Capabilities.of(self.roles)

    def can(self, action: Action) -> bool:
        """Whether this account's roles allow ``action`` (enable a button by this)."""
        return self.capabilities.can(action)

    @property
    def user_id(self) -> str:
        """The account's user id on its server."""
        return self.user.id

    def status(self) -> SyncStatus:
        """The sync status from the store's outbox (blocking: reads the store)."""
        waiting = conflicts = refused = 0
        for entry in self.store.outbox():
            if entry.status is OutboxStatus.CONFLICT:
                conflicts += 1
            elif entry.status in (OutboxStatus.FORBIDDEN, OutboxStatus.INVALID):
                refused += 1
            else:
                waiting += 1
        return SyncStatus(
            self._online, waiting, conflicts, refused, self._last_sync, self._last_error
        )

    async def sync(self) -> SyncOutcome:
        """Push what waits and pull what is new; never raises for being offline.

        An unreachable server gives an outcome with no report and ``online=False``
        (the work stays in the outbox). A session the server ended raises
        :class:`StudioError` asking the person to sign in again.
        """
        async with self._lock:
            try:
                if (
                    not self.client.signed_in
                    and await self.client.resume(self.account.username) is None
                ):
                    raise StudioError(
                        f"{self.account.label}: the saved sign-in is gone; sign in again to sync"
                    )
                report = await synchronize(self.store, self.client)
            except ServerUnreachable as exc:
                self._online = False
                self._last_error = f"cannot reach {self.account.server_url}: {exc}"
                status = await asyncio.to_thread(self.status)
                return SyncOutcome(None, Changes(), status)
            except SessionEnded as exc:
                self._online = True
                self._last_error = "signed out by the server"
                raise StudioError(
                    f"{self.account.label}: the server ended this session ({exc}); sign in again"
                ) from exc
            except SyncError as exc:
                self._online = not isinstance(exc, ServerUnreachable)
                self._last_error = str(exc)
                raise StudioError(f"sync failed: {exc}") from exc
            self._online = True
            self._last_error = None
            self._last_sync = datetime.now(UTC)
            if self.client.user is not None and self.client.user != self.user:
                self.user = self.client.user
            status = await asyncio.to_thread(self.status)
            return SyncOutcome(report, report.changes, status)

    async def sign_out(self, *, forget: bool = False) -> None:
        """End the session on the server and here; ``forget`` drops it from the list too."""
        await self.client.logout()
        if forget:
            await asyncio.to_thread(forget_account, root=self.root, account=self.account)
        await self.close()

    def close_now(self) -> None:
        """Close the store and stop what the session started, without the event loop
        (the app is quitting; the HTTP client's sockets go with the process)."""
        self.store.close()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    async def close(self) -> None:
        """Close the client and the store (the session is unusable afterwards)."""
        await self.client.aclose()
        await asyncio.to_thread(self.store.close)
        if self._on_close is not None:
            stop, self._on_close = self._on_close, None
            await asyncio.to_thread(stop)


def _studio_error(exc: SyncError, server_url: str) -> StudioError:
    """The person-facing sentence for a failed sign-in."""
    if isinstance(exc, WrongCredentials):
        return StudioError("Wrong username or password.")
    if isinstance(exc, ServerUnreachable):
        return StudioError(
            f"Cannot reach {server_url}. Check the address and your network, "
            "or work on this computer."
        )
    if isinstance(exc, RateLimited):
        return StudioError(f"Too many attempts: {exc}")
    if isinstance(exc, AccountRefused):
        return StudioError(str(exc))
    return StudioError(f"Sign-in failed: {exc}")


def _client(server_url: str, transport: httpx.AsyncBaseTransport | None) -> SyncClient:
    try:
        return SyncClient(server_url, transport=transport)
    except ValueError as exc:
        raise StudioError(
            f"{server_url!r} is not a server address; it looks like http://host:8765"
        ) from exc


async def _open(
    *,
    root: Path,
    account: Account,
    user: UserRecord,
    client: SyncClient,
    online: bool | None,
    on_close: Callable[[], None] | None = None,
) -> Session:
    """Open the account's store, remember the user and the account, make the session."""
    path = store_path(root=root, account=account)

    def prepare() -> LocalStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        store = LocalStore.open(path)
        try:
            store.remember_users([user])
            remember_account(root=root, account=account)
        except BaseException:
            store.close()
            raise
        return store

    try:
        store = await asyncio.to_thread(prepare)
    except StoreError as exc:
        await client.aclose()
        raise StudioError(f"cannot open the local store {path}: {exc}") from exc
    except OSError as exc:
        await client.aclose()
        raise StudioError(f"cannot open the local store {path}: {exc.strerror or exc}") from exc
    return Session(
        account=account,
        user=user,
        client=client,
        store=store,
        root=root,
        online=online,
        on_close=on_close,
    )


def _account_of(server_url: str, user: UserRecord, *, this_computer: bool = False) -> Account:
    return Account(
        server_url=server_url.rstrip("/"),
        username=user.username,
        user_id=user.id,
        display_name=user.display_name,
        roles=roles_of(user),
        this_computer=this_computer,
    )


async def sign_in(
    *,
    server_url: str,
    username: str,
    password: str,
    root: Path,
    transport: httpx.AsyncBaseTransport | None = None,
    this_computer: bool = False,
    on_close: Callable[[], None] | None = None,
) -> Session:
    """Sign in with a password; the refresh token goes to the keyring when there is one."""
    if not username.strip() or not password:
        raise StudioError("Enter a username and a password.")
    client = _client(server_url, transport)
    try:
        user = await client.login(username, password)
    except SyncError as exc:
        await client.aclose()
        raise _studio_error(exc, server_url) from exc
    account = _account_of(client.server_url, user, this_computer=this_computer)
    return await _open(
        root=root, account=account, user=user, client=client, online=True, on_close=on_close
    )


async def resume(
    *,
    account: Account,
    root: Path,
    transport: httpx.AsyncBaseTransport | None = None,
    on_close: Callable[[], None] | None = None,
) -> Session | None:
    """Open a remembered account with its kept refresh token.

    ``None`` when the keyring holds no usable token (ask for the password). When the
    server cannot be reached, the session opens offline from the local store (work
    waits in the outbox) as long as the account signed in here before.
    """
    client = _client(account.server_url, transport)
    try:
        user = await client.resume(account.username)
    except ServerUnreachable:
        await client.aclose()
        return await open_offline(account=account, root=root, on_close=on_close)
    except SyncError as exc:
        await client.aclose()
        raise _studio_error(exc, account.server_url) from exc
    if user is None:
        await client.aclose()
        return None
    fresh = replace(
        account,
        user_id=user.id,
        display_name=user.display_name,
        roles=roles_of(user),
    )
    return await _open(
        root=root, account=fresh, user=user, client=client, online=True, on_close=on_close
    )


async def open_offline(
    *,
    account: Account,
    root: Path,
    on_close: Callable[[], None] | None = None,
) -> Session:
    """Open a remembered account from its local store alone, without the server.

    Work saved offline waits in the outbox; the next sync signs in (with the kept token,
    or after the person signs in again). Refused for an account never opened here.
    """
    offline_user = None
    if account.user_id:
        offline_user = await asyncio.to_thread(_stored_user, root, account)
    if offline_user is None:
        raise StudioError(
            f"Cannot reach {account.server_url} and {account.label} has not worked here "
            "offline before: try again when the server is reachable."
        )
    return await _open(
        root=root,
        account=account,
        user=offline_user,
        client=_client(account.server_url, None),
        online=False,
        on_close=on_close,
    )


def _stored_user(root: Path, account: Account) -> UserRecord | None:
    path = store_path(root=root, account=account)
    if not path.exists():
        return None
    try:
        with LocalStore.open(path) as store:
            return store.user(account.user_id)
    except StoreError:
        return None


async def register(
    *,
    server_url: str,
    username: str,
    password: str,
    role: Role,
    root: Path,
    display_name: str = "",
    transport: httpx.AsyncBaseTransport | None = None,
) -> Session:
    """Create a writer or validator account on the server and sign in as it."""
    if role not in (Role.WRITER, Role.VALIDATOR):
        raise StudioError(
            "Anyone may register as a writer or a validator; ask an admin for other roles."
        )
    client = _client(server_url, transport)
    try:
        await client.register(username, password, role, display_name=display_name)
    except ServerUnreachable as exc:
        raise _studio_error(exc, server_url) from exc
    except SyncError as exc:
        raise StudioError(str(exc)) from exc
    finally:
        await client.aclose()
    return await sign_in(
        server_url=server_url, username=username, password=password, root=root, transport=transport
    )


async def sign_in_client(client: SyncClient, *, username: str, password: Callable[[], str]) -> bool:
    """Sign ``client`` in as ``username``: with the session kept in the keyring when there
    is one, else with ``password()`` (asked only then). Returns whether the new session is
    kept for next time. Raises the client's ``SyncError`` subclasses, and whatever
    ``password()`` raises when it cannot ask.
    """
    if await client.resume(username) is None:
        await client.login(username, password())
    return await client.keeps_refresh_token()


async def sync_store(
    *,
    store: LocalStore,
    client: SyncClient,
    username: str,
    password: Callable[[], str],
    batch_size: int | None = None,
) -> tuple[SyncReport, bool]:
    """One sync of ``store`` as ``username`` (signed in as :func:`sign_in_client` does);
    returns the report and whether the session is kept for next time."""
    kept = await sign_in_client(client, username=username, password=password)
    if client.user is not None:
        await asyncio.to_thread(store.remember_users, [client.user])
    if batch_size is None:
        return await synchronize(store, client), kept
    return await synchronize(store, client, batch_size=batch_size), kept
