"""Grading helpers for the workbook's nbgrader test cells.

Learners never write Python: they answer in exercise widgets, which record their answers to
``warmline-answers.json`` beside the notebook. A test cell reads an answer back, prints it as
plain text (so formgrader and the feedback page show what was graded) and checks it with the
same judgements the widget showed while the learner typed::

    from warmline.grading import check_rewrite_answer
    check_rewrite_answer("rewrite-staging-flag", "context")

Every ``check_*`` function

- prints the answer (once per cell), then one ``✓`` line per criterion that holds;
- raises :class:`GradingError` when a criterion fails. Its message says what to fix, in words,
  and IPython shows only that message, never the test cell's source (which may hold hidden
  tests). nbgrader scores the cell 0;
- returns :data:`NOT_ANSWERED` while no answer is recorded: the notebook shows a note, nbgrader
  reads the result as a partial score of 0, and a Run All does not stop at the cell;
- returns None when every criterion holds (nbgrader gives the cell its full points);
- never writes to stderr, where nbgrader would score the cell 0 even if it passed: warnings and
  stray stderr output are set aside (see :func:`set_aside`).

In a test cell the last statement must be a check of the learner's answer, so that an
unanswered exercise shows as 0 points (the workbook tests check every cell for this).

Criteria, by exercise kind (``ready``, ``reads-well`` and ``good`` mean all of the others):

- rewrite: ``context``, ``sentences``, ``carries``, ``question``, ``easy-out``, ``time``,
  ``ask``, ``other`` (the checks :func:`warmline._judgements.check_rewrite` shows in the widget),
  ``on-topic`` (does not also carry everything another exercise's message needs, so one stuffed
  message can't pass several exercises), ``own-words`` (not a copy of the model answer), ``ready``;
- spot (a graded deck, first answers only): ``answered``, and ``at_least=N`` right;
- intentions: ``answered``, ``their-work``, ``about-them``, ``specific``, ``interest-first``,
  ``own-words``, ``reads-well``;
- interest (follow-up questions): ``asked``, ``open``, ``specific``, ``about-them``,
  ``own-words``, ``good``.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import html
import io
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from . import _exercises, _judgements
from ._errors import AnswersFileError, WarmlineError
from ._exercises import Exercise, Scenario
from ._models import ASK_KINDS
from ._text import WORD, prepare
from .answers import JSONValue, load_answers

__all__ = [
    "ANSWER_CHECKS",
    "CRITERIA",
    "HELPERS",
    "NOT_ANSWERED",
    "Criterion",
    "GradingError",
    "NotAnswered",
    "check_deck_answer",
    "check_gaming_samples",
    "check_intentions_answer",
    "check_questions_answer",
    "check_rewrite_answer",
    "gaming_samples",
    "rubric",
    "set_aside",
    "show_answer",
]

P = ParamSpec("P")
R = TypeVar("R")

# The criteria of each exercise kind, in the order they are reported. The last one of each kind
# (but spot) means "all of the others".
CRITERIA: Mapping[str, tuple[str, ...]] = {
    "rewrite": ("context", "sentences", "carries", "question", "easy-out", "time", "ask",
                "other", "on-topic", "own-words", "ready"),
    "spot": ("answered", "right"),
    "intentions": ("answered", "their-work", "about-them", "specific", "interest-first",
                   "own-words", "reads-well"),
    "interest": ("asked", "open", "specific", "about-them", "own-words", "good"),
}
GENERIC_REWRITE = "quick q: can you help? no worries if not"
GENERIC_DRAFT = "Hi! I love your work. Could I pick your brain over coffee sometime?"
GENERIC_QUESTIONS = "What inspired you?\nHow did you get started?\nWhat's next for you?"
# A copy: at least this share of the model's word 4-grams appear in the answer.
COPY_SHARE = 0.5
MIN_FIELD_WORDS = 3
MIN_DRAFT_WORDS = 20
_RED = "\x1b[1;31m"
_RESET = "\x1b[0m"


class GradingError(WarmlineError, AssertionError):
    """A check of a learner's answer failed. The message says what to fix.

    IPython renders the traceback of an exception with ``_render_traceback_`` by calling it, so a
    failing test cell shows only this message, never the cell's source.
    """

    def _render_traceback_(self) -> list[str]:
        lines = str(self).splitlines() or [""]
        return [f"{_RED}{lines[0]}{_RESET}", *lines[1:]]


class NotAnswered:
    """What a check returns while no answer is recorded.

    Its plain-text form is ``0``, which nbgrader reads as a partial score of 0 points; notebooks
    show the HTML note instead.
    """

    __slots__ = ("title",)

    def __init__(self, title: str = "this exercise") -> None:
        self.title = title

    def __repr__(self) -> str:
        return "0"

    def _repr_html_(self) -> str:
        return (f"<p>○ <strong>Not answered yet</strong> (0 points for now): record your answer "
                f"to “{html.escape(self.title)}” in its widget above, then run this cell "
                f"again.</p>")


NOT_ANSWERED = NotAnswered()


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of a rubric: whether the answer meets it, and why, in words."""

    id: str
    label: str
    ok: bool
    detail: str


