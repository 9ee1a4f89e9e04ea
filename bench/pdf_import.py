"""PDF import of a 120-page script against plain pypdf text extraction, same run.

Goal (DESIGN.md §8): sandboxed import (child process start-up, pypdf import,
positioned extraction, transfer, layout classification) <= 1.5x the time of
``PdfReader(path)`` + ``extract_text()`` on every page in this process.
Run: ``.venv/bin/python -m bench.pdf_import``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

GOAL = 1.5
RUNS = 5
TARGET_PAGES = 120


def _script_pdf() -> tuple[bytes, int]:
    """A generated script rendered to at least TARGET_PAGES body pages, and its page count."""
    from bench.scriptgen import feature_script
    from vividverse_desktop.core.screenplay.fountain import parse
    from vividverse_desktop.core.screenplay.pagination import paginate
    from vividverse_desktop.media.pdf_export import render_pdf

    size = TARGET_PAGES
    screenplay = parse(feature_script(pages=size, seed=1))
    count = paginate(screenplay).page_count
    while count < TARGET_PAGES:
        size = size * TARGET_PAGES // count + 1
        screenplay = parse(feature_script(pages=size, seed=1))
        count = paginate(screenplay).page_count
    return render_pdf(screenplay), count


def _plain_extract(path: Path) -> float:
    from pypdf import PdfReader

    start = time.perf_counter()
    reader = PdfReader(path)
    for page in reader.pages:
        page.extract_text()
    return time.perf_counter() - start


def _import(path: Path) -> float:
    from vividverse_desktop.media.pdf import import_pdf

    start = time.perf_counter()
    import_pdf(path)
    return time.perf_counter() - start


def main() -> int:
    """Print plain pypdf and sandboxed import times (medians of 5) and their ratio."""
    import pypdf

    from vividverse_desktop.media.pdf import extraction_workers

    data, pages = _script_pdf()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feature.pdf"
        path.write_bytes(data)
        _plain_extract(path)  # warm the file cache and pypdf's imports for the baseline
        plain: list[float] = []
        sandboxed: list[float] = []
        for _ in range(RUNS):  # interleaved so both see the same machine load
            plain.append(_plain_extract(path))
            sandboxed.append(_import(path))
    base, ours = statistics.median(plain), statistics.median(sandboxed)
    ratio = ours / base
    print(f"PDF: {pages} pages, {len(data) / 1024:.0f} KiB, pypdf {pypdf.__version__}")
    print(f"plain pypdf extract_text (in process): {base * 1000:7.0f} ms (median of {RUNS})")
    print(
        f"vividverse import (sandboxed child, {extraction_workers(pages)} extraction process(es)): "
        f"{ours * 1000:7.0f} ms (median of {RUNS})"
    )
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(f"ratio import / plain: {ratio:.2f}x (goal <= {GOAL}x: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
