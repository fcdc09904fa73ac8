"""The judgements behind widgets 1, 3 and 4, tested on their labeled examples."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from warmline import DataFileError
from warmline import _exercises as E
from warmline import _judgements as J

EXAMPLES = J.JUDGEMENTS


def _load(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


QUESTIONS = _load("questions.yaml")
DRAFTS = _load("drafts.yaml")


# --- the labeled examples themselves ------------------------------------------------------------


def test_question_examples_are_well_formed() -> None:
    assert len(QUESTIONS) >= 30
    for i, item in enumerate(QUESTIONS):
        assert set(item) == {"piece", "question", "open", "specific", "about_them"}, i
        assert item["piece"] in E.content().pieces, i
        assert all(isinstance(item[k], bool) for k in ("open", "specific", "about_them")), i
    # Both sides of every judgement are represented.
    for key in ("open", "specific", "about_them"):
        assert {item[key] for item in QUESTIONS} == {True, False}


def test_draft_examples_are_well_formed() -> None:
    assert len(DRAFTS) >= 20
    for i, item in enumerate(DRAFTS):
        assert set(item) == {"target", "text", "focus", "specific", "order"}, i
        assert item["target"] is None or item["target"] in E.content().targets, i
    assert {d["focus"] for d in DRAFTS} == {"them", "me"}
    assert {d["specific"] for d in DRAFTS} == {True, False}
    assert {d["order"] for d in DRAFTS} == {"interest-first", "favor-first", "no-favor"}


@pytest.mark.parametrize("item", QUESTIONS, ids=[q["question"][:50] for q in QUESTIONS])
def test_question_judgement_matches_its_label(item: dict[str, Any]) -> None:
    judged = J.judge_question(item["question"], E.piece(item["piece"]))
    assert judged.is_question
    got = {"open": judged.open, "specific": judged.specific, "about_them": judged.about_them}
    assert got == {k: item[k] for k in got}, judged.notes


@pytest.mark.parametrize("item", DRAFTS, ids=[d["text"][:50] for d in DRAFTS])
def test_draft_reading_matches_its_label(item: dict[str, Any]) -> None:
    reading = J.read_draft(item["text"], item["target"])
    got = {"focus": reading.focus, "specific": reading.specific, "order": reading.order}
    assert got == {k: item[k] for k in got}, reading.notes


# --- model content reads well -------------------------------------------------------------------


@pytest.mark.parametrize("target", E.content().targets.values(), ids=lambda t: t.id)
def test_model_drafts_read_well(target: E.Target) -> None:
    reading = J.read_draft(target.model_draft, target)
    assert reading.verdict == "reads well", reading.notes
    assert all(note.startswith("✓") for note in reading.notes)


@pytest.mark.parametrize("piece", E.content().pieces.values(), ids=lambda p: p.id)
def test_model_questions_are_good_follow_ups(piece: E.Piece) -> None:
    feedback = J.judge_questions(piece, piece.model_questions)
    assert feedback.verdict == "good", [(q.text, q.notes) for q in feedback.sentences]
    assert len(feedback.questions) >= 3


# --- follow-up questions: splitting and verdicts ------------------------------------------------


def test_questions_are_split_by_line_and_sentence() -> None:
    text = ("1. Why two weeks?\n- How did you find the clock bug?  Great post!\n\n"
            "* What happened to tests nobody owned?")
    feedback = J.judge_questions("flaky-tests", text)
    assert [q.text for q in feedback.sentences] == [
        "Why two weeks?", "How did you find the clock bug?", "Great post!",
        "What happened to tests nobody owned?"]
    assert [q.is_question for q in feedback.sentences] == [True, True, False, True]
    for q in feedback.sentences:
        assert text[q.start:q.end] == q.text
    assert feedback.verdict == "good"
    assert feedback.summary.startswith("Good follow-ups: 3 of 3 open")
    assert feedback.sentences[2].notes == ("This is not a question, so it is not judged.",)


def test_question_verdicts() -> None:
    assert J.judge_questions("quietlog", "").verdict == "not yet"
    assert J.judge_questions("quietlog", "Nice library.").verdict == "not yet"
    one = J.judge_questions("quietlog", "Why did you choose one minute as the window?")
    assert one.verdict == "almost" and "Add a second one" in one.summary
    bad = J.judge_questions("quietlog", "Is your company hiring?\nDo you like Python?")
    assert bad.verdict == "not yet"
    mixed = J.judge_questions("quietlog", "Why one minute for the window?\nAre you hiring?")
    assert mixed.verdict == "almost"


def test_question_notes_say_why_in_words() -> None:
    [q] = J.judge_questions("sourdough-mondays",
                            "Can you share your sourdough recipe with me?").sentences
    assert q.notes[0].startswith("✗ Closed")
    assert q.notes[1].startswith("✓ Specific") and "sourdough" in q.notes[1]
    assert q.notes[2].startswith("✗ About you")


def test_questions_without_a_piece_are_never_specific_by_terms() -> None:
    feedback = J.judge_questions(None, "How did you pick two weeks for the quarantine?")
    assert feedback.piece is None and not feedback.questions[0].specific


# --- cold drafts --------------------------------------------------------------------------------


def test_an_empty_draft() -> None:
    reading = J.read_draft("", "river-restoration")
    assert reading.verdict == "not yet"
    assert reading.notes == ("Write your draft in the box above.",)


def test_draft_notes_are_words_and_symbols() -> None:
    reading = J.read_draft("Could I pick your brain over coffee sometime?", None)
    assert reading.focus == "me" and not reading.specific and reading.order == "favor-first"
    assert [n[0] for n in reading.notes] == ["✗", "✗", "✗"]
    assert reading.verdict == "not yet"


# --- rewrite checks -----------------------------------------------------------------------------


def test_rewrite_checks_are_complete_and_stable() -> None:
    sc = E.scenario("staging-flag")
    ids = [c.id for c in J.check_rewrite(sc, sc.model_answer).checks]
    assert ids == ["context", "sentences", *[f"carry-{i}" for i in range(len(sc.must_carry))],
                   "question", "time", "ask", "other"]
    with_out = [c.id for c in J.check_rewrite("friend-referral", "x").checks]
    assert "easy-out" in with_out


def test_an_empty_rewrite_scores_zero() -> None:
    feedback = J.check_rewrite("staging-flag", "   ")
    assert feedback.verdict == "not yet" and feedback.score == 0
    assert all(c.detail == "Write your message in the box above." for c in feedback.checks)


def test_time_pressure_and_length_cost_the_time_check() -> None:
    sc = E.scenario("staging-flag")
    urgent = sc.model_answer.replace("The demo is at 3 pm today, so anything before 2:30 helps.",
                                     "URGENT!!! need it by 3 pm ASAP.")
    checks = {c.id: c for c in J.check_rewrite(sc, urgent).checks}
    assert not checks["time"].ok and "without a reason" in checks["time"].detail
    long = sc.model_answer + " Also, some background on the project." * 12
    feedback = J.check_rewrite(sc, long)
    checks = {c.id: c for c in feedback.checks}
    assert not checks["time"].ok and "words" in checks["time"].detail
    assert feedback.verdict == "almost"


def test_a_favor_without_an_easy_out() -> None:
    sc = E.scenario("reference-letter")
    text = sc.model_answer.replace(" If you don't have the time, I completely understand.", "")
    feedback = J.check_rewrite(sc, text)
    checks = {c.id: c for c in feedback.checks}
    assert not checks["easy-out"].ok and "course's own addition" in checks["easy-out"].detail
    assert feedback.verdict == "almost"


def test_a_transactional_ask_where_the_scenario_does_not_allow_one() -> None:
    text = ("Hi Ines, I see you're a design lead at a big healthcare company. Could you refer me "
            "for a job? I'm asking because of the dark mode readability problem: I measured it "
            "too, with older patients. No worries if not.")
    feedback = J.check_rewrite("designer-dark-mode", text)
    checks = {c.id: c for c in feedback.checks}
    assert not checks["ask"].ok
    assert feedback.verdict != "ready"


def test_the_rewrite_of_a_bare_ping_quotes_the_analyzers_advice() -> None:
    checks = {c.id: c for c in J.check_rewrite("pr-review", "hey, you around?").checks}
    assert not checks["context"].ok
    assert "Bare ping" in checks["context"].detail


def test_found_evidence_is_quoted_from_the_draft() -> None:
    sc = E.scenario("invoice-follow-up")
    checks = {c.id: c for c in J.check_rewrite(sc, sc.model_answer).checks}
    assert checks["carry-0"].detail == "Found “2417”."


@pytest.mark.parametrize("call", [
    lambda: J.check_rewrite("staging-flag", None),
    lambda: J.judge_questions("quietlog", b"bytes"),
    lambda: J.read_draft(3),
])
def test_non_text_is_a_type_error(call: Any) -> None:
    with pytest.raises(TypeError):
        call()


def test_judgements_run_in_the_calling_thread() -> None:
    before = threading.active_count()
    J.check_rewrite("staging-flag", "hi")
    J.judge_questions("quietlog", "why?")
    J.read_draft("hello", None)
    assert threading.active_count() == before


# --- the cues file ------------------------------------------------------------------------------


def test_cues_file_errors_name_file_and_key(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "cues.yaml").read_text(encoding="utf-8"))
    data["request"] = ["(broken"]
    path = tmp_path / "cues.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"cues.yaml: request\[0\]: bad regular expression"):
        J.load_cues(path)
    data["surprise"] = ["x"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(DataFileError, match="surprise: unknown key"):
        J.load_cues(path)
