"""Exercise content as data: rewrite scenarios, decks, pieces of work, outreach targets, and the
list of exercises that the course (and its Progress overview) counts against.

Everything lives in ``data/exercises/`` and is validated on load; a malformed file raises
:class:`DataFileError` naming the file and the field (``scenarios.yaml: [3].must_carry[0].evidence:
...``). Loaders take a folder so that tests and course authors can validate their own copies.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from . import _data
from ._data import check_keys, check_principle, expect, expect_str_list, read_yaml
from ._errors import DataFileError
from ._models import ASK_KINDS, AskKind

EXERCISES = _data.DATA / "exercises"
T = TypeVar("T")

ExerciseKind = Literal["rewrite", "spot", "intentions", "interest"]
EXERCISE_KINDS: tuple[ExerciseKind, ...] = ("rewrite", "spot", "intentions", "interest")
DECKS = ("practice", "graded")

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
# The fields of the "check your intentions" form, in order, with their labels.
INTENTION_FIELDS: tuple[tuple[str, str], ...] = (
    ("who", "Who is this person?"),
    ("why_them", "Why them, and not anyone else with their title?"),
    ("interest", "What do you find interesting in their work?"),
    ("still_ask", "What would you still ask them if they could do nothing for you?"),
    ("draft", "Your draft message"),
)


# --- models ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MustCarry:
    """Something the recipient must learn from a rewrite, and the patterns that prove it is there.

    Every pattern in ``evidence`` must match the draft (each is a regular expression, matched
    case-insensitively as whole words; use alternation for synonyms).
    """

    what: str
    evidence: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: str
    setting: str
    to: str
    relationship: str
    need: str
    deadline: str
    bare: str
    must_carry: tuple[MustCarry, ...]
    easy_out: bool
    asks: frozenset[AskKind]
    max_words: int
    model_answer: str
    why: str


@dataclass(frozen=True, slots=True)
class DeckItem:
    id: str
    setting: str
    text: str
    label: AskKind
    reason: str


@dataclass(frozen=True, slots=True)
class Deck:
    name: str
    items: tuple[DeckItem, ...]

    def item(self, item_id: str) -> DeckItem:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def score(self, picks: Mapping[str, str]) -> tuple[int, int]:
        """How many of ``picks`` (item id to label) are right, and how many items the deck has.

        Picks for ids that are not in the deck are ignored.
        """
        right = sum(picks.get(it.id) == it.label for it in self.items)
        return right, len(self.items)

    def order(self, round_number: int) -> tuple[DeckItem, ...]:
        """The items in the order of round ``round_number`` (0, 1, ...), a seeded shuffle.

        The seed is the deck's name and the round, so the order is the same in every kernel and
        on every machine, and differs from round to round.
        """
        items = list(self.items)
        random.Random(f"warmline:{self.name}:{round_number}").shuffle(items)
        return tuple(items)


@dataclass(frozen=True, slots=True)
class Piece:
    """A short piece of someone's work, for the "stay interested" exercise."""

    id: str
    kind: str
    author: str
    title: str
    text: str
    terms: tuple[re.Pattern[str], ...]
    model_questions: str


@dataclass(frozen=True, slots=True)
class Target:
    """Someone a learner might write to cold, for the "check your intentions" exercise."""

    id: str
    name: str
    role: str
    work: str
    your_goal: str
    terms: tuple[re.Pattern[str], ...]
    model_draft: str


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    title: str
    principle: str
    kind: ExerciseKind
    data: str
    graded: bool
    optional: bool


# --- loading helpers ------------------------------------------------------------------------


def _items(path: Path) -> list[dict[str, Any]]:
    data = read_yaml(path)
    if not isinstance(data, list) or not data:
        raise DataFileError(path, "must be a non-empty list")
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise DataFileError(path, "must be a mapping", key=f"[{i}]")
    return data


def _keys(path: Path, where: str, item: Mapping[str, Any], required: Sequence[str],
          optional: Sequence[str] = ()) -> None:
    """Like :func:`check_keys`, with the item's position in the key: ``[3].need``."""
    try:
        check_keys(path, item, required, optional)
    except DataFileError as e:
        raise DataFileError(path, str(e).rsplit(": ", 1)[-1], key=f"{where}.{e.key}") from None


