"""The graded workbook: nbgrader source notebooks in exercises/ and the grading helpers their
test cells call (warmline.grading).

Fast tests read the notebooks as data and run their test cells in-process (workbook.simulate);
slow tests run them in a real kernel with nbclient, the way JupyterLab's Run All and nbgrader
do. The full nbgrader round trip (release, grade, feedback) is in test_instructor.py.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import nbformat
import pytest

from warmline import _exercises as E
from warmline import _workbook as W
from warmline import answers as A

sys.path.insert(0, str(Path(__file__).parent))
import workbook as WB

ALL = WB.ASSIGNMENTS
SETS = WB.fixture_sets()
EXPECTED = WB.expected()
PRINCIPLES = {f"P{i}" for i in range(1, 7)}


def _G() -> Any:
    """warmline.grading, imported late: importing it makes it an attribute of the warmline
    package, which the public-API test (earlier in the run) must not see."""
    from warmline import grading

    return grading


def _tests(assignment: str) -> list[W.GradedCell]:
    return [c for c in W.graded_cells(WB.notebook(assignment)) if c.kind == "test"]


def _statements(src: str) -> list[ast.stmt]:
    return ast.parse(src).body


# --- the notebooks as data ------------------------------------------------------------------------


def test_there_are_three_assignments() -> None:
    assert ALL == ["bare-pings", "capstone", "intentions-and-asks"]


@pytest.mark.parametrize("assignment", ALL)
def test_notebook_is_valid_and_committed_without_outputs(assignment: str) -> None:
    nb = nbformat.read(WB.notebook_path(assignment), as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("assignment", ALL)
def test_cell_metadata_validates_with_nbgrader(assignment: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's import warns about deprecated modules
        from nbgrader.nbgraderformat import MetadataValidator

    nb = nbformat.read(WB.notebook_path(assignment), as_version=4)
    MetadataValidator().validate_nb(nb)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta:
            assert meta["schema_version"] == 3 and meta["task"] in (True, False)
            assert meta["grade_id"].startswith(assignment.split("-")[0])


@pytest.mark.parametrize("assignment", ALL)
def test_every_cell_with_points_names_its_principle(assignment: str) -> None:
    for cell in W.graded_cells(WB.notebook(assignment)):
        assert cell.principle in PRINCIPLES, cell.grade_id
        assert cell.points > 0


def test_the_graded_cells_cover_every_principle() -> None:
    graded = [c for a in ALL for c in W.graded_cells(WB.notebook(a)) if c.kind == "test"]
    assert {c.principle for c in graded} == PRINCIPLES


@pytest.mark.parametrize("assignment", ALL)
def test_every_widget_comes_before_the_first_check(assignment: str) -> None:
    """A check that fails (or raises) in a Run All can't hide an exercise that comes later."""
    cells = WB.notebook(assignment)["cells"]
    widgets = [i for i, c in enumerate(cells) if "exercise(" in W.source(c)]
    checks = [i for i, c in enumerate(cells) if W.nbgrader_meta(c).get("grade")
              and c["cell_type"] == "code"]
    assert widgets and checks and max(widgets) < min(checks)
    for i in widgets:  # read-only cells, no points
        meta = W.nbgrader_meta(cells[i])
        assert meta["locked"] and not meta["grade"] and not meta["solution"]


@pytest.mark.parametrize("assignment", ALL)
def test_test_cells_only_call_grading_helpers_and_end_with_an_answer_check(
        assignment: str) -> None:
    """No bare assert (its traceback would quote the cell), and a last statement whose value is
    0 points while nothing is recorded, in the student version and the full one."""
    G = _G()
    nb = WB.notebook(assignment)
    shown = set(W.exercise_ids(nb))
    for cell in _tests(assignment):
        for src in (cell.source, W.visible_source(cell.source)):
            body = _statements(src)
            assert body, cell.grade_id
            for stmt in body:
                assert isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
                func = stmt.value.func
                assert isinstance(func, ast.Name) and func.id in G.HELPERS, cell.grade_id
                first = stmt.value.args[0]
                assert isinstance(first, ast.Constant) and first.value in shown, cell.grade_id
            last = body[-1]
            assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            assert isinstance(last.value.func, ast.Name)
            assert last.value.func.id in G.ANSWER_CHECKS, cell.grade_id


