"""Preparing a message for judgement without losing track of where things are.

The analyzer judges the sender's *own words*. Code (spans and blocks), quoted lines (``> ...``),
URLs, Slack mentions and ``:shortcodes:`` are not the sender's words, and emphasis markers
(``*bold*``, ``_italic_``, ``~strike~``) are not words at all. :func:`prepare` blanks all of
those out with spaces, so the judged text has exactly the length of the original and every span
found in it indexes the original text too.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Characters that make a Markdown block structure possible; without them the parser is skipped.
_BLOCK_HINT = re.compile(r"^(?: {0,3}(?:>|```|~~~)| {4}|\t)", re.MULTILINE)
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})")
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")
# Texts shorter than this are parsed as Markdown whole (see _block_regions).
_PARSE_WHOLE = 20_000
_INLINE_CODE = re.compile(r"`[^`\n]*`")
# Written to start with a class of four letters, which the engine looks for at C speed; a "<"
# in front is blanked with it (see prepare).
_URL = re.compile(r"[hHwW](?:(?<=[hH])[tT][tT][pP][sS]?://|(?<=[wW])[wW][wW]\.)[^\s<>|]+>?")
# Slack: <@U024BE7LH>, <#C024BE7LR|general>, <!here>, and links with a label: <https://x|label>.
_SLACK_REF = re.compile(r"<[@#!][^>\s]{1,80}>")
_SLACK_LINK_START = re.compile(r"<(?:https?://|mailto:)[^\s|>]{1,2000}\|")
# Raw HTML tags are markup, not words (a learner may paste "<script>" into a draft).
_HTML_TAG = re.compile(r"</?[A-Za-z][\w-]{0,30}(?:\s[^<>]{0,500})?/?>")
_SHORTCODE = re.compile(r":[a-z0-9_+\-]{2,40}:")
_AT_MENTION = re.compile(r"@(?<![\w@]@)[\w.\-]{1,40}")
# Emphasis markers, not inside a word ("snake_case" stays). The markers are found first, at
# C speed, and each run is then looked at with the rule (which starts with a look-behind,
# slow to try at every position of a long text).
_MARKERS = re.compile(r"[*_~]+")
_EMPHASIS = re.compile(r"(?<!\w)[*_~]+|[*_~]+(?!\w)")
# A sentence ends at a line break, or at . ! ? followed by a blank (so "8.9", "B.Tech" and
# "e.g." inside a line do not end one), except after a title such as "Dr.".
# In chat an emoji ends one too when a capital letter follows ("ages since college 😄 How are
# things?").
# (One class for the first character: a text is scanned once, not once per kind of end. Only the
# last emoji of a run is looked at: looking ahead from each one would take quadratic time.)
_EMOJI = "\u2600-\u27bf\U0001f300-\U0001faff"
_SENTENCE_END = re.compile(
    f"[\n.!?{_EMOJI}](?:(?<=\n)|(?<=[.!?])[.!?]*(?=\\s|$)|"
    f"(?<=[{_EMOJI}])\ufe0f?(?![{_EMOJI}\ufe0f\u200d])(?=[ \t]+[A-Z]))"
)
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:mr|mrs|ms|mx|dr|prof|st|sr|jr|vs|etc|e\.g|i\.e|no|fig|approx|dept|univ|inc|ltd|co|"
    r"mt|ft|ave|rd|blvd|capt|sgt|rev|sen|gov|pres|dott|ing|sra?|srta|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|ca|cf|al|ext|tel)\.$",
    re.IGNORECASE,
)


def _combining_marks() -> str:
    """The combining marks of the scripts in use, as the body of a character class.

    ``\\w`` leaves them out, but Hindi, Bengali, Tamil or Thai write vowel signs inside words
    ("নমস্কার", "สวัสดี"): without them a word would break at every vowel sign.
    """
    marks = [
        cp for cp in (*range(0x0300, 0x1E00), *range(0x3099, 0x309B), *range(0xFE20, 0xFE30))
        if unicodedata.category(chr(cp)) in ("Mn", "Mc", "Me")
    ]
    ranges: list[tuple[int, int]] = []
    for cp in marks:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


MARKS = _combining_marks()
# Letters, with the marks that belong to them (letters and marks are disjoint: one way to match).
_LETTERS = f"[^\\W\\d_]+(?:[{MARKS}]+[^\\W\\d_]*)*"
WORD = re.compile(f"{_LETTERS}(?:['’]{_LETTERS})*|\\d+")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A message and its judged version: same length, others' words and markup blanked."""

    original: str
    judged: str
    folded: str  # the judged text in lower case, same length: what signals are matched against
    quoted: str = ""  # the lines quoted from someone else ("> ..."), joined

    def sentences(self) -> list[tuple[int, int]]:
        """Spans of the sentences of the judged text, stripped of surrounding blanks."""
        judged = self.judged
        spans = []
        start = 0
        for m in _SENTENCE_END.finditer(judged):
            end = m.end()
            if m.group() == "." and _ABBREVIATION.search(judged, max(start, end - 8), end):
                continue
            spans.append(_strip(judged, start, end))
            start = end
        spans.append(_strip(judged, start, len(judged)))
        return [(a, b) for a, b in spans if b > a]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Only the block structure (fences, indented code, quotes) is needed; inline parsing is off.
    # Link reference definitions and HTML blocks cannot hold code or quotes: off too.
    return (
        MarkdownIt("commonmark", {"html": False})
        .disable("inline")
        .disable(["reference", "html_block"])
    )


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for m in re.finditer("\n", text):
        offsets.append(m.end())
    offsets.append(len(text))
    return offsets


