"""PDF screenplays read inside the sandbox: text with positions, then the layout classifier.

Child side (runs in a sandbox child, see :mod:`vividverse_desktop.media.sandbox`):
:func:`page_runs` opens the file with pypdf, decrypts it with the empty password when
it must, and returns each page's size and text runs as plain lists; simple pages
(the usual screenplay PDF) go through a fast content-stream reader, anything else
through pypdf's ``extract_text`` visitor. Long documents are split over forked
workers. :func:`screenplay_json` also classifies, so only the small result crosses.

Parent side: :func:`import_pdf` and :func:`read_pdf` start the child under limits
and turn every failure into a
:class:`~vividverse_desktop.core.screenplay.errors.ScreenplayError` a person can act
on. They block until the child is done: call them from a worker thread, never the
GUI thread.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vividverse_desktop.core.cancel import Cancelled, CancelToken
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.layout import Grid, LayoutResult, Page, TextLine, classify
from vividverse_desktop.core.screenplay.model import DualSide, Element, ElementKind, Screenplay
from vividverse_desktop.media import sandbox
from vividverse_desktop.media.sandbox import Limits

MAX_PDF_BYTES = 64 * 1024 * 1024
DEFAULT_LIMITS = Limits(seconds=20.0, cpu_seconds=20, memory_bytes=1024 * 1024 * 1024)
TOO_LARGE = "the PDF is too large to read safely"
_PAGES_PER_WORKER = 32
_MAX_WORKERS = 4


class PdfProblem(Exception):
    """A PDF that cannot be read; the message is for the person importing it."""


def page_runs(path: str) -> dict[str, Any]:
    """Child side: ``{"pages": [[width, height, [[x, y, text], ...]], ...], "size": pt}``.

    ``y`` is measured down from the top of the page; ``size`` is the commonest
    font size in points. Raises :class:`PdfProblem` for encrypted, truncated or
    damaged files and ``LimitReachedError`` for decompression bombs.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    with open(path, "rb") as handle:
        head = handle.read(1024)
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%PDF-" not in head:
        raise PdfProblem("the file is not a PDF")
    if b"%%EOF" not in tail:
        raise PdfProblem("the PDF is truncated: its end is missing (was the download complete?)")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError as error:
                raise PdfProblem(
                    "the PDF is encrypted with a cipher this installation cannot open "
                    f"({error}); save it again without protection"
                ) from None
            if not opened:
                raise PdfProblem(
                    "the PDF is protected by a password; save it again without a password "
                    "and import that copy"
                )
        pages, sizes = _extract_all(reader)
    except (FileNotDecryptedError, PdfReadError) as error:
        raise PdfProblem(f"the PDF is damaged and cannot be read ({error})") from None
    font_size = sizes.most_common(1)[0][0] if sizes else 12.0
    return {"pages": pages, "size": font_size}


def extraction_workers(pages: int) -> int:
    """How many processes extract a PDF of ``pages`` pages: one per core, up to four."""
    if not hasattr(os, "fork") or pages < 2 * _PAGES_PER_WORKER:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, _MAX_WORKERS, pages // _PAGES_PER_WORKER))


