"""Judgements of learners' answers, built on :func:`~warmline.analyze`.

The exercise widgets call these and render the result; graded cells call the same functions, so
a grade never disagrees with the feedback a learner saw.

- :func:`check_rewrite`: does a rewrite of a bare ping carry what its scenario needs (the actual
  need, the deadline...), ask a real question, make a no easy where a favor is asked, respect the
  reader's time, and pass the analyzer?
- :func:`judge_questions`: are follow-up questions on a piece of work open, specific to the piece,
  and about the other person rather than the asker?
- :func:`read_draft`: does a cold draft read as about them or about the sender, specific or
  generic, interest first or favor first?

The cues these use are data (``data/judgements/cues.yaml``) and are tested against labeled
examples (``data/judgements/questions.yaml`` and ``drafts.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from . import _data, _exercises
from ._analyzer import analyze
from ._data import check_keys, expect, expect_str_list, read_yaml
from ._errors import DataFileError
from ._exercises import Piece, Scenario, Target
from ._models import Finding, Report
from ._text import WORD, prepare

JUDGEMENTS = _data.DATA / "judgements"

Span = tuple[int, int]

# Analyzer signals that ask a favor of the reader, and signals of interest in their work.
_FAVOR_SIGNALS = ("career_favor", "sizable_favor", "pick_brain", "call_request")
_INTEREST_SIGNALS = ("specific_work", "engagement")
# In a single question, sizes ("60 words") are about the piece, not a favor: career favors only.
_QUESTION_FAVORS = ("career_favor", "pick_brain")
# Praise with no detail and reasons that are only a title: they serve the ask, not the person.
_HOLLOW_SIGNALS = ("generic_praise", "credential_reason")


# --- cues -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cues:
    lead_ins: re.Pattern[str]
    open_starts: re.Pattern[str]
    invitations: re.Pattern[str]
    closed_starts: re.Pattern[str]
    about_me: re.Pattern[str]
    generic_words: frozenset[str]
    request: re.Pattern[str]
    favors: re.Pattern[str]


_CUE_LISTS = ("lead_ins", "open_starts", "invitations", "closed_starts", "about_me", "request",
              "favors")


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The cues shipped with warmline."""
    return load_cues(JUDGEMENTS / "cues.yaml")


def load_cues(path: Path) -> Cues:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "must be a mapping of cue names to pattern lists")
    check_keys(path, data, (*_CUE_LISTS, "generic_words"))
    compiled = {
        name: _compile(path, name, expect_str_list(path, name, data[name])) for name in _CUE_LISTS
    }
    generic = expect(path, "generic_words", data["generic_words"], str, "a string of words")
    return Cues(generic_words=frozenset(generic.lower().split()), **compiled)


