"""The exercise widgets, headless: set values, click buttons, read the rendered HTML and the
answers file, build the widget again and check what it restores. No kernel, no browser."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from warmline import _exercises as E
from warmline import answers as A
from warmline.widgets import (
    CheckIntentions,
    ExerciseWidget,
    Progress,
    RewriteExercise,
    SpotTheAsk,
    StayInterested,
    _html,
    exercise,
)
from widget_tree import html_of, text_of, walk

ALL_EXERCISES = list(E.exercises())


def saved(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# --- every widget -------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", ALL_EXERCISES)
def test_every_exercise_has_a_widget(exercise_id: str, path: Path) -> None:
    w = exercise(exercise_id, answers_path=path)
    assert isinstance(w, ExerciseWidget) and isinstance(w, widgets.VBox)
    assert w.exercise.id == exercise_id
    assert _html.esc(w.exercise.title) in html_of(w)
    assert not path.exists()  # building a widget writes nothing


@pytest.mark.parametrize("exercise_id", ALL_EXERCISES)
def test_every_input_has_a_visible_label(exercise_id: str, path: Path) -> None:
    w = exercise(exercise_id, answers_path=path)
    inputs = [c for c in walk(w) if isinstance(c, (widgets.Textarea, widgets.Text,
                                                   widgets.RadioButtons, widgets.ToggleButtons,
                                                   widgets.Dropdown, widgets.Checkbox))]
    assert inputs
    for c in inputs:
        assert c.description.strip(), c
    for b in (c for c in walk(w) if isinstance(c, widgets.Button)):
        assert b.description.strip() and b.tooltip


def test_progress_button_is_labelled(path: Path) -> None:
    p = Progress(answers_path=path)
    assert all(b.description for b in walk(p) if isinstance(b, widgets.Button))


def test_a_widget_of_the_wrong_kind_is_refused(path: Path) -> None:
    with pytest.raises(ValueError, match="is a 'spot' exercise"):
        RewriteExercise("spot-practice", answers_path=path)
    with pytest.raises(ValueError, match="no exercise 'nope'"):
        exercise("nope", answers_path=path)


def test_default_answers_file_is_in_the_working_folder(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    w = RewriteExercise("rewrite-staging-flag")
    w._text.value = "Hi Priya"
    assert saved(tmp_path / A.FILE_NAME)["drafts"]["rewrite-staging-flag"]["value"] == "Hi Priya"


# --- rewrite ------------------------------------------------------------------------------------


def test_rewrite_feedback_updates_as_you_type(path: Path) -> None:
    w = RewriteExercise("rewrite-staging-flag", answers_path=path)
    assert "Not yet" in text_of(w)
    before = threading.active_count()
    w._text.value = "hey priya, got a sec?"
    assert w.feedback is not None and w.feedback.verdict == "not yet"
    assert "✗ Not yet" in text_of(w._feedback)
    assert "Bare ping" in text_of(w._feedback)
    w._text.value = E.scenario("staging-flag").model_answer
    assert w.feedback.verdict == "ready"
    assert "✓ Ready to send" in text_of(w._feedback)
    assert threading.active_count() == before  # no timers or threads


def test_rewrite_feedback_lists_what_is_missing_in_words(path: Path) -> None:
    w = RewriteExercise("rewrite-friend-referral", answers_path=path)
    w._text.value = "quick q: can you help? no worries if not"
    shown = text_of(w._feedback)
    assert "✗ Carries the role you are applying for (data analyst) (to do)" in shown
    assert "✗ Carries by when (Friday) (to do)" in shown
    assert "✓ Makes it easy to say no (done)" in shown
    assert "P5: Respect people's time and feelings" in shown


def test_rewrite_preview_renders_markdown(path: Path) -> None:
    w = RewriteExercise("rewrite-pr-review", answers_path=path)
    w._text.value = "hey Dev, could you review **PR 482**?\n\n- retry logic"
    assert "<strong>PR 482</strong>" in w._preview.value
    assert "<li>retry logic</li>" in w._preview.value
    assert "Preview: what Dev sees" in text_of(w._preview)


def test_rewrite_drafts_record_and_restore(path: Path) -> None:
    w = RewriteExercise("rewrite-invoice", answers_path=path)
    w._text.value = "Hello, about invoice 2417"
    assert saved(path)["drafts"]["rewrite-invoice"]["value"] == "Hello, about invoice 2417"
    assert saved(path)["answers"] == {}
    assert "Draft saved" in text_of(w._status)

    again = RewriteExercise("rewrite-invoice", answers_path=path)
    assert again._text.value == "Hello, about invoice 2417"
    assert "Restored your draft" in text_of(again._status)
    assert again.feedback is not None and again.feedback.report.text == again._text.value

    model = E.scenario("invoice-follow-up").model_answer
    again._text.value = model
    again._record_button.click()
    data = saved(path)
    assert data["answers"]["rewrite-invoice"]["value"] == model
    assert "rewrite-invoice" not in data["drafts"]
    assert again.recorded
    assert "Answer recorded, ready to send" in text_of(again._status)
    assert "A model answer, and why it works" in text_of(again._model)
    assert A.answer_text("rewrite-invoice", path=path) == model

    third = RewriteExercise("rewrite-invoice", answers_path=path)
    assert third._text.value == model and third.recorded
    assert "Restored your recorded answer" in text_of(third._status)
    assert "A model answer" in text_of(third._model)
    # Typing after recording keeps the recorded answer and restores the newer draft.
    third._text.value = model + " Thanks!"
    fourth = RewriteExercise("rewrite-invoice", answers_path=path)
    assert fourth._text.value == model + " Thanks!"
    assert A.answer_text("rewrite-invoice", path=path) == model


def test_restoring_writes_nothing(path: Path) -> None:
    RewriteExercise("rewrite-invoice", answers_path=path)._text.value = "draft"
    w = CheckIntentions("intentions-river", answers_path=path)
    for key, area in w._fields.items():
        area.value = f"text for {key}"
    w._record_button.click()
    StayInterested("interest-quietlog", answers_path=path)._text.value = "Why fold?"
    spot = SpotTheAsk("spot-practice", answers_path=path)
    spot._choice.value = "none"
    spot._check_button.click()
    before = path.read_bytes()
    for eid in ("rewrite-invoice", "intentions-river", "interest-quietlog", "spot-practice"):
        exercise(eid, answers_path=path)
    Progress(answers_path=path)
    assert path.read_bytes() == before


def test_recording_an_empty_rewrite_is_refused(path: Path) -> None:
    w = RewriteExercise("rewrite-invoice", answers_path=path)
    w._record_button.click()
    assert "Write your rewrite in the box first" in text_of(w._status)
    assert not path.exists()
    assert w._model.value == ""


def test_recording_an_unfinished_rewrite_says_so(path: Path) -> None:
    w = RewriteExercise("rewrite-invoice", answers_path=path)
    w._text.value = "following up"
    w._record_button.click()
    assert "not yet complete; you can improve it and record again" in text_of(w._status)
    assert A.answer_text("rewrite-invoice", path=path) == "following up"


def test_other_exercises_answers_survive(path: Path) -> None:
    A.record_answer("rewrite-day-off", "earlier answer", path=path)
    w = RewriteExercise("rewrite-invoice", answers_path=path)
    w._text.value = "new"
    w._record_button.click()
    assert A.answer_text("rewrite-day-off", path=path) == "earlier answer"


# --- spot the ask -------------------------------------------------------------------------------


def answer_all(w: SpotTheAsk, pick: Any = None) -> None:
    while not w.finished:
        item = w.order[w.position]
        w._choice.value = pick(item) if pick else item.label
        w._check_button.click()
        w._next_button.click()


def test_spot_shows_why_and_highlights_findings(path: Path) -> None:
    w = SpotTheAsk("spot-practice", answers_path=path)
    item = w.order[0]
    assert "Message 1 of 40" in text_of(w._counter)
    assert _html.plain(item.text) in w._message.value
    w._check_button.click()
    assert "Choose a kind of ask first" in text_of(w._status)
    wrong = next(k for k in ("none", "genuine", "mixed", "transactional") if k != item.label)
    w._choice.value = wrong
    w._check_button.click()
    shown = text_of(w._feedback)
    assert "✗ Not quite:" in shown and item.reason in shown
    assert w._choice.disabled and w._check_button.disabled and not w._next_button.disabled
    w._next_button.click()
    assert "Message 2 of 40" in text_of(w._counter)
    second = w.order[1]
    w._choice.value = second.label
    w._check_button.click()
    assert "✓ Right:" in text_of(w._feedback)


def test_spot_highlights_the_analyzers_findings(path: Path) -> None:
    w = SpotTheAsk("spot-practice", answers_path=path)
    target = next(i for i, it in enumerate(w.order) if it.id == "p-tx-coffee")
    for i in range(target):
        w._choice.value = w.order[i].label
        w._check_button.click()
        w._next_button.click()
    w._choice.value = "transactional"
    w._check_button.click()
    assert "<mark" in w._feedback.value and "<sup>[" in w._feedback.value
    assert "pick your brain" in text_of(w._feedback).lower()


def test_practice_round_score_record_and_retry(path: Path) -> None:
    w = SpotTheAsk("spot-practice", answers_path=path)
    first_order = [it.id for it in w.order]
    wrong_ids = {it.id for it in w.deck.items[:5]}
    answer_all(w, lambda it: "none" if it.id in wrong_ids and it.label != "none"
               else ("genuine" if it.id in wrong_ids else it.label))
    assert "Score this round: 35 of 40." in text_of(w._score)
    recorded = A.answer_mapping("spot-practice", path=path)
    assert recorded is not None and len(recorded) == 40
    assert w.deck.score(recorded) == (35, 40)
    assert w._retry_button.layout.display == ""

    w._retry_button.click()
    assert w.round == 1 and w.picks == {} and not w.finished
    assert [it.id for it in w.order] != first_order
    assert "Message 1 of 40 (round 2)" in text_of(w._counter)
    # The recorded round stays until the next round is finished.
    assert A.answer_mapping("spot-practice", path=path) == recorded


def test_spot_restores_the_round_and_position(path: Path) -> None:
    w = SpotTheAsk("spot-practice", answers_path=path)
    w._retry_button.click()  # hidden but harmless: go to round 2
    for _ in range(3):
        w._choice.value = w.order[w.position].label
        w._check_button.click()
        w._next_button.click()
    again = SpotTheAsk("spot-practice", answers_path=path)
    assert again.round == 1 and again.position == 3 and again.picks == w.picks
    assert "Message 4 of 40 (round 2)" in text_of(again._counter)
    assert "3 of 40 messages answered" in text_of(again._status)


def test_a_finished_round_restores_its_score(path: Path) -> None:
    w = SpotTheAsk("spot-practice", answers_path=path)
    answer_all(w)
    again = SpotTheAsk("spot-practice", answers_path=path)
    assert again.finished and "Score this round: 40 of 40." in text_of(again._score)
    assert again.recorded


def test_graded_deck_records_first_attempts_only(path: Path) -> None:
    w = SpotTheAsk("spot-graded", answers_path=path)
    assert "Only your first answer to each message is recorded" in text_of(w._intro)
    first = w.order[0]
    w._choice.value = first.label
    w._check_button.click()
    assert A.answer_mapping("spot-graded", path=path) == {first.id: first.label}
    w._next_button.click()
    answer_all(w, lambda it: "none")
    graded = A.answer_mapping("spot-graded", path=path)
    assert graded is not None and len(graded) == len(w.deck.items)
    right, total = w.deck.score(graded)
    assert "Recorded for the grade (your first answers): " \
        f"{right} of {total} right" in text_of(w._score)

    # Retrying, even with every answer right, never changes the record.
    w._retry_button.click()
    answer_all(w)
    assert A.answer_mapping("spot-graded", path=path) == graded
    assert "Score this round: 12 of 12." in text_of(w._score)

    again = SpotTheAsk("spot-graded", answers_path=path)
    assert again.first == graded and again.round == 1 and again.finished


def test_graded_deck_restores_from_the_record_alone(path: Path) -> None:
    deck = E.deck("graded")
    order = deck.order(0)
    A.record_answer("spot-graded", {order[0].id: "none", order[1].id: "mixed"}, path=path)
    w = SpotTheAsk("spot-graded", answers_path=path)
    assert w.position == 2 and "Message 3 of 12" in text_of(w._counter)
    w._choice.value = order[2].label
    w._check_button.click()
    assert A.answer_mapping("spot-graded", path=path) == {
        order[0].id: "none", order[1].id: "mixed", order[2].id: order[2].label}


def test_a_hand_edited_graded_record_blocks_recording(path: Path) -> None:
    A.record_answer("spot-graded", "not a mapping", path=path)
    w = SpotTheAsk("spot-graded", answers_path=path)
    assert "Ask your instructor" in text_of(w._status)
    w._choice.value = "none"
    w._check_button.click()
    assert A.get_answer("spot-graded", path=path).value == "not a mapping"  # type: ignore[union-attr]


# --- check your intentions ----------------------------------------------------------------------


def test_intentions_fields_drafts_feedback_and_record(path: Path) -> None:
    w = CheckIntentions("intentions-river", answers_path=path)
    target = E.target("river-restoration")
    assert "Dr. Lena Brandt" in text_of(w._target)
    for _key, question in E.INTENTION_FIELDS:
        assert question in text_of(w)
    w._fields["who"].value = "A hydrologist who rebuilt a stream."
    assert saved(path)["drafts"]["intentions-river"]["value"]["who"] == \
        "A hydrologist who rebuilt a stream."
    w._draft.value = "Could I pick your brain over coffee?"
    assert w.reading is not None and w.reading.focus == "me"
    assert "✗ About you" in text_of(w._feedback) and "✗ Not yet" in text_of(w._feedback)
    w._draft.value = target.model_draft
    assert w.reading.verdict == "reads well"
    assert "✓ About them" in text_of(w._feedback)

    w._record_button.click()
    assert "Answer every question before recording" in text_of(w._status)
    assert A.get_answer("intentions-river", path=path) is None
    for key in ("why_them", "interest", "still_ask"):
        w._fields[key].value = f"my answer to {key}"
    w._record_button.click()
    recorded = A.answer_mapping("intentions-river", path=path)
    assert recorded is not None and recorded["draft"] == target.model_draft
    assert set(recorded) == {k for k, _ in E.INTENTION_FIELDS}
    assert "One possible draft" in text_of(w._model)

    again = CheckIntentions("intentions-river", answers_path=path)
    assert again.values() == recorded and again.recorded
    assert again.reading is not None and again.reading.verdict == "reads well"


# --- stay interested ----------------------------------------------------------------------------


def test_stay_interested(path: Path) -> None:
    w = StayInterested("interest-flaky-tests", answers_path=path)
    assert "Quarantine, don't retry" in text_of(w._piece)
    w._text.value = "Is your company hiring?\nHow did you pick two weeks for a quarantined test?"
    shown = text_of(w._feedback)
    assert "✗ Closed" in shown and "✓ Open" in shown and "✗ About you" in shown
    assert w.feedback is not None and w.feedback.verdict == "almost"
    w._record_button.click()
    assert A.answer_text("interest-flaky-tests", path=path) == w._text.value
    assert "Some questions others asked" in text_of(w._model)
    again = StayInterested("interest-flaky-tests", answers_path=path)
    assert again._text.value == w._text.value


def test_stay_interested_needs_a_question_to_record(path: Path) -> None:
    w = StayInterested("interest-food-bank", answers_path=path)
    w._text.value = "Nice poster."
    w._record_button.click()
    assert "Write at least one question first" in text_of(w._status)
    assert A.get_answer("interest-food-bank", path=path) is None


# --- progress -----------------------------------------------------------------------------------


def test_progress_reads_recorded_answers(path: Path) -> None:
    p = Progress(answers_path=path)
    core = [ex for ex in E.exercises().values() if not ex.optional and not ex.graded]
    assert any(ex.graded for ex in E.exercises().values())  # graded ones are left out
    assert f"Course exercises: 0 of {len(core)} done." in text_of(p)
    RewriteExercise("rewrite-invoice", answers_path=path)._text.value = "a draft"
    w = RewriteExercise("rewrite-staging-flag", answers_path=path)
    w._text.value = "x"
    w._record_button.click()
    A.record_answer("rewrite-day-off", "extra", path=path)
    p._refresh_button.click()
    shown = text_of(p)
    assert f"Course exercises: 1 of {len(core)} done." in shown
    assert "Extra practice: 1 of" in shown
    statuses = {r.exercise.id: r.status for r in p.rows}
    assert statuses["rewrite-staging-flag"] == "done"
    assert statuses["rewrite-invoice"] == "started"
    assert "✓ done" in shown and "◐ started" in shown and "○ not started" in shown


# --- damaged or hand-edited answers files -------------------------------------------------------


def test_a_damaged_file_is_reported_and_never_overwritten(path: Path) -> None:
    path.write_text('{"version": 1, "answers": {', encoding="utf-8")
    before = path.read_bytes()
    w = RewriteExercise("rewrite-invoice", answers_path=path)
    assert "✗ Your answers file" in text_of(w._status) and "damaged" in text_of(w._status)
    w._text.value = "typing anyway"
    w._record_button.click()
    assert path.read_bytes() == before
    assert w.feedback is not None and w.feedback.report.text == "typing anyway"
    p = Progress(answers_path=path)
    assert "damaged" in text_of(p._status)
    assert list(path.parent.glob(A.FILE_NAME + ".damaged-*"))


@pytest.mark.parametrize("exercise_id", ["rewrite-invoice", "interest-quietlog",
                                         "intentions-river", "spot-practice"])
def test_a_hand_edited_answer_of_the_wrong_shape(path: Path, exercise_id: str) -> None:
    A.save_draft(exercise_id, [1, 2, 3], path=path)
    w = exercise(exercise_id, answers_path=path)
    assert isinstance(w, ExerciseWidget)
    if exercise_id != "spot-practice":
        assert "edited by hand" in text_of(w._status)


# --- safety: learner text never becomes live HTML -----------------------------------------------

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](&#106;avascript:alert(1))",
    "<javascript:alert(1)>",
    "![img](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "&lt;script&gt;alert(1)&lt;/script&gt; &#60;script&#62;alert(1)&#60;/script&#62;",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<style>body{display:none}</style><b onmouseover=alert(1)>hover</b>",
]
UNSAFE_TAGS = {"script", "img", "svg", "iframe", "style", "object", "embed", "b", "math",
               "form", "input"}


class Live(HTMLParser):
    """Collects anything in HTML that a browser would treat as live."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNSAFE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "srcdoc") and value is not None:
                squashed = "".join(html.unescape(value).split()).lower()
                if squashed.startswith(("javascript:", "vbscript:", "data:")):
                    self.problems.append(f"{tag} {name}={value}")
            if name == "srcdoc":
                self.problems.append(f"{tag} srcdoc")