def _id(path: Path, key: str, value: Any, seen: set[str]) -> str:
    expect(path, key, value, str, "a string")
    if not _ID.fullmatch(value):
        raise DataFileError(path, f"bad id {value!r}: use lower-case letters, digits and '-'",
                            key=key)
    if value in seen:
        raise DataFileError(path, f"repeated id {value!r}", key=key)
    seen.add(value)
    return str(value)


def _text(path: Path, key: str, value: Any) -> str:
    return str(expect(path, key, value, str, "a string")).strip()


def _prose(path: Path, key: str, value: Any) -> str:
    """A string whose line breaks do not matter (folded into single spaces)."""
    return " ".join(_text(path, key, value).split())


def _bool(path: Path, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise DataFileError(path, "must be true or false", key=key)
    return value


def compile_evidence(path: Path, key: str, value: Any) -> tuple[re.Pattern[str], ...]:
    """Each string a case-insensitive regular expression matched as whole words; a space in it
    matches any run of blanks, so a phrase may be broken across lines."""
    result = []
    for i, pattern in enumerate(expect_str_list(path, key, value)):
        # A space stands for any run of blanks, line breaks included.
        spaced = pattern.replace(" ?", r"\s*").replace(" ", r"\s+")
        try:
            result.append(
                re.compile(rf"(?<![\w'’])(?:{spaced})(?![\w'’])", re.IGNORECASE)
            )
        except re.error as e:
            raise DataFileError(path, f"bad regular expression {pattern!r}: {e}",
                                key=f"{key}[{i}]") from None
    return tuple(result)


def _ask_kind(path: Path, key: str, value: Any) -> AskKind:
    expect(path, key, value, str, "an ask kind")
    for kind in ASK_KINDS:
        if value == kind:
            return kind
    raise DataFileError(path, f"unknown ask kind {value!r} (known: {', '.join(ASK_KINDS)})",
                        key=key)


# --- loaders --------------------------------------------------------------------------------

_SCENARIO_KEYS = ("id", "title", "setting", "to", "relationship", "need", "deadline", "bare",
                  "must_carry", "easy_out", "model_answer", "why")


def load_scenarios(path: Path) -> dict[str, Scenario]:
    result: dict[str, Scenario] = {}
    for i, item in enumerate(_items(path)):
        w = f"[{i}]"
        _keys(path, w, item, _SCENARIO_KEYS, ("asks", "max_words"))
        sid = _id(path, f"{w}.id", item["id"], set(result))
        carry = item["must_carry"]
        if not isinstance(carry, list) or not carry:
            raise DataFileError(path, "must be a non-empty list", key=f"{w}.must_carry")
        must = []
        for j, entry in enumerate(carry):
            where = f"{w}.must_carry[{j}]"
            if not isinstance(entry, dict):
                raise DataFileError(path, "must be a mapping", key=where)
            _keys(path, where, entry, ("what", "evidence"))
            must.append(MustCarry(_prose(path, f"{where}.what", entry["what"]),
                                  compile_evidence(path, f"{where}.evidence", entry["evidence"])))
        asks_value = item.get("asks", ["none", "genuine", "mixed"])
        asks = frozenset(
            _ask_kind(path, f"{w}.asks[{j}]", a)
            for j, a in enumerate(expect_str_list(path, f"{w}.asks", asks_value))
        )
        max_words = item.get("max_words", 120)
        expect(path, f"{w}.max_words", max_words, int, "a whole number")
        if max_words < 10:
            raise DataFileError(path, "must be at least 10", key=f"{w}.max_words")
        result[sid] = Scenario(
            id=sid,
            title=_prose(path, f"{w}.title", item["title"]),
            setting=_prose(path, f"{w}.setting", item["setting"]),
            to=_prose(path, f"{w}.to", item["to"]),
            relationship=_prose(path, f"{w}.relationship", item["relationship"]),
            need=_prose(path, f"{w}.need", item["need"]),
            deadline=_prose(path, f"{w}.deadline", item["deadline"]),
            bare=_text(path, f"{w}.bare", item["bare"]),
            must_carry=tuple(must),
            easy_out=_bool(path, f"{w}.easy_out", item["easy_out"]),
            asks=asks,
            max_words=max_words,
            model_answer=_text(path, f"{w}.model_answer", item["model_answer"]),
            why=_prose(path, f"{w}.why", item["why"]),
        )
    return result


def load_deck(path: Path, name: str) -> Deck:
    items = []
    seen: set[str] = set()
    for i, item in enumerate(_items(path)):
        w = f"[{i}]"
        _keys(path, w, item, ("id", "setting", "text", "label", "reason"))
        items.append(DeckItem(
            id=_id(path, f"{w}.id", item["id"], seen),
            setting=_prose(path, f"{w}.setting", item["setting"]),
            text=_text(path, f"{w}.text", item["text"]),
            label=_ask_kind(path, f"{w}.label", item["label"]),
            reason=_prose(path, f"{w}.reason", item["reason"]),
        ))
    return Deck(name, tuple(items))


def load_pieces(path: Path) -> dict[str, Piece]:
    result: dict[str, Piece] = {}
    for i, item in enumerate(_items(path)):
        w = f"[{i}]"
        _keys(path, w, item, ("id", "kind", "author", "title", "text", "terms",
                                "model_questions"))
        pid = _id(path, f"{w}.id", item["id"], set(result))
        result[pid] = Piece(
            id=pid,
            kind=_prose(path, f"{w}.kind", item["kind"]),
            author=_prose(path, f"{w}.author", item["author"]),
            title=_prose(path, f"{w}.title", item["title"]),
            text=_text(path, f"{w}.text", item["text"]),
            terms=compile_evidence(path, f"{w}.terms", item["terms"]),
            model_questions=_text(path, f"{w}.model_questions", item["model_questions"]),
        )
    return result


def load_targets(path: Path) -> dict[str, Target]:
    result: dict[str, Target] = {}
    for i, item in enumerate(_items(path)):
        w = f"[{i}]"
        _keys(path, w, item, ("id", "name", "role", "work", "your_goal", "terms",
                                "model_draft"))
        tid = _id(path, f"{w}.id", item["id"], set(result))
        result[tid] = Target(
            id=tid,
            name=_prose(path, f"{w}.name", item["name"]),
            role=_prose(path, f"{w}.role", item["role"]),
            work=_prose(path, f"{w}.work", item["work"]),
            your_goal=_prose(path, f"{w}.your_goal", item["your_goal"]),
            terms=compile_evidence(path, f"{w}.terms", item["terms"]),
            model_draft=_text(path, f"{w}.model_draft", item["model_draft"]),
        )
    return result


def load_exercises(
    path: Path,
    *,
    scenarios: Mapping[str, Scenario],
    decks: Mapping[str, Deck],
    pieces: Mapping[str, Piece],
    targets: Mapping[str, Target],
) -> dict[str, Exercise]:
    """The exercise list; every ``data`` reference must name an existing item of its kind."""
    refs: dict[str, Mapping[str, object]] = {
        "rewrite": scenarios, "spot": decks, "interest": pieces, "intentions": targets,
    }
    result: dict[str, Exercise] = {}
    for i, item in enumerate(_items(path)):
        w = f"[{i}]"
        _keys(path, w, item, ("id", "title", "principle", "kind", "data"),
                   ("graded", "optional"))
        eid = _id(path, f"{w}.id", item["id"], set(result))
        kind_value = expect(path, f"{w}.kind", item["kind"], str, "a string")
        kind = next((k for k in EXERCISE_KINDS if k == kind_value), None)
        if kind is None:
            raise DataFileError(path, f"unknown kind {kind_value!r} (known: "
                                      f"{', '.join(EXERCISE_KINDS)})", key=f"{w}.kind")
        ref = expect(path, f"{w}.data", item["data"], str, "a string")
        if ref not in refs[kind]:
            known = ", ".join(sorted(refs[kind]))
            raise DataFileError(path, f"no {kind} item {ref!r} (known: {known})",
                                key=f"{w}.data")
        graded = _bool(path, f"{w}.graded", item.get("graded", False))
        if kind == "spot" and graded != (ref == "graded"):
            raise DataFileError(path, "a graded spot exercise must use the graded deck, and "
                                      "only a graded one may", key=f"{w}.graded")
        optional = _bool(path, f"{w}.optional", item.get("optional", False))
        if graded and optional:
            raise DataFileError(path, "a graded exercise belongs to the workbook and can't be "
                                      "optional extra practice", key=f"{w}.optional")
        result[eid] = Exercise(
            id=eid,
            title=_prose(path, f"{w}.title", item["title"]),
            principle=check_principle(path, f"{w}.principle", item["principle"]),
            kind=kind,
            data=ref,
            graded=graded,
            optional=optional,
        )
    return result


@dataclass(frozen=True, slots=True)
class Content:
    """All exercise content of one folder, validated together."""

    scenarios: Mapping[str, Scenario]
    decks: Mapping[str, Deck]
    pieces: Mapping[str, Piece]
    targets: Mapping[str, Target]
    exercises: Mapping[str, Exercise]


def load_content(folder: Path) -> Content:
    """Load and cross-check every exercise file in ``folder``."""
    decks = {name: load_deck(folder / f"deck-{name}.yaml", name) for name in DECKS}
    _check_decks_apart(folder, decks["practice"], decks["graded"])
    scenarios = load_scenarios(folder / "scenarios.yaml")
    pieces = load_pieces(folder / "pieces.yaml")
    targets = load_targets(folder / "targets.yaml")
    exercises = load_exercises(folder / "exercises.yaml", scenarios=scenarios, decks=decks,
                               pieces=pieces, targets=targets)
    return Content(scenarios, decks, pieces, targets, exercises)


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _check_decks_apart(folder: Path, practice: Deck, graded: Deck) -> None:
    """The graded deck must not repeat a practice item, by id or by text."""
    path = folder / "deck-graded.yaml"
    ids = {it.id for it in practice.items}
    texts = {_normal(it.text) for it in practice.items}
    for i, it in enumerate(graded.items):
        if it.id in ids:
            raise DataFileError(path, f"id {it.id!r} is also in the practice deck",
                                key=f"[{i}].id")
        if _normal(it.text) in texts:
            raise DataFileError(path, "the same message is in the practice deck",
                                key=f"[{i}].text")


@lru_cache(maxsize=1)
def content() -> Content:
    """The exercise content shipped with warmline."""
    return load_content(EXERCISES)


def scenario(scenario_id: str) -> Scenario:
    return _lookup(content().scenarios, scenario_id, "rewrite scenario")


def deck(name: str) -> Deck:
    return _lookup(content().decks, name, "deck")


def piece(piece_id: str) -> Piece:
    return _lookup(content().pieces, piece_id, "piece of work")


def target(target_id: str) -> Target:
    return _lookup(content().targets, target_id, "outreach target")


def exercises() -> Mapping[str, Exercise]:
    return content().exercises


def exercise(exercise_id: str) -> Exercise:
    return _lookup(content().exercises, exercise_id, "exercise")


def _lookup(table: Mapping[str, T], key: str, what: str) -> T:
    try:
        return table[key]
    except (KeyError, TypeError):
        known = ", ".join(sorted(table))
        raise ValueError(f"no {what} {key!r}; known: {known}") from None


# --- progress -------------------------------------------------------------------------------

Status = Literal["done", "started", "not started"]


@dataclass(frozen=True, slots=True)
class ProgressRow:
    exercise: Exercise
    status: Status


def exercise_status(ex: Exercise, answers: Mapping[str, object],
                    drafts: Mapping[str, object]) -> Status:
    """``done`` once an answer is recorded (for a graded deck: every item answered)."""
    if ex.id in answers:
        if ex.kind == "spot" and ex.graded:
            value = getattr(answers[ex.id], "value", None)
            total = len(deck(ex.data).items)
            if not isinstance(value, dict) or len(value) < total:
                return "started"
        return "done"
    return "started" if ex.id in drafts else "not started"


def progress(answers: Mapping[str, object], drafts: Mapping[str, object],
             exercise_list: Sequence[Exercise] | None = None) -> tuple[ProgressRow, ...]:
    """Each exercise of the course with its status, in the order of the exercise list."""
    items = list(exercises().values()) if exercise_list is None else exercise_list
    return tuple(ProgressRow(ex, exercise_status(ex, answers, drafts)) for ex in items)
