"""Matching many phrases as whole words, fast.

:class:`Phrases` holds phrases (regular expressions) that match as whole words, and finds them
as ``finditer`` would, in less time.

Python's regular expression engine tries the alternatives of ``a|b|c`` one after the other at
every position. With hundreds of phrases that is hundreds of tries per word; grouped by first
character, ``h(?:ey|i)|y(?:o)``, a position is rejected after one comparison per group. The
factored pattern matches exactly what the plain alternation matches, and prefers the same
alternative where several match: within a group the alternatives keep their order, and groups
are disjoint by their first character.

Only the constructs the signal phrases use are understood (literal characters, escapes, character
classes, ``(?:...)`` groups and the quantifiers ``? * + {m,n}``); an alternative with anything
else is tried as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cached_property

from ._text import MARKS

_CLASS_ESCAPES = frozenset("dDwWsS")
_QUANTIFIER = re.compile(r"\?|\*|\+|\{(\d*)(?:(,)(\d*))?\}")
_DEPTH = 2
# How much of a phrase may be copied, once for each branch of its first group (see _split).
_COPY_BUDGET = 1_000
# How many first characters outside ASCII one look-ahead tells apart (see _run).
_BUCKET = 16
# A match starts where a word starts: not after a letter, a mark, digit, apostrophe or hyphen
# ("on-call" holds no "call"), and never on a blank. Without the look-ahead, a phrase with an
# optional first word would rescan every run of blanks from each of its positions (quadratic
# time). Chinese, Japanese, Korean (which attaches particles), Thai, Lao, Khmer and Burmese write
# words together, so a phrase in those scripts may start and end inside a run of their characters.
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff\u3130-\u318f"
    "\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
)
# A vowel sign inside a Hindi or Bengali word is part of the word ("\\w" leaves marks out).
_WORDISH = f"[^\\W{_UNSPACED}]|(?![{_UNSPACED}])[{MARKS}'’-]"
_START = f"(?<!{_WORDISH})"
_NOT_BLANK = r"(?=\S)"
_END = f"(?!{_WORDISH})"
# From this length on, spans() searches with two more patterns, from the second such text on
# (see Phrases._long_scanners).
LONG = 20_000
# A pattern this long (in characters) is not compiled twice more for long texts.
_LARGE = 150_000


class Phrases:
    """Phrases (regular expressions) matched as whole words, compiled when first used.

    Grouped by first characters, the alternation is tried in a few steps per word instead of
    one per phrase; it matches the same as the plain alternation, with the same preferences.
    """

    def __init__(
        self, alternatives: list[str], on_error: Callable[[], None] | None = None
    ) -> None:
        # Called when a phrase does not compile (when first used), to say which one.
        self._on_error = on_error
        self.alternation = factor(alternatives)
        self.source = f"{_START}{_NOT_BLANK}(?:{self.alternation}){_END}"
        try:
            self._may_be_empty = any(_matches_empty(a) for a in alternatives)
        except re.error:
            self._failed()
            raise
        self._long_texts = 0

    def _compile(self, source: str) -> re.Pattern[str]:
        try:
            return re.compile(source)
        except re.error:
            self._failed()
            raise

    def _failed(self) -> None:
        if self._on_error is not None:
            self._on_error()

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The pattern, for ``match`` and ``search`` at given positions."""
        return self._compile(self.source)

    @cached_property
    def _start(self) -> str | None:
        """The pattern without its look-behind, or None if a phrase may match nothing."""
        if self._may_be_empty:
            return None  # empty matches would need finditer's own rules
        return self.source[len(_START) :]

    # Trying a pattern that starts with a look-behind at every position costs about as much as
    # the matching itself. The scanners start instead with the character before a word start
    # (a space, a line break, a bracket...), which the engine finds at C speed, and capture the
    # match in a look-ahead, so that none hides the next. They run on the text with a space
    # put in front, for a word at the very start.

    @cached_property
    def _scanner(self) -> re.Pattern[str] | None:
        # The class is a superset, checked from a table: a letter outside a-z (rare in
        # lower-cased text) is turned away by the look-behind; the exact class, [^\w'’-],
        # would be tested character by character.
        if self._start is None:
            return None
        return self._compile(f"[^a-z0-9_'’\\-]{_START}(?=({self._start}))")

    @cached_property
    def _long_scanners(self) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
        # Two more patterns for long texts, where they pay for being compiled: the one for words
        # after a space starts with a literal space, which the engine finds faster still and
        # without the look-behind.
        if self._start is None:
            return None
        return (
            self._compile(f" (?=({self._start}))"),
            self._compile(f"[^a-z0-9_'’\\- ]{_START}(?=({self._start}))"),
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``[m.span() for m in self.pattern.finditer(text)]``, found faster.

        The scanners report the match at every word start; keeping, from left to right, each
        match that starts after the last one kept ends is what ``finditer`` does.
        """
        scanners: tuple[re.Pattern[str], ...] | None
        if len(text) >= LONG:
            self._long_texts += 1
        if self._long_texts > 1 and len(text) >= LONG and len(self.source) < _LARGE:
            # Compiled from the second long text on: a single long text is searched sooner
            # with the scanner at hand than the two faster ones can be compiled (and never for
            # a large pattern, such as every phrase in every language, which takes seconds).
            scanners = self._long_scanners
        else:
            scanners = None if self._scanner is None else (self._scanner,)
        if scanners is None:
            return [m.span() for m in self.pattern.finditer(text)]
        spaced = " " + text
        found = [m.span(1) for scanner in scanners for m in scanner.finditer(spaced)]
        if len(scanners) > 1:
            found.sort()
        kept = []
        end = 0
        for start, stop in found:
            if start - 1 >= end:
                kept.append((start - 1, stop - 1))
                end = stop - 1
        return kept

    def found(self, text: str) -> bool:
        """Does any phrase occur in ``text``?"""
        scanner = self._scanner
        if scanner is None:
            return self.pattern.search(text) is not None
        return scanner.search(" " + text) is not None


def starts_with_a_letter(alternative: str) -> bool:
    """Does ``alternative`` always start with a given character (not a class such as ``\\w``)?

    An alternative that may start with any letter is tried at every word of a text; grouped
    behind the others, the others are sorted out by their first character first (see factor).
    """
    return all(
        key is not None and key != "" and not _is_class(key) for key, _ in _pairs(alternative)
    )


def _matches_empty(alternative: str) -> bool:
    """Can ``alternative`` match the empty string? (Without compiling it if it can be seen.)"""
    try:
        return any(key == "" for key, _ in _split(alternative))
    except Unsupported:
        return re.fullmatch(f"(?:{alternative})", "") is not None


class Unsupported(Exception):
    """A construct this module does not look into (the alternative is then tried as it is)."""


# A key is what an alternative starts with: one character (as regular expression source), a
# character class such as ``\d`` or ``[\w-]``, "" for the empty match, or None for "anything":
# an alternative this module does not look into.
Key = str | None


def factor(alternatives: list[str]) -> str:
    """An alternation matching the same as ``"|".join(alternatives)``, grouped by first char."""
    return _factor(alternatives, 0)


def _factor(alternatives: list[str], depth: int) -> str:
    if depth >= _DEPTH or (depth and len(alternatives) < 2):
        return "|".join(alternatives)
    pairs = [pair for alternative in alternatives for pair in _pairs(alternative)]
    # Runs of pairs whose keys are equal or disjoint can be grouped by key: at any position at
    # most one group can match, and within a group the order is kept. A key that overlaps one
    # of the run (a class and a letter in it, the empty match, an opaque alternative) starts a
    # new run, tried after the previous one, as the engine would.
    runs: list[dict[Key, list[str]]] = [{}]
    for key, tail in pairs:
        run = runs[-1]
        if key not in run and any(_overlap(key, other) for other in run):
            run = {}
            runs.append(run)
        run.setdefault(key, []).append(tail)
    return "|".join(_run(run, depth) for run in runs)


def _run(run: dict[Key, list[str]], depth: int) -> str:
    """The groups of one run, those of first characters outside ASCII in buckets.

    The engine compares a word's first character with the groups' one by one: a word in
    Japanese would be compared with every Latin letter, then with each of a hundred kanji. A
    look-ahead on a bucket of sixteen of them skips sixteen groups at once, and one on a
    bucket of buckets skips 256.
    """
    wide = sorted(k for k in run if k and not _is_class(k) and ord(_unescape(k)) > 0x7F)
    if depth or len(wide) <= _BUCKET:
        return "|".join(_group(key, tails, depth) for key, tails in run.items())
    groups = [_group(k, tails, depth) for k, tails in run.items() if k not in wide]
    buckets = [
        (wide[i : i + _BUCKET], "|".join(_group(k, run[k], depth) for k in wide[i : i + _BUCKET]))
        for i in range(0, len(wide), _BUCKET)
    ]
    for i in range(0, len(buckets), _BUCKET):
        outer = buckets[i : i + _BUCKET]
        keys = [k for keys, _ in outer for k in keys]
        inner = "|".join(f"(?=[{''.join(map(_unescape, ks))}])(?:{body})" for ks, body in outer)
        groups.append(f"(?=[{''.join(map(_unescape, keys))}])(?:{inner})")
    return "|".join(groups)


def _group(key: Key, tails: list[str], depth: int) -> str:
    if key is None:
        return "|".join(tails)
    if key == "":
        return ""
    tails = _dedupe(tails)
    if len(tails) == 1:  # an alternative has no "|" outside brackets: nothing to group
        return key + tails[0]
    return f"{key}(?:{_factor(tails, depth + 1)})"


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]  # type: ignore[func-returns-value]


def _overlap(a: Key, b: Key) -> bool:
    if a is None or b is None or a == "" or b == "":
        return True
    if a == b:
        return True
    a_class, b_class = _is_class(a), _is_class(b)
    if a_class and b_class:
        return {a, b} != {r"\s", r"\d"}
    if not a_class and not b_class:
        return False
    cls, literal = (a, b) if a_class else (b, a)
    return re.fullmatch(cls, _unescape(literal)) is not None


def _is_class(key: str) -> bool:
    return key.startswith("[") or (len(key) == 2 and key[0] == "\\" and key[1] in _CLASS_ESCAPES)


def _unescape(literal: str) -> str:
    return literal[-1]


def _pairs(alternative: str) -> list[tuple[Key, str]]:
    try:
        return _split(alternative)
    except Unsupported:
        return [(None, alternative)]


def _split(alternative: str) -> list[tuple[Key, str]]:
    """``alternative`` as (key, rest) pairs, in the order the engine would try them."""
    if alternative == "":
        return [("", "")]
    token, keys, end = _first_token(alternative)
    q = _QUANTIFIER.match(alternative, end)
    rest = alternative[q.end() if q else end :]
    if q and alternative[q.end() : q.end() + 1] in ("?", "+"):
        raise Unsupported(f"lazy or possessive quantifier in {alternative!r}")
    low, high = _bounds(q) if q else (1, 1)
    if high is not None and high < 1:
        return _split(rest)
    again = "" if (low, high) == (1, 1) else token + _quantifier(
        max(low - 1, 0), None if high is None else high - 1
    )
    if keys is None:  # a (?:...) group: each branch, then the rest
        alternatives = branches(token[3:-1])
        if "" in alternatives and again:
            raise Unsupported(f"repeated group that may match nothing in {alternative!r}")
        follow = again + rest
        if len(alternatives) * len(follow) > _COPY_BUDGET:
            pairs = _split_by_first_character(alternatives, follow)
        else:
            pairs = [pair for b in alternatives for pair in _split(b + follow)]
    elif len(keys) > 1 and len(keys) * len(again + rest) > _COPY_BUDGET:
        pairs = [(token, again + rest)]  # "\\d" as one class: ten copies would be too many
    else:
        pairs = [(key, again + rest) for key in keys]
    return pairs + (_split(rest) if low == 0 else [])


def _split_by_first_character(alternatives: list[str], follow: str) -> list[tuple[Key, str]]:
    """The pairs of ``(?:a|b|...)follow``, with ``follow`` written once per first character.

    Written once per branch, a long phrase in another language ("(?:j'aimerais|je voudrais|
    ...) (?:prendre|boire) un café ...") grows to tens of kilobytes, which the engine then
    takes seconds to compile. Branches with the same first character share one group:
    ``j(?:'aimerais|e voudrais)follow``. Groups are disjoint by their first character, and
    within one the branches keep their order, so the matches and the preferences stay the same.
    Only when the first characters of the branches are disjoint (a class such as ``\\d`` may be
    one of them); otherwise, one pair per branch.
    """
    grouped: dict[Key, list[str]] = {}
    for branch in alternatives:
        for key, tail in _split(branch):
            if key is None or key == "" or (
                key not in grouped and any(_overlap(key, other) for other in grouped)
            ):
                return [pair for b in alternatives for pair in _split(b + follow)]
            grouped.setdefault(key, []).append(tail)
    return [(key, f"(?:{'|'.join(tails)}){follow}") for key, tails in grouped.items()]


def _bounds(q: re.Match[str]) -> tuple[int, int | None]:
    text = q.group()
    if text == "?":
        return 0, 1
    if text == "*":
        return 0, None
    if text == "+":
        return 1, None
    low = int(q.group(1) or 0)
    if q.group(2) is None:
        return low, low
    return low, int(q.group(3)) if q.group(3) else None


def _quantifier(low: int, high: int | None) -> str:
    if high is None:
        return {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    if (low, high) == (0, 1):
        return "?"
    if low == high:
        return "" if low == 1 else f"{{{low}}}"
    return f"{{{low},{high}}}"


def _first_token(s: str) -> tuple[str, list[str] | None, int]:
    """The first element of ``s``: its text, the keys it can start with, where it ends.

    Keys are single characters, or a class escape such as ``\\d`` that stays one key; a group
    has keys ``None`` (the caller expands its branches).
    """
    c = s[0]
    if c == "\\":
        if len(s) < 2:
            raise Unsupported("trailing backslash")
        e = s[1]
        if e == "d":
            # Ten digits (which group with phrases such as "15 min") and the other digits of
            # Unicode, apart.
            return s[:2], [*"0123456789", r"[^\D0-9]"], 2
        if e in _CLASS_ESCAPES:
            return s[:2], [s[:2]], 2
        if e.isalnum():
            raise Unsupported(f"escape \\{e}")
        return s[:2], [_literal(e)], 2
    if c == "[":
        end = _class_end(s, 0)
        try:
            return s[:end], _class_chars(s[1 : end - 1]), end
        except Unsupported:
            return s[:end], [s[:end]], end
    if c == "(":
        end = _group_end(s, 0)
        if not s.startswith("(?:"):
            raise Unsupported(f"group {s[:end]}")
        return s[:end], None, end
    if c in ".^$|)*+?{":
        raise Unsupported(f"{c!r} at the start of {s!r}")
    return c, [_literal(c)], 1


def _class_chars(body: str) -> list[str]:
    """The characters of a simple class such as ``[bp]`` or ``['"‘“]``, as keys."""
    if body.startswith("^"):
        raise Unsupported(f"negated class [{body}]")
    chars: list[str] = []
    j = 0
    while j < len(body):
        c = body[j]
        if c == "\\":
            e = body[j + 1 : j + 2]
            if not e or e.isalnum():
                raise Unsupported(f"escape in class [{body}]")
            c = e
            j += 1
        elif c == "-" and 0 < j < len(body) - 1:
            raise Unsupported(f"range in class [{body}]")
        chars.append(c)
        j += 1
    return [_literal(ch) for ch in _dedupe(chars)]


def _literal(ch: str) -> str:
    return re.escape(ch) if ch in r".^$*+?{}[]\|()" else ch


def _class_end(s: str, i: int) -> int:
    j = i + 1
    if j < len(s) and s[j] == "^":
        j += 1
    if j < len(s) and s[j] == "]":
        j += 1
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == "]":
            return j + 1
        j += 1
    raise Unsupported(f"unterminated class in {s!r}")


def _structure(s: str, i: int = 0) -> Iterator[tuple[int, str, int]]:
    """The brackets and bars of regular expression source ``s`` from ``i``, with the depth of
    the group they are in: escapes and character classes skipped."""
    depth = 0
    j = i
    while j < len(s):
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _class_end(s, j)
            continue
        if c == "(":
            depth += 1
        if c in "()|":
            yield j, c, depth
        if c == ")":
            depth -= 1
        j += 1


def _group_end(s: str, i: int) -> int:
    for j, c, depth in _structure(s, i):
        if c == ")" and depth == 1:
            return j + 1
    raise Unsupported(f"unbalanced group in {s!r}")


def branches(body: str) -> list[str]:
    """The top-level alternatives of a group's body."""
    bars = [j for j, c, depth in _structure(body) if c == "|" and depth == 0]
    return [body[a + 1 : b] for a, b in zip([-1, *bars], [*bars, len(body)], strict=True)]
