"""Widget 5: which exercises of the course are done, read from the recorded answers."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

from .._errors import AnswersFileError
from .._exercises import ProgressRow, Status, progress
from ..answers import load_answers
from . import _html
from ._fallback import FallbackDisplay

_STATUS = {
    "done": ("✓", "done"),
    "started": ("◐", "started (draft saved, not recorded)"),
    "not started": ("○", "not started"),
}


def render_progress(rows: tuple[ProgressRow, ...]) -> str:
    """A summary line and a table of exercises, with symbols and words for each status."""
    # Graded exercises live in the workbook, with its own answers file: the course's progress
    # counts the lessons' exercises only.
    rows = tuple(r for r in rows if not r.exercise.graded)
    core = [r for r in rows if not r.exercise.optional]
    extra = [r for r in rows if r.exercise.optional]

    def done(part: list[ProgressRow]) -> int:
        return sum(r.status == "done" for r in part)

    summary = f"Course exercises: {done(core)} of {len(core)} done."
    if extra:
        summary += f" Extra practice: {done(extra)} of {len(extra)} done."
    body = []
    for part, caption in ((core, "Course exercises"), (extra, "Extra practice")):
        if not part:
            continue
        rows_html = "".join(
            f"<tr><td>{_html.esc(r.exercise.title)}</td>"
            f"<td>{_html.principle(r.exercise.principle)}</td>"
            f"<td>{_html.esc(_symbol(r.status))} {_html.esc(_STATUS[r.status][1])}</td></tr>"
            for r in part
        )
        body.append(
            f'<table style="border-collapse: collapse; margin: 0.4em 0">'
            f"<caption style='text-align: left'><strong>{_html.esc(caption)}</strong></caption>"
            f"<thead><tr><th scope='col' style='text-align: left'>Exercise</th>"
            f"<th scope='col' style='text-align: left'>Principle</th>"
            f"<th scope='col' style='text-align: left'>Status</th></tr></thead>"
            f"<tbody>{rows_html}</tbody></table>"
        )
    return _html.box(f"<p><strong>{_html.esc(summary)}</strong></p>" + "".join(body),
                     live=True)


def _symbol(status: Status) -> str:
    return _STATUS[status][0]


class Progress(FallbackDisplay, widgets.VBox):  # type: ignore[misc]
    """An overview of the course's exercises: done, started or not started.

    It reads the answers file when built and when "Refresh" is clicked.
    """

    def __init__(self, *, answers_path: str | os.PathLike[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answers_path = answers_path
        self.rows: tuple[ProgressRow, ...] = ()
        self._title = widgets.HTML(value="<h3>Your progress</h3>")
        self._table = widgets.HTML(value="")
        self._refresh_button = widgets.Button(description="Refresh", icon="refresh",
                                              tooltip="Read the recorded answers again")
        self._status = widgets.HTML(value="")
        self._refresh_button.on_click(self._on_refresh_button_click)
        self.children = (self._title, self._table, self._refresh_button, self._status)
        self.refresh()

    def refresh(self) -> None:
        try:
            book = load_answers(self.answers_path)
        except AnswersFileError as e:
            self._status.value = _html.status(_html.NO, str(e))
            return
        self.rows = progress(book.answers, book.drafts)
        self._table.value = render_progress(self.rows)
        self._status.value = ""

    def _on_refresh_button_click(self, _button: widgets.Button) -> None:
        self.refresh()