def _compile(path: Path, key: str, patterns: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of ``patterns`` as whole words."""
    for i, p in enumerate(patterns):
        try:
            re.compile(p)
        except re.error as e:
            raise DataFileError(path, f"bad regular expression {p!r}: {e}",
                                key=f"{key}[{i}]") from None
    alternation = "|".join(sorted(patterns, key=len, reverse=True))
    # A space stands for any run of blanks, line breaks included.
    alternation = alternation.replace(" ?", r"\s*").replace(" ", r"\s+")
    return re.compile(rf"(?<![\w'’])(?:{alternation})(?![\w'’])", re.IGNORECASE)


# --- shared helpers -------------------------------------------------------------------------


def _fold(text: str) -> str:
    """``text`` in lower case, with the same length (the analyzer's signals are lower case)."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def _signal_spans(judged: str, names: Iterable[str]) -> list[Span]:
    signals = _data.signals()
    folded = _fold(judged)
    return [m.span() for name in names for m in signals[name].finditer(folded)]


def _term_spans(judged: str, terms: Iterable[re.Pattern[str]]) -> list[Span]:
    return [m.span() for term in terms for m in term.finditer(judged)]


def _count_words(text: str) -> tuple[int, int]:
    """How many words point at the sender (I, me, my) and at the reader (you, your)."""
    lists = _data.word_lists()
    words = [w.lower().replace("’", "'") for w in WORD.findall(text)]
    return sum(w in lists["self"] for w in words), sum(w in lists["other"] for w in words)


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


# --- rewrite --------------------------------------------------------------------------------

RewriteVerdict = Literal["ready", "almost", "not yet"]

# Analyzer findings that the rewrite checks already cover, by check.
_CONTEXT_RULES = ("ping.bare", "ping.check-in", "ping.follow-up", "request.missing",
                  "request.no-context")
_COVERED = {*_CONTEXT_RULES, "time.pressure", "ask.no-easy-out", "ask.transactional",
            "ask.mixed"}


@dataclass(frozen=True, slots=True)
class Check:
    """One line of feedback: what is checked, whether the answer has it, and why, in words."""

    id: str
    label: str
    ok: bool
    detail: str
    principle: str
    essential: bool = False


@dataclass(frozen=True, slots=True)
class RewriteFeedback:
    scenario: Scenario
    report: Report
    checks: tuple[Check, ...]
    verdict: RewriteVerdict

    @property
    def passed(self) -> bool:
        """Ready to send: every check passes."""
        return self.verdict == "ready"

    @property
    def score(self) -> float:
        """The share of checks passed, from 0 to 1."""
        return sum(c.ok for c in self.checks) / len(self.checks)

    @property
    def missing(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)


def _words(text: str) -> int:
    return len(WORD.findall(text))


def check_rewrite(scenario: Scenario | str, text: str) -> RewriteFeedback:
    """Judge a rewrite of ``scenario``'s bare message (a scenario or its id)."""
    sc = _exercises.scenario(scenario) if isinstance(scenario, str) else scenario
    if not isinstance(text, str):
        raise TypeError(f"check_rewrite() takes a str, not {type(text).__name__}")
    report = analyze(text)
    judged = prepare(text).judged
    by_rule: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    empty = not WORD.search(judged)
    checks: list[Check] = []

    # 1. Not a bare ping: the message says what it is about.
    ping = next((by_rule[r][0] for r in _CONTEXT_RULES if r in by_rule), None)
    if empty:
        checks.append(Check("context", "Says what it is about", False,
                            "Write your message in the box above.", "P5", True))
    elif report.bare_ping:
        detail = ping.message if ping else "The reader can't tell what you want."
        if ping and ping.suggestion:
            detail += f" {ping.suggestion}"
        checks.append(Check("context", "Says what it is about", False, detail, "P5", True))
    else:
        checks.append(Check("context", "Says what it is about", True,
                            "The message carries its own context; no round trip needed.",
                            "P5", True))

    # 2. Written as sentences for a person, not a list of keywords.
    all_words = WORD.findall(judged)
    filler = _data.word_lists()["filler"]
    glue = sum(w.lower().replace("’", "'") in filler for w in all_words)
    prose = len(all_words) >= 6 and glue >= 0.2 * len(all_words)
    checks.append(Check(
        "sentences", "Written in sentences", prose,
        "It reads as a message from one person to another." if prose else
        "Write whole sentences, as you would say them to the person: a list of keywords "
        "leaves them to guess how the pieces fit.", "P4", True))

    # 3. What the recipient must learn.
    for i, item in enumerate(sc.must_carry):
        found = [p.search(judged) for p in item.evidence]
        if all(found):
            shown = ", ".join(_quote(text[m.start():m.end()]) for m in found if m)
            checks.append(Check(f"carry-{i}", f"Carries {item.what}", True, f"Found {shown}.",
                                "P5", True))
        else:
            checks.append(Check(f"carry-{i}", f"Carries {item.what}", False,
                                f"{sc.to.split(',')[0]} can't learn {item.what} from this "
                                f"message yet.", "P5", True))

    # 4. The actual question.
    asks = "good.real-question" in by_rule or bool(cues().request.search(judged))
    checks.append(Check(
        "question", "Asks the actual question", asks and not empty,
        "There is a question or request they can answer."
        if asks and not empty else
        "Write what you need as a question or a request they can answer at once: “Could "
        "you…?”, “Which…?”", "P5", True))

    # 5. An easy way out, where the scenario asks a favor.
    if sc.easy_out:
        easy = "good.easy-decline" in by_rule
        checks.append(Check(
            "easy-out", "Makes it easy to say no", easy,
            "You give them an easy way to decline, so a yes is freely given."
            if easy else
            "This asks a favor: add a line that makes no an easy answer, such as “No worries "
            "if not.” (The course's own addition to the article.)", "P5"))

    # 6. Respect for their time: no pressure without a reason, short enough to read at once.
    words = _words(text)
    pressure = by_rule.get("time.pressure")
    if pressure:
        f = pressure[0]
        detail = f"{f.message} {_quote(f.excerpt)}: {f.suggestion or ''}".strip()
        ok = False
    elif words > sc.max_words:
        detail = (f"At {words} words it is long for this setting ({sc.setting.lower()}); aim for "
                  f"{sc.max_words} or fewer so it can be read at once.")
        ok = False
    else:
        detail = f"Short enough to read at once ({words} words), no pressure without a reason."
        ok = True
    checks.append(Check("time", "Respects their time", ok, detail, "P5"))

    # 7. The kind of ask suits the scenario.
    kinds = {"none": "no favor", "genuine": "genuine interest", "mixed":
             "interest and a favor", "transactional": "a favor with no interest in them"}
    ok = report.ask in sc.asks
    if ok:
        detail = f"It reads as {kinds[report.ask]}, which suits this message."
    else:
        verdict_finding = by_rule.get(f"ask.{report.ask}")
        why = f" {verdict_finding[0].suggestion}" if verdict_finding and \
            verdict_finding[0].suggestion else ""
        detail = f"It reads as {kinds[report.ask]}.{why}"
    checks.append(Check("ask", "Treats them as a person, not a route", ok, detail, "P4"))

    # 8. Anything else the analyzer flags.
    others = [f for f in report.problems if f.rule_id not in _COVERED]
    if sc.easy_out:
        others = [f for f in others if f.rule_id != "ask.no-easy-out"]
    if others:
        flagged = "; ".join(dict.fromkeys(f.message.rstrip(".") for f in others))
        detail = f"Also flagged: {flagged}. The analyzer's notes below say what to change."
        checks.append(Check("other", "Nothing else to fix", False, detail, others[0].principle))
    elif not empty:
        checks.append(Check("other", "Nothing else to fix", True,
                            "The analyzer finds nothing else to fix.", "P5"))
    else:
        checks.append(Check("other", "Nothing else to fix", False,
                            "Write your message in the box above.", "P5"))

    if empty:
        checks = [replace(c, ok=False, detail="Write your message in the box above.")
                  for c in checks]
    if any(not c.ok and c.essential for c in checks):
        verdict: RewriteVerdict = "not yet"
    elif any(not c.ok for c in checks):
        verdict = "almost"
    else:
        verdict = "ready"
    return RewriteFeedback(sc, report, tuple(checks), verdict)


# --- follow-up questions --------------------------------------------------------------------

_MARKER = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)]|[a-z][.)])\s+")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)|[.!?]+", re.MULTILINE)
_LEAD_SEP = re.compile(r"[\s,:;—–-]*")


