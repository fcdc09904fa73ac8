"""Widgets for the lessons that are not exercises: nothing here is graded or counted by Progress.

- :class:`FriendshipHours`: a slider for hours together per month and the chart of how long
  friendship takes at that pace (lesson 1).
- :class:`MessageCheck`: a box for any message, judged by the analyzer as you type (start here,
  and the capstone's own message). With a ``key`` it keeps what you typed in the answers file as
  a draft, so it survives a kernel restart.
"""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

from .. import _course
from .._analyzer import analyze
from .._errors import AnswersFileError
from .._models import Report
from ..answers import load_answers, save_draft
from . import _html
from ._base import FULL, LABEL_STYLE
from ._deck import LABELS
from ._fallback import FallbackDisplay

_ASK_MEANINGS = {
    "none": "no favor asked beyond ordinary coordination",
    "genuine": "specific interest in their work; any request small and easy to decline",
    "mixed": "specific interest in them and a favor for you, side by side",
    "transactional": "a favor for you, with no specific interest in them",
}


class FriendshipHours(FallbackDisplay, widgets.VBox):  # type: ignore[misc]
    """How long friendship takes (Hall 2018) at the hours per month you choose on a slider."""

    def __init__(self, hours_per_month: int = 4, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._slider = widgets.IntSlider(
            value=hours_per_month, min=1, max=60, step=1,
            description="Hours together per month:", style=LABEL_STYLE,
            layout=widgets.Layout(width="100%", max_width="36em"), continuous_update=True,
        )
        self._chart = widgets.HTML(value="")
        self._slider.observe(self._on_slider_value, names="value")
        self.children = (self._slider, self._chart)
        self._draw(self._slider.value)

    @property
    def hours_per_month(self) -> int:
        value: int = self._slider.value
        return value

    @hours_per_month.setter
    def hours_per_month(self, value: int) -> None:
        self._slider.value = value

    def _draw(self, hours_per_month: int) -> None:
        self._chart.value = _course.friendship_chart(hours_per_month)

    def _on_slider_value(self, change: dict[str, Any]) -> None:
        self._draw(change["new"])


def render_report(report: Report) -> str:
    """An analyzer report for a learner: bare ping or not, the kind of ask, and every finding."""
    if not report.text.strip():
        return _html.box("<p><em>Type a message in the box to see what the analyzer notices."
                         "</em></p>", live=True)
    if report.bare_ping:
        ping = _html.verdict(_html.NO, "Bare ping:", "the reader can't tell what you want yet.")
    else:
        ping = _html.verdict(_html.OK, "Not a bare ping:", "it says what it is about.")
    ask = _html.verdict(_html.NOTE, f"Kind of ask: {LABELS[report.ask]}",
                        f"({_ASK_MEANINGS[report.ask]}).")
    return _html.box(ping + ask + _html.findings(report.findings, open_=True), live=True)


class MessageCheck(FallbackDisplay, widgets.VBox):  # type: ignore[misc]
    """Type any message and see, as you type, what the analyzer notices.

    Nothing is recorded as an answer. With ``key`` (e.g. ``"check-capstone"``), what you type is
    kept in the answers file as a draft under that key and restored when the cell runs again.
    """

    def __init__(self, key: str | None = None, *, label: str = "Your message:",
                 placeholder: str = "Type or paste a message…",
                 answers_path: str | os.PathLike[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.key = key
        self.answers_path = answers_path
        self.report: Report | None = None
        self._restoring = False
        self._text = widgets.Textarea(value="", description=label, style=LABEL_STYLE,
                                      layout=FULL, rows=5, placeholder=placeholder,
                                      continuous_update=True)
        self._feedback = widgets.HTML(value="")
        self._status = widgets.HTML(value="")
        self._text.observe(self._on_text_value, names="value")
        self.children = (self._text, self._feedback, self._status)
        self._restore()

    @property
    def value(self) -> str:
        text: str = self._text.value
        return text

    @value.setter
    def value(self, text: str) -> None:
        self._text.value = text

    def _restore(self) -> None:
        text = ""
        if self.key is not None:
            try:
                saved = load_answers(self.answers_path).drafts.get(self.key)
            except AnswersFileError as e:
                self._status.value = _html.status(_html.NO, str(e))
                saved = None
            if saved is not None and isinstance(saved.value, str):
                text = saved.value
                self._status.value = _html.status(
                    _html.OK, f"Restored what you typed ({_html.when(saved.saved_at)}).")
        self._restoring = True
        try:
            self._text.value = text
        finally:
            self._restoring = False
        self._update(text)

    def _update(self, text: str) -> None:
        self.report = analyze(text)
        self._feedback.value = render_report(self.report)

    def _on_text_value(self, change: dict[str, Any]) -> None:
        text = change["new"]
        self._update(text)
        if self.key is None or self._restoring:
            return
        try:
            saved = save_draft(self.key, text, path=self.answers_path)
        except AnswersFileError as e:
            self._status.value = _html.status(_html.NO, str(e))
            return
        self._status.value = _html.status(_html.OK,
                                          f"Saved as you type ({_html.when(saved.saved_at)}).")
