#!/usr/bin/env python3
"""Set up a development machine and run Vividverse, its tests or its benchmarks.

    python3 build_spec/bootstrap.py run     # install everything, start the desktop app
    python3 build_spec/bootstrap.py test    # install everything, run lint, types, layering, tests
    python3 build_spec/bootstrap.py bench   # install everything, run the benchmarks in bench/
    python3 build_spec/bootstrap.py screenshots  # every room and dialog, light and dark, as PNG

Only the standard library is used here: this file runs before anything is installed.
It installs missing system packages with apt-get when it runs as root (or with
password-less sudo) and otherwise says exactly what to install. Python packages go
into ``.venv`` beside this checkout; a stamp skips the install when nothing changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("VIVIDVERSE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")

# Shared libraries Qt needs on Linux, and the Debian packages that carry them.
QT_LIBS = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libpulse.so.0": "libpulse0",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libX11-xcb.so.1": "libx11-xcb1",
}


def say(message: str) -> None:
    print(f"[vividverse] {message}", flush=True)


def fail(message: str, code: int = 2) -> None:
    print(f"[vividverse] error: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def run(argv: list[str | Path], **kwargs: object) -> int:
    return subprocess.call([str(a) for a in argv], **kwargs)  # type: ignore[call-overload]


def _privilege_prefix() -> list[str] | None:
    """The prefix that runs apt-get as root here, or None when we cannot."""
    if not sys.platform.startswith("linux") or shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and run(["sudo", "-n", "true"], stderr=subprocess.DEVNULL) == 0:
        return ["sudo", "-n"]
    return None


def _missing_libraries(libs: dict[str, str]) -> list[str]:
    try:
        cache = subprocess.run(
            ["ldconfig", "-p"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        cache = ""
    search = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/lib"]
    missing = []
    for lib, package in libs.items():
        if lib in cache or any(Path(d, lib).exists() for d in search):
            continue
        missing.append(package)
    return sorted(set(missing))


_apt_state = {"updated": False}


def apt_install(packages: list[str], why: str) -> bool:
    """Install Debian packages if we may; otherwise say what to install. True when present."""
    if not packages:
        return True
    prefix = _privilege_prefix()
    if prefix is None:
        say(f"{why} needs these system packages: {' '.join(packages)}")
        say(f"install them with: sudo apt-get install {' '.join(packages)}")
        return False
    say(f"installing system packages for {why}: {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_state["updated"]:
        _quiet([*prefix, "apt-get", "update", "-qq"], env)
        _apt_state["updated"] = True
    argv = [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]
    code, output = _quiet(argv, env)
    if code != 0:
        print(output[-3000:], file=sys.stderr)
        say(f"apt-get could not install {' '.join(packages)} (exit {code})")
        return False
    return True


def _quiet(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run a command with its chatter captured; the output is returned for error reports."""
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def ensure_qt_libraries() -> None:
    if sys.platform.startswith("linux"):
        apt_install(_missing_libraries(QT_LIBS), "the Qt desktop app")


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin directory (Debian layout), if any."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def ensure_postgres() -> None:
    """The tests start a throwaway PostgreSQL cluster; install the server if it is missing."""
    if sys.platform.startswith("linux") and postgres_bin() is None:
        apt_install(["postgresql"], "the PostgreSQL tests of the sync server")


def ensure_venv() -> None:
    if PY.exists():
        return
    say(f"creating a virtual environment in {VENV}")
    if run([sys.executable, "-m", "venv", VENV]) != 0 or not PY.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        version = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        if not apt_install([version], "creating a virtual environment"):
            fail(f"python -m venv failed; install {version} and try again")
        if run([sys.executable, "-m", "venv", VENV]) != 0:
            fail("python -m venv failed even with the venv package installed")


def ensure_packages(extras: str) -> None:
    """pip install the project (editable) with extras, unless the stamp says it is current."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".vividverse-{extras or 'base'}.stamp"
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installing Python packages ({extras or 'runtime'}) into {VENV}")
    started = time.monotonic()
    pip = [PY, "-m", "pip", "--disable-pip-version-check", "-q"]
    if run([*pip, "install", "--upgrade", "pip"]) != 0:
        fail("could not upgrade pip; is the package index reachable?")
    target = f".[{extras}]" if extras else "."
    if run([*pip, "install", "-e", target], cwd=ROOT) != 0:
        fail("pip install failed; see the messages above")
    stamp.write_text(digest)
    say(f"Python packages ready in {time.monotonic() - started:.0f} s")


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_run(args: list[str]) -> int:
    ensure_qt_libraries()
    ensure_venv()
    ensure_packages("")
    app = [PY, "-m", "vividverse_desktop.gui.app", *args]
    if has_display():
        say("starting Vividverse")
        return run(app)
    say("no display (DISPLAY and WAYLAND_DISPLAY are unset): checking that the app starts")
    say("offscreen instead; run this command from a desktop session to use the app")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = run([*app, "--smoke"], env=env)
    if code == 0:
        say("the app started and closed cleanly offscreen")
    return code


def _step(name: str, argv: list[str | Path], env: dict[str, str]) -> bool:
    say(f"--- {name}")
    started = time.monotonic()
    code = run(argv, cwd=ROOT, env=env)
    say(
        f"--- {name}: {'ok' if code == 0 else f'FAILED (exit {code})'}"
        f" in {time.monotonic() - started:.1f} s"
    )
    return code == 0


def cmd_test(args: list[str]) -> int:
    ensure_qt_libraries()
    ensure_postgres()
    ensure_venv()
    ensure_packages("dev")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    steps: list[tuple[str, list[str | Path]]] = []
    if not args:
        steps += [
            ("ruff lint", [BIN / "ruff", "check", "."]),
            ("ruff format", [BIN / "ruff", "format", "--check", "."]),
            ("mypy (strict outside gui/)", [BIN / "mypy"]),
            ("import-linter (layering, DESIGN.md §2)", [BIN / "lint-imports"]),
        ]
    steps.append(("pytest", [PY, "-m", "pytest", *args]))
    failed = [name for name, argv in steps if not _step(name, argv, env)]
    if failed:
        say(f"FAILED: {', '.join(failed)}")
        return 1
    say("all checks passed")
    return 0


def cmd_bench(args: list[str]) -> int:
    ensure_venv()
    ensure_packages("dev,bench")
    return run([PY, "-m", "bench", *args], cwd=ROOT)


def cmd_screenshots(args: list[str]) -> int:
    """Render every room (light, dark; 1366x768, 1920x1080) offscreen into resources/screenshots."""
    ensure_qt_libraries()
    ensure_venv()
    ensure_packages("")
    out = Path(args[0]) if args else ROOT / "resources" / "screenshots"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    code = run([PY, "-m", "vividverse_desktop.gui.screenshots", out], cwd=ROOT, env=env)
    if code == 0:
        say(f"screenshots saved in {out}")
    return code


COMMANDS = {
    "run": cmd_run,
    "test": cmd_test,
    "bench": cmd_bench,
    "screenshots": cmd_screenshots,
}


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):
        fail(f"Vividverse needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