def live_html(widget: widgets.Widget) -> list[str]:
    parser = Live()
    parser.feed(html_of(widget))
    parser.close()
    return parser.problems


def free_text_inputs(w: ExerciseWidget) -> list[widgets.Textarea]:
    return [c for c in walk(w) if isinstance(c, widgets.Textarea)]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("exercise_id", ["rewrite-staging-flag", "intentions-river",
                                         "interest-flaky-tests"])
def test_no_learner_text_becomes_live_html(path: Path, exercise_id: str, payload: str) -> None:
    w = exercise(exercise_id, answers_path=path)
    assert live_html(w) == []
    for area in free_text_inputs(w):
        area.value = f"Hi! {payload}\nHow did you decide? {payload}"
        assert live_html(w) == [], area.description
    for button in (c for c in walk(w) if isinstance(c, widgets.Button)):
        button.click()
    assert live_html(w) == []
    # And after restoring the same text from the answers file.
    again = exercise(exercise_id, answers_path=path)
    assert live_html(again) == []
    assert payload in "\n".join(a.value for a in free_text_inputs(again))


def test_entities_typed_by_a_learner_are_shown_as_typed(path: Path) -> None:
    typed = "How did you pick &lt;two weeks&gt; &amp; not <b>three</b>?"
    w = StayInterested("interest-flaky-tests", answers_path=path)
    w._text.value = typed
    # Escaped views show the text exactly as typed: entities are not decoded into markup.
    assert typed in text_of(w._feedback)
    assert "&amp;lt;two weeks&amp;gt; &amp;amp; not &lt;b&gt;three&lt;/b&gt;" in w._feedback.value
    r = RewriteExercise("rewrite-staging-flag", answers_path=path)
    r._text.value = typed
    # The Markdown preview decodes entities as Markdown does, but a tag stays text.
    assert "<b>" not in r._preview.value and "&lt;b&gt;three&lt;/b&gt;" in r._preview.value