@pytest.mark.parametrize("assignment", ALL)
def test_visible_and_hidden_tests(assignment: str) -> None:
    nb = WB.notebook(assignment)
    hidden = [s for s in W.secret_lines(nb) if s.region == "hidden test"]
    assert hidden, "every assignment has hidden tests"
    assert any("check_gaming_samples" in s.text for s in hidden)
    visible = W.normalize("\n".join(W.visible_source(W.source(c)) for c in nb["cells"]))
    for s in hidden:
        assert W.normalize(s.text) not in visible, f"hidden line also visible: {s.text}"
    for cell in _tests(assignment):
        assert W.visible_source(cell.source).strip(), "every test cell has a visible part"


@pytest.mark.parametrize("assignment", ALL)
def test_mark_schemes_are_in_manually_graded_task_cells(assignment: str) -> None:
    cells = WB.notebook(assignment)["cells"]
    tasks = 0
    for i, cell in enumerate(cells):
        meta = W.nbgrader_meta(cell)
        has_scheme = "=== BEGIN MARK SCHEME ===" in W.source(cell)
        assert has_scheme == bool(meta.get("task")), meta.get("grade_id")
        if has_scheme:
            tasks += 1
            # The learner answers in the Markdown cell right below (not a widget).
            answer = cells[i + 1]
            assert answer["cell_type"] == "markdown" and not W.nbgrader_meta(answer)
    assert tasks >= 1


@pytest.mark.parametrize("assignment", ALL)
def test_the_intro_states_the_points(assignment: str) -> None:
    nb = WB.notebook(assignment)
    intro = W.source(nb["cells"][0])
    auto = sum(c.points for c in W.graded_cells(nb) if c.kind == "test")
    manual = sum(c.points for c in W.graded_cells(nb) if c.kind != "test")
    m = re.search(r"\*\*Points:\*\* (\d+) for .*?checked automatically\), (\d+) for", intro,
                  re.DOTALL)
    assert m and (int(m.group(1)), int(m.group(2))) == (auto, manual)
    assert auto == EXPECTED[assignment]["max"]
    assert re.search(r"About \d+ minutes", intro)


# --- scores of the fixture answers, in-process ------------------------------------------------


@pytest.mark.parametrize("assignment", ALL)
@pytest.mark.parametrize("name", ["full", "partial", "gaming", "script", "blank"])
def test_fixture_answers_score_exactly_as_expected(assignment: str, name: str,
                                                   tmp_path: Path) -> None:
    if name != "blank":
        WB.record(tmp_path, SETS[name])
    scores = WB.simulate(assignment, tmp_path)
    want = EXPECTED[assignment]
    if name == "full":
        assert scores == {c.grade_id: c.points for c in _tests(assignment)}
    elif name == "blank":
        assert set(scores.values()) == {0.0}
    else:
        assert {k: v for k, v in scores.items() if v} == want[name]["cells"]
        assert sum(scores.values()) == want[name]["total"] < want["max"]


@pytest.mark.parametrize("assignment", ALL)
def test_every_visible_test_fails_on_a_blank_student_version(assignment: str,
                                                             tmp_path: Path) -> None:
    assert set(WB.simulate(assignment, tmp_path, hidden=False).values()) == {0.0}


# The gaming samples of each exercise kind (warmline.grading.gaming_samples; checked below).
GAMING = {"rewrite": ("bare", "generic", "keywords", "stuffed", "model"),
          "spot": ("all-none", "all-genuine", "all-mixed", "all-transactional"),
          "intentions": ("generic", "stuffed", "model"),
          "interest": ("generic", "twice", "model")}


def _gaming_params() -> list[Any]:
    return [pytest.param(a, eid, name, id=f"{eid}:{name}")
            for a in ALL for eid in W.exercise_ids(WB.notebook(a))
            for name in GAMING[E.exercise(eid).kind]]


