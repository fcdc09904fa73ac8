"""The learner's answers, recorded to ``warmline-answers.json`` beside the notebook.

Widgets record answers here; nbgrader re-executes the notebook and never sees widget state, so
the graded cells read the answers back from this file::

    from warmline.answers import answer_text
    rewrite = answer_text("rewrite-staging-flag")   # None until the learner records one

The file lives in the kernel's working directory (the notebook's folder, and during
``nbgrader autograde`` the ``autograded/<student>/<assignment>/`` folder), so it travels with a
submission. Every function takes ``path=`` to use another file.

Guarantees:

- Writes are atomic (a temporary file in the same folder, flushed, then :func:`os.replace`) and
  locked (``fcntl.flock`` on ``<file>.lock``) against two kernels writing at once; where
  ``fcntl`` does not exist (Windows) writes are still atomic but not locked.
- Drafts (saved as the learner types) are kept apart from recorded answers; recording an answer
  replaces only that exercise's entry, so other exercises' answers are never lost, and anything
  else in the file (keys a newer warmline added) is kept as is.
- A damaged or unreadable file raises :class:`~warmline.AnswersFileError` with a message a learner
  can act on. A damaged file is copied to ``<file>.damaged-<hash>`` and is never overwritten: no
  write happens until someone moves it away.

This module imports no Jupyter package, so graded cells load it quickly.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import math
import os
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias

from ._errors import AnswersFileError

fcntl: Any
try:  # POSIX only; elsewhere writes stay atomic but are not locked.
    fcntl = importlib.import_module("fcntl")
except ImportError:  # pragma: no cover - Windows; a test hides fcntl to cover this path
    fcntl = None

__all__ = [
    "FILE_NAME",
    "SCHEMA_VERSION",
    "Answer",
    "AnswerBook",
    "JSONValue",
    "answer_mapping",
    "answer_text",
    "answers_path",
    "get_answer",
    "load_answers",
    "record_answer",
    "save_draft",
]

FILE_NAME = "warmline-answers.json"
FORMAT = "warmline-answers"
SCHEMA_VERSION = 1

# Any value JSON can hold: what an answer may be.
JSONValue: TypeAlias = (
    "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
)

_EXERCISE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_SECTIONS = ("answers", "drafts")
_FIX = (
    "Nothing was overwritten. To go on, rename or delete the file (your recorded answers are "
    "still in it, and in the copy); your instructor can help you recover them."
)


@dataclass(frozen=True, slots=True)
class Answer:
    """One exercise's recorded answer or draft: its value and when it was saved (UTC, ISO 8601)."""

    exercise_id: str
    value: JSONValue
    saved_at: str
    draft: bool = False


@dataclass(frozen=True, slots=True)
class AnswerBook:
    """Everything in one answers file: recorded answers and drafts, each by exercise id."""

    path: Path
    answers: Mapping[str, Answer] = field(default_factory=lambda: MappingProxyType({}))
    drafts: Mapping[str, Answer] = field(default_factory=lambda: MappingProxyType({}))

    def latest(self, exercise_id: str) -> Answer | None:
        """The newer of the exercise's draft and recorded answer (the answer on a tie)."""
        answer = self.answers.get(exercise_id)
        draft = self.drafts.get(exercise_id)
        if answer is None or draft is None:
            return answer or draft
        return draft if _when(draft.saved_at) > _when(answer.saved_at) else answer


# --- public functions -----------------------------------------------------------------------


