"""Widget 4: stay interested. Read a piece of someone's work and ask follow-up questions."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

from .. import _exercises
from .._judgements import QuestionsFeedback, judge_questions
from . import _html
from ._base import FULL, LABEL_STYLE, TextExerciseWidget

_VERDICTS = {
    "good": (_html.OK, "Good follow-ups"),
    "almost": (_html.NOTE, "Almost"),
    "not yet": (_html.NO, "Not yet"),
}


def render_questions(feedback: QuestionsFeedback) -> str:
    """Feedback on follow-up questions, as HTML: a summary, then each question with its notes."""
    symbol, words = _VERDICTS[feedback.verdict]
    items = []
    for q in feedback.sentences:
        items.append(f"<li><q>{_html.esc(q.text)}</q>{_html.notes(q.notes)}</li>")
    listing = f"<ol>{''.join(items)}</ol>" if items else ""
    summary = feedback.summary.split(": ", 1)[-1]
    return _html.box(_html.verdict(symbol, f"{words}:", summary) + listing, live=True)


class StayInterested(TextExerciseWidget):
    """A short piece of someone's work and a box for follow-up questions, one per line.

    Feedback says which questions are open, specific to the piece, and about the other person.
    """

    kind = "interest"

    def __init__(self, exercise_id: str, *, answers_path: str | os.PathLike[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(exercise_id, answers_path=answers_path, **kwargs)
        self.piece = _exercises.piece(self.exercise.data)
        pc = self.piece
        # Line breaks inside a paragraph are only wrapping; blank lines separate paragraphs.
        paragraphs = "".join(f"<p>{_html.esc(' '.join(p.split()))}</p>"
                             for p in pc.text.split("\n\n") if p.strip())
        self._piece = widgets.HTML(value=_html.box(
            f"<p><strong>{_html.esc(pc.title)}</strong><br>"
            f"<em>{_html.esc(pc.kind)} by {_html.esc(pc.author)}</em></p>"
            f"<blockquote>{paragraphs}</blockquote>"))
        self._text = widgets.Textarea(
            value="", description="Your questions:", style=LABEL_STYLE, layout=FULL, rows=6,
            placeholder=f"Questions you would ask {pc.author.split(',')[0]}, one per line…",
            continuous_update=True,
        )
        self._feedback = widgets.HTML(value="")
        self._record_button = widgets.Button(
            description="Record answer", icon="check", button_style="primary",
            tooltip="Record your questions as your answer",
        )
        self._model = widgets.HTML(value="")
        self.feedback: QuestionsFeedback | None = None

        self._text.observe(self._on_text_value, names="value")
        self._record_button.on_click(self._on_record_button_click)
        self.children = (self._title, self._piece, self._text, self._feedback,
                         self._record_button, self._status, self._model)
        self._restore()


    def _update(self, text: str) -> None:
        self.feedback = judge_questions(self.piece, text)
        self._feedback.value = render_questions(self.feedback)

    def _on_text_value(self, change: dict[str, Any]) -> None:
        self._update(change["new"])
        self._save_draft(change["new"])

    def _on_record_button_click(self, _button: widgets.Button) -> None:
        text = self._text.value
        if not self.feedback or not self.feedback.questions:
            self._say(_html.NO, "Write at least one question first, then record.")
            return
        if self._record(text) is not None:
            self._show_model()

    def _show_model(self) -> None:
        if not self.show_model:
            return
        # Each question with why it works, in the same words as the feedback on the learner's.
        judged = judge_questions(self.piece, self.piece.model_questions).questions
        items = "".join(f"<li><q>{_html.esc(q.text)}</q>{_html.notes(q.notes)}</li>"
                        for q in judged)
        self._model.value = _html.box(
            "<details><summary>Some questions others asked, and why they work</summary>"
            f"<ol>{items}</ol></details>")
