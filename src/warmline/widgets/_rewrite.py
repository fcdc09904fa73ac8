"""Widget 1: rewrite a bare ping so it carries its own context."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

from .. import _exercises
from .._judgements import RewriteFeedback, check_rewrite
from . import _html
from ._base import FULL, LABEL_STYLE, TextExerciseWidget

_VERDICTS = {
    "ready": (_html.OK, "Ready to send"),
    "almost": (_html.NOTE, "Almost"),
    "not yet": (_html.NO, "Not yet"),
}


def render_rewrite(feedback: RewriteFeedback) -> str:
    """The feedback on a rewrite, as HTML: verdict, checks, and what the analyzer noticed."""
    symbol, words = _VERDICTS[feedback.verdict]
    passed = sum(c.ok for c in feedback.checks)
    head = _html.verdict(symbol, f"{words}:", f"{passed} of {len(feedback.checks)} checks pass.")
    report = feedback.report
    return _html.box(head + _html.check_list(feedback.checks)
                     + _html.findings(report.findings), live=True)


class RewriteExercise(TextExerciseWidget):
    """Rewrite the bare ping of a scenario; feedback and a preview update as you type.

    Every change is saved as a draft; "Record answer" records the rewrite for grading. Built
    again (re-running the cell), it restores the last draft or recorded answer.
    """

    kind = "rewrite"

    def __init__(self, exercise_id: str, *, answers_path: str | os.PathLike[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(exercise_id, answers_path=answers_path, **kwargs)
        self.scenario = _exercises.scenario(self.exercise.data)
        sc = self.scenario
        recipient = sc.to.split(",")[0]
        self._scenario = widgets.HTML(value=_html.box(
            f"<p><strong>To:</strong> {_html.esc(sc.to)} ({_html.esc(sc.setting)})<br>"
            f"<strong>Your relationship:</strong> {_html.esc(sc.relationship)}<br>"
            f"<strong>What you need:</strong> {_html.esc(sc.need)}<br>"
            f"<strong>By when:</strong> {_html.esc(sc.deadline)}</p>"
            + _html.bubble(f"<p>{_html.plain(sc.bare)}</p>",
                           label="The bare message someone would send:")
        ))
        self._text = widgets.Textarea(
            value="", description="Your rewrite:", style=LABEL_STYLE, layout=FULL, rows=7,
            placeholder=f"Write the message you would send to {recipient}…",
            continuous_update=True,
        )
        self._feedback = widgets.HTML(value="")
        self._preview = widgets.HTML(value="")
        self._preview_label = f"Preview: what {recipient} sees"
        self._record_button = widgets.Button(
            description="Record answer", icon="check", button_style="primary",
            tooltip="Record this rewrite as your answer (it can be graded)",
        )
        self._model = widgets.HTML(value="")
        self.feedback: RewriteFeedback | None = None

        self._text.observe(self._on_text_value, names="value")
        self._record_button.on_click(self._on_record_button_click)
        self.children = (self._title, self._scenario, self._text, self._feedback, self._preview,
                         self._record_button, self._status, self._model)
        self._restore()


    def _update(self, text: str) -> None:
        self.feedback = check_rewrite(self.scenario, text)
        self._feedback.value = render_rewrite(self.feedback)
        self._preview.value = _html.preview(text, label=self._preview_label)

    def _on_text_value(self, change: dict[str, Any]) -> None:
        text = change["new"]
        self._update(text)
        self._save_draft(text)

    def _on_record_button_click(self, _button: widgets.Button) -> None:
        text = self._text.value
        if not text.strip():
            self._say(_html.NO, "Write your rewrite in the box first, then record it.")
            return
        verdict = self.feedback.verdict if self.feedback else "not yet"
        note = {"ready": "ready to send", "almost": "almost there",
                "not yet": "not yet complete; you can improve it and record again"}[verdict]
        if self._record(text, f"Answer recorded, {note}") is not None:
            self._show_model()

    def _show_model(self) -> None:
        if not self.show_model:
            return
        sc = self.scenario
        self._model.value = _html.box(
            "<details><summary>A model answer, and why it works</summary>"
            + _html.bubble(_html.markdown(sc.model_answer), label="Model answer:")
            + f"<p>{_html.esc(sc.why)}</p></details>"
        )