# --- never write to stderr --------------------------------------------------------------------

_SET_ASIDE: list[str] = []


def set_aside() -> tuple[str, ...]:
    """Warnings and stderr output that checks kept away from stderr, oldest first."""
    return tuple(_SET_ASIDE)


def _guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Run a check with warnings and stderr set aside; any failure becomes a GradingError."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        err = io.StringIO()
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(err):
            warnings.simplefilter("always")
            try:
                return func(*args, **kwargs)
            except GradingError:
                raise
            except AnswersFileError as e:
                raise GradingError(f"✗ Your answers can't be read. {e}") from None
            except Exception as e:
                raise GradingError(
                    f"✗ This check could not run ({type(e).__name__}: {e}). This is not about "
                    f"your answer: tell your instructor."
                ) from None
            finally:
                _SET_ASIDE.extend(f"{w.category.__name__}: {w.message}" for w in caught)
                if err.getvalue():
                    _SET_ASIDE.append(err.getvalue())
                del _SET_ASIDE[:-100]

    return run


# --- showing the answer ------------------------------------------------------------------------

_shown: set[tuple[object, str]] = set()


def _cell_key() -> object:
    """The running cell's execution count in IPython (None elsewhere)."""
    get_ipython = getattr(builtins, "get_ipython", None)
    shell = get_ipython() if callable(get_ipython) else None
    return getattr(shell, "execution_count", None) if shell is not None else None


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line.strip() else "" for line in text.strip().splitlines())


def _stamp(saved_at: str) -> str:
    return saved_at[:16].replace("T", " ") + " UTC"


def _render_value(ex: Exercise, value: JSONValue) -> str:
    if ex.kind == "spot" and isinstance(value, dict):
        deck = _exercises.deck(ex.data)
        lines = []
        for i, item in enumerate(deck.items, 1):
            pick = value.get(item.id)
            text = " ".join(item.text.split())
            text = text if len(text) <= 70 else text[:69] + "…"
            if pick is None:
                lines.append(f"{i:2}. ○ not answered: “{text}”")
            else:
                mark = "✓" if pick == item.label else "✗"
                lines.append(f"{i:2}. {mark} you chose {pick}, it is {item.label}: “{text}”")
        return "\n".join(lines)
    if ex.kind == "intentions" and isinstance(value, dict):
        parts = []
        for key, label in _exercises.INTENTION_FIELDS:
            answer = str(value.get(key, "")).strip() or "(empty)"
            parts.append(f"{label}\n{_indent(answer)}")
        return "\n".join(parts)
    return _indent(str(value)) if isinstance(value, str) else _indent(repr(value))


def _print_answer(ex: Exercise, path: str | None, *, force: bool = False) -> JSONValue | None:
    """Print the recorded answer (once per cell) and return its value, or None if none."""
    book = load_answers(path)
    answer = book.answers.get(ex.id)
    key = (_cell_key(), ex.id)
    show = force or key[0] is None or key not in _shown
    _shown.add(key)
    if answer is None:
        if show:
            draft = book.drafts.get(ex.id)
            extra = (" You have a draft: click “Record answer” in the widget to record it."
                     if draft is not None and ex.kind != "spot" else "")
            print(f"No answer to “{ex.title}” is recorded yet.{extra}")
        return None
    if show:
        print(f"Your answer to “{ex.title}”, recorded {_stamp(answer.saved_at)}:")
        print(_render_value(ex, answer.value))
    return answer.value


