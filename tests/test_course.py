"""The course notebooks: one lesson per principle, each with a widget practice of its principle,
the sections every lesson promises, stated minutes that add up, no outputs, thin cells, and a
slow run of every notebook on a fresh kernel. A meta-test checks that the graded workbook
(``exercises/``) has a graded cell for every principle.

Cell roles are cell metadata, ``cell.metadata["warmline"]["role"]``:

    objectives         first cell: title, time, "## Questions" and "## Objectives"
    practice           a code cell showing a widget exercise of the lesson's principle
    extra-practice     optional practice (not counted in the minutes)
    discussion         "## Discussion (for workshops)"
    sources            "## Sources": the references the lesson cites
    key-points         "## Key points"
    reflection-prompt  "## Your reflection", followed by
    reflection         a Markdown cell the learner writes in

Other roles (teaching, practice-intro, chart, message-check, map, plan, ...) are descriptive.

Notebook metadata, ``nb.metadata["warmline"]``: ``lesson`` (its number), ``title``,
``teaching_minutes``, ``exercise_minutes`` and, for lessons 1-6, ``principle`` (P1..P6).
"""

from __future__ import annotations

import ast
import itertools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from warmline import _data
from warmline import _exercises as E

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
EXERCISES = ROOT / "exercises"
START = COURSE / "00-start-here.ipynb"
LESSON_FILES = sorted(COURSE.glob("0[1-9]-*.ipynb"))
ALL_FILES = sorted(COURSE.glob("*.ipynb"))
PRINCIPLES = sorted(_data.principles())
MAX_MINUTES = 90
MINUTES = re.compile(r"teaching: (\d+) min, exercises: (\d+) min")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def meta(nb: Any) -> dict[str, Any]:
    data: dict[str, Any] = nb.metadata["warmline"]
    return data


def role(cell: Any) -> str | None:
    value = cell.metadata.get("warmline", {}).get("role")
    return str(value) if value is not None else None


def cells(nb: Any, wanted: str) -> list[Any]:
    return [c for c in nb.cells if role(c) == wanted]


def calls(source: str) -> Iterator[ast.Call]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            yield node


def exercise_ids(cell: Any) -> list[str]:
    """The ids passed to ``exercise("...")`` in a code cell."""
    return [c.args[0].value for c in calls(cell.source)
            if isinstance(c.func, ast.Name) and c.func.id == "exercise"
            and c.args and isinstance(c.args[0], ast.Constant)]


def text(nb: Any) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def lessons() -> dict[str, Any]:
    """Lesson notebooks by principle id."""
    result: dict[str, Any] = {}
    for path in LESSON_FILES:
        nb = read(path)
        result.setdefault(meta(nb)["principle"], []).append(path.name)
    return result


# --- structure --------------------------------------------------------------------------------


def test_the_course_has_a_start_page_and_six_lessons() -> None:
    assert START.exists()
    assert [p.name[:3] for p in LESSON_FILES] == [f"0{i}-" for i in range(1, 7)]
    assert "05-respect-time-no-bare-hello.ipynb" in {p.name for p in LESSON_FILES}


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_notebook_is_valid_with_lesson_metadata(path: Path) -> None:
    nb = read(path)
    nbformat.validate(nb)
    m = meta(nb)
    assert m["lesson"] == int(path.name[:2])
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for key in ("teaching_minutes", "exercise_minutes"):
        assert isinstance(m[key], int) and m[key] >= 0, key


def test_each_principle_has_exactly_one_lesson(lessons: dict[str, list[str]]) -> None:
    assert sorted(lessons) == PRINCIPLES
    for pid, names in lessons.items():
        assert len(names) == 1, f"{pid} has lessons {names}"
    # in the article's order: lesson n teaches Pn
    for path in LESSON_FILES:
        assert meta(read(path))["principle"] == f"P{int(path.name[:2])}"


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.name)
def test_each_lesson_practises_its_own_principle_in_a_widget(path: Path) -> None:
    nb = read(path)
    pid = meta(nb)["principle"]
    practice = cells(nb, "practice")
    assert practice, f"{path.name} has no widget practice cell"
    for cell in practice + cells(nb, "extra-practice"):
        assert cell.cell_type == "code"
        ids = exercise_ids(cell)
        assert len(ids) == 1, cell.source
        ex = E.exercise(ids[0])
        assert ex.principle == pid, f"{ids[0]} practises {ex.principle}, not {pid}"
        assert not ex.graded, f"{ids[0]} is graded: it belongs to the workbook, not a lesson"
        assert ex.optional == (role(cell) == "extra-practice"), ids[0]