def _extract_all(reader: Any) -> tuple[list[list[Any]], Counter[float]]:
    """Extract every page, forking workers for page ranges when there are cores to spare.

    The sandbox child is single-threaded, so forking it is safe; each worker
    inherits its limits. A worker that fails has its pages redone here, so its
    error (a decompression bomb, say) surfaces from this process.
    """
    count = len(reader.pages)
    workers = extraction_workers(count)
    bounds = [(count * k // workers, count * (k + 1) // workers) for k in range(workers)]
    forked: list[tuple[int, int, int, int]] = []
    for low, high in bounds[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the forked worker
            os.close(read_end)
            code = 1
            try:
                pages, sizes = _extract(reader, low, high)
                data = json.dumps([pages, list(sizes.items())]).encode("utf-8")
                code = 0
            except BaseException:
                data = b""
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            os._exit(code)
        os.close(write_end)
        forked.append((pid, read_end, low, high))
    pages, sizes = _extract(reader, *bounds[0])
    for pid, read_end, low, high in forked:
        with os.fdopen(read_end, "rb") as source:
            data = source.read()
        _, status = os.waitpid(pid, 0)
        if status == 0 and data:
            part, part_sizes = json.loads(data)
            sizes.update({float(k): int(v) for k, v in part_sizes})
        else:
            part, part_sizes_counter = _extract(reader, low, high)
            sizes.update(part_sizes_counter)
        pages.extend(part)
    return pages, sizes


def _extract(reader: Any, low: int, high: int) -> tuple[list[list[Any]], Counter[float]]:
    pages: list[list[Any]] = []
    sizes: Counter[float] = Counter()
    fonts: dict[int, _Font | None] = {}
    for number in range(low, high):
        page = reader.pages[number]
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        left, top = float(box.left), float(box.bottom) + height
        runs = _fast_runs(page, fonts, sizes, top, left)
        if runs is None:  # something the fast reader does not handle: ask pypdf
            runs = []
            page.extract_text(visitor_text=_visitor(runs, sizes, top, left))
        pages.append([width, height, runs])
    return pages, sizes


# ----------------------------------------------------------------- fast text reader
#
# Screenplay PDFs are simple: each line is a BT ... Td (text) Tj ... ET with a font
# that carries a ToUnicode map. For such pages this reader finds the runs several
# times faster than pypdf's extract_text (one regex pass over the content stream,
# font maps parsed once per document). Anything it does not fully understand (a show
# operator without a new position, nested parentheses, inline images, form
# XObjects, fonts without a usable map) makes it give up on the page, and pypdf's
# own extraction reads that page instead.

_TOKEN = re.compile(
    rb"\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>|<<|>>|\[|\]|/[^\s/<>\[\]()%{}]*"
    rb"|[+-]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'\"*][A-Za-z0-9'\"*]*|%[^\r\n]*|\S",
    re.DOTALL,
)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|[\s\S])")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_HEX_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])")
_IGNORED = frozenset(
    b"Tc Tw Tz Ts Tr d0 d1 BMC BDC EMC MP DP BX EX w J j M d ri i gs m l c v y h re S s f F "
    b"f* B B* b b* n W W* CS cs SC SCN sc scn G g RG rg K k sh".split()
)
_UNMAPPED = "\ufffe"
_Font = tuple[int, list[str]]  # bytes per code, text of each code (_UNMAPPED when none)


def _unescape(raw: bytes) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        if code in (b"\n", b"\r", b"\r\n"):
            return b""
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, raw) if b"\\" in raw else raw


def _cmap(data: bytes) -> _Font | None:
    """Code width and code table of a ToUnicode CMap (bfchar and bfrange sections)."""
    mapping: dict[int, str] = {}
    width = 0
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.DOTALL):
        for src, dst in _HEX_PAIR.findall(section):
            width = width or len(src) // 2
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.DOTALL):
        for low, high, dst in _RANGE.findall(section):
            width = width or len(low) // 2
            start, end = int(low, 16), int(high, 16)
            if end - start > 65535:
                return None
            if dst.startswith(b"["):
                targets = re.findall(rb"<([0-9A-Fa-f]+)>", dst)
                for offset, target in enumerate(targets[: end - start + 1]):
                    text = bytes.fromhex(target.decode()).decode("utf-16-be", "replace")
                    mapping[start + offset] = text
                continue
            base = bytes.fromhex(dst[1:-1].decode())
            first = int.from_bytes(base, "big")
            for code in range(start, end + 1):
                value = (first + code - start).to_bytes(len(base), "big")
                mapping[code] = value.decode("utf-16-be", "replace")
    if not mapping or width not in (1, 2) or max(mapping) >= 256**width:
        return None
    table = [_UNMAPPED] * 256**width
    for code, text in mapping.items():
        table[code] = text
    return width, table


def _font(ref: Any, cache: dict[int, _Font | None]) -> _Font | None:
    number = getattr(ref, "idnum", None)
    key = number if isinstance(number, int) else id(ref)
    if key in cache:
        return cache[key]
    font = ref.get_object()
    decoder: _Font | None = None
    subtype = font.get("/Subtype")
    if "/ToUnicode" in font:
        decoder = _cmap(font["/ToUnicode"].get_object().get_data())
        if subtype == "/Type0" and font.get("/Encoding") not in ("/Identity-H", "/Identity-V"):
            decoder = None
    elif subtype in ("/Type1", "/TrueType") and font.get("/Encoding") == "/WinAnsiEncoding":
        decoder = (1, [bytes([code]).decode("cp1252", "replace") for code in range(256)])
    cache[key] = decoder
    return decoder


def _decode(raw: bytes, font: _Font) -> str | None:
    """Text of a shown string through the font's map; None when a code is unmapped."""
    width, table = font
    try:
        codes = raw.decode("latin-1" if width == 1 else "utf-16-be")
    except UnicodeDecodeError:  # odd length or a surrogate code: not for this reader
        return None
    if len(codes) * width != len(raw):  # a surrogate pair: not a 16-bit code
        return None
    text = codes.translate(table)
    return None if _UNMAPPED in text else text


