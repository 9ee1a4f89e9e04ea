"""Spell checking of a screenplay's prose, with pyspellchecker's English word list.

``check`` reads the lines a writer wants checked (action, dialogue, parentheticals,
transitions, headings, centered text, lyrics, sections and synopses) as the parser
classified them (``core.screenplay.source_map``) and says, per line, where the words
the dictionary does not know are. It leaves alone:

- character cues, the script's own names (its speaking characters and the words of
  its locations, ``learnt_words``) and any word written in capitals (a character's
  introduction, a sound): the words of the script's capitals are learnt too, so
  ``MAYA`` in an action line lets ``Maya`` pass everywhere;
- Fountain markup (forcing marks, emphasis markers, scene numbers, title-page keys),
  notes ``[[ ]]``, boneyard ``/* */`` and the title page;
- URLs, e-mail addresses, numbers and words holding digits (``3rd``, ``R2D2``);
- the writer's own words (``accepted``: the personal dictionary and the script's
  ignore list).

A word keeps its inner apostrophes (``don't``, ``o'clock``; a typographic ``’`` reads
as ``'``) and a possessive ``'s`` passes when its stem does; hyphenated words are
checked part by part (``twenty-one``).

The word list loads once per process (``dictionary``: about 1 s on a worker, in steps
that leave the GUI thread free) and is then only read, so checks may run on any
worker. ``check`` and ``suggestions`` are CPU work: call them from a worker, not the
GUI thread. The personal dictionary and ignore lists are small text files, one word
a line, under the app's data directory.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.screenplay.emphasis import MARKER
from vividverse_desktop.core.screenplay.source_map import (
    BONEYARD,
    SCENE_NUMBER,
    TITLE_KEY,
    SourceMap,
)
from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.scripts import write_atomically

if TYPE_CHECKING:
    from spellchecker import SpellChecker

CHECKED_KINDS = frozenset(
    {
        "action",
        "dialogue",
        "parenthetical",
        "transition",
        "scene_heading",
        "centered",
        "lyrics",
        "section",
        "synopsis",
    }
)
# Words of the trade and of speech that scripts use and the general word list lacks.
SCREEN_WORDS = frozenset(
    {"sotto", "voce", "cont'd", "contd", "prelap", "c'mon", "y'know", "mm", "mmm"}
)
SKIPPED_STYLES = frozenset({"note", BONEYARD, MARKER, SCENE_NUMBER, TITLE_KEY})
SUGGESTIONS = 5
PAUSE_EVERY = 50  # lines between calls of a check's ``pause`` (and its cancel checks)
_YIELD_EVERY, _YIELD_S = 500, 0.0005  # the loader sleeps this long every so many words
_CACHE_LIMIT = 50_000  # lines remembered between checks (a feature script has ~6,000)

# A word: letters and digits with inner apostrophes; hyphens, underscores and all other
# punctuation end it. URLs and e-mail addresses are found first and skipped whole.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SKIPPED = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HAS_DIGIT = re.compile(r"\d")
_ENTRY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*(\d+)')  # "word": count, in a JSON object

Found = tuple[int, int, str]  # (start, end, word) in one line's columns


@dataclass(frozen=True, slots=True)
class SpellCheck:
    """The words of one text the dictionary does not know, by 0-based line."""

    lines: dict[int, tuple[Found, ...]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """How many misspelt words the text holds."""
        return sum(len(found) for found in self.lines.values())

    def at(self, line: int, column: int) -> Found | None:
        """The misspelt word covering ``column`` of ``line`` (its end counts), if any."""
        for start, end, word in self.lines.get(line, ()):
            if start <= column <= end:
                return start, end, word
        return None


_lock = threading.Lock()
_loaded: list[SpellChecker] = []  # the one checker, once loaded
# one line's text and skipped spans -> (its unknown words, its capitalised words' keys)
_line_cache: dict[
    tuple[str, tuple[tuple[int, int], ...]], tuple[tuple[Found, ...], tuple[str, ...]]
] = {}
_files_lock = threading.Lock()


def dictionary(pause: Callable[[], object] | None = None) -> SpellChecker:
    """pyspellchecker's English checker, loaded once per process (blocking: see the module);
    ``pause`` as for :func:`check`, called now and then while it loads."""
    with _lock:
        if not _loaded:
            _loaded.append(_load_english(pause))
        return _loaded[0]


def _load_english(pause: Callable[[], object] | None = None) -> SpellChecker:
    """pyspellchecker's own English word list, read without holding the GIL for long.

    ``SpellChecker("en")`` parses its 160,000 words with one ``json.loads`` and sums
    their letters in one call: 0.1-0.3 s in which no other thread (the GUI's) runs.
    Here the list is read entry by entry and handed to the checker in two steps: first
    a few real words that hold every letter and the longest length (the checker derives
    its alphabet and longest word from what ``load_json`` gives it), then the rest
    straight into its frequency table. Only its total word count (unused here) stays
    that of the first step. The loop sleeps half a millisecond every 500 words: without
    it a piece of GUI work of 1 ms took up to 105 ms while the list loaded (the GUI
    thread waits for the GIL each time it comes back from Qt); with it, up to ~25 ms.
    """
    import gzip
    import json
    import pkgutil

    from spellchecker import SpellChecker

    packed = pkgutil.get_data("spellchecker", "resources/en.json.gz")
    if packed is None:
        raise StudioError("pyspellchecker's English word list is missing")
    words: dict[str, int] = {}
    seed: dict[str, int] = {}
    letters: set[str] = set()
    longest = ""
    for number, match in enumerate(_ENTRY.finditer(gzip.decompress(packed).decode("utf-8"))):
        if number % _YIELD_EVERY == 0:
            time.sleep(_YIELD_S)  # let the GUI thread have the GIL (see the docstring)
            if pause is not None:
                pause()
        word = match.group(1)
        if "\\" in word:
            word = json.loads(f'"{word}"')
        word = word.lower()
        words[word] = words.get(word, 0) + int(match.group(2))
        if not letters.issuperset(word):
            letters.update(word)
            seed[word] = 0
        if len(word) > len(longest):
            longest = word
    seed[longest] = 0
    checker = SpellChecker(language=None, distance=2)
    checker.word_frequency.load_json({word: words[word] for word in seed})
    table = checker.word_frequency.dictionary
    for number, (word, count) in enumerate(words.items()):
        if number % _YIELD_EVERY == 0:
            time.sleep(_YIELD_S)
        table[word] = count
    return checker


def key_of(word: str) -> str:
    """The form a word is looked up and remembered in: lower case, straight apostrophes."""
    return word.replace("’", "'").lower()


def learnt_words(names: Iterable[str]) -> frozenset[str]:
    """The lookup keys of every word of ``names`` (characters, locations)."""
    return frozenset(key_of(m.group()) for name in names for m in _WORD.finditer(name))


def check(
    *,
    source: SourceMap,
    text: str,
    names: Iterable[str] = (),
    accepted: Iterable[str] = (),
    cancel: CancelToken | None = None,
    pause: Callable[[], object] | None = None,
) -> SpellCheck:
    """The misspelt words of ``text``, whose parser reading is ``source``.

    ``names`` are the script's characters and locations; ``accepted`` the writer's
    words (any case). Linear in the text; lines seen in an earlier check are not read
    again. ``pause`` is called every ``PAUSE_EVERY`` lines: a front end may block there
    for a while (the Write room does while keys arrive, so typing gets the interpreter).
    """
    words: dict[str, int] | None = None  # the word list, loaded once a line needs it
    learnt = set(SCREEN_WORDS)
    learnt.update(learnt_words(names))
    learnt.update(key_of(word) for word in accepted)
    lines = text.split("\n")
    kinds = source.kinds
    unknown: list[tuple[int, tuple[Found, ...]]] = []
    for number, line in enumerate(lines):
        if number >= len(kinds) or kinds[number] not in CHECKED_KINDS:
            continue  # (a text the parser refused has no kinds: nothing is checked)
        if number % PAUSE_EVERY == 0:
            if pause is not None:
                pause()
            if cancel is not None:
                cancel.check()
        skipped = tuple(
            (start, end)
            for start, end, style in source.ranges.get(number, ())
            if style in SKIPPED_STYLES
        )
        if words is None:
            words = dictionary(pause).word_frequency.dictionary
        found, capitals = _read_line(line, skipped, words)
        learnt.update(capitals)
        if found:
            unknown.append((number, found))
    result: dict[int, tuple[Found, ...]] = {}
    for number, found in unknown:
        kept = tuple(item for item in found if not _passes(item[2], learnt))
        if kept:
            result[number] = kept
    return SpellCheck(result)


def _passes(word: str, learnt: set[str]) -> bool:
    key = key_of(word)
    return key in learnt or (key.endswith("'s") and key[:-2] in learnt)


def _read_line(
    line: str, skipped: tuple[tuple[int, int], ...], words: dict[str, int]
) -> tuple[tuple[Found, ...], tuple[str, ...]]:
    """The words of one line the dictionary lacks, and the keys of its capitalised words."""
    cache_key = (line, skipped)
    cached = _line_cache.get(cache_key)
    if cached is not None:
        return cached
    spans = list(skipped)
    if "/" in line or "@" in line or "www." in line:
        spans.extend(m.span() for m in _SKIPPED.finditer(line))
    found: list[Found] = []
    capitals: list[str] = []
    for match in _WORD.finditer(line):
        word = match.group()
        start, end = match.span()
        if len(word) < 2 or _HAS_DIGIT.search(word):
            continue
        if spans and any(lo < end and start < hi for lo, hi in spans):
            continue
        key = key_of(word)
        if word.isupper():
            capitals.append(key)
            continue
        if key in words or (key.endswith("'s") and key[:-2] in words):
            continue
        found.append((start, end, word))
    result = (tuple(found), tuple(capitals))
    if len(_line_cache) >= _CACHE_LIMIT:
        _line_cache.clear()
    _line_cache[cache_key] = result
    return result


def suggestions(word: str, *, limit: int = SUGGESTIONS) -> tuple[str, ...]:
    """Up to ``limit`` likely spellings of ``word``, the likeliest first, in its case.

    Words one edit away come first; two edits are tried only when none is known
    (that search can take half a second for a long word: call from a worker).
    """
    checker = dictionary()
    key = key_of(word)
    found = checker.candidates(key) or set()
    found.discard(key)
    frequency = checker.word_frequency.dictionary
    ranked = sorted(found, key=lambda w: (-frequency.get(w, 0), w))[:limit]
    return tuple(_in_case_of(word, candidate) for candidate in ranked)


def _in_case_of(word: str, candidate: str) -> str:
    if "’" in word:
        candidate = candidate.replace("'", "’")
    if word[:1].isupper():
        return candidate[:1].upper() + candidate[1:]
    return candidate


# -- the writer's words ------------------------------------------------------------


def personal_dictionary(root: Path) -> Path:
    """The personal dictionary's file under the app's data root (``session.default_root()``)."""
    return root / "spelling" / "words.txt"


def ignore_list(root: Path, document_key: str) -> Path:
    """The file of words ignored in one script (named by the editor's document key)."""
    return root / "spelling" / "ignored" / f"{document_key}.txt"


def read_words(path: Path) -> frozenset[str]:
    """The words kept in ``path`` (none when it does not exist); blocking (disk)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    except (OSError, UnicodeDecodeError) as exc:
        raise StudioError(f"{path}: cannot read the word list: {exc}") from exc
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def add_words(path: Path, words: Iterable[str]) -> frozenset[str]:
    """Add ``words`` to the list in ``path`` (written atomically); the list as it now is.

    Safe to call from several workers at once: additions are never lost.
    """
    with _files_lock:
        kept = set(read_words(path))
        added = {word.strip() for word in words if word.strip()} - kept
        if added:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StudioError(f"{path.parent}: cannot create it: {exc}") from exc
            kept |= added
            data = "".join(f"{word}\n" for word in sorted(kept, key=str.lower))
            write_atomically(path, data.encode("utf-8"))
        return frozenset(kept)