@_guarded
def show_answer(exercise_id: str, *, path: str | None = None) -> None:
    """Print the recorded answer to ``exercise_id`` as plain text (or say that there is none)."""
    _print_answer(_exercise(exercise_id), path, force=True)


# --- rubrics --------------------------------------------------------------------------------------


def _exercise(exercise_id: str, kind: str | None = None) -> Exercise:
    try:
        ex = _exercises.exercise(exercise_id)
    except ValueError as e:
        raise GradingError(f"✗ {e}") from None
    if kind is not None and ex.kind != kind:
        raise GradingError(f"✗ “{ex.title}” is a {ex.kind} exercise; this check is for {kind} "
                           f"exercises.")
    return ex


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def _ngrams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def _copied(model: str, text: str) -> bool:
    """Whether ``text`` copies at least :data:`COPY_SHARE` of ``model``'s word 4-grams."""
    grams = _ngrams(model)
    return bool(grams) and len(grams & _ngrams(text)) >= COPY_SHARE * len(grams)


def _all_of(cid: str, label: str, parts: Iterable[Criterion]) -> Criterion:
    missing = [c.label for c in parts if not c.ok]
    if not missing:
        return Criterion(cid, label, True, "Every check passes.")
    return Criterion(cid, label, False, "Still to do: " + "; ".join(missing) + ".")


def _carried_by(scenario: Scenario, judged: str) -> bool:
    return all(all(p.search(judged) for p in item.evidence) for item in scenario.must_carry)


def _rewrite_rubric(ex: Exercise, text: str) -> list[Criterion]:
    sc = _exercises.scenario(ex.data)
    feedback = _judgements.check_rewrite(sc, text)
    checks = {c.id: c for c in feedback.checks}
    result = []
    for cid in ("context", "sentences"):
        c = checks[cid]
        result.append(Criterion(cid, c.label, c.ok, c.detail))
    carries = [c for c in feedback.checks if c.id.startswith("carry-")]
    recipient = sc.to.split(",")[0]
    result.append(Criterion(
        "carries", f"Carries what {recipient} needs to know", all(c.ok for c in carries),
        " ".join(c.detail for c in carries if not c.ok) or
        " ".join(c.detail for c in carries)))
    for cid in ("question", "easy-out", "time", "ask", "other"):
        if cid in checks:
            c = checks[cid]
            result.append(Criterion(cid, c.label, c.ok, c.detail))
        else:  # no favor is asked in this scenario, so no way out is needed
            result.append(Criterion(cid, "Makes it easy to say no", True,
                                    "No favor is asked here, so no way out is needed."))
    judged = prepare(text).judged
    other = next((o for o in _exercises.content().scenarios.values()
                  if o.id != sc.id and _carried_by(o, judged)), None)
    result.append(Criterion(
        "on-topic", "One message for one need", other is None,
        "It is about this need only." if other is None else
        f"It also carries everything another message needs (“{other.title}”). Write one "
        f"message, to one person, about one need."))
    copied = _copied(sc.model_answer, text)
    result.append(Criterion(
        "own-words", "In your own words", not copied,
        "Written in your own words." if not copied else
        "Most of it is the model answer word for word. Write the message as you would send "
        "it, in your own words."))
    result.append(_all_of("ready", "Ready to send", result))
    return result


def _deck_rubric(ex: Exercise, picks: Mapping[str, str], at_least: int | None) -> list[Criterion]:
    deck = _exercises.deck(ex.data)
    total = len(deck.items)
    answered = sum(it.id in picks for it in deck.items)
    right, _ = deck.score(picks)
    result = [Criterion(
        "answered", f"All {total} messages answered", answered == total,
        f"You answered all {total} messages." if answered == total else
        f"You answered {answered} of {total} messages. Answer the rest in the widget above; "
        f"your first answer to each message is the one that counts.")]
    need = total if at_least is None else at_least
    result.append(Criterion(
        "right", f"At least {need} of {total} right at the first attempt", right >= need,
        f"{right} of your {total} first answers are right." if right >= need else
        f"{right} of your {total} first answers are right; this part needs {need}. First "
        f"answers can't be changed, but the reasons shown in the widget say what each message "
        f"asks for: read them for the next time."))
    return result


