"""Spell checking a screenplay: the prose is checked, the script's names, markup,
notes, boneyard, URLs, numbers and capitals are not; the writer's words persist."""

from __future__ import annotations

import threading
from pathlib import Path

from vividverse_desktop.studio import spelling, writing


def misspelt(text: str, accepted: tuple[str, ...] = ()) -> list[str]:
    analysis = writing.analyse(text=text)
    result = spelling.check(
        source=analysis.source,
        text=text,
        names=analysis.characters + analysis.locations,
        accepted=accepted,
    )
    lines = text.split("\n")
    words = []
    for number in sorted(result.lines):
        for start, end, word in result.lines[number]:
            assert lines[number][start:end] == word
            words.append(word)
    return words


SCRIPT = """\
Title: The Glowng Market
Author: Quentinne Blorf

INT. KOWLOONIA ARCADE - NIGHT

ZEPHYRINE (30s) wlaks past the stals. Zephyrine's lantern swings. Kowloonia hums.

ZEPHYRINE
(quikly)
I don't recieve visitors after twenty-one o'clock.

[[Check the spelng with Marcus]]

/* An old bonyard line nobody reads */

She reads www.example.com/pagge and https://exmple.org/x, mails bob@exampel.com.

The R2D2 unit at 3rd Streeet beeps 42 times. KRAAASH! A gzzt sound.

CUT TO:

.FLASHBAK TO THE RIVR

~Sing a sogn of sixpence

= Zephyrine finds teh key.
"""


def test_prose_is_checked_and_names_markup_and_capitals_are_not() -> None:
    """Action, parentheticals, dialogue, headings' prose, lyrics and synopses are
    checked; cues, the script's names and locations, notes, boneyard, URLs, e-mail
    addresses, words with digits, capitals and the title page are not."""
    found = misspelt(SCRIPT)
    assert found == ["wlaks", "stals", "quikly", "recieve", "Streeet", "gzzt", "sogn", "teh"]


def test_capitals_in_a_heading_or_action_teach_the_script_its_names() -> None:
    """A name introduced in capitals passes in mixed case anywhere in the script."""
    text = "Orlaith walks in.\n\nINT. HALL - DAY\n\nORLAITH (20s) sits. Dunmorrow waits.\n"
    assert misspelt(text) == ["Dunmorrow"]


def test_possessives_curly_apostrophes_and_emphasis_markers() -> None:
    """``Zeph's`` passes when ``Zeph`` is known; ``don’t`` reads as ``don't``; emphasis
    markers end a word without hiding it."""
    text = "INT. ROOM - DAY\n\nShe *didn’t* go. _Wrold_ ends. **Bold** stays.\n"
    assert misspelt(text) == ["Wrold"]
    assert misspelt("INT. ROOM - DAY\n\nZeph's coat.\n", accepted=("Zeph",)) == []


def test_accepted_words_pass_in_any_case() -> None:
    """The personal dictionary and ignore list accept a word in every case."""
    text = "INT. ROOM - DAY\n\nThe zorblat hums. Zorblat!\n"
    assert misspelt(text) == ["zorblat", "Zorblat"]
    assert misspelt(text, accepted=("Zorblat",)) == []


def test_suggestions_come_likeliest_first_in_the_word_case() -> None:
    """Up to five suggestions, in the case the word was typed in."""
    assert spelling.suggestions("Recieve")[0] == "Receive"
    assert spelling.suggestions("teh")[0] == "the"
    assert len(spelling.suggestions("teh")) == 5
    assert spelling.suggestions("zzxqj") == ()


def test_the_position_of_a_misspelling_is_found_by_line_and_column() -> None:
    """``at`` finds the misspelt word under a column, its end included."""
    text = "INT. ROOM - DAY\n\nA bad wrod here.\n"
    analysis = writing.analyse(text=text)
    result = spelling.check(source=analysis.source, text=text)
    assert result.at(2, 6) == (6, 10, "wrod")
    assert result.at(2, 10) == (6, 10, "wrod")
    assert result.at(2, 11) is None
    assert result.count == 1


def test_a_line_edited_between_checks_is_read_again() -> None:
    """Lines remembered from one check never hide an edit made before the next."""
    text = "INT. ROOM - DAY\n\nA bad wrod here.\n\nAnother line.\n"
    assert misspelt(text) == ["wrod"]
    assert misspelt(text.replace("wrod", "word")) == []
    assert misspelt(text.replace("Another", "Anothr")) == ["wrod", "Anothr"]
    outside = "INT. ROOM - DAY\n\nA bad note\nwrod here]]\n"
    assert misspelt(outside) == ["wrod"]
    assert misspelt(outside.replace("bad note", "bad [[note")) == []  # same line, now a note


def test_word_lists_persist_and_concurrent_additions_are_all_kept(tmp_path: Path) -> None:
    """Words added from several threads at once are all in the file afterwards."""
    path = spelling.personal_dictionary(tmp_path)
    assert spelling.read_words(path) == frozenset()
    words = [f"word{n}x" for n in range(40)]
    threads = [
        threading.Thread(target=spelling.add_words, args=(path, words[n::4])) for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert spelling.read_words(path) == frozenset(words)
    assert spelling.add_words(path, ["word0x"]) == frozenset(words)
    ignored = spelling.ignore_list(tmp_path, "abc")
    spelling.add_words(ignored, ["Zorblat"])
    assert spelling.read_words(ignored) == {"Zorblat"}
    assert spelling.read_words(path) == frozenset(words)


def test_the_word_list_read_in_steps_is_the_one_the_library_reads() -> None:
    """The checker loaded in GIL-friendly steps knows the same words, counts, alphabet
    and longest word as pyspellchecker's own English loader."""
    from spellchecker import SpellChecker

    ours = spelling.dictionary().word_frequency
    theirs = SpellChecker(language="en").word_frequency
    assert ours.dictionary == theirs.dictionary
    assert ours.letters == theirs.letters
    assert ours.longest_word_length == theirs.longest_word_length


def test_a_check_calls_its_pause_between_stretches_and_waits_in_it() -> None:
    """``pause`` is called every PAUSE_EVERY lines; a check blocked in it does not finish
    until the pause returns (the Write room blocks there while keys arrive)."""
    text = "\n\n".join(f"Line {n} of teh action." for n in range(4 * spelling.PAUSE_EVERY))
    reading = writing.analyse(text=text)
    calls: list[int] = []
    spelling.check(source=reading.source, text=text, pause=lambda: calls.append(1))
    assert len(calls) >= 4  # (8 x PAUSE_EVERY lines, half of them blank)
    spelling._line_cache.clear()

    gate = threading.Event()
    result: list[spelling.SpellCheck] = []
    worker = threading.Thread(
        target=lambda: result.append(
            spelling.check(source=reading.source, text=text, pause=gate.wait)
        )
    )
    worker.start()
    worker.join(0.3)
    assert worker.is_alive()  # held in its pause
    assert not result
    gate.set()
    worker.join(10)
    assert result
    assert len(result[0].lines) == 4 * spelling.PAUSE_EVERY