def test_the_bare_ping_lesson_opens_with_the_rewrite_widget() -> None:
    nb = read(COURSE / "05-respect-time-no-bare-hello.ipynb")
    first = cells(nb, "practice")[0]
    assert exercise_ids(first) == ["rewrite-staging-flag"]
    assert E.exercise("rewrite-staging-flag").kind == "rewrite"


def test_every_course_exercise_is_practised_in_exactly_one_lesson() -> None:
    used: list[str] = []
    for path in LESSON_FILES:
        nb = read(path)
        for cell in cells(nb, "practice") + cells(nb, "extra-practice"):
            used += exercise_ids(cell)
    assert len(used) == len(set(used)), "an exercise appears in two lessons"
    expected = {ex.id for ex in E.exercises().values() if not ex.graded}
    assert set(used) == expected


def test_graded_exercises_stay_out_of_the_course() -> None:
    graded = {ex.id for ex in E.exercises().values() if ex.graded}
    assert graded
    for path in ALL_FILES:
        for cell in read(path).cells:
            if cell.cell_type == "code":
                assert not set(exercise_ids(cell)) & graded, path.name


# --- minutes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_minutes_are_shown_in_the_first_cell(path: Path) -> None:
    nb = read(path)
    m = meta(nb)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    found = MINUTES.search(first.source)
    assert found, f"{path.name}: the first cell must say 'teaching: N min, exercises: N min'"
    assert (int(found[1]), int(found[2])) == (m["teaching_minutes"], m["exercise_minutes"])
    total = m["teaching_minutes"] + m["exercise_minutes"]
    assert f"about {total} minutes" in first.source


def test_the_course_takes_at_most_90_minutes() -> None:
    total = 0
    for path in ALL_FILES:
        m = meta(read(path))
        total += m["teaching_minutes"] + m["exercise_minutes"]
    assert 0 < total <= MAX_MINUTES
    assert f"about {MAX_MINUTES} minutes" in text(read(START)) or total < MAX_MINUTES


def test_the_map_on_the_start_page_matches_the_lessons() -> None:
    start = read(START)
    (map_cell,) = cells(start, "map")
    for path in LESSON_FILES:
        m = meta(read(path))
        row = (f"| {m['lesson']} | [{m['title']}]({path.name}) | {m['teaching_minutes']} min | "
               f"{m['exercise_minutes']} min |")
        assert row in map_cell.source, f"the map has no row {row!r}"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_links_between_notebooks_resolve(path: Path) -> None:
    for target in re.findall(r"\]\(([^)#\s]+\.ipynb)", text(read(path))):
        assert (COURSE / target).exists(), f"{path.name} links to missing {target}"


