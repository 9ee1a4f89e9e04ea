"""The headless command line: `vividverse-cli VERB` or `python -m vividverse_desktop.cli VERB`."""

from __future__ import annotations

import argparse
import sys

from vividverse_desktop import __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb."""
    parser = argparse.ArgumentParser(prog="vividverse-cli", description=__doc__)
    parser.add_argument("--version", action="version", version=f"vividverse {__version__}")
    parser.add_subparsers(dest="verb", metavar="VERB")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one verb; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verb is None:
        parser.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