def answers_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The answers file: ``path`` if given, else ``warmline-answers.json`` in the working folder."""
    return Path(path) if path is not None else Path.cwd() / FILE_NAME


def load_answers(path: str | os.PathLike[str] | None = None) -> AnswerBook:
    """Read the answers file. A missing (or empty) file is an empty book, not an error."""
    target = answers_path(path)
    data = _read(target)
    sections = {
        name: MappingProxyType(
            {key: Answer(key, entry["value"], entry["saved_at"], name == "drafts")
             for key, entry in data[name].items()}
        )
        for name in _SECTIONS
    }
    return AnswerBook(target, sections["answers"], sections["drafts"])


def record_answer(
    exercise_id: str, value: JSONValue, *, path: str | os.PathLike[str] | None = None
) -> Answer:
    """Record ``value`` as the answer to ``exercise_id`` and drop its draft. Returns the record."""
    return _store("answers", exercise_id, value, path)


def save_draft(
    exercise_id: str, value: JSONValue, *, path: str | os.PathLike[str] | None = None
) -> Answer:
    """Save ``value`` as a draft of ``exercise_id``, apart from its recorded answer."""
    return _store("drafts", exercise_id, value, path)


def get_answer(exercise_id: str, *, path: str | os.PathLike[str] | None = None) -> Answer | None:
    """The recorded answer to ``exercise_id`` (drafts never count), or None."""
    _check_id(exercise_id)
    return load_answers(path).answers.get(exercise_id)


def answer_text(exercise_id: str, *, path: str | os.PathLike[str] | None = None) -> str | None:
    """The recorded answer to ``exercise_id`` as text, or None if none is recorded.

    Raises :class:`~warmline.AnswersFileError` if the file holds something else there (a
    hand-edited list, a number...), with a message saying what was expected.
    """
    answer = get_answer(exercise_id, path=path)
    if answer is None:
        return None
    if not isinstance(answer.value, str):
        raise _shape_error(answer, path, "text")
    return answer.value


def answer_mapping(
    exercise_id: str, *, path: str | os.PathLike[str] | None = None
) -> dict[str, str] | None:
    """The recorded answer to ``exercise_id`` as a mapping of names to text, or None.

    Used for answers with several parts (a deck's choices by item id, a form's fields). Raises
    :class:`~warmline.AnswersFileError` if the file holds anything else there.
    """
    answer = get_answer(exercise_id, path=path)
    if answer is None:
        return None
    value = answer.value
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _shape_error(answer, path, "a set of named text answers")
    return {str(k): str(v) for k, v in value.items()}


# --- reading ----------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _when(stamp: str) -> datetime:
    parsed = datetime.fromisoformat(stamp)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _empty() -> dict[str, Any]:
    return {"format": FORMAT, "version": SCHEMA_VERSION, "answers": {}, "drafts": {}}


def _check_id(exercise_id: object) -> str:
    if not isinstance(exercise_id, str) or not _EXERCISE_ID.fullmatch(exercise_id):
        raise ValueError(
            f"exercise id must be letters, digits, '.', '_' or '-' (at most 100), "
            f"not {exercise_id!r}"
        )
    return exercise_id


def _shape_error(answer: Answer, path: str | os.PathLike[str] | None, expected: str) -> Exception:
    kind = type(answer.value).__name__
    return AnswersFileError(
        f"The answer to {answer.exercise_id!r} in {answers_path(path)} should be {expected}, "
        f"but the file holds a {kind} there (was it edited by hand?). Record the answer again "
        f"from its exercise widget."
    )


def _read(path: Path) -> dict[str, Any]:
    """The file's data, validated. Damaged files are backed up and reported, never fixed."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _empty()
    except IsADirectoryError:
        raise AnswersFileError(
            f"Cannot read your answers: {path} is a folder, not a file. Rename that folder."
        ) from None
    except OSError as e:
        raise AnswersFileError(
            f"Cannot read your answers file {path}: {e.strerror or e}. Check that the file is "
            f"yours and readable."
        ) from None
    if not raw.strip():
        return _empty()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _damaged(path, raw, "it is not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise _damaged(path, raw, f"not valid JSON at line {e.lineno}, column {e.colno}: "
                                  f"{e.msg}") from None
    problem = _problem(data)
    if problem is not None:
        raise _damaged(path, raw, problem)
    assert isinstance(data, dict)
    return data