# --- sections ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.name)
def test_each_lesson_has_its_sections_in_order(path: Path) -> None:
    nb = read(path)
    m = meta(nb)
    first = nb.cells[0]
    assert role(first) == "objectives"
    assert first.source.startswith(f"# {m['lesson']}. {m['title']}\n")
    assert "\n## Questions\n" in first.source and "\n## Objectives\n" in first.source

    headings = {"discussion": "## Discussion (for workshops)", "key-points": "## Key points",
                "reflection-prompt": "## Your reflection", "sources": "## Sources"}
    index: dict[str, int] = {}
    for name, heading in headings.items():
        found = [i for i, c in enumerate(nb.cells) if role(c) == name]
        assert len(found) == 1, f"{path.name}: expected one {name!r} cell"
        cell = nb.cells[found[0]]
        assert cell.cell_type == "markdown" and cell.source.startswith(heading + "\n"), name
        assert cell.source.strip() != heading, f"{path.name}: {name!r} cell is empty"
        index[name] = found[0]

    last_practice = max(i for i, c in enumerate(nb.cells) if role(c) == "practice")
    assert last_practice < index["discussion"] < index["key-points"] < index["reflection-prompt"]
    reflection = nb.cells[index["reflection-prompt"] + 1]
    assert role(reflection) == "reflection" and reflection.cell_type == "markdown"
    assert reflection is nb.cells[-1], "the reflection is the lesson's last cell"
    assert len(re.findall(r"^- ", nb.cells[index["key-points"]].source, re.M)) >= 3


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_code_cells_are_thin(path: Path) -> None:
    """Code cells only import from warmline.widgets and build one widget with literal
    arguments: any logic belongs in the library."""
    for cell in read(path).cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        *imports, last = tree.body
        for node in imports:
            assert isinstance(node, ast.ImportFrom) and node.module == "warmline.widgets", \
                cell.source
        assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call), cell.source
        call = last.value
        assert isinstance(call.func, ast.Name)
        imported = {a.asname or a.name for node in imports
                    for a in node.names} if imports else set()
        assert call.func.id in imported, cell.source
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            assert isinstance(arg, ast.Constant), cell.source


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path: Path) -> None:
    nb = read(path)
    assert "widgets" not in nb.metadata, "saved widget state"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source
        assert "execution" not in cell.metadata and "collapsed" not in cell.metadata
        assert "attachments" not in cell


# --- content ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_disputed_findings_are_flagged_where_they_are_cited(path: Path) -> None:
    """Papers co-authored by Francesca Gino are presented as reported or disputed, never as
    settled (CONTENT-BRIEF's integrity note)."""
    for cell in read(path).cells:
        if cell.cell_type != "markdown":
            continue
        for paragraph in re.split(r"\n\s*\n", cell.source):
            if re.search(r"Casciaro|Huang", paragraph):
                assert re.search(r"\b(?:reported|disputed)\b", paragraph, re.I), paragraph


def test_course_additions_are_marked_as_the_courses() -> None:
    start = text(read(START))
    assert "**Course addition**" in start
    marked = 0
    for path in LESSON_FILES:
        for cell in read(path).cells:
            if "Course addition" in cell.source and role(cell) != "key-points":
                marked += 1
                assert re.search(r"the article doesn't .*the course adds", cell.source,
                                 re.I | re.S), cell.source
    assert marked >= 3


def test_lessons_never_show_a_model_answer_up_front() -> None:
    """Model answers appear only in a widget, after the learner records an answer."""
    content = E.content()
    models = [sc.model_answer for sc in content.scenarios.values()]
    models += [t.model_draft for t in content.targets.values()]
    models += [q for p in content.pieces.values() for q in p.model_questions.splitlines()]
    course = " ".join(" ".join(text(read(p)) for p in ALL_FILES).split()).lower()
    for model in models:
        for sentence in re.split(r"(?<=[.?!])\s+", " ".join(model.split())):
            if len(sentence) >= 30:
                assert sentence.lower() not in course, sentence


# --- the facilitator guide --------------------------------------------------------------------

GUIDE = COURSE / "facilitator-guide.md"


