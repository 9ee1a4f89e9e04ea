"""Sync verbs: ``sync`` (one sync from the terminal) and ``serve`` (run the sync server).

``sync`` signs in (as ``--user`` or ``$VIVIDVERSE_USER``; ``render --publish`` shares
:func:`sign_in`) with the refresh token kept in the OS keyring when there is one;
otherwise it takes the password from ``$VIVIDVERSE_PASSWORD`` (headless use) or asks for
it on the terminal. It prints what was pushed, pulled and refused, and exits 1 when ops
stay in the outbox for the user's attention or the sync failed.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from vividverse_desktop.cli.common import EXIT_INPUT, EXIT_OK, EXIT_USAGE, CliError

PASSWORD_ENV = "VIVIDVERSE_PASSWORD"
SERVER_ENV = "VIVIDVERSE_SERVER_URL"
USER_ENV = "VIVIDVERSE_USER"
DEFAULT_PORT = 8765

if TYPE_CHECKING:  # imported lazily at run time, to keep start-up light
    from vividverse_desktop.store import LocalStore
    from vividverse_desktop.sync import SyncClient, SyncReport


def _password(username: str, server: str) -> str:
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise CliError(
            f"no password: set {PASSWORD_ENV} or run in a terminal to be asked", EXIT_USAGE
        )
    return getpass.getpass(f"Password for {username} on {server}: ")


async def sign_in(client: SyncClient, username: str) -> None:
    """Sign ``client`` in as ``username`` (studio.session.sign_in_client): the keyring's
    session, else the password from ``$VIVIDVERSE_PASSWORD`` or a terminal prompt (never
    stored). Raises the client's ``SyncError`` subclasses, or :class:`CliError` (exit 2)
    when there is no way to ask for a password.
    """
    from vividverse_desktop.studio.session import sign_in_client

    kept = await sign_in_client(
        client, username=username, password=lambda: _password(username, client.server_url)
    )
    if not kept:
        _say_not_kept()


def _say_not_kept() -> None:
    print(
        "note: no usable keyring here, so the session is not kept; "
        "you will sign in again next time",
        file=sys.stderr,
    )


async def _run_sync(args: argparse.Namespace, store: LocalStore) -> SyncReport:
    from vividverse_desktop.studio.session import sync_store
    from vividverse_desktop.sync import SyncClient

    async with SyncClient(args.server) as client:
        report, kept = await sync_store(
            store=store,
            client=client,
            username=args.user,
            password=lambda: _password(args.user, client.server_url),
            batch_size=args.batch_size,
        )
    if not kept:
        _say_not_kept()
    return report


def _report_json(report: SyncReport) -> dict[str, Any]:
    return {
        "pushed": report.pushed,
        "accepted": report.accepted,
        "duplicates": report.duplicates,
        "conflicts": report.conflicts,
        "forbidden": report.forbidden,
        "invalid": report.invalid,
        "unanswered": report.unanswered,
        "pulled": report.pulled,
        "elapsed": round(report.elapsed, 3),
        "kept": [
            {
                "opId": entry.op.op_id,
                "kind": entry.op.kind.value,
                "entityId": entry.op.entity_id,
                "status": entry.status.value,
                "message": entry.message,
            }
            for entry in report.refused
        ],
        "problems": list(report.problems),
    }


def _print_report(report: SyncReport, out: TextIO) -> None:
    out.write(
        f"pushed {report.pushed}: {report.accepted} accepted, "
        f"{report.duplicates} already on the server\n"
    )
    out.write(f"pulled {report.pulled} changes in {report.pages} pages\n")
    for count, what in (
        (report.conflicts, "in conflict (both versions kept)"),
        (report.forbidden, "refused: your role may not do this (kept)"),
        (report.invalid, "refused as invalid (kept)"),
        (report.unanswered, "not answered (will be sent again)"),
    ):
        if count:
            out.write(f"{count} {what}\n")
    for entry in report.refused:
        out.write(
            f"  kept {entry.status.value:<9} {entry.op.kind.value:<18} "
            f"{entry.op.entity_id}: {entry.message}\n"
        )
    for problem in report.problems:
        out.write(f"warning: {problem}\n")
    out.write(f"done in {report.elapsed:.2f} s\n")


def cmd_sync(args: argparse.Namespace, out: TextIO) -> int:
    """Run one sync with the server and print what it did."""
    from vividverse_desktop.core.wire import MAX_PUSH_OPS
    from vividverse_desktop.store import LocalStore, StoreError
    from vividverse_desktop.sync import SyncError

    if not args.server:
        raise CliError(f"no server: pass --server URL or set {SERVER_ENV}", EXIT_USAGE)
    if not 1 <= args.batch_size <= MAX_PUSH_OPS:
        raise CliError(f"--batch-size must be from 1 to {MAX_PUSH_OPS}", EXIT_USAGE)
    try:
        store = LocalStore.open(args.store)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    with store:
        try:
            report = asyncio.run(_run_sync(args, store))
        except ValueError as exc:  # a malformed server address
            raise CliError(str(exc), EXIT_USAGE) from exc
        except SyncError as exc:
            if exc.report is not None and (exc.report.pushed or exc.report.pulled):
                print(f"before failing: {exc.report.summary()}", file=sys.stderr)
            raise CliError(f"sync failed: {exc}") from exc
    if args.json:
        json.dump(_report_json(report), out, indent=2)
        out.write("\n")
    else:
        _print_report(report, out)
    return EXIT_OK if report.clean else EXIT_INPUT


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    """Start the sync server and serve until interrupted."""
    import uvicorn

    from sync_server.app import create_app
    from sync_server.settings import Settings, SettingsError

    environ = dict(os.environ)
    if args.data_dir is not None:
        environ["VIVIDVERSE_DATA_DIR"] = str(Path(args.data_dir).expanduser())
    try:
        settings = Settings.from_environ(environ, embedded=True)
        app = create_app(settings)
    except SettingsError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    out.write(f"serving on http://{args.host}:{args.port} (data in {settings.data_dir})\n")
    out.flush()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return EXIT_OK


def register(verbs: Any) -> None:
    """Add the sync verbs to the CLI's subparsers."""
    p = verbs.add_parser("sync", help="sync the local store with a sync server")
    p.add_argument(
        "--server",
        default=os.environ.get(SERVER_ENV),
        help=f"the server's address, e.g. http://127.0.0.1:{DEFAULT_PORT} (or ${SERVER_ENV})",
    )
    p.add_argument(
        "--user",
        default=os.environ.get(USER_ENV),
        required=not os.environ.get(USER_ENV),
        help=f"your username on the server (or ${USER_ENV})",
    )
    p.add_argument("--store", default=None, help="the local store file (default: data dir)")
    p.add_argument("--batch-size", type=int, default=200, help="ops per push request (default 200)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_sync)

    p = verbs.add_parser("serve", help="run the sync server")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument(
        "--data-dir",
        default=None,
        help="where the server keeps its database and files (default: $VIVIDVERSE_DATA_DIR "
        "or the user data directory)",
    )
    p.add_argument("--log-level", default="info", help="uvicorn log level (default info)")
    p.set_defaults(func=cmd_serve)