def _intentions_rubric(ex: Exercise, fields: Mapping[str, str]) -> list[Criterion]:
    target = _exercises.target(ex.data)
    draft = fields.get("draft", "")
    thin = [label for key, label in _exercises.INTENTION_FIELDS
            if len(_words(fields.get(key, ""))) < (MIN_DRAFT_WORDS if key == "draft"
                                                   else MIN_FIELD_WORDS)]
    result = [Criterion(
        "answered", "Every question answered", not thin,
        "You answered every question and wrote a draft." if not thin else
        f"Answer each question in a sentence or more (at least {MIN_FIELD_WORDS} words), and "
        f"write a draft of at least {MIN_DRAFT_WORDS} words. Still too short: "
        + "; ".join(thin))]
    reasons = " ".join(fields.get(k, "") for k in ("why_them", "interest"))
    judged = prepare(reasons).judged
    particular = any(t.search(judged) for t in target.terms)
    result.append(Criterion(
        "their-work", f"Your reasons name {target.name}'s own work", particular,
        "Your reasons for writing to them name something particular to their work."
        if particular else
        f"In “why them” and “what interests you”, name something particular to "
        f"{target.name}'s work (what you read of it above), not their title."))
    reading = _judgements.read_draft(draft, target)

    def note(*starts: str) -> str:
        """The reading's note that starts (after its ✓ or ✗) with one of ``starts``."""
        for n in reading.notes:
            body = n[2:] if n[:1] in "✓✗" else n
            if body.lower().startswith(starts):
                return n
        return ""

    result.append(Criterion("about-them", "The draft is about them", reading.focus == "them",
                            note("about") or "Turn a sentence about you into one about them."))
    result.append(Criterion("specific", "The draft is specific to them", reading.specific,
                            note("specific", "generic") or
                            "Name one thing of theirs and what you thought of it."))
    ok = reading.order != "favor-first"
    result.append(Criterion("interest-first", "Interest before any favor", ok,
                            note("interest", "no favor", "favor") or
                            "Lead with their work; put any favor last."))
    copied = _copied(target.model_draft, draft)
    result.append(Criterion(
        "own-words", "In your own words", not copied,
        "Written in your own words." if not copied else
        "Most of the draft is the model draft word for word. Write it in your own words."))
    parts = [*result]
    if reading.report.problems:
        flagged = "; ".join(dict.fromkeys(f.message.rstrip(".") for f in reading.report.problems))
        parts.append(Criterion("analyzer", "Nothing else to fix", False,
                               f"The analyzer also flags: {flagged}."))
    result.append(_all_of("reads-well", "The draft reads well", parts))
    return result


def _normal(text: str) -> str:
    return " ".join(_words(text))


def _questions_rubric(ex: Exercise, text: str) -> list[Criterion]:
    piece = _exercises.piece(ex.data)
    feedback = _judgements.judge_questions(piece, text)
    questions = feedback.questions
    distinct = {_normal(q.text) for q in questions}
    result = [Criterion(
        "asked", "At least two different questions", len(distinct) >= 2,
        f"You ask {len(distinct)} different questions." if len(distinct) >= 2 else
        "Ask at least two different questions, one per line.")]

    def every(cid: str, adjective: str, attr: str, fix: str) -> Criterion:
        bad = [q for q in questions if not getattr(q, attr)]
        label = f"Every question {adjective}"
        if questions and not bad:
            return Criterion(cid, label, True, f"Every question is {adjective}.")
        shown = "; ".join(f"“{' '.join(q.text.split())}”" for q in bad[:3])
        look = f" Look at: {shown}." if shown else ""
        return Criterion(cid, label, False, fix + look)

    result.append(every("open", "open", "open",
                        "Ask open questions that invite a full answer (how, why, what)."))
    result.append(every("specific", "specific to the piece", "specific",
                        "Pick up a detail of the piece in each question: a number, a choice, "
                        "a surprise."))
    result.append(every("about-them", "about them", "about_them",
                        "Ask about what they did, chose or found, not about what helps you."))
    copied = _copied(piece.model_questions, text)
    result.append(Criterion(
        "own-words", "In your own words", not copied,
        "Written in your own words." if not copied else
        "Most of these are the model questions word for word. Ask your own."))
    result.append(_all_of("good", "Good follow-up questions", result))
    return result