def test_every_gaming_sample_is_tried() -> None:
    G = _G()
    for a in ALL:
        for eid in W.exercise_ids(WB.notebook(a)):
            assert tuple(G.gaming_samples(eid)) == GAMING[E.exercise(eid).kind]


@pytest.mark.parametrize(("assignment", "exercise_id", "sample"), _gaming_params())
def test_gaming_samples_score_below_full_marks(assignment: str, exercise_id: str, sample: str,
                                               tmp_path: Path) -> None:
    """Generic, keyword-stuffed, copied or bare answers never get every point of an exercise."""
    G = _G()
    A.record_answer(exercise_id, G.gaming_samples(exercise_id)[sample],
                    path=tmp_path / A.FILE_NAME)
    scores = WB.simulate(assignment, tmp_path)
    cells = [c for c in _tests(assignment) if f'"{exercise_id}"' in c.source]
    assert cells
    assert sum(scores[c.grade_id] for c in cells) < sum(c.points for c in cells)
    # And the grading self-check in the hidden tests agrees.
    assert G.check_gaming_samples(exercise_id) is None


def test_bare_and_generic_rewrites_get_nothing_keyword_lists_get_half(tmp_path: Path) -> None:
    G = _G()
    for sample, most in (("bare", 0), ("generic", 0), ("keywords", 2), ("stuffed", 1)):
        folder = tmp_path / sample
        folder.mkdir()
        A.record_answer("rewrite-boiler", G.gaming_samples("rewrite-boiler")[sample],
                        path=folder / A.FILE_NAME)
        scores = WB.simulate("bare-pings", folder)
        assert sum(v for k, v in scores.items() if "boiler" in k) == most, sample


# --- the grading helpers ----------------------------------------------------------------------


def test_a_failing_check_says_what_to_fix_and_shows_no_source(tmp_path: Path,
                                                              capsys: Any) -> None:
    G = _G()
    A.record_answer("rewrite-exam-clash", E.scenario("exam-clash").bare,
                    path=tmp_path / A.FILE_NAME)
    with WB.working_folder(tmp_path), pytest.raises(G.GradingError) as info:
        G.check_rewrite_answer("rewrite-exam-clash", "context", "carries")
    message = str(info.value)
    assert message.startswith("✗ Not yet: 2 of 2 checks")
    assert "can't learn which exams (Statistics 2 and Organic Chemistry)" in message
    assert "click “Record answer”" in message
    lines = info.value._render_traceback_()
    assert "check_rewrite_answer" not in "".join(lines)
    assert [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines] == message.splitlines()
    assert isinstance(info.value, AssertionError)
    out = capsys.readouterr()
    assert "Could someone call me back, please?" in out.out and out.err == ""


def test_a_passing_check_prints_the_answer_and_what_holds(tmp_path: Path, capsys: Any) -> None:
    G = _G()
    WB.record(tmp_path, SETS["full"])
    with WB.working_folder(tmp_path):
        assert G.check_rewrite_answer("rewrite-boiler", "ready") is None
    out = capsys.readouterr().out
    assert "Your answer to “Rewrite the bare ping: no heating before a cold weekend”" in out
    assert "the boiler shows error F28" in out and "✓ Ready to send" in out


def test_no_answer_yet_is_zero_points_and_not_an_error(tmp_path: Path, capsys: Any) -> None:
    G = _G()
    A.save_draft("rewrite-exam-clash", "hello", path=tmp_path / A.FILE_NAME)
    with WB.working_folder(tmp_path):
        result = G.check_rewrite_answer("rewrite-exam-clash", "context")
    assert isinstance(result, G.NotAnswered) and repr(result) == "0"
    assert "Not answered yet" in result._repr_html_()
    assert "You have a draft" in capsys.readouterr().out
    assert "&lt;b&gt;" in G.NotAnswered("<b>")._repr_html_()


