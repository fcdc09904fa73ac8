"""The workbook's nbgrader notebooks as data: assignments, graded cells, and the text that must
never reach learners.

Pure helpers (a notebook or a folder in, data out); no nbgrader import, so they are fast and
testable without a kernel. The instructor commands and the tests build on them:

- :func:`assignments` lists the source assignments of a course (``exercises/<id>/*.ipynb``);
- :func:`graded_cells` lists every cell that carries points, with its principle
  (``metadata["warmline"]["principle"]``);
- :func:`secret_lines` lists every line of a solution, hidden-test or mark-scheme region (and of
  a Markdown solution cell without markers, which nbgrader replaces whole);
- :func:`find_leaks` scans a folder (notebooks with their outputs, HTML, any text) for those
  lines, after undoing what rendering does to them (HTML tags and entities, Markdown markers,
  line wrapping).
"""

from __future__ import annotations

import fnmatch
import html.parser
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .answers import FILE_NAME

# Files a learner's widgets write beside a notebook. None may sit in a source assignment:
# nbgrader would ship it to every learner and copy it over their answers when grading.
ANSWER_FILE_PATTERNS = (FILE_NAME, f"{FILE_NAME}.*", f".{FILE_NAME}.*")
REGIONS = {
    "solution": ("BEGIN SOLUTION", "END SOLUTION"),
    "hidden test": ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
    "mark scheme": ("=== BEGIN MARK SCHEME ===", "=== END MARK SCHEME ==="),
}
# Lines shorter than this (after normalising) are too common to prove a leak ("```", "pass").
MIN_SECRET_CHARS = 12

CellKind = Literal["test", "answer", "task"]


@dataclass(frozen=True, slots=True)
class Assignment:
    id: str
    folder: Path
    notebooks: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class GradedCell:
    """A cell that carries points: an autograded test, a manually graded answer or a task."""

    notebook: str
    grade_id: str
    kind: CellKind
    points: float
    principle: str | None
    source: str


@dataclass(frozen=True, slots=True)
class SecretLine:
    notebook: str
    grade_id: str | None
    region: str
    text: str


@dataclass(frozen=True, slots=True)
class Leak:
    path: Path
    secret: SecretLine


# --- reading notebooks ---------------------------------------------------------------------------


def read_notebook(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValueError(f"{path}: not a notebook (no list of cells)")
    return data


def source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def nbgrader_meta(cell: Mapping[str, Any]) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def principle_of(cell: Mapping[str, Any]) -> str | None:
    value = cell.get("metadata", {}).get("warmline", {}).get("principle")
    return value if isinstance(value, str) else None


def assignments(source_dir: Path) -> list[Assignment]:
    """The assignments under ``source_dir``: each folder holding at least one notebook."""
    result: list[Assignment] = []
    if not source_dir.is_dir():
        return result
    for folder in sorted(p for p in source_dir.iterdir() if p.is_dir()):
        notebooks = tuple(sorted(
            p for p in folder.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts))
        if notebooks and not folder.name.startswith("."):
            result.append(Assignment(folder.name, folder, notebooks))
    return result


def graded_cells(nb: Mapping[str, Any], notebook: str = "") -> list[GradedCell]:
    """Every cell of ``nb`` that carries points, in order."""
    result = []
    for cell in nb.get("cells", []):
        meta = nbgrader_meta(cell)
        if not (meta.get("grade") or meta.get("task")):
            continue
        kind: CellKind = ("task" if meta.get("task") else
                          "answer" if meta.get("solution") else "test")
        result.append(GradedCell(notebook, str(meta.get("grade_id", "")), kind,
                                 float(meta.get("points", 0)), principle_of(cell),
                                 source(cell)))
    return result


def regions(text: str, region: str) -> Iterator[list[str]]:
    """The lines inside each ``region`` (see :data:`REGIONS`) of ``text``, markers excluded."""
    begin, end = REGIONS[region]
    inside: list[str] | None = None
    for line in text.split("\n"):
        if begin in line:
            inside = []
        elif end in line and inside is not None:
            yield inside
            inside = None
        elif inside is not None:
            inside.append(line)
    if inside is not None:
        yield inside


def visible_source(text: str) -> str:
    """``text`` without its hidden-test, solution and mark-scheme regions (markers included)."""
    markers = [m for pair in REGIONS.values() for m in pair]
    kept, skipping = [], False
    for line in text.split("\n"):
        if any(m in line for m in markers):
            skipping = any(begin in line for begin, _ in REGIONS.values())
            continue
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


def secret_lines(nb: Mapping[str, Any], notebook: str = "") -> list[SecretLine]:
    """Every line a learner must never see: solution, hidden-test and mark-scheme regions, their
    markers, and the whole of a Markdown solution cell without markers."""
    result = []
    for cell in nb.get("cells", []):
        meta = nbgrader_meta(cell)
        text = source(cell)
        gid = meta.get("grade_id")
        found = False
        for region, (begin, end) in REGIONS.items():
            for lines in regions(text, region):
                found = True
                result += [SecretLine(notebook, gid, region, line) for line in lines]
            if begin in text:
                result += [SecretLine(notebook, gid, region, marker) for marker in (begin, end)]
        if not found and meta.get("solution") and cell.get("cell_type") == "markdown":
            result += [SecretLine(notebook, gid, "solution", line) for line in text.split("\n")]
    return [s for s in result if len(normalize(s.text)) >= MIN_SECRET_CHARS]


# --- scanning for leaks -----------------------------------------------------------------------

_LIST_MARKER = re.compile(r"^\s*(?:[-+*]|\d+[.)])\s+", re.MULTILINE)
_MARKUP = re.compile(r"[*_`#>|]+")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """``text`` as rendering leaves it: no Markdown markers, whitespace collapsed."""
    text = _LIST_MARKER.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def file_text(path: Path) -> str:
    """What a reader of ``path`` can see, as plain text (every string of a notebook, outputs
    included; the text of an HTML page, entities decoded)."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            return raw
        return "\n".join(_strings(data))
    if path.suffix in (".html", ".htm"):
        parser = _Text()
        parser.feed(raw)
        parser.close()
        return "".join(parser.parts)
    return raw


def find_leaks(folder: Path, secrets: Sequence[SecretLine]) -> list[Leak]:
    """Each (file, secret line) where a secret line appears in a file under ``folder``."""
    needles: dict[str, SecretLine] = {}
    for s in secrets:
        needles.setdefault(normalize(s.text), s)
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []:
        haystack = normalize(file_text(path))
        leaks += [Leak(path, s) for needle, s in needles.items() if needle in haystack]
    return leaks


def stray_answer_files(folder: Path) -> list[Path]:
    """Answers files (or their lock, backup and temporary files) anywhere under ``folder``."""
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*")
                  if any(fnmatch.fnmatch(p.name, pat) for pat in ANSWER_FILE_PATTERNS))


def exercise_ids(nb: Mapping[str, Any]) -> list[str]:
    """The exercise ids a notebook shows in widgets (``exercise("...")`` calls), in order."""
    found = re.findall(r"""\bexercise\(\s*["']([A-Za-z0-9._-]+)["']""",
                       "\n".join(source(c) for c in nb.get("cells", [])
                                 if c.get("cell_type") == "code"))
    return list(dict.fromkeys(found))


def principles_by_cell(notebooks: Iterable[tuple[str, str, Mapping[str, Any]]]) \
        -> dict[tuple[str, str, str], str]:
    """``{(assignment, notebook, grade_id): principle}`` for every graded cell with one."""
    return {(a, n, c.grade_id): c.principle
            for a, n, nb in notebooks for c in graded_cells(nb, n) if c.principle}
