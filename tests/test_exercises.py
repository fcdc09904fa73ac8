"""Exercise content: validated on load, agreeing with the analyzer, and fair to grade."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from warmline import DataFileError, analyze
from warmline import _exercises as E
from warmline import _workbook as W
from warmline._judgements import check_rewrite

ROOT = Path(__file__).resolve().parents[1]
CONTENT = E.content()
PRACTICE = CONTENT.decks["practice"]
GRADED = CONTENT.decks["graded"]
GENERIC = "quick q: can you help? no worries if not"


# --- amounts and coverage -----------------------------------------------------------------------


def test_there_is_enough_content() -> None:
    assert len(CONTENT.scenarios) >= 12
    assert len(PRACTICE.items) >= 40
    assert len(GRADED.items) >= 10
    assert len(CONTENT.pieces) >= 6
    assert len(CONTENT.targets) >= 6


@pytest.mark.parametrize("deck", [PRACTICE, GRADED], ids=lambda d: d.name)
def test_every_label_is_practised(deck: E.Deck) -> None:
    counts = Counter(it.label for it in deck.items)
    assert set(counts) == {"none", "genuine", "mixed", "transactional"}
    assert min(counts.values()) >= len(deck.items) // 5


def test_the_course_exercises_cover_every_principle() -> None:
    from warmline._data import principles

    core = [ex for ex in CONTENT.exercises.values() if not ex.optional]
    for exs in ([ex for ex in core if not ex.graded], [ex for ex in core if ex.graded]):
        # The lessons, and the graded workbook on its own, each cover every principle and kind.
        assert {ex.principle for ex in exs} == set(principles())
        assert {ex.kind for ex in exs} == set(E.EXERCISE_KINDS)


def _notebook_exercise_ids(folder: Path, pattern: str) -> dict[str, list[str]]:
    """The exercise ids each notebook under ``folder`` shows in widgets."""
    return {str(path.relative_to(ROOT)): W.exercise_ids(W.read_notebook(path))
            for path in sorted(folder.glob(pattern))}


def test_lessons_use_only_practice_exercises_and_the_workbook_only_graded_ones() -> None:
    """Lessons show a model answer once an answer is recorded, so a graded item must never be
    a lesson's exercise: the workbook grades its own items, and only those are graded."""
    lessons = _notebook_exercise_ids(ROOT / "course", "*.ipynb")
    workbook = _notebook_exercise_ids(ROOT / "exercises", "*/*.ipynb")
    assert lessons and workbook and all(workbook.values())
    for where, ids in lessons.items():
        graded = [eid for eid in ids if E.exercise(eid).graded]
        assert not graded, f"{where} shows graded exercises {graded}"
    for where, ids in workbook.items():
        practice = [eid for eid in ids if not E.exercise(eid).graded]
        assert not practice, f"{where} grades lesson exercises {practice}"
    used = [eid for ids in workbook.values() for eid in ids]
    assert len(used) == len(set(used)), "an exercise is graded in two assignments"
    assert set(used) == {ex.id for ex in CONTENT.exercises.values() if ex.graded}


def _content_of(eid: str) -> tuple[str, str]:
    """The (kind, data id) an exercise is built from; for a deck, its items are checked apart."""
    ex = E.exercise(eid)
    return ex.kind, ex.data


def test_graded_exercises_share_no_content_with_the_lessons() -> None:
    """A graded exercise's scenario, target or piece is its own: no lesson exercise uses it, and
    its model answer is not a lesson's."""
    graded = {_content_of(ex.id) for ex in CONTENT.exercises.values() if ex.graded}
    practice = {_content_of(ex.id) for ex in CONTENT.exercises.values() if not ex.graded}
    assert not graded & practice
    models = {
        "rewrite": {k: _normal_words(v.model_answer) for k, v in CONTENT.scenarios.items()},
        "intentions": {k: _normal_words(v.model_draft) for k, v in CONTENT.targets.items()},
        "interest": {k: _normal_words(v.model_questions) for k, v in CONTENT.pieces.items()},
    }
    for kind, data in graded:
        if kind == "spot":
            continue
        mine = models[kind][data]
        for other_kind, other in practice:
            if other_kind != "spot":
                shared = mine & models[other_kind][other]
                assert len(shared) < 0.2 * len(mine), (data, other, sorted(shared)[:5])


