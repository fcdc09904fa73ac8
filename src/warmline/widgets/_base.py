"""What every exercise widget shares: its exercise, the answers file, and a status line."""

from __future__ import annotations

import os
from typing import Any, ClassVar

import ipywidgets as widgets
import traitlets

from .. import _exercises
from .._errors import AnswersFileError
from ..answers import Answer, AnswerBook, JSONValue, load_answers, record_answer, save_draft
from . import _html
from ._fallback import FallbackDisplay

FULL = widgets.Layout(width="100%", max_width="48em")
LABEL_STYLE = {"description_width": "initial"}


class ExerciseWidget(FallbackDisplay, widgets.VBox):  # type: ignore[misc]
    """Base of the exercise widgets: a VBox for one exercise of the course.

    ``recorded`` (a traitlet) is true once an answer is recorded, in this session or earlier.
    ``answers_path`` overrides the answers file (``warmline-answers.json`` in the working
    folder by default).

    Once an answer is recorded, exercises that have a model answer show it, and why it works;
    never before. ``show_model=False`` never shows it, and a graded exercise (one of the graded
    workbook's own) never does, whatever ``show_model`` is set to, then or later.
    """

    kind: ClassVar[str] = ""
    recorded = traitlets.Bool(False).tag(sync=False)

    def __init__(self, exercise_id: str, *, answers_path: str | os.PathLike[str] | None = None,
                 show_model: bool = True, **kwargs: Any) -> None:
        ex = _exercises.exercise(exercise_id)
        if ex.kind != self.kind:
            raise ValueError(f"exercise {exercise_id!r} is a {ex.kind!r} exercise, not a "
                             f"{self.kind!r} one; use warmline.widgets.exercise({exercise_id!r})")
        super().__init__(**kwargs)
        self.exercise = ex
        self.answers_path = answers_path
        self._wants_model = bool(show_model)
        self._last_saved: JSONValue = None
        self._restoring = False  # while True, changes to the inputs are not saved as drafts
        self._status = widgets.HTML(value="")
        self._title = widgets.HTML(value=f"<h3>{_html.esc(ex.title)}</h3>")

    @property
    def show_model(self) -> bool:
        """Whether a recorded answer unfolds the model answer: never for a graded exercise."""
        return self._wants_model and not self.exercise.graded

    @show_model.setter
    def show_model(self, value: bool) -> None:
        self._wants_model = bool(value)

    # -- answers file -----------------------------------------------------------------------

    def _book(self) -> AnswerBook | None:
        try:
            return load_answers(self.answers_path)
        except AnswersFileError as e:
            self._show_error(e)
            return None

    def _saved(self) -> tuple[Answer | None, Answer | None, Answer | None]:
        """This exercise's recorded answer, draft, and the newer of the two.

        All None if the answers file can't be read (the status line then says why).
        """
        book = self._book()
        if book is None:
            return None, None, None
        eid = self.exercise.id
        answer = book.answers.get(eid)
        self.recorded = answer is not None
        return answer, book.drafts.get(eid), book.latest(eid)

    def _save_draft(self, value: JSONValue, *, quiet: bool = False) -> None:
        if self._restoring or value == self._last_saved:
            return
        try:
            saved = save_draft(self.exercise.id, value, path=self.answers_path)
        except AnswersFileError as e:
            self._show_error(e)
            return
        self._last_saved = saved.value
        if not quiet:
            self._say(_html.OK, f"Draft saved ({_html.when(saved.saved_at)}).")

    def _record(self, value: JSONValue, what: str = "Answer recorded") -> Answer | None:
        try:
            saved = record_answer(self.exercise.id, value, path=self.answers_path)
        except AnswersFileError as e:
            self._show_error(e)
            return None
        self._last_saved = saved.value
        self.recorded = True
        self._say(_html.OK, f"{what} ({_html.when(saved.saved_at)}).")
        return saved

    def _show_error(self, error: Exception) -> None:
        self._status.value = _html.status(_html.NO, str(error))

    def _say(self, symbol: str, message: str) -> None:
        self._status.value = _html.status(symbol, message)


class TextExerciseWidget(ExerciseWidget):
    """An exercise answered in one text area (``_text``); subclasses judge it in ``_update``."""

    _text: widgets.Textarea

    def _update(self, text: str) -> None:
        raise NotImplementedError

    def _show_model(self) -> None:
        raise NotImplementedError

    def _restore(self) -> None:
        """Put the last draft or recorded answer back into the text area, with its feedback."""
        answer, _draft, latest = self._saved()
        if latest is not None and not isinstance(latest.value, str):
            self._say(_html.NO, "The saved answer to this exercise is not text (was the answers "
                                "file edited by hand?); starting from an empty box.")
            latest = None
        if latest is not None:
            assert isinstance(latest.value, str)
            self._last_saved = latest.value
            self._text.value = latest.value  # updates the feedback through the observer
            kind = "draft" if latest.draft else "recorded answer"
            self._say(_html.OK, f"Restored your {kind} ({_html.when(latest.saved_at)}).")
        else:
            self._update("")
        if answer is not None:
            self._show_model()
