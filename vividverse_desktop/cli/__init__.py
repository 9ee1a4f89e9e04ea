"""The headless command line: `vividverse-cli VERB` or `python -m vividverse_desktop.cli VERB`.

Each module of this package registers its verbs on the shared parser. Exit codes: 0 success,
1 the input or the work has problems (unreadable input, `validate` found errors), 2 the
command line itself is wrong, 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from vividverse_desktop import __version__
from vividverse_desktop.cli import render, screenplay, sync
from vividverse_desktop.cli.common import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
)
from vividverse_desktop.studio.errors import StudioError

VERB_MODULES = (screenplay, render, sync)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb."""
    parser = argparse.ArgumentParser(
        prog="vividverse-cli", description="Vividverse from the terminal."
    )
    parser.add_argument("--version", action="version", version=f"vividverse {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    for module in VERB_MODULES:
        module.register(verbs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verb is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    func: Callable[[argparse.Namespace, TextIO], int] = args.func
    try:
        return func(args, sys.stdout)
    except CliError as exc:
        print(f"vividverse-cli: error: {exc}", file=sys.stderr)
        return exc.code
    except StudioError as exc:
        print(f"vividverse-cli: error: {exc.message}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("vividverse-cli: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