@dataclass(frozen=True, slots=True)
class QuestionJudgement:
    """One sentence of a learner's follow-up questions, judged."""

    text: str
    start: int
    end: int
    is_question: bool
    open: bool
    specific: bool
    about_them: bool
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.is_question and self.open and self.specific and self.about_them


QuestionsVerdict = Literal["good", "almost", "not yet"]


@dataclass(frozen=True, slots=True)
class QuestionsFeedback:
    piece: Piece | None
    sentences: tuple[QuestionJudgement, ...]
    verdict: QuestionsVerdict
    summary: str

    @property
    def questions(self) -> tuple[QuestionJudgement, ...]:
        return tuple(s for s in self.sentences if s.is_question)


def _strip_lead_ins(text: str) -> str:
    c = cues()
    pos = 0
    while True:
        m = c.lead_ins.match(text, pos)
        if not m:
            return text[pos:]
        rest = _LEAD_SEP.match(text, m.end())
        assert rest is not None
        # A lead-in must be followed by a separator and more words ("So, how..." / "And how").
        if rest.end() == m.end() or rest.end() >= len(text):
            return text[pos:]
        pos = rest.end()


def _stems(text: str, generic: frozenset[str]) -> set[str]:
    filler = _data.word_lists()["filler"]
    result = set()
    for w in WORD.findall(text):
        low = w.lower().replace("’", "'")
        if len(low) < 4 or low in filler or low in generic or low.isdigit():
            continue
        result.add(low[:5])
    return result


