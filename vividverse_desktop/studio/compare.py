"""Compare two versions of a script: scenes added, removed, moved and edited, and a
side-by-side line diff inside each touched scene.

Scenes are matched first in order by heading and content (the longest common run);
a scene left over on both sides with the same heading and content is *moved*; one with
the same heading, or mostly the same lines, is *edited* (and may have moved too);
what is left is *added* or *removed*. Rows are the scene's Fountain lines side by side,
tagged as ``difflib`` tags them, a replaced stretch paired line by line.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from vividverse_desktop.core.screenplay.model import Screenplay
from vividverse_desktop.studio.errors import StudioError

if TYPE_CHECKING:
    from vividverse_desktop.store import LocalStore

RowTag = Literal["equal", "insert", "delete", "replace"]
ChangeKind = Literal["added", "removed", "edited", "moved"]
SIMILAR = 0.5  # share of lines two scenes must have in common to be one scene edited


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of a side-by-side diff: the old line, the new line (None: no line there),
    their 1-based line numbers in the old and new text, and the tag."""

    left: str | None
    right: str | None
    tag: RowTag
    left_line: int | None = None
    right_line: int | None = None


@dataclass(frozen=True, slots=True)
class SceneChange:
    """A scene that was added, removed, moved or edited between the two versions.

    ``heading`` and ``number`` are the new version's (the old one's for a removed
    scene); ``old_index``/``new_index`` are 0-based positions among each version's
    scenes (None where the scene is absent); ``moved`` says an edited scene also
    changed place; ``rows`` is the side-by-side diff of the scene's lines.
    """

    change: ChangeKind
    heading: str
    number: str
    old_index: int | None = None
    new_index: int | None = None
    moved: bool = False
    rows: tuple[DiffRow, ...] = ()


@dataclass(frozen=True, slots=True)
class ScriptDiff:
    """What changed between two texts: a unified diff and the scenes touched.

    ``unified`` is the text diff (``---``/``+++`` headers, ``@@`` hunks); ``added`` and
    ``removed`` count changed lines; ``scenes`` lists touched scenes in the new
    version's order (a removed scene where it stood).
    """

    old_label: str
    new_label: str
    unified: tuple[str, ...]
    added: int
    removed: int
    scenes: tuple[SceneChange, ...]

    @property
    def same(self) -> bool:
        """Whether the two texts are identical."""
        return not self.unified


def side_by_side(
    old: Sequence[str], new: Sequence[str], *, old_start: int = 1, new_start: int = 1
) -> tuple[DiffRow, ...]:
    """Rows pairing ``old`` and ``new`` lines; ``*_start`` number their first lines."""
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow(old[a0 + k], new[b0 + k], "equal", old_start + a0 + k, new_start + b0 + k)
                for k in range(a1 - a0)
            )
            continue
        for k in range(max(a1 - a0, b1 - b0)):
            a, b = a0 + k, b0 + k
            left = old[a] if a < a1 else None
            right = new[b] if b < b1 else None
            row_tag: RowTag = (
                "replace"
                if left is not None and right is not None
                else ("delete" if right is None else "insert")
            )
            rows.append(
                DiffRow(
                    left,
                    right,
                    row_tag,
                    old_start + a if left is not None else None,
                    new_start + b if right is not None else None,
                )
            )
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class _Scene:
    heading: str
    number: str
    key: tuple[str, str]
    first: int  # 1-based first source line
    lines: tuple[str, ...]


def _scenes(screenplay: Screenplay, lines: Sequence[str]) -> list[_Scene]:
    """Each scene with its content key and its source lines (trailing blanks dropped)."""
    scenes = screenplay.scenes()
    found: list[_Scene] = []
    for n, scene in enumerate(scenes):
        first = scene.heading.line
        end = scenes[n + 1].heading.line - 1 if n + 1 < len(scenes) else len(lines)
        own = list(lines[first - 1 : end])
        while own and not own[-1].strip():
            own.pop()
        body = "\n".join(element.text for element in scene.elements)
        heading = scene.heading.plain_text()
        found.append(_Scene(heading, scene.number, (heading, body), first, tuple(own)))
    return found


def diff_texts(old: str, new: str, *, old_label: str = "old", new_label: str = "new") -> ScriptDiff:
    """The line diff and scene changes between two Fountain texts (linear in practice)."""
    from vividverse_desktop.core.screenplay.fountain import parse

    old_lines, new_lines = old.splitlines(), new.splitlines()
    unified = tuple(
        line.rstrip("\n")
        for line in difflib.unified_diff(
            old_lines, new_lines, old_label, new_label, n=2, lineterm=""
        )
    )
    added = sum(1 for line in unified if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in unified if line.startswith("-") and not line.startswith("---"))
    scenes = _scene_changes(_scenes(parse(old), old_lines), _scenes(parse(new), new_lines))
    return ScriptDiff(old_label, new_label, unified, added, removed, scenes)