def test_checks_never_write_to_stderr_and_set_warnings_aside(
        tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from warmline import _judgements

    G = _G()
    real = _judgements.check_rewrite

    def noisy(*args: Any, **kwargs: Any) -> Any:
        warnings.warn("a noisy library", UserWarning, stacklevel=1)
        print("and a stray line", file=sys.stderr)
        return real(*args, **kwargs)

    monkeypatch.setattr(_judgements, "check_rewrite", noisy)
    WB.record(tmp_path, SETS["full"])
    with WB.working_folder(tmp_path):
        assert G.check_rewrite_answer("rewrite-boiler", "context") is None
    assert capsys.readouterr().err == ""
    assert any("a noisy library" in m for m in G.set_aside())
    assert any("and a stray line" in m for m in G.set_aside())


def test_an_unexpected_error_becomes_a_message(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from warmline import _judgements

    G = _G()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("oops")

    monkeypatch.setattr(_judgements, "check_rewrite", broken)
    WB.record(tmp_path, SETS["full"])
    with WB.working_folder(tmp_path), pytest.raises(G.GradingError, match="tell your instructor"):
        G.check_rewrite_answer("rewrite-boiler", "context")


def test_damaged_or_hand_edited_answers_are_explained(tmp_path: Path) -> None:
    G = _G()
    path = tmp_path / A.FILE_NAME
    path.write_text("{not json", encoding="utf-8")
    with WB.working_folder(tmp_path), pytest.raises(G.GradingError, match="damaged"):
        G.check_rewrite_answer("rewrite-boiler", "context")
    path.unlink()
    A.record_answer("rewrite-boiler", ["a", "list"], path=path)
    A.record_answer("spot-graded", {"g-none-printer": "maybe"}, path=path)
    with WB.working_folder(tmp_path):
        with pytest.raises(G.GradingError, match="wrong shape"):
            G.check_rewrite_answer("rewrite-boiler", "context")
        with pytest.raises(G.GradingError, match="wrong shape"):
            G.check_deck_answer("spot-graded", "answered")


def test_authoring_mistakes_are_messages_too(tmp_path: Path) -> None:
    G = _G()
    with WB.working_folder(tmp_path):
        with pytest.raises(G.GradingError, match="known: context"):
            G.check_rewrite_answer("rewrite-boiler", "nonsense")
        with pytest.raises(G.GradingError, match="is a spot exercise"):
            G.check_rewrite_answer("spot-graded", "context")
        with pytest.raises(G.GradingError, match="no exercise"):
            G.check_rewrite_answer("no-such-exercise", "context")


def test_deck_checks_count_first_answers(tmp_path: Path, capsys: Any) -> None:
    G = _G()
    WB.record(tmp_path, SETS["partial"], only=["spot-graded"])
    with WB.working_folder(tmp_path):
        assert G.check_deck_answer("spot-graded", "answered", "right", at_least=8) is None
        with pytest.raises(G.GradingError, match="8 of your 12 first answers are right"):
            G.check_deck_answer("spot-graded", "right", at_least=10)
    out = capsys.readouterr().out
    assert "✓ you chose" in out and "✗ you chose" in out


def test_the_answer_is_printed_once_per_cell(tmp_path: Path, capsys: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    G = _G()

    class Shell:
        execution_count = 7

    monkeypatch.setattr(builtins, "get_ipython", lambda: Shell(), raising=False)
    WB.record(tmp_path, SETS["full"])
    with WB.working_folder(tmp_path):
        G.check_rewrite_answer("rewrite-exam-clash", "context")
        G.check_rewrite_answer("rewrite-exam-clash", "carries")
        Shell.execution_count = 8
        G.show_answer("rewrite-exam-clash")
    assert capsys.readouterr().out.count("Your answer to") == 2


def test_show_answer_prints_every_kind_as_plain_text(tmp_path: Path, capsys: Any) -> None:
    G = _G()
    WB.record(tmp_path, SETS["full"])
    with WB.working_folder(tmp_path):
        G.show_answer("intentions-folk-archive")
        G.show_answer("interest-translator-coop")
        G.show_answer("rewrite-timber-school")
        G.show_answer("rewrite-exam-clash")
        G.show_answer("interest-tool-library")
    out = capsys.readouterr().out
    assert "Why them, and not anyone else with their title?" in out
    assert "    How did the twelve of you first agree" in out
    assert "No answer to “Extra" not in out and "<" not in out


# --- the workbook's widgets never show a model answer -------------------------------------------

WORKBOOK_IDS = [eid for a in ALL for eid in W.exercise_ids(WB.notebook(a))]


def _widget_text(widget: Any) -> str:
    """Everything a widget shows or can unfold (its HTML children), tags dropped."""
    import html

    import ipywidgets as widgets

    def walk(w: Any) -> list[str]:
        own = [w.value] if isinstance(w, widgets.HTML) else []
        return own + [v for child in getattr(w, "children", ()) for v in walk(child)]

    text = html.unescape(re.sub(r"<[^>]*>", " ", "\n".join(walk(widget))))
    return " ".join(text.split())


def _model_sentences(exercise_id: str) -> list[str]:
    """Sentences of the exercise's model answer (and why it works) that identify it: long ones
    that the exercise itself does not show by design (its brief)."""
    ex = E.exercise(exercise_id)
    if ex.kind == "rewrite":
        sc = E.scenario(ex.data)
        model, brief = f"{sc.model_answer}\n{sc.why}", [sc.bare, sc.need, sc.deadline, sc.to]
    elif ex.kind == "intentions":
        tg = E.target(ex.data)
        model, brief = tg.model_draft, [tg.work, tg.your_goal]
    else:
        pc = E.piece(ex.data)
        model, brief = pc.model_questions, [pc.text]
    shown = " ".join(" ".join(brief).split()).lower()
    sentences = [" ".join(s.split()) for s in re.split(r"(?<=[.?!])\s+|\n\s*\n", model)]
    return [s for s in sentences if len(s) >= 25 and s.lower() not in shown]


@pytest.mark.parametrize("exercise_id", [eid for eid in WORKBOOK_IDS
                                         if E.exercise(eid).kind != "spot"])
def test_graded_widgets_never_show_a_model_answer(exercise_id: str, tmp_path: Path) -> None:
    """Not after recording, not when restored, not when show_model is asked for (then or
    later): the workbook's own exercises are graded, and a graded widget keeps its model."""
    from warmline.widgets import exercise

    path = tmp_path / A.FILE_NAME
    assert E.exercise(exercise_id).graded
    w: Any = exercise(exercise_id, answers_path=path, show_model=True)
    assert not w.show_model
    value = SETS["full"][exercise_id]
    if isinstance(value, dict):
        for key, area in w._fields.items():
            area.value = value[key]
    else:
        w._text.value = value
    w._record_button.click()
    assert w.recorded and A.get_answer(exercise_id, path=path) is not None
    w.show_model = True
    assert not w.show_model
    w._record_button.click()
    again: Any = exercise(exercise_id, answers_path=path, show_model=True)
    assert again.recorded
    sentences = _model_sentences(exercise_id)
    assert sentences, "the model answer is too short to look for"
    for shown in (w, again):
        assert shown._model.value == ""
        seen = _widget_text(shown)
        assert not [s for s in sentences if s in seen]
        assert "model" not in seen.lower()


# --- in a real kernel (slow) ------------------------------------------------------------------


def _student_version(assignment: str) -> Any:
    """The notebook as a learner gets it: hidden tests and mark schemes taken out (what
    nbgrader generate_assignment does to these notebooks; the round trip checks the real one)."""
    nb = nbformat.read(WB.notebook_path(assignment), as_version=4)
    for cell in nb.cells:
        cell.source = W.visible_source(cell.source)
    return nb


def _client(nb: Any, folder: Path) -> Any:
    from nbclient import NotebookClient

    return NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False,
                          shutdown_kernel="immediate",
                          resources={"metadata": {"path": str(folder)}})


def _run_all(nb: Any, folder: Path) -> int | None:
    """Run every cell like JupyterLab's Run All: stop at the first error; its index or None."""
    from nbclient.exceptions import CellExecutionError

    try:
        _client(nb, folder).execute()
    except CellExecutionError:
        return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.output_type == "error" for o in c.outputs))
    return None