def test_markdown_link_validation_blocks_script_links() -> None:
    rendered = _html.markdown("[x](javascript:alert(1)) [y](vbscript:msgbox) "
                              "<javascript:alert(2)> [ok](https://example.org)")
    assert 'href="https://example.org"' in rendered
    assert rendered.count("<a ") == 1  # the script links stay plain text
    parser = Live()
    parser.feed(rendered)
    assert parser.problems == []
    assert "<script" not in _html.markdown("<script>alert(1)</script>")


def test_hand_edited_answers_with_markup_stay_text(path: Path) -> None:
    A.record_answer("rewrite-invoice", "<script>alert(1)</script>", path=path)
    A.save_draft("spot-practice", {"round": 0, "picks": {"<img src=x onerror=alert(1)>": "none"}},
                 path=path)
    for eid in ("rewrite-invoice", "spot-practice"):
        assert live_html(exercise(eid, answers_path=path)) == []
    assert live_html(Progress(answers_path=path)) == []


def test_deck_messages_render_safely(path: Path) -> None:
    w = SpotTheAsk("spot-practice", answers_path=path)
    answer_all(w)
    assert live_html(w) == []


# --- imports ------------------------------------------------------------------------------------


def test_import_warmline_imports_no_jupyter_package() -> None:
    code = ("import sys, warmline, warmline._judgements, warmline._exercises; "
            "bad = [m for m in ('ipywidgets', 'ipykernel', 'nbformat', 'nbgrader', 'traitlets',"
            " 'jupyter_client') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