def judge_question(question: str, piece: Piece | None = None, *, start: int = 0) -> \
        QuestionJudgement:
    """Judge one question (one sentence) asked about ``piece``."""
    c = cues()
    text = _MARKER.sub("", question).strip()
    judged = prepare(text).judged.strip()
    core = _strip_lead_ins(judged)
    notes: list[str] = []

    invitation = c.invitations.match(core)
    closed = c.closed_starts.match(core)
    opener = c.open_starts.match(core)
    is_question = text.endswith("?") or bool(invitation or opener)
    if invitation or (opener and not closed):
        is_open = True
        notes.append("✓ Open: it invites a full answer.")
    else:
        is_open = False
        notes.append("✗ Closed: it can be answered with yes or no. Try starting with how, "
                     "why or what.")

    piece_terms: list[str] = []
    if piece is not None:
        piece_terms = [judged[s:e] for s, e in _term_spans(judged, piece.terms)]
        shared = _stems(judged, c.generic_words) & _stems(piece.text, c.generic_words)
    else:
        shared = set()
    specific = bool(piece_terms) or len(shared) >= 2
    if specific:
        what = piece_terms[0] if piece_terms else sorted(shared)[0]
        notes.append(f"✓ Specific to the piece: it picks up {_quote(what, 40)}.")
    else:
        notes.append("✗ General: it could be asked about any piece. Pick a detail: a number, "
                     "a choice, a surprise.")

    # Judge who the question is about after its opening ("Tell me about", "I'm curious how").
    lead = invitation or opener
    rest = core[lead.end():] if lead else core
    mine, theirs = _count_words(rest)
    me_cue = c.about_me.search(rest) or c.favors.search(rest) or next(
        (m for m in (_data.signals()[n].search(_fold(rest)) for n in _QUESTION_FAVORS) if m),
        None)
    about_me = bool(me_cue) or mine > theirs
    about_them = not about_me and (theirs > 0 or specific)
    if about_them:
        notes.append("✓ About them: their choices, their experience, their thinking.")
    elif about_me:
        cue = f" ({_quote(rest[me_cue.start():me_cue.end()], 30)})" if me_cue else ""
        notes.append(f"✗ About you{cue}: it asks what helps you. Ask what they did, chose or "
                     f"found instead.")
    else:
        notes.append("✗ About the topic in general, not about them: ask what they did, chose "
                     "or found.")
    if not is_question:
        notes = ["This is not a question, so it is not judged."]
    return QuestionJudgement(text, start, start + len(question), is_question,
                             is_question and is_open, is_question and specific,
                             is_question and about_them, tuple(notes))