def _fast_runs(
    page: Any, fonts: dict[int, _Font | None], sizes: Counter[float], top: float, left: float
) -> list[list[Any]] | None:
    """Runs ``[x, y-from-top, text]`` of a simple page, or None to let pypdf read it."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else {}
    font_refs = resources.get("/Font")
    font_refs = font_refs.get_object() if font_refs is not None else {}
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else {}
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    runs: list[list[Any]] = []
    stack: list[tuple[float, ...]] = []
    ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    tx = ty = leading = size = 0.0
    font: _Font | None = None
    placed = False  # a show operator may only follow a (re)positioning
    operands: list[bytes] = []
    for match in _TOKEN.finditer(data):
        token = match.group()
        head = token[:1]
        if head in b"0123456789+-.([]</" or token in (b"<<", b">>"):
            if head in {b"[", b"]"}:
                continue
            operands.append(token)
            continue
        if head == b"%":
            continue
        op = token
        if op in _IGNORED:
            pass
        elif op == b"BT":
            tx = ty = 0.0
            placed = True
        elif op == b"ET":
            placed = False
        elif op == b"Tf" and len(operands) >= 2:
            size = float(operands[-1])
            ref = font_refs.get(operands[-2].decode("latin-1"))
            font = _font(ref, fonts) if ref is not None else None
        elif op in (b"Td", b"TD") and len(operands) >= 2:
            tx += float(operands[-2])
            ty += float(operands[-1])
            if op == b"TD":
                leading = -float(operands[-1])
            placed = True
        elif op == b"Tm" and len(operands) >= 6:
            a, b, c, d = (float(v) for v in operands[-6:-2])
            if (a, b, c) != (1.0, 0.0, 0.0) or d != 1.0:
                return None  # scaled or rotated text: leave it to pypdf
            tx, ty = float(operands[-2]), float(operands[-1])
            placed = True
        elif op == b"TL" and operands:
            leading = float(operands[-1])
        elif op == b"T*":
            ty -= leading
            placed = True
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            if op in (b"'", b'"'):
                ty -= leading
                placed = True
            if not placed or font is None:
                return None
            text = _shown(operands, font)
            if text is None:
                return None
            if text.strip():
                x = tx * ctm[0] + ty * ctm[2] + ctm[4]
                y = tx * ctm[1] + ty * ctm[3] + ctm[5]
                runs.append([round(x - left, 2), round(top - y, 2), text.replace("\n", " ")])
                sizes[round(size * abs(ctm[0] or 1.0), 1)] += len(text)
            placed = False
        elif op == b"cm" and len(operands) >= 6:
            a, b, c, d, e, f = (float(v) for v in operands[-6:])
            p = ctm
            ctm = (
                a * p[0] + b * p[2],
                a * p[1] + b * p[3],
                c * p[0] + d * p[2],
                c * p[1] + d * p[3],
                e * p[0] + f * p[2] + p[4],
                e * p[1] + f * p[3] + p[5],
            )
        elif op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop() if stack else ctm
        elif op == b"Do" and operands:
            target = xobjects.get(operands[-1].decode("latin-1"))
            if target is None or target.get_object().get("/Subtype") != "/Image":
                return None
        else:
            return None  # BI (inline image), a stray byte, an unknown operator
        operands = []
    return runs


def _shown(operands: list[bytes], font: _Font) -> str | None:
    """The text of a show operator's string operands (TJ adjustments of a word gap: space)."""
    parts: list[str] = []
    for operand in operands:
        if operand.startswith(b"("):
            raw = _unescape(operand[1:-1])
        elif operand.startswith(b"<") and operand != b"<<":
            hexdigits = re.sub(rb"\s", b"", operand[1:-1])
            raw = bytes.fromhex((hexdigits + b"0" * (len(hexdigits) % 2)).decode())
        else:
            if parts and operand[:1] in b"-0123456789." and float(operand) <= -250:
                parts.append(" ")
            continue
        text = _decode(raw, font)
        if text is None:
            return None
        parts.append(text)
    return "".join(parts)


def screenplay_json(path: str) -> dict[str, Any]:
    """Child side: extract and classify, returning the screenplay as plain data.

    ``{"title_page": [[key, value], ...], "elements": [Element.to_json(), ...],
    "warnings": [...], "places": [[page index, baseline y in points], ...]}``.
    Classifying in the child keeps the transfer small and the parent (the GUI) free
    of the work.
    """
    reply = page_runs(path)
    pages, grid = _pages(reply)
    result = classify(pages, grid=grid)
    warnings = list(result.warnings)
    empty = sum(1 for page in pages if not page.lines)
    if empty:
        warnings.append(f"{empty} page(s) have no text (scanned pages are skipped)")
    screenplay = result.screenplay
    return {
        "title_page": [[key, value] for key, value in screenplay.title_page.items()],
        "elements": [element.to_json() for element in screenplay.elements],
        "warnings": warnings,
        "places": [[page, round(y, 2)] for page, y in result.places],
    }