def diff_versions(*, store: LocalStore, old_version_id: str, new_version_id: str) -> ScriptDiff:
    """The diff between two versions of a script held here (labels 'version N')."""
    old, new = store.script_version(old_version_id), store.script_version(new_version_id)
    if old is None or new is None:
        missing = old_version_id if old is None else new_version_id
        raise StudioError(f"no script version {missing} here; sync first")
    return diff_texts(
        old.fountain_text,
        new.fountain_text,
        old_label=f"version {old.n}",
        new_label=f"version {new.n}",
    )


def _scene_changes(old: Sequence[_Scene], new: Sequence[_Scene]) -> tuple[SceneChange, ...]:
    """Added, removed, moved and edited scenes, in the new version's order."""
    matcher = difflib.SequenceMatcher(
        a=[s.key for s in old], b=[s.key for s in new], autojunk=False
    )
    anchors: dict[int, int] = {}  # new index -> old index of scenes matched in order
    for a0, b0, size in matcher.get_matching_blocks():
        anchors.update({b0 + k: a0 + k for k in range(size)})
    old_left = [i for i in range(len(old)) if i not in set(anchors.values())]
    new_left = [j for j in range(len(new)) if j not in anchors]
    pairs: dict[int, int] = {}
    for same in (
        lambda o, n: o.key == n.key,
        lambda o, n: o.heading == n.heading,
        lambda o, n: _similarity(o.lines[1:], n.lines[1:]) >= SIMILAR,
    ):
        for j in new_left:
            if j in pairs:
                continue
            i = next((i for i in old_left if same(old[i], new[j])), None)
            if i is not None:
                pairs[j] = i
                old_left.remove(i)
    ordered = sorted(anchors.items())
    changes: list[tuple[float, SceneChange]] = []
    for j, i in pairs.items():
        o, n = old[i], new[j]
        moved = _out_of_order(ordered, i, j)
        if o.key == n.key:
            changes.append((j, SceneChange("moved", n.heading, n.number, i, j, True)))
            continue
        rows = side_by_side(o.lines, n.lines, old_start=o.first, new_start=n.first)
        changes.append((j, SceneChange("edited", n.heading, n.number, i, j, moved, rows)))
    for j in new_left:
        if j not in pairs:
            n = new[j]
            rows = side_by_side((), n.lines, new_start=n.first)
            changes.append((j, SceneChange("added", n.heading, n.number, None, j, False, rows)))
    for i in old_left:
        o = old[i]
        before = max((b for b, a in ordered if a < i), default=-1)
        rows = side_by_side(o.lines, (), old_start=o.first)
        changes.append(
            (before + 0.5, SceneChange("removed", o.heading, o.number, i, None, False, rows))
        )
    changes.sort(key=lambda pair: pair[0])
    return tuple(change for _, change in changes)


def _similarity(old: Sequence[str], new: Sequence[str]) -> float:
    """Share of non-blank lines two scene bodies have in common (0 when both are empty)."""
    a, b = [line for line in old if line.strip()], [line for line in new if line.strip()]
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()


def _out_of_order(anchors: list[tuple[int, int]], old: int, new: int) -> bool:
    """Whether old scene ``old`` at new place ``new`` breaks the order of the in-order matches."""
    before = [a for b, a in itertools.takewhile(lambda pair: pair[0] < new, anchors)]
    after = [a for b, a in anchors if b > new]
    return (bool(before) and max(before) > old) or (bool(after) and min(after) < old)


def scratch_versions(
    *, folder: Path, texts: Sequence[str], user_id: str = "00000000-0000-4000-8000-0000000000e1"
) -> tuple[LocalStore, str]:
    """A new store in ``folder`` holding one script whose versions are ``texts`` (oldest
    first), submitted offline by ``user_id``: for screenshots and demonstrations. The
    caller closes the store."""
    from vividverse_desktop.store import LocalStore
    from vividverse_desktop.studio.writing import submit_draft

    store = LocalStore.open(folder / "versions.sqlite3")
    script_id = ""
    for text in texts:
        script_id = submit_draft(
            store=store, user_id=user_id, text=text, script_id=script_id
        ).script_id
    return store, script_id
