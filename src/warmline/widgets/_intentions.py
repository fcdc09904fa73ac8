"""Widget 3: check your intentions before a cold message, then draft it."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

from .. import _exercises
from .._exercises import INTENTION_FIELDS
from .._judgements import DraftReading, read_draft
from . import _html
from ._base import FULL, LABEL_STYLE, ExerciseWidget

_VERDICTS = {
    "reads well": (_html.OK, "Reads well"),
    "almost": (_html.NOTE, "Almost"),
    "not yet": (_html.NO, "Not yet"),
}
# Short labels shown beside each box; the full question is shown above it.
_SHORT = {"who": "Who:", "why_them": "Why them:", "interest": "Their work:",
          "still_ask": "Still ask:", "draft": "Your draft:"}
_ROWS = {"draft": 7}


def render_reading(reading: DraftReading) -> str:
    """How a draft reads, as HTML: a verdict, the three readings, and the analyzer's findings."""
    symbol, words = _VERDICTS[reading.verdict]
    return _html.box(_html.verdict(symbol, words) + _html.notes(reading.notes)
                     + _html.findings(reading.report.findings), live=True)


class CheckIntentions(ExerciseWidget):
    """Four questions to ask yourself before a cold message, then a draft with feedback on how
    it reads: about them or about you, specific or generic, interest first or favor first.

    Every answer is saved as a draft as you type; "Record answer" records all five.
    """

    kind = "intentions"

    def __init__(self, exercise_id: str, *, answers_path: str | os.PathLike[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(exercise_id, answers_path=answers_path, **kwargs)
        self.target = _exercises.target(self.exercise.data)
        tg = self.target
        self._target = widgets.HTML(value=_html.box(
            f"<p><strong>{_html.esc(tg.name)}</strong>, {_html.esc(tg.role)}</p>"
            f"<p><strong>What you know of their work:</strong> {_html.esc(tg.work)}</p>"
            f"<p><strong>Your situation:</strong> {_html.esc(tg.your_goal)}</p>"))
        self._fields: dict[str, widgets.Textarea] = {}
        parts: list[widgets.Widget] = []
        for key, question in INTENTION_FIELDS:
            area = widgets.Textarea(
                value="", description=_SHORT[key], style=LABEL_STYLE, layout=FULL,
                rows=_ROWS.get(key, 2), continuous_update=True,
                placeholder=("Write the message you would send…" if key == "draft"
                             else "A sentence or two…"),
            )
            area.observe(self._on_field_value, names="value")
            self._fields[key] = area
            parts.append(widgets.HTML(value=f"<p><strong>{_html.esc(question)}</strong></p>"))
            parts.append(area)
        self._draft = self._fields["draft"]
        self._feedback = widgets.HTML(value="")
        self._record_button = widgets.Button(
            description="Record answer", icon="check", button_style="primary",
            tooltip="Record your answers and your draft",
        )
        self._model = widgets.HTML(value="")
        self.reading: DraftReading | None = None

        self._draft.observe(self._on_draft_value, names="value")
        self._record_button.on_click(self._on_record_button_click)
        self.children = (self._title, self._target, *parts, self._feedback, self._record_button,
                         self._status, self._model)
        self._restore()

    def values(self) -> dict[str, str]:
        return {key: area.value for key, area in self._fields.items()}

    def _restore(self) -> None:
        answer, _draft, latest = self._saved()
        value = latest.value if latest is not None else None
        if latest is not None and not (
            isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        ):
            self._say(_html.NO, "The saved answer to this exercise is not a set of text answers "
                                "(was the answers file edited by hand?); starting empty.")
            value = None
        if isinstance(value, dict):
            restored = {k: str(value.get(k, "")) for k in self._fields}
            self._last_saved = dict(restored)
            self._restoring = True
            try:
                for key, text in restored.items():
                    self._fields[key].value = text
            finally:
                self._restoring = False
            kind = "draft" if latest is not None and latest.draft else "recorded answer"
            when = _html.when(latest.saved_at) if latest is not None else ""
            self._say(_html.OK, f"Restored your {kind} ({when}).")
        self._update(self._draft.value)
        if answer is not None:
            self._show_model()

    def _update(self, text: str) -> None:
        self.reading = read_draft(text, self.target)
        self._feedback.value = render_reading(self.reading)

    def _on_draft_value(self, change: dict[str, Any]) -> None:
        self._update(change["new"])

    def _on_field_value(self, _change: dict[str, Any]) -> None:
        self._save_draft(dict(self.values()))

    def _on_record_button_click(self, _button: widgets.Button) -> None:
        values = self.values()
        empty = [label for key, label in INTENTION_FIELDS if not values[key].strip()]
        if empty:
            self._say(_html.NO, "Answer every question before recording; still empty: "
                      + "; ".join(empty))
            return
        if self._record(dict(values)) is not None:
            self._show_model()

    def _show_model(self) -> None:
        if not self.show_model:
            return
        model = self.target.model_draft
        reading = read_draft(model, self.target)
        # Why it works, in the same words as the feedback on the learner's own draft.
        why = list(dict.fromkeys([*reading.notes,
                                  *(f"{_html.OK} {f.message}" for f in reading.report.strengths)]))
        self._model.value = _html.box(
            "<details><summary>One possible draft, and why it works</summary>"
            + _html.bubble(_html.markdown(model), label="A model draft:")
            + "<p><strong>Why it works:</strong></p>" + _html.notes(why)
            + "</details>")