def _value_for(ex: Exercise, value: JSONValue) -> object:
    """``value`` in the shape ``ex``'s rubric takes; GradingError if it has another shape."""
    hand_edited = (f"✗ The recorded answer to “{ex.title}” has the wrong shape (was the answers "
                   f"file edited by hand?). Record it again from its widget.")
    if ex.kind in ("rewrite", "interest"):
        if not isinstance(value, str):
            raise GradingError(hand_edited)
        return value
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise GradingError(hand_edited)
    if ex.kind == "spot" and not all(v in ASK_KINDS for v in value.values()):
        raise GradingError(hand_edited)
    return {str(k): str(v) for k, v in value.items()}


def rubric(exercise_id: str, value: JSONValue, *, at_least: int | None = None) \
        -> tuple[Criterion, ...]:
    """Every criterion of ``exercise_id``'s kind, judged on ``value`` (an answer as recorded)."""
    ex = _exercise(exercise_id)
    shaped = _value_for(ex, value)
    if ex.kind == "rewrite":
        assert isinstance(shaped, str)
        return tuple(_rewrite_rubric(ex, shaped))
    if ex.kind == "interest":
        assert isinstance(shaped, str)
        return tuple(_questions_rubric(ex, shaped))
    assert isinstance(shaped, dict)
    if ex.kind == "spot":
        return tuple(_deck_rubric(ex, shaped, at_least))
    return tuple(_intentions_rubric(ex, shaped))


# --- checks ---------------------------------------------------------------------------------------


def _check(kind: str, exercise_id: str, criteria: tuple[str, ...], path: str | None,
           at_least: int | None = None) -> NotAnswered | None:
    ex = _exercise(exercise_id, kind)
    known = CRITERIA[kind]
    unknown = [c for c in criteria if c not in known]
    if unknown or not criteria:
        raise GradingError(f"✗ Unknown or missing criteria {unknown or '(none)'} for a {kind} "
                           f"exercise; known: {', '.join(known)}.")
    value = _print_answer(ex, path)
    if value is None:
        return NotAnswered(ex.title)
    judged = {c.id: c for c in rubric(exercise_id, value, at_least=at_least)}
    chosen = [judged[c] for c in dict.fromkeys(criteria)]
    failed = [c for c in chosen if not c.ok]
    for c in chosen:
        if c.ok:
            print(f"✓ {c.label}: {c.detail}")
    if failed:
        lines = [f"✗ Not yet: {len(failed)} of {len(chosen)} checks in this cell fail."]
        lines += [f"✗ {c.label}: {c.detail}" for c in failed]
        if kind != "spot":
            lines.append(f"To fix it: change your answer to “{ex.title}” in its widget above, "
                         f"click “Record answer”, and run this cell again.")
        raise GradingError("\n".join(lines))
    return None


@_guarded
def check_rewrite_answer(exercise_id: str, *criteria: str,
                         path: str | None = None) -> NotAnswered | None:
    """Check the recorded rewrite of a bare ping against ``criteria`` (see the module doc)."""
    return _check("rewrite", exercise_id, criteria, path)


@_guarded
def check_deck_answer(exercise_id: str, *criteria: str, at_least: int | None = None,
                      path: str | None = None) -> NotAnswered | None:
    """Check the first answers recorded for a graded deck: ``"answered"`` (every message) and
    ``"right"`` (at least ``at_least`` right; every message if not given)."""
    return _check("spot", exercise_id, criteria, path, at_least)


@_guarded
def check_intentions_answer(exercise_id: str, *criteria: str,
                            path: str | None = None) -> NotAnswered | None:
    """Check the recorded "check your intentions" answers and draft against ``criteria``."""
    return _check("intentions", exercise_id, criteria, path)


