"""The learner's working folder (``warmline workbook DIR``) and carrying work between sessions as
one zip (warmline._workspace): copies that never overwrite, zips that restore without losing
work, answers merged exercise by exercise, hostile zips refused. Slow: the packaged student
workbook is what nbgrader makes of exercises/ today, and a wheel ships the course and the
workbook (never the solutions)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from checkout import repo_copy
from warmline import _workbook as W
from warmline import _workspace as S
from warmline import answers as A
from warmline._cli import main

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
NOW = datetime(2026, 11, 26, 14, 5, tzinfo=timezone.utc)


def secrets() -> list[W.SecretLine]:
    return [s for a in W.assignments(EXERCISES) for nb in a.notebooks
            for s in W.secret_lines(W.read_notebook(nb), nb.name)]


@pytest.fixture
def ws(tmp_path: Path) -> S.Workspace:
    S.create(tmp_path / "work")
    return S.find(tmp_path / "work")


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def notebook(text: str = "x") -> bytes:
    nb = {"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": text}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb).encode()


# --- setting up a working folder ------------------------------------------------------------------


def test_create_copies_the_course_and_the_student_workbook(tmp_path: Path) -> None:
    result = S.create(tmp_path / "work")
    root = tmp_path / "work"
    course = sorted(p.name for p in (ROOT / "course").glob("*.ipynb"))
    assert sorted(p.name for p in (root / "course").glob("*.ipynb")) == course
    for a in W.assignments(EXERCISES):
        assert (root / "workbook" / a.id / f"{a.id}.ipynb").is_file(), a.id
    assert set(result.copied) == set(S.sources()) and not result.kept and not result.same
    marker = json.loads((root / S.MARKER).read_text(encoding="utf-8"))
    assert marker["folders"] == ["course", "workbook"]
    assert set(marker["pristine"]) == set(result.copied)
    # the student versions: no solution, hidden test or mark scheme reached the learner's folder
    assert W.find_leaks(root, secrets()) == []


def test_the_packaged_workbook_holds_no_solutions_and_covers_every_assignment() -> None:
    assert W.find_leaks(S.PACKAGED_WORKBOOK, secrets()) == []
    assert sorted(p.name for p in S.PACKAGED_WORKBOOK.iterdir() if p.is_dir()) == \
        sorted(a.id for a in W.assignments(EXERCISES))
    for path in S.PACKAGED_WORKBOOK.glob("*/*.ipynb"):
        assert "BEGIN SOLUTION" not in path.read_text(encoding="utf-8")


def test_create_never_overwrites_a_learners_files(tmp_path: Path) -> None:
    root = tmp_path / "work"
    S.create(root)
    mine = root / "course" / "05-respect-time-no-bare-hello.ipynb"
    mine.write_bytes(notebook("my own work"))
    answers = root / "course" / A.FILE_NAME
    A.record_answer("rewrite-staging-flag", "my answer", path=answers)
    (root / "workbook" / "capstone").rename(root / "capstone-moved")
    result = S.create(root)
    assert mine.read_bytes() == notebook("my own work")
    assert A.get_answer("rewrite-staging-flag", path=answers) is not None
    assert dict(result.kept) == {"course/05-respect-time-no-bare-hello.ipynb":
                                 "it differs from the course's copy (your work, kept as is)"}
    assert result.copied == ("workbook/capstone/capstone.ipynb",)  # only what was missing
    assert len(result.same) == len(S.sources()) - 2


def test_an_unchanged_file_from_an_older_course_is_kept_with_a_hint(tmp_path: Path) -> None:
    root = tmp_path / "work"
    S.create(root)
    old = root / "course" / "00-start-here.ipynb"
    old.write_bytes(notebook("last year's start page"))
    marker = json.loads((root / S.MARKER).read_text(encoding="utf-8"))
    marker["pristine"]["course/00-start-here.ipynb"] = S._sha(old.read_bytes())
    (root / S.MARKER).write_text(json.dumps(marker), encoding="utf-8")
    (why,) = [w for p, w in S.create(root).kept if p == "course/00-start-here.ipynb"]
    assert "older version of the course" in why and "delete it" in why
    assert old.read_bytes() == notebook("last year's start page")


def test_the_workbook_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workbook", str(tmp_path / "w")]) == 0
    out = capsys.readouterr().out
    assert f"copied {len(S.sources())} file(s)" in out
    assert f"jupyter lab {tmp_path / 'w' / 'course' / '00-start-here.ipynb'}" in out
    (tmp_path / "w" / "course" / "01-networking-is-not-friendship.ipynb").write_text("{}")
    assert main(["workbook", str(tmp_path / "w")]) == 0
    assert "kept course/01-networking-is-not-friendship.ipynb: not overwritten" in \
        capsys.readouterr().out


@pytest.mark.parametrize("where", ["file", "package", "site-packages", "course", "empty"])
def test_the_workbook_command_refuses_a_bad_folder(
        where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sysconfig

    (tmp_path / "a-file").write_text("x")
    folder = {"file": str(tmp_path / "a-file"), "package": str(S.PACKAGE / "work"),
              "site-packages": str(Path(sysconfig.get_paths()["purelib"]) / "warmline-work"),
              "course": str(ROOT / "course" / "work"), "empty": ""}[where]
    assert main(["workbook", folder]) == 2
    err = capsys.readouterr().err
    assert err.startswith("warmline: error: ") and len(err.strip().splitlines()) == 1
    assert not (S.PACKAGE / "work").exists() and not (ROOT / "course" / "work").exists()


def test_find_the_working_folder_from_a_notebooks_folder(tmp_path: Path) -> None:
    S.create(tmp_path / "work")
    found = S.find(tmp_path / "work" / "workbook" / "bare-pings")
    assert found.root == (tmp_path / "work").resolve() and found.marked
    assert found.folders == ("course", "workbook")
    alone = S.find(tmp_path)  # no marker above: the folder itself, all of it
    assert alone == S.Workspace(tmp_path.resolve())


def test_a_damaged_marker_still_finds_the_folder(tmp_path: Path) -> None:
    (tmp_path / S.MARKER).write_text("{not json")
    found = S.find(tmp_path)
    assert found.marked and found.folders == S.FOLDERS and not found.pristine


# --- packing and restoring ------------------------------------------------------------------------


def test_pack_holds_the_learners_notebooks_and_answers_only(ws: S.Workspace) -> None:
    A.record_answer("rewrite-staging-flag", "mine", path=ws.root / "course" / A.FILE_NAME)
    A.save_draft("rewrite-boiler", "draft", path=ws.root / "workbook" / "bare-pings" / A.FILE_NAME)
    (ws.root / "notes.ipynb").write_bytes(notebook())  # a notebook of the learner's own
    (ws.root / "course" / ".ipynb_checkpoints").mkdir()
    (ws.root / "course" / ".ipynb_checkpoints" / "x-checkpoint.ipynb").write_bytes(notebook())
    (ws.root / "course" / "scratch.txt").write_text("not a notebook")
    (ws.root / "elsewhere").mkdir()
    (ws.root / "elsewhere" / "other.ipynb").write_bytes(notebook())  # not a learner's folder
    packed = S.pack(ws, now=NOW)
    assert packed.name == "warmline-work-2026-11-26-1405.zip"
    names = zipfile.ZipFile(io.BytesIO(packed.data)).namelist()
    assert names == list(packed.files)
    assert set(names) == set(S.sources()) | {"course/warmline-answers.json",
                                              "workbook/bare-pings/warmline-answers.json",
                                              "notes.ipynb"}


def test_pack_without_a_marker_takes_the_notebooks_folder(tmp_path: Path) -> None:
    (tmp_path / "a.ipynb").write_bytes(notebook())
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.ipynb").write_bytes(notebook())
    assert S.pack(S.find(tmp_path)).files == ("a.ipynb", "sub/b.ipynb")
    (tmp_path / "empty").mkdir()
    with pytest.raises(S.WorkspaceError, match="no notebooks"):
        S.pack(S.find(tmp_path / "empty"))


def test_restore_into_a_fresh_session(ws: S.Workspace, tmp_path: Path) -> None:
    """Binder: a new session starts from fresh copies; the download replaces them."""
    lesson = ws.root / "course" / "05-respect-time-no-bare-hello.ipynb"
    lesson.write_bytes(notebook("my reflection"))
    A.record_answer("rewrite-staging-flag", "my rewrite", path=ws.root / "course" / A.FILE_NAME)
    data = S.pack(ws).data

    S.create(tmp_path / "new")
    fresh = S.find(tmp_path / "new")
    result = S.unpack(fresh, data, now=NOW)
    actions = {item.path: item.action for item in result.items}
    assert actions["course/05-respect-time-no-bare-hello.ipynb"] == "replaced"
    assert actions["course/warmline-answers.json"] == "merged"
    assert actions["course/00-start-here.ipynb"] == "unchanged"
    assert (fresh.root / "course" / "05-respect-time-no-bare-hello.ipynb").read_bytes() == \
        notebook("my reflection")
    assert A.answer_text("rewrite-staging-flag",
                         path=fresh.root / "course" / A.FILE_NAME) == "my rewrite"
    again = S.unpack(fresh, data, now=NOW)
    assert {item.action for item in again.items} == {"unchanged"}


def test_restore_keeps_both_when_the_file_here_has_work_in_it(ws: S.Workspace) -> None:
    lesson = ws.root / "course" / "05-respect-time-no-bare-hello.ipynb"
    data = zip_of({"course/05-respect-time-no-bare-hello.ipynb": notebook("from the download")})
    lesson.write_bytes(notebook("newer work here"))
    result = S.unpack(ws, data, now=NOW)
    (item,) = result.items
    assert item.action == "kept both"
    assert item.path == "course/05-respect-time-no-bare-hello-restored-2026-11-26-1405.ipynb"
    assert lesson.read_bytes() == notebook("newer work here")
    assert (ws.root / item.path).read_bytes() == notebook("from the download")
    # the same zip again adds no third copy; a different one gets its own name
    assert S.unpack(ws, data, now=NOW).items[0].action == "unchanged"
    other = zip_of({"course/05-respect-time-no-bare-hello.ipynb": notebook("another")})
    assert S.unpack(ws, other, now=NOW).items[0].path.endswith("-2026-11-26-1405-2.ipynb")


def test_restore_merges_answers_keeping_the_newer_of_each(ws: S.Workspace,
                                                          tmp_path: Path) -> None:
    here = ws.root / "course" / A.FILE_NAME
    there = tmp_path / "download" / A.FILE_NAME
    there.parent.mkdir()
    A.record_answer("rewrite-invoice", "old, from the download", path=there)
    A.record_answer("rewrite-invoice", "newer, here", path=here)
    A.save_draft("rewrite-day-off", "draft here", path=here)
    A.record_answer("rewrite-staging-flag", "only in the download", path=there)
    A.save_draft("rewrite-day-off", "newer draft, from the download", path=there)
    raw = json.loads(here.read_text(encoding="utf-8"))
    raw["from-a-newer-warmline"] = {"kept": True}
    here.write_text(json.dumps(raw), encoding="utf-8")
    stamp = A.get_answer("rewrite-staging-flag", path=there)
    (item,) = S.unpack(ws, zip_of({"course/warmline-answers.json": there.read_bytes()})).items
    assert item.action == "merged" and "2 answer(s) or draft(s) taken" in item.detail
    assert "1 of yours kept" in item.detail
    book = A.load_answers(here)
    assert book.answers["rewrite-invoice"].value == "newer, here"
    assert book.answers["rewrite-staging-flag"] == stamp  # saved time kept, not "now"
    assert book.drafts["rewrite-day-off"].value == "newer draft, from the download"
    assert json.loads(here.read_text(encoding="utf-8"))["from-a-newer-warmline"] == {"kept": True}


def test_a_damaged_answers_file_is_never_merged_or_overwritten(ws: S.Workspace) -> None:
    here = ws.root / "course" / A.FILE_NAME
    here.write_text("{damaged")
    good = zip_of({"course/warmline-answers.json": json.dumps(
        {"version": 1, "answers": {}, "drafts": {}}).encode()})
    (item,) = S.unpack(ws, good).items
    assert item.action == "skipped" and "damaged" in item.detail
    assert here.read_text() == "{damaged"
    bad = zip_of({"workbook/capstone/warmline-answers.json": b"[1, 2"})
    (item,) = S.unpack(ws, bad).items
    assert item.action == "skipped" and "in the zip is damaged" in item.detail
    assert not (ws.root / "workbook" / "capstone" / A.FILE_NAME).exists()


@pytest.mark.parametrize("name", [
    "../escape.ipynb", "/tmp/absolute.ipynb", "course/../../escape.ipynb", "..\\escape.ipynb",
    "course/.hidden/x.ipynb", ".warmline-workspace.json", "course/notes.txt",
    "course/evil.py", "elsewhere/x.ipynb", "C:/x.ipynb", "course/a\x00b.ipynb",
])
def test_restore_refuses_files_outside_the_learners_folders(ws: S.Workspace,
                                                            name: str) -> None:
    before = sorted(p for p in ws.root.parent.rglob("*"))
    (item,) = S.unpack(ws, zip_of({name: notebook()})).items
    assert item.action == "skipped"
    assert sorted(p for p in ws.root.parent.rglob("*")) == before


def test_restore_does_not_follow_a_link_out_of_the_folder(ws: S.Workspace,
                                                          tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (ws.root / "course" / "link").symlink_to(outside, target_is_directory=True)
    (item,) = S.unpack(ws, zip_of({"course/link/x.ipynb": notebook()})).items
    assert item.action == "skipped" and "outside" in item.detail
    assert not list(outside.iterdir())


def test_restore_refuses_what_is_not_a_notebook_or_a_zip(ws: S.Workspace) -> None:
    (item,) = S.unpack(ws, zip_of({"course/x.ipynb": b"<html>not json</html>"})).items
    assert item.action == "skipped" and "not a readable notebook" in item.detail
    with pytest.raises(S.WorkspaceError, match="not a zip file"):
        S.unpack(ws, b"PK\x03\x04 not really")


def test_restore_limits_what_a_zip_may_unpack_to(ws: S.Workspace,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    big = notebook("x" * 5000)
    monkeypatch.setattr(S, "MAX_FILE_BYTES", 1000)
    (item,) = S.unpack(ws, zip_of({"course/big.ipynb": big})).items
    assert item.action == "skipped" and item.detail == "too large"
    monkeypatch.setattr(S, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(S, "MAX_TOTAL_BYTES", 6000)
    with pytest.raises(S.WorkspaceError, match="unpacks to more than"):
        S.unpack(ws, zip_of({"course/a.ipynb": big, "course/b.ipynb": big}))
    monkeypatch.setattr(S, "MAX_FILES", 1)
    with pytest.raises(S.WorkspaceError, match="holds 2 files"):
        S.unpack(ws, zip_of({"course/a.ipynb": b"{}", "course/b.ipynb": b"{}"}))


# --- the packaged student workbook and the wheel --------------------------------------------------


@pytest.mark.slow
def test_the_packaged_workbook_is_what_nbgrader_makes_of_exercises_today(
        tmp_path: Path) -> None:
    fresh = S.generate(tmp_path / "fresh")
    made = {p.relative_to(tmp_path / "fresh").as_posix(): p.read_bytes() for p in fresh}
    packaged = {p.relative_to(S.PACKAGED_WORKBOOK).as_posix(): p.read_bytes()
                for p in S.PACKAGED_WORKBOOK.glob("*/*.ipynb")}
    assert made == packaged, (
        "src/warmline/data/workbook/ is out of date with exercises/: run "
        "`python -m warmline._workspace` and commit the result")


@pytest.mark.slow
def test_a_wheel_ships_the_course_and_the_student_workbook_but_no_solutions(
        tmp_path: Path) -> None:
    repo = repo_copy(tmp_path / "repo")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp_path / "dist"), str(repo)], capture_output=True, text=True,
                           env=env)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("warmline-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    for path in (ROOT / "course").glob("*.ipynb"):
        assert f"warmline/data/course/{path.name}" in names, path.name
    for a in W.assignments(EXERCISES):
        assert f"warmline/data/workbook/{a.id}/{a.id}.ipynb" in names, a.id
    assert not [n for n in names if n.startswith(("exercises/", "autograder/"))]
    data = tmp_path / "site" / "warmline" / "data"
    assert W.find_leaks(data / "course", secrets()) == []
    assert W.find_leaks(data / "workbook", secrets()) == []
    # installed that way (no repository beside it), `warmline workbook` still works
    code = ("import sys; from warmline import _workspace as S, _cli; "
            "print(S.course_source()); sys.exit(_cli.main(['workbook', sys.argv[1]]))")
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path / "work")],
                         capture_output=True, text=True, cwd=tmp_path,
                         env={**env, "PYTHONPATH": str(tmp_path / "site")})
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == str(tmp_path / "site" / "warmline" / "data" / "course")
    assert (tmp_path / "work" / "workbook" / "bare-pings" / "bare-pings.ipynb").is_file()