def _normal_words(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = E._normal(text).split()
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_the_graded_deck_repeats_no_practice_item() -> None:
    assert not {it.id for it in PRACTICE.items} & {it.id for it in GRADED.items}
    practice = {E._normal(it.text) for it in PRACTICE.items}
    assert not [it.id for it in GRADED.items if E._normal(it.text) in practice]


# --- the analyzer agrees with every deck label --------------------------------------------------

DECK_ITEMS = [pytest.param(it, id=f"{deck.name}:{it.id}")
              for deck in (PRACTICE, GRADED) for it in deck.items]


@pytest.mark.parametrize("item", DECK_ITEMS)
def test_the_analyzer_agrees_with_the_label(item: E.DeckItem) -> None:
    """The "why" a learner reads must never contradict the analyzer's own judgement."""
    got = analyze(item.text).ask
    assert got == item.label, f"{item.id}: gold {item.label}, analyzer {got}: {item.text!r}"


# --- rewrite scenarios are fair to grade --------------------------------------------------------

SCENARIOS = [pytest.param(sc, id=sc.id) for sc in CONTENT.scenarios.values()]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_model_answer_passes(scenario: E.Scenario) -> None:
    feedback = check_rewrite(scenario, scenario.model_answer)
    assert feedback.passed, [(c.id, c.detail) for c in feedback.missing]
    assert feedback.score == 1.0


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_bare_message_fails(scenario: E.Scenario) -> None:
    feedback = check_rewrite(scenario, scenario.bare)
    assert feedback.verdict == "not yet"
    assert any(c.id.startswith("carry-") for c in feedback.missing)
    assert feedback.score < 0.7


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_generic_rewrite_fails(scenario: E.Scenario) -> None:
    feedback = check_rewrite(scenario, GENERIC)
    assert feedback.verdict == "not yet"
    assert {c.id for c in feedback.missing} >= {f"carry-{i}"
                                                for i in range(len(scenario.must_carry))}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_keyword_list_fails(scenario: E.Scenario) -> None:
    """Every evidence pattern's own example words, pasted as a list, do not pass."""
    words = []
    for item in scenario.must_carry:
        for m in (p.search(scenario.model_answer) for p in item.evidence):
            assert m is not None
            words.append(m.group())
    feedback = check_rewrite(scenario, " ".join(words) + "?")
    assert not feedback.passed


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_must_carry_item_is_needed(scenario: E.Scenario) -> None:
    """Removing what proves one item from the model answer makes that item fail."""
    for i, item in enumerate(scenario.must_carry):
        text = scenario.model_answer
        for pattern in item.evidence:
            text = pattern.sub("…", text)
        checks = {c.id: c for c in check_rewrite(scenario, text).checks}
        assert not checks[f"carry-{i}"].ok, item.what


# --- decks: order and scores --------------------------------------------------------------------


def test_rounds_are_seeded_shuffles() -> None:
    rounds = [PRACTICE.order(r) for r in range(4)]
    assert all(sorted(it.id for it in r) == sorted(it.id for it in PRACTICE.items)
               for r in rounds)
    assert PRACTICE.order(2) == PRACTICE.order(2)
    assert len({tuple(it.id for it in r) for r in rounds}) == 4
    # Not the file order, where items are grouped by label.
    assert rounds[0] != PRACTICE.items


def test_the_shuffle_is_the_same_in_another_process() -> None:
    code = ("from warmline._exercises import deck; "
            "print(' '.join(it.id for it in deck('practice').order(3)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [it.id for it in PRACTICE.order(3)]


def test_deck_score() -> None:
    items = GRADED.items
    picks = {items[0].id: items[0].label, items[1].id: "mixed" if items[1].label != "mixed"
             else "none", "not-in-deck": "none"}
    assert GRADED.score(picks) == (1, len(items))
    assert GRADED.score({it.id: it.label for it in items}) == (len(items), len(items))


# --- lookups and progress -----------------------------------------------------------------------


def test_unknown_ids_name_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"no exercise 'nope'; known: .*rewrite-staging-flag"):
        E.exercise("nope")
    with pytest.raises(ValueError, match="no deck"):
        E.deck("final")


def test_progress_counts_recorded_answers() -> None:
    class Entry:
        def __init__(self, value: object) -> None:
            self.value = value

    graded = {it.id: it.label for it in GRADED.items}
    half = dict(list(graded.items())[:3])
    rows = {r.exercise.id: r.status for r in E.progress(
        {"rewrite-staging-flag": Entry("x"), "spot-graded": Entry(half)},
        {"interest-flaky-tests": Entry("draft")})}
    assert rows["rewrite-staging-flag"] == "done"
    assert rows["spot-graded"] == "started"  # a graded deck is done once every item is answered
    assert rows["interest-flaky-tests"] == "started"
    assert rows["rewrite-invoice"] == "not started"
    done = {r.exercise.id: r.status for r in E.progress({"spot-graded": Entry(graded)}, {})}
    assert done["spot-graded"] == "done"


# --- validation names the file and the field ----------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "exercises"
    shutil.copytree(E.EXERCISES, copy)
    return copy


Edit = Callable[[list[dict[str, object]]], None]


def edit(folder: Path, name: str, change: Edit) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _set(index: int, key: str, value: object) -> Edit:
    def change(data: list[dict[str, object]]) -> None:
        data[index][key] = value
    return change


def _drop(index: int, key: str) -> Edit:
    def change(data: list[dict[str, object]]) -> None:
        del data[index][key]
    return change


def _carry(value: object) -> Edit:
    def change(data: list[dict[str, object]]) -> None:
        data[0]["must_carry"] = value
    return change


def _repeat_practice_text(data: list[dict[str, object]]) -> None:
    data[0]["text"] = "  HELLO! "


def _repeat_first_id(data: list[dict[str, object]]) -> None:
    data[1]["id"] = data[0]["id"]


BROKEN = {
    "missing need": ("scenarios.yaml", _drop(2, "need"), "[2].need", "missing required key"),
    "unknown key": ("scenarios.yaml", _set(0, "mood", "happy"), "mood", "unknown key"),
    "bad regex": ("scenarios.yaml", _carry([{"what": "x", "evidence": ["(unclosed"]}]),
                  "[0].must_carry[0].evidence[0]", "bad regular expression"),
    "empty must_carry": ("scenarios.yaml", _carry([]), "[0].must_carry", "non-empty list"),
    "easy_out not bool": ("scenarios.yaml", _set(1, "easy_out", "yes"), "[1].easy_out",
                          "true or false"),
    "bad ask kind": ("scenarios.yaml", _set(0, "asks", ["friendly"]), "[0].asks[0]",
                     "unknown ask kind"),
    "deck label": ("deck-practice.yaml", _set(4, "label", "friendly"), "[4].label",
                   "unknown ask kind"),
    "deck reason empty": ("deck-practice.yaml", _set(0, "reason", "  "), "[0].reason",
                          "must not be empty"),
    "repeated id": ("deck-graded.yaml", _repeat_first_id, "[1].id", "repeated id"),
    "graded repeats practice": ("deck-graded.yaml", _repeat_practice_text, "[0].text",
                                "practice deck"),
    "bad id": ("pieces.yaml", _set(0, "id", "Flaky Tests"), "[0].id", "bad id"),
    "piece terms": ("pieces.yaml", _set(3, "terms", []), "[3].terms", "non-empty list"),
    "target text type": ("targets.yaml", _set(2, "work", 42), "[2].work", "must be a string"),
    "exercise ref": ("exercises.yaml", _set(0, "data", "no-such-scenario"), "[0].data",
                     "no rewrite item 'no-such-scenario'"),
    "exercise principle": ("exercises.yaml", _set(1, "principle", "P9"), "[1].principle",
                           "unknown principle"),
    "exercise kind": ("exercises.yaml", _set(2, "kind", "quiz"), "[2].kind", "unknown kind"),
    "graded practice deck": ("exercises.yaml", _set(3, "graded", True), "[3].graded",
                             "graded deck"),
    "graded extra practice": ("exercises.yaml", _set(-1, "graded", True), "optional",
                              "can't be optional"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_errors_name_the_file_and_the_field(folder: Path, case: str) -> None:
    name, change, key, message = BROKEN[case]
    edit(folder, name, change)
    with pytest.raises(DataFileError) as info:
        E.load_content(folder)
    error = info.value
    assert error.path == str(folder / name)
    assert error.key is not None and error.key.endswith(key)
    assert message in str(error)
    assert str(error).startswith(f"{folder / name}: ")


def test_a_missing_file_is_named(folder: Path) -> None:
    (folder / "pieces.yaml").unlink()
    with pytest.raises(DataFileError, match=re.escape(str(folder / "pieces.yaml"))):
        E.load_content(folder)


def test_a_file_that_is_not_a_list(folder: Path) -> None:
    (folder / "targets.yaml").write_text("name: someone\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="must be a non-empty list"):
        E.load_content(folder)
