"""The Fountain writer: parse -> write -> parse keeps the model; write is a fixed point."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.scriptgen import feature_script
from vividverse_desktop.core.screenplay import (
    Boneyard,
    DualSide,
    Element,
    ElementKind,
    Screenplay,
    Span,
    Style,
    parse,
    write,
)
from vividverse_desktop.core.screenplay.writer import element_lines

K = ElementKind
BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BRIEF = settings(BOUNDED, max_examples=100)

# Words that look like markup, forcing marks, headings, transitions, cues; odd text.
TRICKY = [
    "INT.",
    "EXT",
    "I/E",
    "CUT",
    "TO:",
    "FADE",
    "@",
    "!",
    "~",
    ">",
    "<",
    "=",
    "==",
    "===",
    "#",
    "^",
    "(",
    ")",
    "(beat)",
    "[[",
    "]]",
    "[",
    "]",
    "/*",
    "*/",
    "*",
    "**",
    "***",
    "_",
    "__",
    "\\",
    "\\*",
    "...",
    "..",
    ".",
    ":",
    "Title:",
    "Bob",
    "BOB",
    "bob",
    "McCLANE",
    "МАША",
    "小明",
    "é",
    "naïve",
    "«quote»",
    "1",
    "12A",
    "-",
    "TO",
    "—",
    "a\u2028b",
]
WORD = st.sampled_from(TRICKY) | st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=6,
)
SAFE_WORD = st.sampled_from(["alpha", "BETA", "Gamma", "é", "小明", "12", "x-y", "МАША"])
# Boneyard marks and their neighbours: escaped in marked-up text, kept as-is where the
# model holds text verbatim (title-page values, notes, cue extensions).
SLASH_WORD = st.sampled_from(["/*", "*/", "/", "*", "a/*b", "x*/y", "\\/*", "\\", "\\\\/*"])
RAW_WORD = SAFE_WORD | SLASH_WORD
UPPER_WORD = st.sampled_from(["BOB", "MARGOT", "DR.", "МАША", "O'NEIL", "R2D2", "ΣΩΚΡΑΤΗΣ"])
STYLE_SETS = st.sampled_from(
    [
        (),
        (),
        (),
        (Style.ITALIC,),
        (Style.BOLD,),
        (Style.UNDERLINE,),
        (Style.BOLD, Style.ITALIC),
        (Style.ITALIC, Style.UNDERLINE),
        (Style.BOLD, Style.ITALIC, Style.UNDERLINE),
    ]
)


@st.composite
def styled_line(draw: st.DrawFn, words: st.SearchStrategy[str] = WORD) -> tuple[str, list[Span]]:
    """A line of words (some separated by a bare ``/``), some styled as whole words,
    maybe one an inline note."""
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    for index in range(draw(st.integers(1, 5))):
        if index:
            parts.append(draw(st.sampled_from(" " * 3 + "/")))
            pos += 1
        if draw(st.integers(0, 9)) == 0:
            note = " ".join(draw(st.lists(RAW_WORD, min_size=1, max_size=3)))
            spans.append(Span(pos, pos + len(note), Style.NOTE))
            word = note
        else:
            word = draw(words)
            spans.extend(Span(pos, pos + len(word), style) for style in draw(STYLE_SETS))
        parts.append(word)
        pos += len(word)
    return "".join(parts), spans


@st.composite
def styled_text(
    draw: st.DrawFn, max_lines: int = 3, indent: bool = False
) -> tuple[str, tuple[Span, ...]]:
    """Lines of styled words (spans shifted into place); inner lines may be empty."""
    lines: list[str] = []
    spans: list[Span] = []
    offset = 0
    count = draw(st.integers(1, max_lines))
    for number in range(count):
        if 0 < number < count - 1 and draw(st.integers(0, 4)) == 0:
            line, line_spans = "", list[Span]()
        else:
            line, line_spans = draw(styled_line())
            if indent and draw(st.integers(0, 3)) == 0:
                pad = draw(st.sampled_from(["  ", "\t", "    "]))
                line = pad + line
                line_spans = [
                    Span(s.start + len(pad), s.end + len(pad), s.style) for s in line_spans
                ]
        spans.extend(Span(s.start + offset, s.end + offset, s.style) for s in line_spans)
        lines.append(line)
        offset += len(line) + 1
    return "\n".join(lines), tuple(sorted(spans, key=lambda s: (s.start, s.end, s.style.value)))


def plain_words(words: st.SearchStrategy[str], most: int = 4) -> st.SearchStrategy[str]:
    """Words joined by single spaces."""
    return st.lists(words, min_size=1, max_size=most).map(" ".join)


@st.composite
def speech(draw: st.DrawFn, dual: DualSide | None) -> list[Element]:
    """A cue and its parentheticals, dialogue and sung lines (never two dialogue or two
    lyrics elements in a row: their lines would read back as one)."""
    if draw(st.booleans()):
        name = draw(plain_words(UPPER_WORD, 2))
    else:
        name = draw(plain_words(WORD.filter(lambda w: "(" not in w and "^" not in w), 2))
    extensions = tuple(
        draw(
            st.lists(st.sampled_from(["V.O.", "O.S.", "CONT'D", "on radio"]) | RAW_WORD, max_size=2)
        )
    )
    out = [Element(K.CHARACTER, name, 0, 0, (), None, extensions, dual, 0, draw(st.booleans()))]
    last = K.CHARACTER
    for _ in range(draw(st.integers(0, 4))):
        if last is not K.LYRICS and draw(st.integers(0, 3)) == 0:
            lines = draw(st.lists(plain_words(WORD), min_size=1, max_size=2))
            out.append(Element(K.LYRICS, "\n".join(lines), 0, 0, dual=dual))
            last = K.LYRICS
        elif last is not K.DIALOGUE and draw(st.booleans()):
            text, spans = draw(styled_text())
            out.append(Element(K.DIALOGUE, text, 0, 0, spans, dual=dual))
            last = K.DIALOGUE
        else:
            lines = draw(st.lists(plain_words(SAFE_WORD | SLASH_WORD, 3), min_size=1, max_size=2))
            text = "(" + "\n".join(lines) + ")"
            out.append(Element(K.PARENTHETICAL, text, 0, 0, dual=dual))
            last = K.PARENTHETICAL
    return out


@st.composite
def block(draw: st.DrawFn) -> list[Element]:
    """One element, or a speech, or a dual-dialogue pair."""
    kind = draw(st.sampled_from([*K, "speech", "dual"]))
    forced = draw(st.booleans())
    if kind == "speech":
        return draw(speech(None))
    if kind == "dual":
        return draw(speech(DualSide.LEFT)) + draw(speech(DualSide.RIGHT))
    if kind is K.ACTION:
        text, spans = draw(styled_text(indent=True))
        return [Element(K.ACTION, text, 0, 0, spans, forced=forced)]
    if kind in (K.CHARACTER, K.DIALOGUE, K.PARENTHETICAL):
        return draw(speech(None))
    if kind is K.SCENE_HEADING:
        prefix = draw(st.sampled_from(["INT. ", "EXT. ", "int. ", "I/E ", "", "INT./EXT. "]))
        words = plain_words(WORD.filter(lambda w: "#" not in w))
        text = prefix + draw(words)
        number = draw(st.none() | st.sampled_from(["1", "12A", "I-1-A", "110.5"]))
        return [Element(K.SCENE_HEADING, text, 0, 0, (), number, forced=forced)]
    if kind is K.TRANSITION:
        text = draw(
            st.sampled_from(["CUT TO:", "SMASH CUT TO:", "Fade out.", "DISSOLVE:"])
            | plain_words(WORD)
        )
        if text.endswith("<"):
            text += "."
        return [Element(K.TRANSITION, text, 0, 0, (), forced=forced)]
    if kind in (K.CENTERED, K.LYRICS):
        lines = draw(st.lists(plain_words(WORD), min_size=1, max_size=3))
        return [Element(kind, "\n".join(lines), 0, 0)]
    if kind is K.SECTION:
        return [Element(K.SECTION, draw(plain_words(WORD)), 0, 0, level=draw(st.integers(1, 4)))]
    if kind is K.SYNOPSIS:
        return [Element(K.SYNOPSIS, draw(plain_words(WORD)), 0, 0)]
    if kind is K.NOTE:
        lines = draw(st.lists(plain_words(RAW_WORD), min_size=1, max_size=3))
        return [Element(K.NOTE, "\n".join(lines), 0, 0)]
    return [Element(K.PAGE_BREAK, "", 0, 0)]


@st.composite
def screenplays(draw: st.DrawFn) -> Screenplay:
    """Screenplays of every kind of element, odd text, title pages and boneyards."""
    elements = [e for b in draw(st.lists(block(), max_size=8)) for e in b]
    title_page = {}
    if draw(st.booleans()):
        for key in draw(
            st.lists(
                st.sampled_from(["Title", "Credit", "Author", "Draft date", "Notes"]), unique=True
            )
        ):
            title_page[key] = "\n".join(draw(st.lists(plain_words(RAW_WORD), max_size=2)))
    bones = tuple(
        Boneyard(draw(plain_words(WORD.filter(lambda w: "*/" not in w))), 0, at)
        for at in sorted(draw(st.lists(st.integers(0, len(elements)), max_size=2)))
    )
    return parseable(Screenplay(title_page, tuple(elements), bones))


def opener_at(text: str, start: int = 0) -> int:
    """Index of the first ``/*`` at or after ``start`` not escaped by an odd run of
    backslashes (a boneyard's opening), or -1."""
    at = text.find("/*", start)
    while at >= 0:
        slashes = len(text[:at]) - len(text[:at].rstrip("\\"))
        if slashes % 2 == 0:
            return at
        at = text.find("/*", at + 1)
    return at


def parseable(screenplay: Screenplay) -> Screenplay:
    """The model made one that parse can produce, where verbatim text holds ``/*``.

    In Fountain that parses, a literal ``/*`` is never closed: no ``*/`` and no
    boneyard comes after the first one. So each ``*/`` in verbatim text after it
    becomes ``*x`` (same length, spans stay put), and boneyards that could only be
    written after it move up to the last ``before`` that can still precede it: the
    first element for a title-page ``/*``, the element holding it if on its first line,
    else the next one.
    """
    found: list[int] = []  # [limit] once the first literal "/*" is seen

    def clean(text: str, element: int, line_of: int) -> str:
        if not found:
            at = opener_at(text)
            if at < 0:
                return text
            lines_before = text[:at].count("\n") + line_of
            found.append(0 if element < 0 else element + (1 if lines_before else 0))
            return text[: at + 2] + text[at + 2 :].replace("*/", "*x")
        return text.replace("*/", "*x")

    title_page = {key: clean(value, -1, 0) for key, value in screenplay.title_page.items()}
    elements: list[Element] = []
    for index, original in enumerate(screenplay.elements):
        element = original
        if element.kind is K.NOTE:
            element = dataclasses.replace(element, text=clean(element.text, index, 0))
        elif element.extensions:
            extensions = tuple(clean(e, index, 0) for e in element.extensions)
            element = dataclasses.replace(element, extensions=extensions)
        for span in element.spans:
            if span.style is Style.NOTE:
                text = element.text
                note = clean(text[span.start : span.end], index, text[: span.start].count("\n"))
                element = dataclasses.replace(
                    element, text=text[: span.start] + note + text[span.end :]
                )
        elements.append(element)
    bones = screenplay.boneyards
    if found:
        bones = tuple(dataclasses.replace(b, before=min(b.before, found[0])) for b in bones)
    return Screenplay(title_page, tuple(elements), bones)