@_guarded
def check_questions_answer(exercise_id: str, *criteria: str,
                           path: str | None = None) -> NotAnswered | None:
    """Check the recorded follow-up questions on a piece of work against ``criteria``."""
    return _check("interest", exercise_id, criteria, path)


# --- gaming samples ---------------------------------------------------------------------------


def _evidence_words(sc: Scenario) -> list[str]:
    """The words of ``sc``'s model answer that prove each must-carry item."""
    words = []
    judged = prepare(sc.model_answer).judged
    for item in sc.must_carry:
        for pattern in item.evidence:
            m = pattern.search(judged)
            if m:
                words.append(sc.model_answer[m.start():m.end()])
    return words


def gaming_samples(exercise_id: str) -> dict[str, JSONValue]:
    """Answers that try to game ``exercise_id``'s rubric; none may meet every criterion.

    Rewrite: the bare message unchanged, a generic one-liner, the must-carry keywords as a list,
    a polite message stuffed with the needs of this and another scenario, and the model answer
    copied. Spot: the same label for every message. Intentions: a generic draft, a draft stuffed
    with words about their work, the model draft copied. Interest: generic questions, one good
    question twice, the model questions copied.
    """
    ex = _exercise(exercise_id)
    if ex.kind == "rewrite":
        sc = _exercises.scenario(ex.data)
        others = [o for o in _exercises.content().scenarios.values() if o.id != sc.id]
        other = others[sum(map(ord, sc.id)) % len(others)]
        stuffed = (f"Hi, I have a quick question about {', '.join(_evidence_words(sc))}, and "
                   f"also about {', '.join(_evidence_words(other))}. Could you help me with "
                   f"these? No worries if not!")
        return {"bare": sc.bare, "generic": GENERIC_REWRITE,
                "keywords": " ".join(_evidence_words(sc)) + "?", "stuffed": stuffed,
                "model": sc.model_answer}
    if ex.kind == "spot":
        deck = _exercises.deck(ex.data)
        return {f"all-{kind}": {it.id: kind for it in deck.items} for kind in ASK_KINDS}
    if ex.kind == "intentions":
        tg = _exercises.target(ex.data)
        judged = prepare(tg.work).judged
        terms = [m.group() for m in (t.search(judged) for t in tg.terms) if m]
        filler = "I really want to learn more about this and I am very motivated."
        base = {"who": f"{tg.name}, {tg.role}", "why_them": f"I like the {terms[0]} work.",
                "interest": f"The {' and '.join(terms)}.",
                "still_ask": "How they got their job."}
        return {
            "generic": {**base, "draft": f"{GENERIC_DRAFT} {filler} {filler}"},
            "stuffed": {**base, "draft": f"Hi! {', '.join(terms)}. {filler} Could you help me "
                                         f"get a job in your field? {filler}"},
            "model": {**base, "draft": tg.model_draft},
        }
    piece = _exercises.piece(ex.data)
    one = piece.model_questions.splitlines()[0]
    return {"generic": GENERIC_QUESTIONS, "twice": f"{one}\n{one}",
            "model": piece.model_questions}


@_guarded
def check_gaming_samples(exercise_id: str) -> None:
    """Check that no gaming sample (see :func:`gaming_samples`) meets every criterion.

    A grading self-check for hidden tests: it fails only if the rubric itself is broken (for
    instance after a change to the analyzer), never because of the learner's answer.
    """
    ex = _exercise(exercise_id)
    for name, sample in gaming_samples(exercise_id).items():
        if ex.kind == "spot":
            picks = _value_for(ex, sample)
            assert isinstance(picks, dict)
            right, total = _exercises.deck(ex.data).score(picks)
            broken = right * 2 >= total
        else:
            broken = all(c.ok for c in rubric(exercise_id, sample))
        if broken:
            raise GradingError(
                f"✗ The grading of “{ex.title}” is broken: the gaming sample “{name}” would get "
                f"full marks. This is not about your answer: tell your instructor.")


# Names a test cell may use; the workbook tests check that test cells call nothing else.
HELPERS = frozenset({"check_rewrite_answer", "check_deck_answer", "check_intentions_answer",
                     "check_questions_answer", "check_gaming_samples", "show_answer"})
ANSWER_CHECKS = frozenset(HELPERS - {"check_gaming_samples", "show_answer"})
