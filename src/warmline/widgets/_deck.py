"""Widget 2: spot the transactional ask, one message of a deck at a time."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

from .. import _exercises
from .._analyzer import analyze
from .._exercises import DeckItem
from .._models import ASK_KINDS
from ..answers import JSONValue
from . import _html
from ._base import LABEL_STYLE, ExerciseWidget

LABELS = {"none": "No ask", "genuine": "Genuine", "mixed": "Mixed",
          "transactional": "Transactional"}
_MEANINGS = (
    ("none", "no request beyond ordinary coordination (updates, thanks, task questions)"),
    ("genuine", "specific interest in their work; any request is small and easy to decline"),
    ("mixed", "specific interest and a favor for your career"),
    ("transactional", "a favor for you, with no specific interest in them"),
)


def _picks(value: object) -> dict[str, str] | None:
    """``value`` as picks (item id to ask kind), or None if it has another shape."""
    if not isinstance(value, dict):
        return None
    if not all(isinstance(k, str) and v in ASK_KINDS for k, v in value.items()):
        return None
    return {str(k): str(v) for k, v in value.items()}


def _round_state(value: object) -> tuple[int, dict[str, str]] | None:
    """A saved round (``{"round": 2, "picks": {...}}``) as (round, picks), or None if malformed."""
    if not isinstance(value, dict):
        return None
    number = value.get("round")
    picks = _picks(value.get("picks"))
    if type(number) is not int or number < 0 or picks is None:
        return None
    return number, picks


class SpotTheAsk(ExerciseWidget):
    """Label each message of a deck: transactional, genuine, mixed or no ask, then see why.

    The order is a seeded shuffle per round, the same on every machine. In a practice deck the
    picks of a finished round are recorded; in a graded deck the first answer to each item is
    recorded at once, and retries never change it.
    """

    kind = "spot"

    def __init__(self, exercise_id: str, *, answers_path: str | os.PathLike[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(exercise_id, answers_path=answers_path, **kwargs)
        self.deck = _exercises.deck(self.exercise.data)
        self.graded = self.exercise.graded
        self.round = 0
        self.picks: dict[str, str] = {}
        self.first: dict[str, str] = {}
        self._broken = False

        meanings = "".join(f"<li><strong>{_html.esc(LABELS[k])}</strong>: {_html.esc(m)}</li>"
                           for k, m in _MEANINGS)
        rule = ("Only your first answer to each message is recorded for the grade."
                if self.graded else "Practice: try as often as you like.")
        self._intro = widgets.HTML(value=_html.box(
            f"<p>For each message, choose the kind of ask it makes. {_html.esc(rule)}</p>"
            f"<ul>{meanings}</ul>"))
        self._counter = widgets.HTML(value="")
        self._message = widgets.HTML(value="")
        self._choice = widgets.RadioButtons(
            options=[(LABELS[k], k) for k in ASK_KINDS], value=None,
            description="Kind of ask:", style=LABEL_STYLE,
        )
        self._check_button = widgets.Button(description="Check answer", icon="question",
                                            tooltip="See whether your answer is right, and why")
        self._feedback = widgets.HTML(value="")
        self._next_button = widgets.Button(description="Next message", icon="arrow-right",
                                           disabled=True, tooltip="Go to the next message")
        self._score = widgets.HTML(value="")
        self._retry_button = widgets.Button(
            description="Try again in a new order", icon="refresh",
            tooltip="Start a new round with the messages in a new order",
            layout=widgets.Layout(display="none"),
        )

        self._check_button.on_click(self._on_check_button_click)
        self._next_button.on_click(self._on_next_button_click)
        self._retry_button.on_click(self._on_retry_button_click)
        self.children = (self._title, self._intro, self._counter, self._message, self._choice,
                         self._check_button, self._feedback, self._next_button, self._score,
                         self._retry_button, self._status)
        self._restore()

    # -- state -------------------------------------------------------------------------------

    @property
    def order(self) -> tuple[DeckItem, ...]:
        return self.deck.order(self.round)

    @property
    def position(self) -> int:
        """Index of the first message of this round not answered yet (the deck size if none)."""
        for i, item in enumerate(self.order):
            if item.id not in self.picks:
                return i
        return len(self.order)

    @property
    def finished(self) -> bool:
        return self._round_done()

    def _round_done(self) -> bool:
        return self.position >= len(self.order)

    def _state(self) -> JSONValue:
        return {"round": self.round, "picks": dict(self.picks)}

    def _restore(self) -> None:
        answer, draft, _ = self._saved()
        ids = {it.id for it in self.deck.items}
        recorded = _picks(answer.value) if answer is not None else None
        if answer is not None and recorded is None:
            self._broken = self.graded
            self._say(_html.NO, "The recorded answer to this deck is not a set of choices (was "
                                "the answers file edited by hand?). "
                      + ("Ask your instructor before going on: nothing will be recorded."
                         if self.graded else "It will be replaced when you finish a round."))
        recorded = {k: v for k, v in (recorded or {}).items() if k in ids}
        if self.graded:
            self.first = dict(recorded)
        state = _round_state(draft.value) if draft is not None else None
        if state is not None:
            self.round = state[0]
            self.picks = {k: v for k, v in state[1].items() if k in ids}
        elif recorded:
            self.picks = dict(recorded)
        self._last_saved = self._state() if draft is not None else None
        if self.picks:
            self._say(_html.OK, f"Restored your progress: {len(self.picks)} of "
                                f"{len(self.deck.items)} messages answered in this round.")
        self._show()

    # -- display -----------------------------------------------------------------------------

    def _show(self) -> None:
        n = len(self.order)
        round_note = f" (round {self.round + 1})" if self.round else ""
        self._feedback.value = ""
        self._next_button.disabled = True
        if self.finished:
            self._counter.value = f"<p>All {n} messages answered{_html.esc(round_note)}.</p>"
            self._message.value = ""
            self._choice.value = None
            self._choice.disabled = True
            self._check_button.disabled = True
            self._show_score()
            return
        item = self.order[self.position]
        self._counter.value = (f"<p>Message {self.position + 1} of {n}"
                               f"{_html.esc(round_note)}</p>")
        self._message.value = _html.box(_html.bubble(f"<p>{_html.plain(item.text)}</p>",
                                                     label=f"{item.setting}:"))
        self._choice.value = None
        self._choice.disabled = False
        self._check_button.disabled = False
        self._score.value = ""
        self._retry_button.layout.display = "none"

    def _show_score(self) -> None:
        right, total = self.deck.score(self.picks)
        lines = [f"Score this round: {right} of {total}."]
        if self.graded:
            first_right, _ = self.deck.score(self.first)
            lines.append(f"Recorded for the grade (your first answers): {first_right} of {total} "
                         f"right. Retrying is practice and does not change it.")
        self._score.value = _html.box(_html.verdict(_html.OK, " ".join(lines)), live=True)
        self._retry_button.layout.display = ""

    def _explain(self, item: DeckItem, pick: str) -> str:
        if pick == item.label:
            head = _html.verdict(_html.OK, "Right:", f"it is {LABELS[item.label]}.")
        else:
            head = _html.verdict(_html.NO, "Not quite:",
                                 f"you chose {LABELS[pick]}; it is {LABELS[item.label]}.")
        report = analyze(item.text)
        noticed = ""
        if report.findings:
            noticed = ("<p><strong>What the analyzer noticed in the message:</strong></p>"
                       + _html.bubble(_html.highlighted(item.text, report.findings),
                                      label=f"{item.setting}:"))
        return _html.box(f"{head}<p><strong>Why:</strong> {_html.esc(item.reason)}</p>{noticed}",
                         live=True)

    # -- handlers ----------------------------------------------------------------------------

    def _on_check_button_click(self, _button: widgets.Button) -> None:
        pick = self._choice.value
        if self.finished:
            return
        if pick is None:
            self._say(_html.NO, "Choose a kind of ask first.")
            return
        item = self.order[self.position]
        self.picks[item.id] = pick
        if self.graded and not self._broken:
            if item.id not in self.first:
                self.first[item.id] = pick
                self._record(dict(self.first), "Your first answer to this message is recorded")
            else:
                self._say(_html.NOTE, "Practice: only your first answer to this message counts "
                                      "for the grade.")
        elif self._round_done() and not self.graded:
            self._record(dict(self.picks), "Round finished and recorded")
            self._last_saved = None  # recording drops the draft; save the round's state again
        self._feedback.value = self._explain(item, pick)
        self._choice.disabled = True
        self._check_button.disabled = True
        self._next_button.disabled = False
        self._next_button.description = "See your score" if self._round_done() else "Next message"
        self._save_draft(self._state(), quiet=True)

    def _on_next_button_click(self, _button: widgets.Button) -> None:
        self._show()

    def _on_retry_button_click(self, _button: widgets.Button) -> None:
        self.round += 1
        self.picks = {}
        self._save_draft(self._state(), quiet=True)
        self._say(_html.OK, "New round: the same messages in a new order.")
        self._show()
