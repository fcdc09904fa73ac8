"""Errors raised by warmline.

The tree, in full::

    WarmlineError                      base of everything warmline raises on purpose
    ├── DataFileError(ValueError)      a data file (rule, principle, exercise) is malformed;
    │                                  the message names the file and the field
    ├── InputError(ValueError)         text or a file given by a user cannot be analysed
    │                                  (empty, binary, not UTF-8, a directory, missing)
    ├── AnswersFileError(OSError)      the answers file cannot be read or written safely
    ├── InstructorError(RuntimeError)  an instructor command cannot run (warmline._instructor)
    ├── WorkspaceError(ValueError)     a working folder or a zip of work cannot be used
    │                                  (warmline._workspace)
    └── GradingError(AssertionError)   a graded check failed; says what to fix in words
                                       (warmline.grading; nbgrader scores the cell 0)

Every message is meant to be shown to a person as is, on one line.
"""

from __future__ import annotations


class WarmlineError(Exception):
    """Base class for every error warmline raises on purpose."""


class DataFileError(WarmlineError, ValueError):
    """A data file shipped with warmline (or written by a course author) is malformed."""

    def __init__(self, path: object, message: str, *, key: str | None = None) -> None:
        self.path = str(path)
        self.key = key
        where = f"{self.path}: {key}: " if key else f"{self.path}: "
        super().__init__(where + message)


class InputError(WarmlineError, ValueError):
    """A message or file given to warmline cannot be analysed."""


class AnswersFileError(WarmlineError, OSError):
    """The learner's answers file cannot be read or written safely."""