def section(markdown: str, heading: str) -> str:
    """The text under a ``## heading``, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"the guide has no section {heading!r}"
    return match.group(1)


def table_minutes(markdown: str) -> list[int]:
    """The Minutes column of an agenda table (time | minutes | what happens)."""
    return [int(m) for m in re.findall(r"^\| \d:\d\d \| (\d+) \|", markdown, re.M)]


@pytest.mark.parametrize(("heading", "total"), [("A 90-minute workshop", 90),
                                                ("A half-day workshop (3.5 hours)", 210)])
def test_guide_agendas_add_up(heading: str, total: int) -> None:
    agenda = section(GUIDE.read_text(encoding="utf-8"), heading)
    minutes = table_minutes(agenda)
    assert len(minutes) >= 6 and sum(minutes) == total
    starts = [int(h) * 60 + int(m) for h, m in re.findall(r"^\| (\d):(\d\d) \|", agenda, re.M)]
    assert starts[0] == 0
    assert [b - a for a, b in itertools.pairwise(starts)] == minutes[:-1], "start times drift"


def test_guide_lists_every_lesson_with_its_minutes() -> None:
    glance = section(GUIDE.read_text(encoding="utf-8"), "The course at a glance")
    for path in ALL_FILES:
        m = meta(read(path))
        row = next((line for line in glance.splitlines() if f"]({path.name})" in line), None)
        assert row, f"the guide's overview has no row for {path.name}"
        assert f"| {m['teaching_minutes']} min | {m['exercise_minutes']} min |" in row
        for cell in cells(read(path), "practice"):
            assert f"`{exercise_ids(cell)[0]}`" in row


def test_guide_covers_prompts_misconceptions_and_grading() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    prompts = section(guide, "Discussion prompts")
    assert len(re.findall(r"^\d\. \*\*", prompts, re.M)) == 5
    misconceptions = section(guide, "Common misconceptions, and how to address them")
    assert len(re.findall(r"^\| [^-|]", misconceptions, re.M)) - 1 >= 8  # minus the header
    grading = section(guide, "Running the grading")
    for needed in ("warmline release", "warmline grade", "warmline feedback", "warmline report",
                   "nbgrader release_assignment", "nbgrader collect", "nbgrader zip_collect",
                   "nbgrader release_feedback", "warmline-answers.json", "autograder/",
                   "### Overriding a score in Formgrader", "extra credit", "manual score"):
        assert needed in grading, needed


def test_guide_links_resolve() -> None:
    for target in re.findall(r"\]\(([^)#\s]+)\)", GUIDE.read_text(encoding="utf-8")):
        assert (COURSE / target).exists(), target


# --- the workbook -----------------------------------------------------------------------------


def test_each_principle_has_a_graded_cell_in_the_workbook() -> None:
    """Every graded cell of the nbgrader source assignments names its principle, and together
    they cover P1..P6."""
    if not EXERCISES.is_dir():
        pytest.skip("exercises/ (the nbgrader source assignments) does not exist yet")
    notebooks = sorted(EXERCISES.glob("*/*.ipynb"))
    assert notebooks, "exercises/ has no assignment notebooks"
    covered: set[str] = set()
    for path in notebooks:
        for cell in read(path).cells:
            if not cell.metadata.get("nbgrader", {}).get("grade"):
                continue
            pid = cell.metadata.get("warmline", {}).get("principle")
            where = f"{path.relative_to(ROOT)}, cell {cell.metadata['nbgrader'].get('grade_id')}"
            assert pid in PRINCIPLES, f"{where}: graded cell without a valid principle ({pid!r})"
            covered.add(pid)
    assert sorted(covered) == PRINCIPLES, f"no graded cell for {set(PRINCIPLES) - covered}"


# --- running ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(COURSE, folder, ignore=shutil.ignore_patterns(
        "warmline-answers.json*", ".warmline-answers.json*", ".ipynb_checkpoints"))
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("name", [p.name for p in ALL_FILES])
def test_notebook_runs_top_to_bottom_on_a_fresh_kernel(
        name: str, course_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("IPYTHONDIR", str(home / ".ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(home / "runtime"))
    path = course_copy / name
    nb = read(path)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(course_copy)}},
                            shutdown_kernel="immediate")
    client.execute()  # raises CellExecutionError on the first failing cell
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kinds = {o.get("output_type") for o in cell.outputs}
        assert "error" not in kinds, cell.source
        streams = [o for o in cell.outputs if o.get("output_type") == "stream"]
        assert not streams, f"{name}: a cell printed {streams}"
        widgets = [o for o in cell.outputs if WIDGET_MIME in o.get("data", {})]
        assert widgets, f"{name}: this cell shows no widget:\n{cell.source}"
    assert not (course_copy / "warmline-answers.json").exists(), "running wrote answers"
    assert not (COURSE / "warmline-answers.json").exists()