def _block_regions(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` to parse as Markdown for code and quotes.

    A short text is parsed whole. In a long one, only the paragraphs around a line that can
    start a block (``>``, a fence, an indent) are: each with the paragraph before it, whose
    list or paragraph decides what an indented line is, and a fence up to its closing line.
    """
    if not _BLOCK_HINT.search(text):
        return []
    if len(text) < _PARSE_WHOLE:
        return [(0, len(text))]
    breaks = [m.start() for m in _BLANK_LINE.finditer(text)]
    regions: list[tuple[int, int]] = []
    for hint in _BLOCK_HINT.finditer(text):
        if regions and hint.start() < regions[-1][1]:
            continue
        i = bisect.bisect_left(breaks, hint.start())
        start = breaks[i - 2] if i >= 2 else 0
        fence = _FENCE_OPEN.match(text, hint.start())
        if fence:
            closing = re.compile(
                rf"^ {{0,3}}{re.escape(fence.group(1)[0])}{{{len(fence.group(1))},}}[ \t]*$",
                re.MULTILINE,
            ).search(text, text.find("\n", hint.start()) + 1 or len(text))
            if closing is None:
                regions.append((start, len(text)))
                break
            i = bisect.bisect_left(breaks, closing.end())
        end = breaks[i] if i < len(breaks) else len(text)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], end)
        else:
            regions.append((start, end))
    return regions


def blank(chars: list[str], start: int, end: int) -> None:
    """Turn ``chars[start:end]`` into spaces, line breaks kept."""
    if "\n" in chars[start:end]:
        chars[start:end] = ["\n" if c == "\n" else " " for c in chars[start:end]]
    else:
        chars[start:end] = [" "] * (end - start)


def _blank_matches(chars: list[str], text: str, pattern: re.Pattern[str]) -> None:
    for m in pattern.finditer(text):
        blank(chars, m.start(), m.end())


def prepare(text: str) -> Prepared:
    """Blank out everything in ``text`` that is not the sender's own words."""
    chars = list(text)
    quoted = []
    for region_start, region_end in _block_regions(text):
        region = text[region_start:region_end]
        offsets = _line_offsets(region)
        last = len(offsets) - 1
        for token in _markdown().parse(region):
            if token.type in ("fence", "code_block", "blockquote_open") and token.map:
                first, stop = token.map
                start = region_start + offsets[min(first, last)]
                end = region_start + offsets[min(stop, last)]
                if token.type == "blockquote_open":
                    quoted.append(text[start:end].rstrip())
                blank(chars, start, end)
    _blank_matches(chars, text, _INLINE_CODE)
    _blank_matches(chars, text, _SLACK_LINK_START)
    for m in _URL.finditer(text):
        start = m.start() - 1 if m.start() and text[m.start() - 1] == "<" else m.start()
        blank(chars, start, m.end())
    _blank_matches(chars, text, _SLACK_REF)
    _blank_matches(chars, text, _HTML_TAG)
    _blank_matches(chars, text, _SHORTCODE)
    _blank_matches(chars, text, _AT_MENTION)
    judged = "".join(chars)
    for run in _MARKERS.finditer(judged):
        # The look-behind sees before ``pos``; ``endpos`` lets the look-ahead see one more.
        for m in _EMPHASIS.finditer(judged, run.start(), run.end() + 1):
            chars[m.start() : m.end()] = [" "] * (m.end() - m.start())
    judged = "".join(chars)
    return Prepared(text, judged, fold(judged), "\n".join(quoted))


def fold(text: str) -> str:
    """Lower-case ``text`` without changing its length (a few letters grow when lowered)."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


def words(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """The lower-cased words of ``text[start:end]``."""
    return [w.lower() for w in WORD.findall(text, start, len(text) if end is None else end)]