def shape(screenplay: Screenplay, forced: bool = True) -> tuple[object, ...]:
    """The model without source line numbers (and without ``forced`` if asked)."""
    elements = [
        dataclasses.replace(e, line=0, end_line=0, forced=e.forced if forced else False)
        for e in screenplay.elements
    ]
    bones = [(b.text, b.before) for b in screenplay.boneyards]
    return dict(screenplay.title_page), elements, bones


@BOUNDED
@given(screenplays())
def test_generated_models_survive_write_then_parse(screenplay: Screenplay) -> None:
    """parse(write(model)) is the model; forcing is only ever added, never lost."""
    again = parse(write(screenplay))
    assert shape(again, forced=False) == shape(screenplay, forced=False)
    for want, got in zip(screenplay.elements, again.elements, strict=True):
        assert got.forced or not want.forced


@BOUNDED
@given(screenplays())
def test_writing_is_a_fixed_point_after_one_round(screenplay: Screenplay) -> None:
    """write(parse(write(model))) == write(model)."""
    text = write(screenplay)
    assert write(parse(text)) == text


FOUNTAIN_LINES = st.sampled_from(
    [
        "",
        "",
        "",
        "  ",
        "   ",
        "INT. HOUSE - DAY",
        "ext. field #3#",
        "BOB",
        "Bob",
        "МАША",
        "小明",
        "@bob",
        "BOB (V.O.)",
        "ALICE ^",
        "(beat)",
        "(open",
        "close)",
        "(a) and (b)",
        "Hello there.",
        "CUT TO:",
        ">FADE OUT.",
        "> THE END <",
        "~la la",
        "= synopsis",
        "# Act",
        "### deep",
        "===",
        "[[note",
        "note]]",
        "[[whole note]]",
        "[[a]] b",
        "/* bone",
        "bone */",
        "/* inline */ text",
        "*italic* and **bold**",
        "_under_ ***both***",
        "\\*star\\*",
        "a * b _ c",
        "!INT. FORCED",
        ".HEADING",
        "...ellipsis",
        "..",
        "Title: X",
        "\tindented",
        "    INT. INDENTED",
        "!  !bang",
        "trailing   ",
        "C:\\path\\*",
        "**unclosed",
        "_a*b_c*",
        "[[",
        "]]",
        "*/",
        "/*",
        "@",
        "!",
        ".",
        ">",
        "~",
        "#",
        "=",
        # literal boneyard marks where the model keeps text verbatim or escaped
        "Title: /*",
        "Notes: */ x",
        "    /* indented",
        "[[n /*]]",
        "[[a */ b]]",
        "[[open /*",
        "/*]]",
        "a [[b /* c",
        "d */ e]]",
        "BOB (/*)",
        "BOB (*/) ^",
        "BOB (V.O. \\/*)",
        "(aside /*)",
        "# sec /*",
        "= syn */",
        "> /* <",
        "~ */ la",
        "INT. ROOM #/*#",
        "EXT. YARD #1# */",
        "*a*\\/",
        "\\/*b*",
        "\\*\\/",
        "\\/*",
        "\\\\/*",
    ]
) | st.text(st.sampled_from("*_\\[]/!@#=~>.<( )aB\t:^"), max_size=8)


