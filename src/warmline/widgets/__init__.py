"""Exercise widgets for the warmline course (ipywidgets 8).

Each widget is built from an exercise id of the course (``data/exercises/exercises.yaml``),
gives feedback as the learner types, saves drafts and records answers to the answers file (see
:mod:`warmline.answers`), and restores them when the cell runs again::

    from warmline.widgets import exercise, Progress
    exercise("rewrite-staging-flag")     # the right widget for the exercise's kind
    Progress()                           # which exercises are done

Two lesson widgets are not exercises: :class:`FriendshipHours` (how long friendship takes, as a
chart) and :class:`MessageCheck` (any message, judged as you type). :class:`DownloadWork` packs
the learner's notebooks and answers into one zip to download, and restores it (Binder).

The widgets hold no analysis logic: they call warmline's judgements and render the result, with
all learner text escaped or rendered as Markdown with raw HTML disabled.
"""

from __future__ import annotations

import os
from typing import Any

from .. import _exercises
from ._base import ExerciseWidget
from ._course import FriendshipHours, MessageCheck
from ._deck import SpotTheAsk
from ._download import DownloadWork
from ._intentions import CheckIntentions
from ._interest import StayInterested
from ._progress import Progress
from ._rewrite import RewriteExercise

__all__ = [
    "CheckIntentions",
    "DownloadWork",
    "ExerciseWidget",
    "FriendshipHours",
    "MessageCheck",
    "Progress",
    "RewriteExercise",
    "SpotTheAsk",
    "StayInterested",
    "exercise",
]

_WIDGETS: dict[str, type[ExerciseWidget]] = {
    "rewrite": RewriteExercise,
    "spot": SpotTheAsk,
    "intentions": CheckIntentions,
    "interest": StayInterested,
}


def exercise(exercise_id: str, *, answers_path: str | os.PathLike[str] | None = None,
             **kwargs: Any) -> ExerciseWidget:
    """The widget for ``exercise_id``, chosen by the exercise's kind."""
    kind = _exercises.exercise(exercise_id).kind
    return _WIDGETS[kind](exercise_id, answers_path=answers_path, **kwargs)