def _problem(data: Any) -> str | None:
    """What is wrong with the shape of a parsed answers file, or None."""
    if not isinstance(data, dict):
        return f"the file must hold a JSON object, not a {_json_type(data)}"
    version = data.get("version")
    if type(version) is not int:
        return "'version' is missing or not a whole number"
    if version > SCHEMA_VERSION:
        return (f"it was written by a newer warmline (file version {version}, this warmline "
                f"reads version {SCHEMA_VERSION}); upgrade warmline")
    if version < 1:
        return f"'version' must be at least 1, not {version}"
    for name in _SECTIONS:
        section = data.get(name, {})
        if not isinstance(section, dict):
            return f"'{name}' must be an object, not a {_json_type(section)}"
        for key, entry in section.items():
            where = f"{name}[{key!r}]"
            if not _EXERCISE_ID.fullmatch(key):
                return f"{where}: not a valid exercise id"
            if not isinstance(entry, dict):
                return f"{where} must be an object with 'value' and 'saved_at'"
            if "value" not in entry:
                return f"{where} has no 'value'"
            stamp = entry.get("saved_at")
            if not isinstance(stamp, str):
                return f"{where}.saved_at must be a date and time as text"
            try:
                _when(stamp)
            except ValueError:
                return f"{where}.saved_at is not an ISO 8601 date and time: {stamp!r}"
        data[name] = section
    return None


def _json_type(value: object) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "true/false", int: "number",
             float: "number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _damaged(path: Path, raw: bytes, problem: str) -> AnswersFileError:
    digest = hashlib.sha256(raw).hexdigest()[:12]
    backup = path.with_name(f"{path.name}.damaged-{digest}")
    try:
        if not backup.exists():
            _write_bytes(backup, raw)
        kept = f"A copy is kept at {backup}."
    except OSError as e:
        kept = f"(A backup copy could not be written: {e.strerror or e}.)"
    return AnswersFileError(f"Your answers file {path} is damaged: {problem}. {kept} {_FIX}")


# --- writing ----------------------------------------------------------------------------------


def _check_value(value: object, where: str = "value", depth: int = 0) -> None:
    if depth > 20:
        raise ValueError(f"{where}: nested too deeply")
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: {value} cannot be stored in JSON")
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_value(item, f"{where}[{i}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: keys must be text, not {type(key).__name__}")
            _check_value(item, f"{where}[{key!r}]", depth + 1)
        return
    raise ValueError(f"{where}: a {type(value).__name__} cannot be stored as an answer")


def _store(section: str, exercise_id: str, value: JSONValue, path: Any) -> Answer:
    _check_id(exercise_id)
    _check_value(value)
    stamp = _now()
    entry = {"value": value, "saved_at": stamp}

    def change(data: dict[str, Any]) -> None:
        data.setdefault("format", FORMAT)
        data[section] = {**data.get(section, {}), exercise_id: entry}
        if section == "answers":
            drafts = dict(data.get("drafts", {}))
            drafts.pop(exercise_id, None)
            data["drafts"] = drafts

    _update(answers_path(path), change)
    stored = json.loads(json.dumps(value))  # what a later read returns (tuples become lists)
    return Answer(exercise_id, stored, stamp, section == "drafts")


def _update(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Read, change and write the file under the lock; the read refuses damaged files."""
    with _locked(path):
        data = _read(path)
        change(data)
        payload = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        _write_bytes(path, payload.encode("utf-8"))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    lock_path = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise AnswersFileError(
            f"Cannot save your answer: cannot create {lock_path} ({e.strerror or e}). Check that "
            f"the notebook's folder is writable."
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file beside it, then a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # os.open with mode 0o666 lets the umask decide permissions, as for any new file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise AnswersFileError(
            f"Cannot save your answers to {path}: {e.strerror or e}. Check that the notebook's "
            f"folder is writable and the disk is not full."
        ) from None
