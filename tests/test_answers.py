"""The answers file: atomic, locked, drafts apart, nothing lost, damage reported and kept."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from warmline import AnswersFileError
from warmline import answers as A


def read(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


# --- reading and writing ------------------------------------------------------------------------


def test_missing_file_is_an_empty_book(path: Path) -> None:
    book = A.load_answers(path)
    assert dict(book.answers) == {} and dict(book.drafts) == {}
    assert A.get_answer("x", path=path) is None
    assert A.answer_text("x", path=path) is None
    assert not path.exists()


def test_record_writes_a_versioned_file(path: Path) -> None:
    saved = A.record_answer("rewrite-a", "Hi Priya, which flag?", path=path)
    data = read(path)
    assert data["version"] == A.SCHEMA_VERSION
    assert data["format"] == "warmline-answers"
    assert data["answers"] == {"rewrite-a": {"value": "Hi Priya, which flag?",
                                             "saved_at": saved.saved_at}}
    assert data["drafts"] == {}
    answer = A.get_answer("rewrite-a", path=path)
    assert answer == saved and not answer.draft
    assert A.answer_text("rewrite-a", path=path) == "Hi Priya, which flag?"


def test_default_path_is_the_working_folder(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert A.answers_path() == tmp_path / "warmline-answers.json"
    A.record_answer("ex-1", "hello there")
    assert (tmp_path / "warmline-answers.json").exists()
    assert A.answer_text("ex-1") == "hello there"


def test_recording_one_answer_keeps_all_others(path: Path) -> None:
    for i in range(5):
        A.record_answer(f"ex-{i}", f"answer {i}", path=path)
    A.save_draft("ex-9", "a draft", path=path)
    A.record_answer("ex-2", "changed", path=path)
    book = A.load_answers(path)
    assert {k: a.value for k, a in book.answers.items()} == {
        "ex-0": "answer 0", "ex-1": "answer 1", "ex-2": "changed", "ex-3": "answer 3",
        "ex-4": "answer 4"}
    assert book.drafts["ex-9"].value == "a draft"


def test_drafts_are_kept_apart_from_answers(path: Path) -> None:
    A.record_answer("ex", "recorded", path=path)
    A.save_draft("ex", "typing more", path=path)
    book = A.load_answers(path)
    assert book.answers["ex"].value == "recorded"
    assert book.drafts["ex"].value == "typing more" and book.drafts["ex"].draft
    # Graded cells read recorded answers only, never drafts.
    assert A.answer_text("ex", path=path) == "recorded"
    # The newer of the two is what a widget restores.
    assert book.latest("ex") == book.drafts["ex"]


def test_recording_drops_only_that_exercises_draft(path: Path) -> None:
    A.save_draft("ex", "draft", path=path)
    A.save_draft("other", "other draft", path=path)
    A.record_answer("ex", "final", path=path)
    book = A.load_answers(path)
    assert "ex" not in book.drafts and book.drafts["other"].value == "other draft"
    assert book.latest("ex") == book.answers["ex"]
    assert book.latest("missing") is None


def test_a_draft_alone_is_not_an_answer(path: Path) -> None:
    A.save_draft("ex", "draft only", path=path)
    assert A.get_answer("ex", path=path) is None
    assert A.load_answers(path).latest("ex") is not None


def test_structured_and_unicode_values_round_trip(path: Path) -> None:
    value = {"who": "Dr. Brandt 🌊", "picks": ["a", "b"], "n": 3, "ok": True, "x": None}
    A.record_answer("ex", value, path=path)  # type: ignore[arg-type]
    assert A.get_answer("ex", path=path).value == value  # type: ignore[union-attr]
    assert "🌊" in path.read_text(encoding="utf-8")
    A.record_answer("tuple", ("a", "b"), path=path)  # type: ignore[arg-type]
    assert A.get_answer("tuple", path=path).value == ["a", "b"]  # type: ignore[union-attr]


def test_answer_mapping(path: Path) -> None:
    A.record_answer("deck", {"g1": "none", "g2": "mixed"}, path=path)
    assert A.answer_mapping("deck", path=path) == {"g1": "none", "g2": "mixed"}
    assert A.answer_mapping("missing", path=path) is None


@pytest.mark.parametrize("bad", [{1, 2}, float("nan"), float("inf"), object(), {1: "x"},
                                 {"a": [object()]}])
def test_values_json_cannot_hold_are_refused(path: Path, bad: object) -> None:
    A.record_answer("ex", "kept", path=path)
    before = path.read_bytes()
    with pytest.raises(ValueError):
        A.record_answer("ex", bad, path=path)  # type: ignore[arg-type]
    assert path.read_bytes() == before


@pytest.mark.parametrize("bad", ["", "has space", "../escape", "a" * 101, "-lead", 5, None])
def test_bad_exercise_ids_are_refused(path: Path, bad: object) -> None:
    with pytest.raises(ValueError, match="exercise id"):
        A.record_answer(bad, "x", path=path)  # type: ignore[arg-type]
    assert not path.exists()


def test_unknown_keys_are_preserved(path: Path) -> None:
    path.write_text(json.dumps({"version": 1, "answers": {}, "drafts": {},
                                "instructor_note": {"keep": True}}), encoding="utf-8")
    A.record_answer("ex", "x", path=path)
    assert read(path)["instructor_note"] == {"keep": True}


def test_an_empty_file_is_an_empty_book(path: Path) -> None:
    path.write_text("  \n", encoding="utf-8")
    assert dict(A.load_answers(path).answers) == {}
    A.record_answer("ex", "x", path=path)
    assert A.answer_text("ex", path=path) == "x"


# --- atomic writes and locking ------------------------------------------------------------------


def test_writes_leave_no_temporary_files(path: Path) -> None:
    for i in range(10):
        A.save_draft("ex", f"draft {i}", path=path)
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == [A.FILE_NAME, A.FILE_NAME + ".lock"]


def test_a_failed_write_leaves_the_old_file_intact(path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    A.record_answer("ex", "safe", path=path)
    before = path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(A.os, "replace", broken_replace)
    with pytest.raises(AnswersFileError, match="No space left on device"):
        A.record_answer("other", "lost?", path=path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [A.FILE_NAME, A.FILE_NAME + ".lock"]


def test_new_files_follow_the_umask(path: Path) -> None:
    A.record_answer("ex", "x", path=path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_without_fcntl_writes_still_work(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(A, "fcntl", None)
    A.record_answer("ex", "x", path=path)
    A.save_draft("ex2", "y", path=path)
    assert A.answer_text("ex", path=path) == "x"
    assert not (path.parent / (A.FILE_NAME + ".lock")).exists()


def test_writers_in_parallel_lose_nothing(path: Path) -> None:
    """Several processes (as several kernels would) record different answers at once."""
    script = textwrap.dedent(
        """
        import sys
        from warmline.answers import record_answer, save_draft
        worker, path = sys.argv[1], sys.argv[2]
        for i in range(15):
            record_answer(f"w{worker}-{i}", f"answer {worker}/{i}", path=path)
            save_draft(f"w{worker}-draft", f"draft {i}", path=path)
        """
    )
    workers = [subprocess.Popen([sys.executable, "-c", script, str(w), str(path)])
               for w in range(6)]
    assert all(p.wait(timeout=60) == 0 for p in workers)
    book = A.load_answers(path)
    assert len(book.answers) == 6 * 15
    assert all(book.answers[f"w{w}-{i}"].value == f"answer {w}/{i}"
               for w in range(6) for i in range(15))
    assert {k: d.value for k, d in book.drafts.items()} == {
        f"w{w}-draft": "draft 14" for w in range(6)}


# --- damaged files ------------------------------------------------------------------------------


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(A.FILE_NAME + ".damaged-*"))


def test_invalid_json_is_reported_backed_up_and_never_overwritten(path: Path) -> None:
    damaged = b'{"version": 1, "answers": {"ex": {"value": "my work", '
    path.write_bytes(damaged)
    with pytest.raises(AnswersFileError) as info:
        A.load_answers(path)
    message = str(info.value)
    assert str(path) in message and "damaged" in message and "not valid JSON" in message
    [backup] = backups(path)
    assert backup.read_bytes() == damaged
    assert str(backup) in message
    # Writing refuses too, and leaves the damaged file as it was.
    for write in (A.record_answer, A.save_draft):
        with pytest.raises(AnswersFileError):
            write("other", "x", path=path)
    assert path.read_bytes() == damaged
    assert backups(path) == [backup]  # the same damage is backed up once


def test_binary_garbage_is_reported(path: Path) -> None:
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(AnswersFileError, match="not UTF-8"):
        A.load_answers(path)
    assert len(backups(path)) == 1


HAND_EDITED = {
    "a list": ([], "must hold a JSON object"),
    "no version": ({"answers": {}}, "'version' is missing"),
    "version as text": ({"version": "1", "answers": {}}, "'version' is missing"),
    "newer version": ({"version": 99, "answers": {}}, "newer warmline"),
    "version zero": ({"version": 0}, "at least 1"),
    "answers as a list": ({"version": 1, "answers": ["a"]}, "'answers' must be an object"),
    "drafts as text": ({"version": 1, "drafts": "x"}, "'drafts' must be an object"),
    "entry as text": ({"version": 1, "answers": {"ex": "hello"}},
                      "answers['ex'] must be an object"),
    "no value": ({"version": 1, "answers": {"ex": {"saved_at": "2026-01-01T00:00:00"}}},
                 "has no 'value'"),
    "time as number": ({"version": 1, "answers": {"ex": {"value": "x", "saved_at": 5}}},
                       "saved_at must be a date"),
    "time as junk": ({"version": 1, "drafts": {"ex": {"value": "x", "saved_at": "soon"}}},
                     "not an ISO 8601"),
    "bad id": ({"version": 1, "answers": {"no spaces allowed": {"value": "x",
                                                                "saved_at": "2026-01-01"}}},
               "not a valid exercise id"),
}


@pytest.mark.parametrize("case", sorted(HAND_EDITED))
def test_hand_edited_shapes_give_clear_errors(path: Path, case: str) -> None:
    data, expected = HAND_EDITED[case]
    path.write_text(json.dumps(data), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(AnswersFileError, match=re.escape(expected)) as info:
        A.load_answers(path)
    assert str(path) in str(info.value)
    with pytest.raises(AnswersFileError):
        A.record_answer("new", "x", path=path)
    assert path.read_bytes() == before
    assert len(backups(path)) == 1


def test_a_hand_edited_answer_of_the_wrong_type(path: Path) -> None:
    path.write_text(json.dumps({"version": 1, "answers": {
        "rewrite": {"value": ["not", "text"], "saved_at": "2026-01-01T00:00:00+00:00"},
        "deck": {"value": "not a mapping", "saved_at": "2026-01-01T00:00:00+00:00"},
        "deck2": {"value": {"g1": 3}, "saved_at": "2026-01-01T00:00:00+00:00"},
    }}), encoding="utf-8")
    with pytest.raises(AnswersFileError, match="should be text, but the file holds a list"):
        A.answer_text("rewrite", path=path)
    with pytest.raises(AnswersFileError, match="should be a set of named text answers"):
        A.answer_mapping("deck", path=path)
    with pytest.raises(AnswersFileError, match="named text answers"):
        A.answer_mapping("deck2", path=path)


def test_a_folder_in_place_of_the_file(path: Path) -> None:
    path.mkdir()
    with pytest.raises(AnswersFileError, match="is a folder"):
        A.load_answers(path)
    with pytest.raises(AnswersFileError):
        A.record_answer("ex", "x", path=path)


def test_answers_module_imports_no_jupyter_package() -> None:
    code = ("import sys, warmline.answers; "
            "bad = [m for m in ('ipywidgets', 'nbformat', 'nbgrader', 'ipykernel', 'traitlets')"
            " if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