@BOUNDED
@given(st.lists(FOUNTAIN_LINES, max_size=25), st.sampled_from(["\n", "\r\n"]))
def test_parsed_text_survives_write_then_parse_exactly(lines: list[str], newline: str) -> None:
    """For any parsed text, parse(write(parse(x))) == parse(x), forcing included."""
    model = parse(newline.join(lines))
    text = write(model)
    assert shape(parse(text)) == shape(model)
    assert write(parse(text)) == text


def test_feature_script_round_trips() -> None:
    """A whole generated feature script survives write and parse unchanged."""
    model = parse(feature_script(30, seed=7, boneyard=True))
    assert shape(parse(write(model))) == shape(model)


def test_writer_forces_what_would_read_as_another_kind() -> None:
    """Action that looks like a heading, a lower-case cue and a plain-case heading get marks."""
    model = Screenplay(
        {},
        (
            Element(K.ACTION, "INT. NOT A HEADING", 0),
            Element(K.CHARACTER, "mcclane", 0),
            Element(K.DIALOGUE, "Hi.", 0),
            Element(K.SCENE_HEADING, "SNIPER SCOPE POV", 0),
            Element(K.TRANSITION, "Fade out.", 0),
        ),
    )
    assert write(model) == (
        "!INT. NOT A HEADING\n\n@mcclane\nHi.\n\n.SNIPER SCOPE POV\n\n>Fade out.\n"
    )


