"""Render verbs: ``plan`` (screenplay -> editable plan JSON) and ``render`` (-> MP4 film).

``render --publish`` also reports the render on a movie record of the sync server and
uploads the film (see :mod:`vividverse_desktop.cli.publish`). Before any work, every
chosen provider that needs an API key must have one (``render.preflight``).

Providers are chosen with ``--video``/``--voice`` or ``--providers a,b`` (each name
placed by what it makes). An image provider makes the clips from one still per shot.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from vividverse_desktop.cli import publish
from vividverse_desktop.cli.common import EXIT_OK, EXIT_USAGE, CliError, write_output
from vividverse_desktop.cli.sync import SERVER_ENV, USER_ENV

if TYPE_CHECKING:
    from vividverse_desktop.core.pipeline.plan import Plan
    from vividverse_desktop.render.engine import Renderer
    from vividverse_desktop.render.events import RenderProgress, RenderResult


def _plan_for(script: str, *, narrate: bool = False) -> Plan:
    from vividverse_desktop.studio.rendering import plan_script

    plan, warnings = plan_script(path=Path(script), narrate=narrate)
    for warning in warnings:
        print(f"{script}: warning: {warning}", file=sys.stderr)
    return plan


def _read_plan(path_text: str) -> Plan:
    from vividverse_desktop.core.pipeline.plan_json import PlanError, plan_from_json

    path = Path(path_text)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{path}: not a JSON document: {exc}") from exc
    try:
        return plan_from_json(data)
    except PlanError as exc:
        raise CliError(f"{path}: {exc}") from exc


def cmd_plan(args: argparse.Namespace, out: TextIO) -> int:
    """Write the render plan of a screenplay as JSON."""
    from vividverse_desktop.core.pipeline.plan_json import plan_to_json

    plan = _plan_for(args.script, narrate=args.narrate)
    text = json.dumps(plan_to_json(plan), ensure_ascii=False, indent=2) + "\n"
    write_output(args.output, text, force=args.force, source=args.script)
    if args.output != "-":
        shots = sum(len(s.shots) for s in plan.scenes)
        lines = sum(len(s.lines) for s in plan.scenes)
        print(
            f"{args.script} -> {args.output}: {len(plan.scenes)} scenes, {shots} shots, "
            f"{lines} lines, {_clock(plan.duration)}",
            file=sys.stderr,
        )
    return EXIT_OK


_SIZE = re.compile(r"(\d{2,5})x(\d{2,5})")


def _size(text: str) -> tuple[int, int]:
    match = _SIZE.fullmatch(text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}")
    width, height = int(match.group(1)), int(match.group(2))
    if width % 2 or height % 2:
        raise argparse.ArgumentTypeError(f"width and height must be even, got {text}")
    return width, height


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected NAME[,NAME...], got {text!r}")
    return names


def _clock(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class _ProgressLine:
    """Render progress on stderr: a line per finished scene, per stage and for the end.

    In a log (not a terminal) those lines are all there is, plus one at most every few
    seconds within the audio and stitch steps. On a terminal each finished scene's
    line is written as it happens above a bar redrawn in place (``[#####.....]
    42.0%  scene 12/190  ETA 3:12``) that also names the asset being made and the
    money spent.
    """

    def __init__(self, stream: TextIO, *, interval: float = 5.0) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.interval = interval
        self.last = 0.0
        self.stage = ""
        self.bar = False

    def __call__(self, event: RenderProgress) -> None:
        from vividverse_desktop.render.events import SceneState

        now = time.monotonic()
        state = event.scene.state if event.scene is not None else None
        if state is SceneState.FAILED and event.scene is not None:
            self._line(f"scene {event.scene.scene_id} failed: {event.scene.cause}", now)
            return
        fresh = event.stage != self.stage
        self.stage = event.stage
        finished = state in (SceneState.DONE, SceneState.CACHED) and event.scene is not None
        eta = "--:--" if event.eta is None else _clock(event.eta)
        what = {"scenes": "scene", "audio": "audio", "stitch": "stitch", "done": "done"}
        text = (
            f"{what.get(event.stage, event.stage)} {event.scenes_done}/{event.scenes_total}"
            f"  {event.fraction * 100:5.1f}%  ETA {eta}"
        )
        if event.cost > 0:
            text += f"  ${event.cost:.2f}"
        if not self.tty:
            if (
                fresh
                or state is SceneState.DONE
                or event.stage == "done"
                or (event.step is not None and now - self.last >= self.interval)
            ):
                self._line(text, now)
            return
        if finished and event.scene is not None:
            word = "ready" if state is SceneState.DONE else "cached"
            self._line(f"{text}  scene {event.scene.scene_id} {word}", now)
        elif fresh or event.stage == "done":
            self._line(text, now)
        elif now - self.last < 0.1:
            return
        if event.stage == "done":
            return
        filled = round(event.fraction * _BAR)
        bar = f"[{'#' * filled}{'.' * (_BAR - filled)}] {text}"
        if state is SceneState.RENDERING and event.scene is not None:
            bar += f"  {event.scene.scene_id}: {event.scene.asset}"
        self.stream.write("\r" + bar[:_WIDTH].ljust(_WIDTH))
        self.stream.flush()
        self.bar = True
        self.last = now

    def _line(self, text: str, now: float) -> None:
        if self.bar:
            self.stream.write("\r" + " " * _WIDTH + "\r")
            self.bar = False
        self.stream.write(text + "\n")
        self.stream.flush()
        self.last = now


_BAR = 20
_WIDTH = 78


def _summary(result: RenderResult) -> str:
    made = ", ".join(f"{n} {kind}" for kind, n in sorted(result.made.items())) or "nothing"
    speed = result.duration / result.seconds if result.seconds > 0 else 0.0
    return (
        f"{result.output}: {result.scenes} scenes, {_clock(result.duration)} "
        f"({result.frames} frames), cost ${result.cost:.2f} (this run ${result.spent:.2f}), "
        f"rendered in {result.seconds:.1f} s ({speed:.0f}x real time); "
        f"made {made}; reused {result.reused}"
    )


def cmd_render(args: argparse.Namespace, out: TextIO) -> int:
    """Render a screenplay (or an edited plan) into an MP4 film."""
    from vividverse_desktop.providers.registry import load_registry
    from vividverse_desktop.studio import rendering
    from vividverse_desktop.studio.errors import OutputExists, UnknownChoice

    target = publish.target_of(args)
    output = Path(args.output)
    if args.plan and args.narrate:
        raise CliError(
            "--narrate plans the script: with --plan, plan it with --narrate first", EXIT_USAGE
        )
    plan = _read_plan(args.plan) if args.plan else _plan_for(args.script, narrate=args.narrate)
    registry = load_registry()
    for broken in registry.broken:
        print(f"warning: provider {broken.name} skipped: {broken.reason}", file=sys.stderr)
    try:
        setup = rendering.prepare(
            output=output,
            providers=args.providers or (),
            video=args.video,
            voice=args.voice,
            job_dir=Path(args.job_dir) if args.job_dir else None,
            resume=args.resume,
            overwrite=args.force,
            size=tuple(args.size),
            fps=Fraction(args.fps),
            jobs=args.jobs,
            mono=args.mono,
            registry=registry,
        )
    except UnknownChoice as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    except OutputExists as exc:
        raise CliError(f"{exc.message} (use --force to overwrite)") from exc
    video, voice, renderer = setup.video, setup.voice, setup.renderer
    job_dir, settings = setup.job_dir, setup.settings
    print(f"providers: clips {video.name}, voice {voice.name}", file=sys.stderr)
    try:
        if target is None:
            result = _render_here(renderer, plan, output)
        else:
            movie, publication = publish.publish(
                target, renderer, plan, output, _ProgressLine(sys.stderr)
            )
            result = publication.result
    finally:
        setup.close()
    if args.edl:
        edl = (job_dir / "film.edl").read_text(encoding="utf-8")
        write_output(args.edl, edl, force=True, source=args.script)
    if args.otio:
        from vividverse_desktop.render.otio import TimelineError, export_render

        try:
            export_render(job_dir, plan, settings.fmt, Path(args.otio))
        except (TimelineError, OSError) as exc:
            raise CliError(f"{args.otio}: {exc}") from exc
    print(_summary(result), file=sys.stderr)
    if target is not None:
        print(publish.published_line(movie, publication, target.server), file=sys.stderr)
    elif args.publish:
        print(publish.local_line(output), file=sys.stderr)
    return EXIT_OK


def _render_here(renderer: Renderer, plan: Plan, output: Path) -> RenderResult:
    """Render on a worker thread (so Ctrl-C reaches the main thread and cancels it)."""
    from vividverse_desktop.core.cancel import CancelToken
    from vividverse_desktop.render.events import RenderCancelled, RenderError

    cancel = CancelToken()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = renderer.render(
                plan, output, on_progress=_ProgressLine(sys.stderr), cancel=cancel
            )
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="render", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        cancel.cancel("interrupted (Ctrl-C)")
        worker.join()
        raise
    error = outcome.get("error")
    if isinstance(error, RenderError):
        raise CliError(f"render failed: {error}") from error
    if isinstance(error, RenderCancelled):
        raise KeyboardInterrupt
    if error is not None:
        raise error
    result: RenderResult = outcome["result"]
    return result


def register(verbs: Any) -> None:
    """Add the ``plan`` and ``render`` verbs to the CLI's subparsers."""
    p = verbs.add_parser("plan", help="write the render plan (scenes, shots, prompts, lines)")
    p.add_argument("script", help="a Fountain, PDF or plain-text screenplay")
    p.add_argument("-o", "--output", required=True, help="the plan JSON to write (- for stdout)")
    p.add_argument("-f", "--force", action="store_true", help="overwrite OUTPUT if it exists")
    p.add_argument(
        "--narrate",
        action="store_true",
        help="a narrator reads the action aloud (scenes grow to fit the narration)",
    )
    p.set_defaults(func=cmd_plan)

    p = verbs.add_parser(
        "render",
        help="render a screenplay into an MP4 film (keyless animatic unless told otherwise)",
        description="Render a screenplay (or an edited plan) into an MP4 film. Without "
        "provider options it is a keyless storyboard animatic with local voices. "
        "An image provider (e.g. openai-images) makes the clips from one still per shot, "
        "moved or held by FFmpeg.",
    )
    p.add_argument("script", help="a Fountain, PDF or plain-text screenplay")
    p.add_argument("-o", "--output", required=True, help="the MP4 film to write")
    p.add_argument("--plan", help="render this (edited) plan JSON instead of planning SCRIPT")
    p.add_argument(
        "--narrate",
        action="store_true",
        help="a narrator reads the action aloud (scenes grow to fit the narration)",
    )
    p.add_argument("--jobs", type=_positive, default=None, help="scenes rendered at once")
    p.add_argument(
        "--resume",
        action="store_true",
        help="reuse the job directory: finish a killed render, re-render only edited scenes",
    )
    p.add_argument("--size", type=_size, default=(1280, 720), help="frame size (1280x720)")
    p.add_argument("--fps", type=_positive, default=24, help="frames per second (24)")
    p.add_argument(
        "--mono",
        action="store_true",
        help="mono AAC: ~2.8x faster to encode than the default stereo; the voices are mono",
    )
    p.add_argument("--edl", help="also write the edit as a CMX 3600 EDL to this file")
    p.add_argument("--otio", help="also write the edit as an OpenTimelineIO (.otio) timeline")
    p.add_argument("--job-dir", help="where assets and the job database live (OUTPUT.job)")
    p.add_argument(
        "--providers",
        type=_names,
        action="extend",
        metavar="NAME[,NAME...]",
        help="providers by name, each placed by what it makes: an image or video provider "
        "makes the clips, a voice provider the voices (e.g. openai-images,openai-tts)",
    )
    p.add_argument(
        "--video",
        metavar="NAME",
        help="clip provider: a video provider, or an image provider (one still per shot) "
        "(storyboard)",
    )
    p.add_argument("--voice", metavar="NAME", help="voice provider (espeak)")
    p.add_argument("-f", "--force", action="store_true", help="overwrite OUTPUT if it exists")
    p.add_argument(
        "--publish",
        action="store_true",
        help="report the render on the server's movie record and upload the film "
        "(without a server: the local film only)",
    )
    p.add_argument("--movie", type=publish.movie_id, help="the movie record to publish to (its id)")
    p.add_argument(
        "--script-id",
        type=publish.movie_id,
        help="start a new movie for this Selected script (its id) and publish to it",
    )
    p.add_argument(
        "--server",
        default=os.environ.get(SERVER_ENV),
        help=f"the sync server's address (or ${SERVER_ENV})",
    )
    p.add_argument(
        "--user",
        default=os.environ.get(USER_ENV),
        help=f"your username on the server (or ${USER_ENV})",
    )
    p.set_defaults(func=cmd_render)
