"""Shared helpers for the workbook tests: fixture answers, and the workbook's test cells run
in-process (what nbgrader would score, without a kernel)."""

from __future__ import annotations

import ast
import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from warmline import _exercises as E
from warmline import _workbook as W
from warmline import answers as A

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
AUTOGRADER = ROOT / "autograder"
DATA = Path(__file__).parent / "data" / "workbook"
ASSIGNMENTS = [a.id for a in W.assignments(EXERCISES)]


def notebook_path(assignment: str) -> Path:
    return EXERCISES / assignment / f"{assignment}.ipynb"


def notebook(assignment: str) -> dict[str, Any]:
    return W.read_notebook(notebook_path(assignment))


def _resolve(eid: str, value: Any) -> A.JSONValue:
    """A fixture value as the widget would record it (MODEL, BARE, deck shorthands resolved)."""
    ex = E.exercise(eid)
    if ex.kind == "spot":
        deck = E.deck(ex.data)
        if "all" in value:
            return {it.id: value["all"] for it in deck.items}
        wrong = {"none": "genuine", "genuine": "mixed", "mixed": "transactional",
                 "transactional": "none"}
        return {it.id: it.label if i < value["right"] else wrong[it.label]
                for i, it in enumerate(deck.items)}
    if ex.kind == "rewrite" and value in ("MODEL", "BARE"):
        sc = E.scenario(ex.data)
        return sc.model_answer if value == "MODEL" else sc.bare
    if ex.kind == "intentions" and isinstance(value, dict) and value.get("draft") == "MODEL":
        return {**value, "draft": E.target(ex.data).model_draft}
    return value  # type: ignore[no-any-return]


def fixture_sets() -> dict[str, dict[str, A.JSONValue]]:
    raw = yaml.safe_load((DATA / "answers.yaml").read_text(encoding="utf-8"))
    return {name: {eid: _resolve(eid, v) for eid, v in answers.items()}
            for name, answers in raw.items()}


def expected() -> dict[str, Any]:
    return yaml.safe_load((DATA / "expected.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def record(folder: Path, answers: dict[str, A.JSONValue], only: list[str] | None = None) -> Path:
    """An answers file as the widgets record it, in ``folder`` (a learner's own machine)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / A.FILE_NAME
    for eid, value in answers.items():
        if only is None or eid in only:
            A.save_draft(eid, "a first draft" if isinstance(value, str) else value, path=path)
            A.record_answer(eid, value, path=path)
    return path


@contextlib.contextmanager
def working_folder(folder: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def run_cell(src: str) -> tuple[Any, Exception | None, str]:
    """Run a test cell's source as IPython would: (value of the last expression, error, stdout)."""
    # Imported here: importing warmline.grading makes it an attribute of the warmline package,
    # which the public-API test (run earlier) must not see.
    from warmline import grading as G

    namespace: dict[str, Any] = {name: getattr(G, name) for name in G.HELPERS}
    tree = ast.parse(src)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    value = error = None
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(tree, "<cell>", "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
        except Exception as e:
            error = e
    return value, error, out.getvalue()


def simulate(assignment: str, folder: Path, *, hidden: bool = True) -> dict[str, float]:
    """Each test cell's score as nbgrader gives it, with the answers file in ``folder``:
    0 on an error, 0 when the cell's value shows as ``0``, else its points."""
    scores = {}
    with working_folder(folder):
        for cell in W.graded_cells(notebook(assignment)):
            if cell.kind != "test":
                continue
            src = cell.source if hidden else W.visible_source(cell.source)
            value, error, _ = run_cell(src)
            failed = error is not None or (value is not None and repr(value) == "0")
            scores[cell.grade_id] = 0.0 if failed else cell.points
    return scores