def test_writer_escapes_literal_markup() -> None:
    """Literal asterisks, underscores, backslashes and brackets are escaped."""
    model = Screenplay({}, (Element(K.ACTION, "a*b_c\\d [[e", 0),))
    assert write(model) == "a\\*b\\_c\\\\d \\[\\[e\n"


def test_writer_puts_boneyard_before_its_element() -> None:
    """A boneyard is written on its own line just before the element it preceded."""
    model = Screenplay(
        {"Title": "T"},
        (Element(K.CHARACTER, "BOB", 0), Element(K.DIALOGUE, "Hi.", 0)),
        (Boneyard(" (angry) ", 0, 1),),
    )
    assert write(model) == "Title: T\n\nBOB\n/* (angry) */\nHi.\n"


def test_a_paren_line_inside_a_dialogue_note_is_not_escaped() -> None:
    """A ``(`` line inside an inline note stays verbatim; outside one it is escaped."""
    model = parse("BOB\n[[note\n(\nnote]]\n\nBOB\nHi\n\\(there\n")
    assert [e.text for e in model.elements[1::2]] == ["note\n(\nnote", "Hi\n(there"]
    assert write(model) == "BOB\n[[note\n(\nnote]]\n\nBOB\nHi\n\\(there\n"


def parsed_lines(screenplay: Screenplay) -> list[tuple[int, int]]:
    """Where the parser finds each element of the written text: (line, last line)."""
    return [(e.line, e.last_line) for e in parse(write(screenplay)).elements]


