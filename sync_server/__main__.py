"""Command line: ``vividverse-sync-server --host H --port P`` or ``python -m sync_server``."""

from __future__ import annotations

import argparse
import logging
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
    parser.add_argument("--log-level", default="info", help="uvicorn log level")
    args = parser.parse_args(argv)

    import uvicorn

    from sync_server.app import create_app
    from sync_server.settings import Settings, SettingsError

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        app = create_app(Settings.from_environ(embedded=args.embedded))
    except SettingsError as exc:
        print(f"vividverse-sync-server: {exc}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
