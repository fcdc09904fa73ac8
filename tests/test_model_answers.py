"""Model answers in the exercise widgets, headless: never shown before an answer is recorded
(not on a fresh widget, not after a draft, not after a refused record), shown with why it works
once one is, restored with the answer, and never shown for a graded exercise."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest

from warmline import _exercises as E
from warmline import answers as A
from warmline._judgements import judge_questions, read_draft
from warmline.widgets import (
    CheckIntentions,
    ExerciseWidget,
    RewriteExercise,
    SpotTheAsk,
    StayInterested,
    exercise,
)
from widget_tree import text_of

WITH_MODELS = [ex.id for ex in E.exercises().values()
               if ex.kind in ("rewrite", "intentions", "interest") and not ex.graded]
ONE_OF_EACH = ["rewrite-staging-flag", "intentions-river", "interest-flaky-tests"]


def flat(text: str) -> str:
    return " ".join(text.split())


def model_sentences(w: ExerciseWidget) -> list[str]:
    """Sentences of the exercise's model answer long enough to identify it."""
    if isinstance(w, RewriteExercise):
        sc = w.scenario
        model, brief = sc.model_answer, [sc.bare, sc.need, sc.deadline, sc.to, sc.relationship]
    elif isinstance(w, CheckIntentions):
        model, brief = w.target.model_draft, [w.target.work, w.target.your_goal]
    else:
        assert isinstance(w, StayInterested)
        model, brief = w.piece.model_questions, [w.piece.text]
    # Sentences the exercise itself shows (a greeting from the bare message, the deadline) are
    # visible by design; the rest of the model answer must not be.
    shown = flat(" ".join(brief)).lower()
    sentences = [flat(s) for s in re.split(r"(?<=[.?!])\s+|\n", model)]
    return [s for s in sentences if len(s) >= 25 and s.lower() not in shown]


def model_shown(w: ExerciseWidget) -> bool:
    seen = text_of(w)
    return any(s in seen for s in model_sentences(w))


def answer(w: ExerciseWidget) -> None:
    """Fill in a plausible (not model) answer."""
    if isinstance(w, CheckIntentions):
        for key, area in w._fields.items():
            area.value = f"My answer to {key}: I read about your work and have a question?"
    elif isinstance(w, StayInterested):
        w._text.value = "How did you decide what to try first?"
    else:
        w._text.value = "Hi! A question about the thing we discussed: could you help by Friday?"


def record(w: ExerciseWidget) -> None:
    w._record_button.click()


# --- before recording -------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", WITH_MODELS)
def test_no_model_answer_before_an_answer_is_recorded(exercise_id: str, path: Path) -> None:
    w = exercise(exercise_id, answers_path=path)
    assert model_sentences(w), "the model answer is too short to look for"
    assert w._model.value == "" and not model_shown(w)
    answer(w)  # drafts are saved as you type, but nothing is recorded
    assert not w.recorded and w._model.value == "" and not model_shown(w)
    again = exercise(exercise_id, answers_path=path)  # restored from the draft
    assert again._model.value == "" and not model_shown(again)
    assert A.get_answer(exercise_id, path=path) is None


@pytest.mark.parametrize("exercise_id", ONE_OF_EACH)
def test_a_refused_record_shows_no_model_answer(exercise_id: str, path: Path) -> None:
    w = exercise(exercise_id, answers_path=path)
    record(w)  # everything empty: refused
    assert not w.recorded and w._model.value == ""
    if isinstance(w, CheckIntentions):
        w._draft.value = "Dear Dr. Brandt, I read your report."  # other questions still empty
        record(w)
        assert not w.recorded and w._model.value == ""
    if isinstance(w, StayInterested):
        w._text.value = "Nice post."  # not a question
        record(w)
        assert not w.recorded and w._model.value == ""


def test_spot_the_ask_explains_only_after_checking(path: Path) -> None:
    w = SpotTheAsk("spot-practice", answers_path=path)
    item = w.order[w.position]
    assert flat(item.reason) not in text_of(w)
    w._choice.value = item.label
    w._check_button.click()
    assert flat(item.reason) in text_of(w)


# --- after recording --------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", WITH_MODELS)
def test_model_answer_and_why_after_recording_and_after_restoring(exercise_id: str,
                                                                   path: Path) -> None:
    w = exercise(exercise_id, answers_path=path)
    answer(w)
    record(w)
    assert w.recorded and model_shown(w)
    assert "why" in text_of(w).lower()
    again = exercise(exercise_id, answers_path=path)
    assert again.recorded and model_shown(again)
    assert again._model.value == w._model.value


def test_rewrite_shows_the_scenarios_reasoning(path: Path) -> None:
    w = RewriteExercise("rewrite-invoice", answers_path=path)
    answer(w)
    record(w)
    seen = text_of(w)
    assert "A model answer, and why it works" in seen
    assert flat(html.unescape(w.scenario.why)) in seen


def test_intentions_says_why_the_model_draft_works(path: Path) -> None:
    w = CheckIntentions("intentions-river", answers_path=path)
    answer(w)
    record(w)
    seen = text_of(w)
    assert "One possible draft, and why it works" in seen and "Why it works:" in seen
    reading = read_draft(w.target.model_draft, w.target)
    assert reading.verdict == "reads well"
    for note in reading.notes:
        assert note.startswith("✓") and flat(note) in seen
    for finding in reading.report.strengths:
        assert finding.message in seen


@pytest.mark.parametrize("exercise_id", [ex.id for ex in E.exercises().values()
                                         if ex.kind == "intentions"])
def test_every_model_draft_reads_well(exercise_id: str) -> None:
    """'Why it works' lists the feedback on the model, so it must be all ticks."""
    target = E.target(E.exercise(exercise_id).data)
    reading = read_draft(target.model_draft, target)
    assert reading.verdict == "reads well"
    assert all(n.startswith("✓") for n in reading.notes)


def test_interest_says_why_each_question_works(path: Path) -> None:
    w = StayInterested("interest-flaky-tests", answers_path=path)
    answer(w)
    record(w)
    seen = text_of(w)
    assert "Some questions others asked, and why they work" in seen
    judged = judge_questions(w.piece, w.piece.model_questions)
    assert judged.verdict == "good"
    for q in judged.questions:
        assert flat(q.text) in seen
        assert all(n.startswith("✓") for n in q.notes)


# --- graded exercises -------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", ONE_OF_EACH)
def test_a_graded_exercise_never_shows_a_model_answer(exercise_id: str, path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    original = E.exercise

    def graded(eid: str) -> E.Exercise:
        return dataclasses.replace(original(eid), graded=True)

    monkeypatch.setattr(E, "exercise", graded)
    w = exercise(exercise_id, answers_path=path)
    answer(w)
    record(w)
    assert w.recorded and w._model.value == "" and not model_shown(w)
    again = exercise(exercise_id, answers_path=path)
    assert again.recorded and again._model.value == ""


@pytest.mark.parametrize("exercise_id", ONE_OF_EACH)
def test_show_model_false_hides_the_model_answer(exercise_id: str, path: Path) -> None:
    """For a graded notebook that reuses a practice exercise."""
    w = exercise(exercise_id, answers_path=path, show_model=False)
    answer(w)
    record(w)
    assert w.recorded and w._model.value == "" and not model_shown(w)
    assert not exercise(exercise_id, answers_path=path, show_model=False)._model.value
    assert model_shown(exercise(exercise_id, answers_path=path))  # the lesson still shows it