@BRIEF
@given(screenplays())
def test_element_lines_are_where_the_parser_finds_the_elements(screenplay: Screenplay) -> None:
    """element_lines(model) gives each element's (first, last) line in parse(write(model))."""
    bare = dataclasses.replace(screenplay, boneyards=())
    assert list(element_lines(bare)) == parsed_lines(bare)


@BRIEF
@given(screenplays())
def test_element_lines_start_where_the_parser_starts_with_boneyards(
    screenplay: Screenplay,
) -> None:
    """With boneyards written between elements, each element still starts where parsed."""
    assert [first for first, _last in element_lines(screenplay)] == [
        first for first, _last in parsed_lines(screenplay)
    ]


def test_element_lines_count_the_title_page_and_speech_without_blanks() -> None:
    """A two-line title field, a blank, then a speech written without blank lines."""
    model = Screenplay(
        {"Title": "T", "Contact": "a\nb"},
        (
            Element(K.SCENE_HEADING, "INT. HALL - DAY", 0),
            Element(K.CHARACTER, "BOB", 0),
            Element(K.PARENTHETICAL, "(low\nand slow)", 0),
            Element(K.DIALOGUE, "Hi.\nThere.", 0),
            Element(K.ACTION, "He goes.", 0),
        ),
    )
    lines = write(model).split("\n")
    places = element_lines(model)
    assert [lines[first - 1] for first, _last in places] == [
        "INT. HALL - DAY",
        "BOB",
        "(low",
        "Hi.",
        "He goes.",
    ]
    assert [last - first for first, last in places] == [0, 0, 1, 1, 0]


def test_element_lines_follow_the_blank_line_before_a_key_like_first_line() -> None:
    """Without a title page, a first line that reads as ``Key:`` is pushed down one line."""
    model = Screenplay({}, (Element(K.ACTION, "Notes: none.", 0), Element(K.ACTION, "Go.", 0)))
    assert write(model) == "\nNotes: none.\n\nGo.\n"
    assert element_lines(model) == ((2, 2), (4, 4))


def test_element_lines_of_a_feature_script_match_its_parse() -> None:
    """Every element of a generated feature script is placed where its own source had it."""
    model = parse(write(parse(feature_script(30, seed=11))))
    assert list(element_lines(model)) == [(e.line, e.last_line) for e in model.elements]