def split_questions(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text`` (list markers and blank lines dropped)."""
    spans = []
    offset = 0
    for line in text.split("\n"):
        marker = _MARKER.match(line)
        skip = marker.end() if marker else 0
        for m in _SENTENCE.finditer(line, skip):
            start, end = m.span()
            while start < end and line[start].isspace():
                start += 1
            while end > start and line[end - 1].isspace():
                end -= 1
            if WORD.search(line, start, end):
                spans.append((offset + start, offset + end))
        offset += len(line) + 1
    return spans


def judge_questions(piece: Piece | str | None, text: str) -> QuestionsFeedback:
    """Judge every question in ``text`` (one per line or sentence) asked about ``piece``."""
    pc = _exercises.piece(piece) if isinstance(piece, str) else piece
    if not isinstance(text, str):
        raise TypeError(f"judge_questions() takes a str, not {type(text).__name__}")
    sentences = tuple(judge_question(text[s:e], pc, start=s) for s, e in split_questions(text))
    questions = [q for q in sentences if q.is_question]
    good = [q for q in questions if q.ok]
    n = len(questions)
    if n == 0:
        verdict: QuestionsVerdict = "not yet"
        summary = "No questions yet: write one or more questions, one per line."
    else:
        counts = (f"{sum(q.open for q in questions)} of {n} open, "
                  f"{sum(q.specific for q in questions)} specific to the piece, "
                  f"{sum(q.about_them for q in questions)} about them")
        if len(good) == n and n >= 2:
            verdict = "good"
            summary = f"Good follow-ups: {counts}."
        elif good:
            verdict = "almost"
            more = " Add a second one." if n == 1 else " Improve the ones marked ✗."
            summary = f"Almost: {counts}.{more}"
        else:
            verdict = "not yet"
            summary = f"Not yet: {counts}. Ask open questions about a detail of their work."
    return QuestionsFeedback(pc, sentences, verdict, summary)


# --- cold drafts ----------------------------------------------------------------------------

Focus = Literal["them", "me"]
Order = Literal["interest-first", "favor-first", "no-favor"]
DraftVerdict = Literal["reads well", "almost", "not yet"]


@dataclass(frozen=True, slots=True)
class DraftReading:
    """How a cold draft reads: about them or about me, specific or generic, which comes first."""

    target: Target | None
    report: Report
    focus: Focus
    specific: bool
    order: Order
    notes: tuple[str, ...]
    verdict: DraftVerdict


_SENTENCE_IN_PARAGRAPH = re.compile(r"[^.!?\n]+[.!?]*")
_SINGLE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")


def _sentences(text: str) -> list[Span]:
    """Sentences of a draft: a line break inside a paragraph is only wrapping."""
    flat = _SINGLE_NEWLINE.sub(" ", text)  # same length, so spans index ``text``
    spans = []
    for m in _SENTENCE_IN_PARAGRAPH.finditer(flat):
        start, end = m.span()
        while start < end and flat[start].isspace():
            start += 1
        while end > start and flat[end - 1].isspace():
            end -= 1
        if WORD.search(flat, start, end):
            spans.append((start, end))
    return spans


def _overlaps(span: Span, spans: Sequence[Span]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def read_draft(text: str, target: Target | str | None = None) -> DraftReading:
    """Read a cold draft as its recipient would (``target``, or its id, if known)."""
    tg = _exercises.target(target) if isinstance(target, str) else target
    if not isinstance(text, str):
        raise TypeError(f"read_draft() takes a str, not {type(text).__name__}")
    c = cues()
    report = analyze(text)
    prepared = prepare(text)
    judged = prepared.judged
    rule_ids = {f.rule_id for f in report.findings}
    favors = [
        (s, e) for s, e in _signal_spans(judged, _FAVOR_SIGNALS)
        # "on-call" is not a call, and "40 lines" in a story is not a favor.
        if not (s and judged[s - 1] == "-") and not judged[s].isdigit()
    ] + [m.span() for m in c.favors.finditer(judged)]
    terms = _term_spans(judged, tg.terms) if tg else []
    interest = _signal_spans(judged, ["specific_work"]) + terms
    if "good.specific-reference" in rule_ids or terms:
        # Engagement ("I tried", "why did you") counts once the draft names their work.
        interest += _signal_spans(judged, ["engagement"])
    hollow = _signal_spans(judged, _HOLLOW_SIGNALS)

    about_them = about_me = 0
    for span in _sentences(judged):
        sentence = judged[span[0]:span[1]]
        mentions = _overlaps(span, interest)
        favor = _overlaps(span, favors)
        mine, theirs = _count_words(sentence)
        if mentions:
            about_them += 1
            about_me += favor
        elif favor or _overlaps(span, hollow) or c.about_me.search(sentence) or mine > theirs:
            about_me += 1
        elif theirs:
            about_them += 1

    specific = "good.specific-reference" in rule_ids or bool(terms)
    if favors:
        first_favor = min(s for s, _ in favors)
        first_interest = min((s for s, _ in interest), default=None)
        order: Order = ("interest-first" if first_interest is not None
                        and first_interest < first_favor else "favor-first")
    else:
        order = "no-favor"
    # On a tie, a draft that names their work before any favor reads as about them.
    leads_with_them = specific and order != "favor-first"
    focus: Focus = ("them" if about_them > about_me
                    or (about_them == about_me and about_them and leads_with_them) else "me")

    name = tg.name if tg else "them"
    notes = []
    if focus == "them":
        notes.append(f"✓ About them: {about_them} sentence(s) about {name} or their work, "
                     f"{about_me} about you.")
    else:
        notes.append(f"✗ About you: {about_me} sentence(s) about you or what you want, "
                     f"{about_them} about {name}. Turn one into a question about their work.")
    if specific:
        shown = _quote(judged[terms[0][0]:terms[0][1]], 40) if terms else "their work"
        notes.append(f"✓ Specific: it refers to {shown}, something particular to {name}.")
    else:
        notes.append(f"✗ Generic: nothing in it is particular to {name}; it could go to anyone "
                     f"with their title. Name one thing of theirs and what you thought of it.")
    if order == "interest-first":
        notes.append("✓ Interest first: their work comes before what you ask for.")
    elif order == "favor-first":
        notes.append("✗ Favor first: the request comes before any interest in them. Lead with "
                     "their work; put the favor last, small and easy to decline.")
    else:
        notes.append("✓ No favor asked: nothing for them to weigh up.")

    good = [focus == "them", specific, order != "favor-first"]
    if WORD.search(judged) is None:
        verdict: DraftVerdict = "not yet"
        notes = ["Write your draft in the box above."]
    elif all(good) and not report.problems:
        verdict = "reads well"
    elif sum(good) >= 2:
        verdict = "almost"
    else:
        verdict = "not yet"
    return DraftReading(tg, report, focus, specific, order, tuple(notes), verdict)
