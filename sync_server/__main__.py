"""Command line: ``vividverse-sync-server --host H --port P`` or ``python -m sync_server``.

With ``--workers N`` (N > 1) the app runs in N processes sharing one listening socket.
The database is migrated once, here, before any worker starts (workers migrating a
fresh file at once would race). The socket is made here too, as an explicitly TCP
socket: uvicorn's own multi-worker socket has protocol 0, so asyncio does not set
TCP_NODELAY on its connections, and a keep-alive reply then waits ~40 ms for the
client's delayed ACK (Nagle). uvloop sets TCP_NODELAY either way.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Read settings from the environment and serve until stopped; 2 on bad settings."""
    parser = argparse.ArgumentParser(
        prog="vividverse-sync-server",
        description="Run the Vividverse sync server (settings come from VIVIDVERSE_* variables).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="TCP port to listen on")
    parser.add_argument(
        "--embedded",
        action="store_true",
        help="generate and keep a JWT secret in the data directory if none is set",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes sharing the port (default 1)"
    )
    parser.add_argument(
        "--http",
        choices=("auto", "httptools", "h11"),
        default="auto",
        help="HTTP parser (auto: httptools when installed, ~2x cheaper per request than h11)",
    )
    parser.add_argument(
        "--loop",
        choices=("auto", "uvloop", "asyncio"),
        default="auto",
        help="event loop (auto: uvloop when installed)",
    )
    parser.add_argument("--log-level", default="info", help="uvicorn log level")
    parser.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="log every request (at level info)",
    )
    parser.add_argument(
        "--exit-with-parent",
        type=int,
        default=None,
        metavar="PID",
        help="shut down when process PID (the desktop that started this server) is gone",
    )
    args = parser.parse_args(argv)
    if args.exit_with_parent is not None:
        from sync_server.lifeline import exit_with_parent

        exit_with_parent(args.exit_with_parent)
    if args.workers < 1:
        parser.error("--workers must be at least 1")

    import uvicorn

    from sync_server.app import SWITCH_INTERVAL_S, create_app
    from sync_server.http_limits import http_protocol
    from sync_server.settings import Settings, SettingsError

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        # Validates the settings, keeps an embedded secret, migrates, makes the first admin.
        settings = Settings.from_environ(embedded=args.embedded)
        app = create_app(settings)
    except SettingsError as exc:
        print(f"vividverse-sync-server: {exc}", file=sys.stderr)
        return 2
    if args.workers == 1:
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            http=http_protocol(args.http),
            h11_max_incomplete_event_size=settings.max_header_bytes,
            proxy_headers=False,  # the app reads X-Forwarded-For, from trusted proxies only
            loop=args.loop,
            log_level=args.log_level,
            access_log=args.access_log,
        )
        return 0
    app.state.context.database.dispose()
    factory = "embedded_app_from_environ" if args.embedded else "app_from_environ"
    serve_workers(
        f"sync_server.app:{factory}",
        args.host,
        args.port,
        args.workers,
        http=args.http,
        loop=args.loop,
        log_level=args.log_level,
        access_log=args.access_log,
        max_header_bytes=settings.max_header_bytes,
    )
    return 0


def tcp_listener(host: str, port: int) -> socket.socket:
    """A bound, inheritable TCP socket (protocol IPPROTO_TCP, so connections get TCP_NODELAY)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError:
        listener.close()
        raise
    listener.set_inheritable(True)
    return listener


def serve_workers(
    factory: str,
    host: str,
    port: int,
    workers: int,
    *,
    http: str = "auto",
    loop: str = "auto",
    log_level: str = "info",
    access_log: bool = True,
    max_header_bytes: int = 64 * 1024,
) -> None:
    """Serve the app made by ``factory`` ("module:function") in ``workers`` processes."""
    from uvicorn import Config
    from uvicorn.supervisors import Multiprocess

    from sync_server.http_limits import http_protocol
    from sync_server.lifeline import SUPERVISOR_ENV

    config = Config(
        factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=http_protocol(http),
        h11_max_incomplete_event_size=max_header_bytes,
        proxy_headers=False,  # the app reads X-Forwarded-For, from trusted proxies only
        loop=loop,
        log_level=log_level,
        access_log=access_log,
    )
    listener = tcp_listener(host, port)
    os.environ[SUPERVISOR_ENV] = str(os.getpid())  # workers exit when this process is gone
    try:
        Multiprocess(config, sockets=[listener]).run()
    finally:
        listener.close()


if __name__ == "__main__":
    sys.exit(main())