def _widget_shown(cell: Any) -> bool:
    return any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for o in cell.outputs)


@pytest.fixture
def jupyter_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    for var, sub in (("HOME", ""), ("JUPYTER_CONFIG_DIR", ".jupyter"),
                     ("JUPYTER_DATA_DIR", ".local/share/jupyter"),
                     ("JUPYTER_RUNTIME_DIR", ".local/share/jupyter/runtime"),
                     ("IPYTHONDIR", ".ipython")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("PYTHONWARNINGS", "ignore")
    return home


@pytest.mark.slow
@pytest.mark.usefixtures("jupyter_home")
@pytest.mark.parametrize("assignment", ALL)
def test_run_all_on_a_fresh_student_notebook_shows_every_widget(assignment: str,
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    nb = _student_version(assignment)
    assert _run_all(nb, folder) is None, "no cell fails while nothing is recorded"
    widgets = [c for c in nb.cells if "exercise(" in c.source]
    assert widgets and all(_widget_shown(c) for c in widgets)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
            [result] = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert result.data["text/plain"] == "0" and "Not answered yet" in \
                result.data["text/html"]
            assert not [o for o in cell.outputs if o.get("name") == "stderr"]
    assert not list(folder.glob("warmline-answers.json*")), "running records nothing"


@pytest.mark.slow
@pytest.mark.usefixtures("jupyter_home")
def test_run_all_with_a_failing_answer_still_shows_every_widget(tmp_path: Path) -> None:
    WB.record(tmp_path, {**SETS["partial"],
                         "rewrite-boiler": E.scenario("boiler-repair").bare})
    nb = _student_version("bare-pings")
    stopped = _run_all(nb, tmp_path)
    assert stopped is not None
    widgets = [i for i, c in enumerate(nb.cells) if "exercise(" in c.source]
    assert max(widgets) < stopped and all(_widget_shown(nb.cells[i]) for i in widgets)
    [error] = [o for o in nb.cells[stopped].outputs if o.output_type == "error"]
    shown = "\n".join(error.traceback)
    assert error.ename == "GradingError" and "✗" in shown
    assert "check_rewrite_answer" not in shown, "the cell's source is not quoted"


@pytest.mark.slow
@pytest.mark.usefixtures("jupyter_home")
def test_a_passing_cell_that_warns_keeps_its_points(tmp_path: Path) -> None:
    """nbgrader gives 0 to a test cell with stderr output; a helper's warning must not cost."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from nbgrader.utils import determine_grade

    WB.record(tmp_path, SETS["full"])

    def graded(gid: str, src: str) -> Any:
        return nbformat.v4.new_code_cell(src, metadata={"nbgrader": {
            "grade": True, "solution": False, "locked": True, "points": 1, "grade_id": gid,
            "schema_version": 3, "task": False}})

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(
            "import warnings\n"
            "warnings.simplefilter('default')  # as in a kernel without PYTHONWARNINGS\n"
            "from warmline import _judgements\n"
            "from warmline.grading import check_rewrite_answer\n"
            "real = _judgements.check_rewrite\n"
            "def noisy(*args, **kwargs):\n"
            "    warnings.warn('deprecated somewhere deep', DeprecationWarning)\n"
            "    warnings.warn('a noisy library', UserWarning)\n"
            "    return real(*args, **kwargs)\n"
            "_judgements.check_rewrite = noisy"),
        graded("passes-and-warns", 'check_rewrite_answer("rewrite-boiler", "ready")'),
        graded("control", "_judgements.check_rewrite('boiler-repair', 'hi')"),
    ])
    _client(nb, tmp_path).execute()
    passing, control = nb.cells[1], nb.cells[2]
    assert "✓ Ready to send" in "".join(o.get("text", "") for o in passing.outputs)
    assert not [o for o in passing.outputs if o.get("name") == "stderr"]
    assert determine_grade(passing) == (1.0, 1.0)
    # Without the helper, the same warning reaches stderr and nbgrader gives the cell 0.
    assert [o for o in control.outputs if o.get("name") == "stderr"]
    assert determine_grade(control) == (0, 1.0)


def test_fixture_answers_file_is_what_widgets_write(tmp_path: Path) -> None:
    path = WB.record(tmp_path, SETS["full"])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "warmline-answers" and not data["drafts"]
    assert set(data["answers"]) == set(SETS["full"])