def _pages(reply: dict[str, Any]) -> tuple[list[Page], Grid]:
    pages = [
        Page(float(w), float(h), tuple(TextLine(float(x), float(y), str(t)) for x, y, t in runs))
        for w, h, runs in reply["pages"]
    ]
    if not any(page.lines for page in pages):
        raise PdfProblem(
            "the PDF has no text to read (a scanned script?); import needs a PDF with text"
        )
    font_size = float(reply["size"]) or 12.0
    return pages, Grid(char_width=0.6 * font_size)


def _sandboxed(
    target: Callable[[str], dict[str, Any]],
    path: Path,
    limits: Limits,
    cancel: CancelToken | None = None,
) -> Any:
    """Run ``target(path)`` in the sandbox, turning every failure into a ScreenplayError.

    A cancel kills the child and raises :class:`Cancelled`.
    """
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ScreenplayError(f"cannot open {path.name}: {error.strerror}") from None
    if size == 0:
        raise ScreenplayError("the file is empty")
    if size > MAX_PDF_BYTES:
        raise ScreenplayError(TOO_LARGE)
    try:
        return sandbox.run(target, str(path), limits=limits, cancel=cancel)
    except sandbox.SandboxCancelled as cancelled:
        raise Cancelled(str(cancelled)) from None
    except sandbox.SandboxMemoryError:
        raise ScreenplayError(TOO_LARGE) from None
    except sandbox.SandboxTimeout:
        raise ScreenplayError(
            f"reading the PDF took too long (limit {limits.seconds:g} s); "
            "it may be damaged or built to stall readers"
        ) from None
    except sandbox.SandboxFailure as failure:
        raise ScreenplayError(_message(failure)) from None


def read_pdf(
    path: Path, *, limits: Limits = DEFAULT_LIMITS, cancel: CancelToken | None = None
) -> tuple[list[Page], Grid]:
    """The pages of a PDF as positioned lines, read in a sandboxed child process.

    Raises ScreenplayError for a file that is missing, empty, not a PDF, truncated,
    damaged, password-protected, too large to read safely, without any text
    (scanned), or that takes longer than the limits allow; :class:`Cancelled` when
    ``cancel`` fires (the child process is killed at once).
    """
    reply = _sandboxed(page_runs, path, limits, cancel)
    try:
        return _pages(reply)
    except PdfProblem as problem:
        raise ScreenplayError(str(problem)) from None


def import_pdf(
    path: Path, *, limits: Limits = DEFAULT_LIMITS, cancel: CancelToken | None = None
) -> LayoutResult:
    """Read a PDF screenplay into the model: extraction and classification in the sandbox.

    Raises ScreenplayError (and Cancelled) as :func:`read_pdf` does.
    """
    reply = _sandboxed(screenplay_json, path, limits, cancel)
    title_page = {str(key): str(value) for key, value in reply["title_page"]}
    elements = tuple(_element(data) for data in reply["elements"])
    places = tuple((int(page), float(y)) for page, y in reply.get("places", ()))
    return LayoutResult(Screenplay(title_page, elements), tuple(reply["warnings"]), places)


def _element(data: dict[str, Any]) -> Element:
    """An element back from ``Element.to_json()`` (the fields a PDF import sets)."""
    dual = data.get("dual")
    return Element(
        ElementKind(data["kind"]),
        str(data["text"]),
        int(data["line"]),
        end_line=int(data.get("end_line", 0)),
        scene_number=data.get("scene_number"),
        extensions=tuple(data.get("extensions", ())),
        dual=DualSide(dual) if dual else None,
        level=int(data.get("level", 0)),
        forced=bool(data.get("forced", False)),
    )


def _message(failure: sandbox.SandboxFailure) -> str:
    if failure.kind == "PdfProblem":
        return failure.message
    if failure.kind == "LimitReachedError":
        return TOO_LARGE
    if failure.kind in ("PdfReadError", "PdfStreamError", "EmptyFileError"):
        return f"the PDF is damaged and cannot be read ({failure.message})"
    return f"the PDF could not be read ({failure.kind}: {failure.message})"


def _visitor(
    runs: list[list[Any]], sizes: Counter[float], top: float, left: float
) -> Callable[[str, list[float], list[float], Any, float], None]:
    """A pypdf ``visitor_text`` that records ``[x, y-from-top, text]`` for each run."""

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        runs.append([round(x - left, 2), round(top - y, 2), text.replace("\n", " ")])
        sizes[round(font_size * abs(tm[0] * cm[0] or 1.0), 1)] += len(text)

    return visit
