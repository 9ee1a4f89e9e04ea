"""Screenplay verbs: parse, stats, convert, export, validate."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from vividverse_desktop.cli.common import EXIT_INPUT, EXIT_OK, CliError, write_output
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.model import Screenplay
from vividverse_desktop.studio.errors import StudioError


def _load(path_text: str) -> tuple[Screenplay, str]:
    """Read any supported screenplay file; returns (Screenplay, source format).

    Warnings from the import go to stderr; a file that cannot be read is a CliError.
    """
    from vividverse_desktop.studio.scripts import load_script

    try:
        loaded = load_script(path=Path(path_text))
    except StudioError as exc:
        raise CliError(exc.message) from exc
    for warning in loaded.warnings:
        print(f"{loaded.path}: warning: {warning}", file=sys.stderr)
    return loaded.screenplay, loaded.source_format.value


def cmd_parse(args: argparse.Namespace, out: TextIO) -> int:
    """Print the parsed elements (as JSON with --json)."""
    screenplay, _ = _load(args.script)
    if args.json:
        json.dump(screenplay.to_json(), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    for key, value in screenplay.title_page.items():
        out.write(f"{'title':>5}  {key}: {value.replace(chr(10), ' / ')}\n")
    for element in screenplay.elements:
        text = element.text.replace("\n", " / ")
        out.write(f"{element.line:>5}  {element.kind.value:<14} {text}\n")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, out: TextIO) -> int:
    """Print statistics as a table, JSON or CSV."""
    from vividverse_desktop.core.screenplay import stats as stats_module

    screenplay, _ = _load(args.script)
    result = stats_module.compute(screenplay, paper=args.paper)
    if args.json:
        json.dump(result.to_json(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.csv:
        out.write(result.to_csv())
    else:
        out.write(stats_module.format_table(result))
    return EXIT_OK


def cmd_convert(args: argparse.Namespace, out: TextIO) -> int:
    """Convert Fountain, PDF or plain text to Fountain."""
    from vividverse_desktop.core.screenplay.writer import write

    screenplay, source_format = _load(args.input)
    write_output(args.output, write(screenplay), force=args.force, source=args.input)
    if args.output != "-":
        print(
            f"{args.input} ({source_format}) -> {args.output}: "
            f"{len(screenplay.elements)} elements, {len(screenplay.scenes())} scenes",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write a screenplay as an industry-format PDF, Fountain or Final Draft (by the suffix)."""
    from vividverse_desktop.studio.scripts import export_script

    result = export_script(
        source=Path(args.script),
        output=Path(args.output),
        paper=args.paper,
        scene_numbers=args.scene_numbers,
        title_page=not args.no_title_page,
        watermark=args.watermark or "",
        revised_from=Path(args.revised_from) if args.revised_from else None,
        force=args.force,
    )
    for warning in result.warnings:
        print(f"{args.script}: warning: {warning}", file=sys.stderr)
    pages = f"{result.pages} page(s), " if result.format == "pdf" else ""
    print(f"{args.script} -> {result.path}: {pages}{result.scenes} scene(s)", file=sys.stderr)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    """Lint a Fountain file; exit 1 when it has errors (or warnings, with --strict).

    Findings go to stderr as ``FILE:LINE: severity: message``, then a count line.
    """
    from vividverse_desktop.core.screenplay.fountain import decode
    from vividverse_desktop.core.screenplay.lint import lint

    path = Path(args.script)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    try:
        text = decode(path.read_bytes())
    except ScreenplayError as exc:
        print(f"{path}:{exc.line or 1}: error: {exc.message}", file=sys.stderr)
        return EXIT_INPUT
    issues = lint(text)
    for issue in issues:
        print(f"{path}:{issue.line}: {issue.severity}: {issue.message}", file=sys.stderr)
    errors = sum(1 for i in issues if i.severity == "error")
    warnings = len(issues) - errors
    print(f"{path}: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    if errors or (args.strict and warnings):
        return EXIT_INPUT
    return EXIT_OK


def register(verbs: Any) -> None:
    """Add the screenplay verbs to the CLI's subparsers."""
    p = verbs.add_parser("parse", help="parse a screenplay and print its elements")
    p.add_argument("script", help="a Fountain, PDF or plain-text screenplay")
    p.add_argument("--json", action="store_true", help="print the model as JSON")
    p.set_defaults(func=cmd_parse)

    p = verbs.add_parser("stats", help="page count, scenes, characters, locations, runtime")
    p.add_argument("script", help="a Fountain, PDF or plain-text screenplay")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV")
    p.add_argument("--paper", choices=("letter", "a4"), default="letter", help="page size")
    p.set_defaults(func=cmd_stats)

    p = verbs.add_parser("convert", help="convert Fountain, PDF or text to Fountain")
    p.add_argument("input", help="the screenplay to convert")
    p.add_argument(
        "-o", "--output", required=True, help="the Fountain file to write (- for stdout)"
    )
    p.add_argument("-f", "--force", action="store_true", help="overwrite OUTPUT if it exists")
    p.set_defaults(func=cmd_convert)

    p = verbs.add_parser("export", help="write a screenplay as PDF, Fountain or Final Draft")
    p.add_argument("script", help="a Fountain, PDF or plain-text screenplay")
    p.add_argument(
        "-o", "--output", required=True, help="the .pdf, .fountain or .fdx file to write"
    )
    p.add_argument("--paper", choices=("letter", "a4"), default="letter", help="PDF page size")
    p.add_argument(
        "--scene-numbers",
        nargs="?",
        const="both",
        default="none",
        choices=("none", "left", "right", "both"),
        help="print scene numbers in the left, right or both margins (alone: both)",
    )
    p.add_argument(
        "--revised-from",
        metavar="OLD",
        help="the previous version: mark new and changed lines with * in the right margin",
    )
    p.add_argument("--no-title-page", action="store_true", help="leave the title page out")
    p.add_argument("--watermark", metavar="TEXT", help="print TEXT across every PDF page")
    p.add_argument("-f", "--force", action="store_true", help="overwrite OUTPUT if it exists")
    p.set_defaults(func=cmd_export)

    p = verbs.add_parser("validate", help="lint a Fountain file")
    p.add_argument("script", help="a Fountain file")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.set_defaults(func=cmd_validate)
