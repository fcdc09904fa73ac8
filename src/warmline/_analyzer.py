"""The analyzer: from a message to a :class:`Report`.

Three steps. :func:`~warmline._text.prepare` keeps only the sender's own words. :class:`_Facts`
finds the signals in them (data, in ``signals.yaml``) and derives the two judgements: is this a
bare ping, and what kind of ask is it. Then every rule (data, in ``rules/``) turns the facts into
findings. The rule kinds are implemented once, here.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from . import _data, _phrases
from ._data import Rule
from ._models import AskKind, Finding, Report
from ._text import WORD, Prepared, blank, fold, prepare

Span = tuple[int, int]

# Signals whose words say nothing about what the sender wants: blanked before counting topic words.
_EMPTY_SIGNALS = ("greeting", "presence", "meta_ask", "pleasantry", "courtesy", "check_in",
                  "reping", "call_request", "pick_brain", "small_talk", "generic_praise",
                  "credential_reason")
# Signals that make a sentence of a chatty message carry something beyond small talk.
_CONTENT = ("news", "specific_work", "coordination", "offer",
            "career_favor", "sizable_favor", "urgency_reason", "easy_decline")
# Signals that open (or re-open) a conversation and ask for the reader's attention.
_OPENER_SIGNALS = ("greeting", "presence", "meta_ask", "pleasantry", "courtesy", "check_in",
                   "reping", "call_request", "pick_brain")
_TITLE = re.compile(r"(?:professor|prof|dr|mrs|mr|ms|mx|sir|madam|miss)\b\.?", re.IGNORECASE)
_AFTER_NAME = re.compile(
    r"\s*(?:[,!.:;?\n)\-–—]|$|[^\w\s]|(?:how|are|r|u|you|got|have|quick|hope|do|can|could|is|"
    r"any|did|long|good|so|just|sorry)\b)",
    re.IGNORECASE,
)
_VOCATIVE = re.compile(r"^[ \t]*[A-Z][\w'’-]{1,20}(?: [A-Z][\w'’-]{1,20})?[ \t]*[,!:](?=\s|$)",
                       re.MULTILINE)
# A title and a name anywhere ("Dr. Patel", "Ms Ortiz"), or a name alone as a whole message
# ("Sarah?"): who is addressed, never a topic.
_TITLES = _phrases.Phrases(
    ["mr", "mrs", "ms", "mx", "dr", "prof", "professor", "sir", "madam", "miss", "coach"]
)
_TITLED_NAME = re.compile(r"\.?[ \t]+[A-Z][\w'’-]{1,20}(?:[ \t]+[A-Z][\w'’-]{1,20})?")
_NAME_ALONE = re.compile(r"\s*[A-Z][\w'’-]{1,20}[\s?!.]*\Z")
_IT_IS = re.compile(r"(?:it'?s|it’s|it is|this is) ")
_I_AM = re.compile(r"[\s,.!]*(?:i'?m|i’m|i am|my name is|myself)\b", re.IGNORECASE)
_SIGNATURE_DASH = re.compile(r"^[ \t]*[-–—~][ \t]*[A-Z][\w.'’-]*(?:,? [A-Z][\w.'’-]*){0,3}[ \t]*$",
                             re.MULTILINE)
_TRAILING_NAME = re.compile(r"[\s,!.]*(?:[A-Z][\w.'’-]*[ \t]*){0,3}[!.]*\s*")
# A signature: the lines under a closing line or under "-- ", at most this many in all.
_SIGNATURE_LINES = 9
_SIGNATURE_WORDS = 6
_SIGNATURE_DELIMITER = re.compile(r"--|—|__+")
# A postscript after a closing line says something more.
_POSTSCRIPT = re.compile(r"\s*p\.?\s?s\b", re.IGNORECASE)
_LETTER_WORD = re.compile(r"(?<![\w.@/:-])[^\W\d_]")
_INLINE_SIGN_OFF = re.compile(
    r"[,.!]\s+(?i:regards|thanks|thank you|cheers|best|br|rgds|thx)[,.!]?\s+"
    r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?[.!]?\s*$"
)
_ABOUT_SOMEONE = re.compile(
    r"(?:i|i'm|i’m|i've|i’ve|i'd|i’d|i am|my|as an?|we|you|you're|you’re|your|ur|u r|youre|"
    r"having|being|"
    r"currently|presently|with|since|after|during|given|considering|it|this|that|permit|allow)\b",
    re.IGNORECASE,
)
# Where people talk or meet, or a team someone is on: "on the phone", "on this forum", "I'm on
# the finance team"; no topic.
_NOT_A_CHANNEL = (
    r"(?! (?:the |this |a |my |our |your |that )?(?:[\w-]+ ){0,2}(?:phone|call|zoom|teams?|video|"
    r"line|forum|server|board|stage|site|platform|linkedin|slack|discord|here|rotation|programme|"
    r"program|recommendation|committee|council|panel|wards?|frontline|floor|email|mail|message|"
    r"note|dm)\b)"
)
# What a note is grateful for is no topic: "for the chance to learn", "for the pleasant
# conversation".
_NO_COURTESY = (
    r"(?! (?:chance|opportunity|privilege|hono(?:u)?r|possibility|pleasant|kind|lovely)\b)"
)
# A topic attached to a request: "advice on our fundraising strategy", "about the launch",
# "to go over the invoice".
_STRICT_TOPIC = re.compile(
    r"\b(?:about(?! (?:what you do|you\b|yourself|it\b|that\b|this\b|things\b|everything\b|"
    r"life\b|your (?:career|journey|work|experience|background|story|path|role)))|regarding|re:|"
    r"on" + _NOT_A_CHANNEL + r" (?:our|my|the|how|why|what|whether|which|when)|"
    r"for (?:the|our|this|that|tonight'?s|today'?s|tomorrow'?s)" + _NO_COURTESY + "|"
    r"to (?:discuss|go over|talk about|chat about|review|sort out|fix|finalise|finalize|plan|prep|"
    r"prepare|map out|talk through|think through|work through|brainstorm|walk through|look at|"
    r"figure out|decide|agree on|catch up on|sync on|debug)|on \w+ing|"
    r"hear (?:about(?! (?:it|that|this|things|everything|life)\b)|how|what|why)|"
    r"(?:advice|tips|help|input|thoughts|feedback) (?:on|about|with)|über|"
    r"sobre|para revisar|à propos de|pour parler de|riguardo|a proposito di)\s+\w|について",
    re.IGNORECASE,
)
# What a sender says about themselves in a cold note: a CV, not a topic.
_CREDENTIALS = re.compile(
    r"\b(?:internships?|degree|graduat\w*|certifi\w*|c?gpa|msc|bsc|mba|phd|b\.?tech|m\.?tech|"
    r"experience|published|papers?|portfolio|club|alumn\w*|fresher|pass-?out|batch(?:mate)?|hostel|"
    r"resume|cv|skills|proficient|"
    r"passionate|motivated|hard-?working|award\w*|distinction|honou?rs|student|major\w*|years|"
    r"lecturer|taught|joined|associate|candidate|doctoral|consultant|sabbatical|based|"
    r"returned|admired|followed|fan|admirer)\b",
    re.IGNORECASE,
)
# What a sender hopes to get from a chat that names no topic, as words: "a mentoring call",
# "hear about your career journey".
_HOPES = (
    r"advice|guid(?:e|ance)|tips|pointers|mentor\w*|brain|journey|career|path|learn\w*|"
    r"experiences?|insights?|perspectives?|wisdom|story|stories|chat|call|coffee|time"
)
_CHAT_HOPES = re.compile(_HOPES, re.IGNORECASE)
# Favors that name no topic of their own: "for some advice", "pick your brain", "your journey".
_VAGUE_FAVOR = re.compile(
    _HOPES + r"|informational|connect(?!(?:ing|ed|s)? (?:us|me)\b)|network|leads|opportunit|"
    r"break|grow|consult|1:1|one-on-one",
    re.IGNORECASE,
)
_LETTERS = re.compile(r"[^\W\d_]")
# A word that shows another language than English: a letter outside a-z in a word that is not
# a name ("está", "für"; not "L'Oréal", "Tomás").
_NON_ASCII_LETTER = re.compile(r"(?<![\w'’])(?![A-Z])[^\W\d_]*[^\W\d_a-zA-Z]")
# How many topic words, in the sentence naming something of the recipient's and the next,
# make it described.
_DETAIL = 7
# The marks that quote a line: "> ", ">> ".
_QUOTE_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
# The first word of what a "your ..." phrase names: "your *wedding* pics".
_THEIR_THING = re.compile(r".*?\b(?:your|ur)\s+(?:new\s+|recent\s+|latest\s+|last\s+)?([\w'’-]+)")
# A request whose object is the sender's: "get me", "look at my videos", "for me".
_FOR_ME = re.compile(r"\b(?:me|my|myself|mine|us|our)\b")
# The reader's people, whom a favor may reach through them: "your dad", "ur followers".
_THEIR_PEOPLE = re.compile(
    r"\b(?:your|ur|yr)\s+(?:[\w'’-]+\s+)?(?:boss|manager|dad|father|mum|mom|mother|parents|"
    r"husband|wife|partner|cousin|brother|sister|uncle|aunt|auntie|friends?|followers|audience|"
    r"subscribers|fans|readers|recruiters?|hr|investors|lps|vcs|agent|editor|publisher|contacts|"
    r"network|connections|committee|board|director|principal)\b"
)
# A sentence that asks the reader for something: a question, "could you", "please".
_ASKS_READER = re.compile(
    r"\?\s*$|\b(?:could|can|would|will|might) (?:you|u)\b|\b(?:please|pls|plz)\b", re.IGNORECASE
)
# What a self-introduction is for: "joined to learn about kiln wiring", "I'm writing about".
_PURPOSE = re.compile(
    r"\b(?:to (?:learn|ask|share|offer|help|find|discuss|talk|get|see|join|build|start|work)|"
    r"writing (?:about|on|a|an|for)|"
    r"because|so that|about (?:the|your|a|an|my|our)|regarding|working on|looking (?:for|to)|"
    r"hiring|selling|offering|organi[sz]ing|launching)\b",
    re.IGNORECASE,
)
# Questions about plans ("still up for the hike on Saturday?") are not small talk about life.
_PLAN = re.compile(
    r"\b(?:up for|(?:are|r) (?:you|u|y'?all) (?:still )?(?:coming|going|joining|free|around)|"
    r"want to|wanna|free (?:on|this|next|for)|(?:can|could|will) (?:you|u) make it|in for|"
    r"down for|still on|bring|pick (?:me|you|us) up|meet (?:at|on|up)|join us)\b",
    re.IGNORECASE,
)
# An instruction about the recipient's things ("so rebuild your fixtures") is a task to do.
_INSTRUCTION = re.compile(
    r"(?:^|[,;:.!]|\b(?:so|then|please|pls|kindly|and|just))\s*(?:re-?)?(?:run|build|update|"
    r"pull|rebase|check|clear|reset|restart|delete|remove|add|fix|change|move|send|upload|"
    r"submit|review|merge|close|open|bump|install|refresh|save|back up|sign|fill in|fill out|"
    r"complete|book|cancel|confirm|bring|drop off|pick up|lock|charge|wash|clean)\s+your\b"
)
# How small talk asks after someone: "how was the drive?", "did you have a good break?".
_SMALL_TALK_QUESTION = re.compile(
    r"\W*(?:and |so |anyway,? )?(?:how(?:'s|’s| is| was| are| were| did| have| has)?\b|"
    r"did (?:you|u) (?:have|get|enjoy|make it|end up|manage)\b|"
    r"have (?:you|u) (?:been|had)\b|(?:are|r) (?:you|u) (?:enjoying|keeping|surviving|settling|"
    r"feeling|still)\b|(?:(?:are|r) (?:you|u) )?still (?:living|in|at|based|doing|running|out|up|"
    r"down|over|playing|surfing|climbing|painting|singing|into)\b)",
    re.IGNORECASE,
)
_DASH = re.compile(r"\s[—–-]+\s|—")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Scripts written without spaces between words (Chinese, Japanese, Thai...): one "word" is a
# whole clause, and the analyzer cannot tell small talk from content in it.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff]")
# "... at Spotify", "... from N26": where someone works says nothing about what the sender wants.
_ORGANISATION = re.compile(
    r"[ \t]+(?:at|from|in|with|of|bei|chez|en|no|na)[ \t]+(?:the[ \t]+)?[A-Z][\w.&’'-]*"
    r"(?:[ \t]+[A-Z][\w.&’'-]*){0,2}"
)
# Words that may name a topic: "Q2", "B650" and "v2" are one word each; "10", "4am" and "30min"
# are amounts of something, not what it is.
_TOPIC_WORD = re.compile(r"[a-z]+\d[a-z\d]*|\d+[a-z][a-z\d]*|" + WORD.pattern, re.IGNORECASE)
_ALNUM_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_AMOUNT = re.compile(r"\d+(?:am|pm|min|mins|h|hr|hrs|k|m|s|x|st|nd|rd|th|ish)?", re.IGNORECASE)
# A question without its question mark: "?? is the release tonight or tomorrow".
_QUESTION_START = re.compile(
    r"[\s,.:;!?-]*(?:(?:is|are|was|were|did|does|do|can|could|will|would|should|has|have) (?:you|u|"
    r"we|i|they|he|she|it|the|this|that|there|someone|anyone|my|our|your)|when|where|which|what|"
    r"who|why)\b",
    re.IGNORECASE,
)
# A time or a date says when something happens: "standup moved to 10:15 today".
_WHEN = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2} ?(?:am|pm)\b|\b\d{1,2}/\d{1,2}\b|"
    r"\b\d+ ?(?:min|mins|minutes|hours?|hrs?) (?:late|early|behind|ahead)\b",
    re.IGNORECASE,
)
# A statement that says what is at stake: a problem, a choice, a plan, work in progress ("I'm
# weighing two offers", "we help DTC brands with email"). In a cold note that asks for time,
# the other statements say who is who.
_AT_STAKE = re.compile(
    r"\b(?:stuck|struggl\w*|deciding|decide|decision|(?<!your )choos\w*|working on|"
    # ... but not where the sender hopes to go, which is who they are: "trying to break into
    # fintech", "considering my options".
    r"trying to(?! (?:break|get|grow|move|transition|pivot|find my way))|"
    # ... unless it says from where to where: "I'm trying to move from QA into SRE".
    r"(?:trying|hoping|want|wanting|looking|planning) to (?:move|transition|switch|pivot) "
    r"(?:from|out of)|"
    r"(?<!this )(?<!the )building(?! my network)|planning|considering(?! my options)|question|"
    r"problem|issue|figure out|not sure|wondering|unsure|torn|weighing|"
    r"(?:an?|two|three|job|the) offers?|interview\w*|blocked|fail\w*|broken?|error|"
    r"needs?(?! your)|help)\b",
    re.IGNORECASE,
)
# A sentence about who the recipient is: "you're clearly a rockstar in fintech", "your career
# is goals".
_WHO_THEY_ARE = re.compile(
    r"\b(?:you(?:'re|’re| are| were|'ve been|’ve been| have been)(?! (?:free|around|"
    r"available|busy|back|online|up|there|ok|okay|able|in|off|out|still|not|right)\b)|"
    r"your (?:career|profile|journey|path|background|experience|reputation|role|title|"
    r"trajectory|resume|bio)|you (?:seem|run|lead|work at|head|built|know everyone|sit on|"
    r"serve on)|"
    r"we (?:were )?both|we met|we sat|we connected|great (?:connecting|meeting)|mutual|fellow)\b",
    re.IGNORECASE,
)
# Words of meeting someone: a sentence that asks for one of these and names nothing else asks
# for time.
_MEETING = re.compile(
    r"\b(?:calls?|chats?|coffee|zoom|1:1|one-on-one|meet|meeting|meetup|time|minutes?|mins?|book|"
    r"moment|hour|vc|voice|video|phone|catch(?: |-)?up|conversation|talk|speak)\b",
    re.IGNORECASE,
)
# The same, for lower-cased text, without the leading word boundary (checked apart): the
# engine then skips to the letters that may start a word of meeting, five times faster over a
# long text.
_MEETING_FOLDED = re.compile(_MEETING.pattern.removeprefix(r"\b"))
_WORD_CHAR = re.compile(r"\w")
_MENTOR = re.compile(r"\bmentor", re.IGNORECASE)
# A question that checks who someone is: "you're a senior at Vercel right?", "you're at Tesla
# now??".
_CHECKS_WHO = re.compile(
    r"(?:(?:hey|yo|so|wait|oh)\W+)?(?:you(?:'re|’re| are| were)|are you|aren't you|weren't you) "
    r"(?:a |an |the |at |on |now )[^?]*(?:right|now|too)?\s*[?!]+\s*$",
    re.IGNORECASE,
)
# A wish that asks as much as a question: "I would consider it a privilege to meet you".
_WISH = re.compile(
    r"\b(?:i'?d|i would|it would|would) (?:love|like|be (?:thrilled|delighted|grateful|"
    r"hono(?:u)?red|glad|happy|a privilege)|consider it|welcome|appreciate|mean)\b",
    re.IGNORECASE,
)
# The courtesy of a cold note for being read at all.
_THANKS_FOR_READING = re.compile(
    r"\b(?:grateful|thankful|thank you|thanks)(?: that you(?:'re| are)| for)? (?:even |already )?"
    r"(?:reading|taking the time to read|read(?:ing)? this far)\b",
    re.IGNORECASE,
)
# Words of asking that may only say what the sender hopes for.
_HOPING = re.compile(r"\b(?:hoping|trying|looking|seeking)\b", re.IGNORECASE)
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|u|ur|ya)\b", re.IGNORECASE)
# A greeting to someone by title: "Dear Dr. Okafor,", "Hello Professor Lin".
_FORMAL_ADDRESS = re.compile(
    r"\s*(?:dear|hi|hello|good (?:morning|afternoon|evening))?[\s,]*" + _TITLE.pattern,
    re.IGNORECASE,
)
_TOPIC_MARKER = re.compile(
    r"(?<!['’])\b(?:about|regarding|re|on" + _NOT_A_CHANNEL + r"|(?:for|with) (?:the|my|our|this|"
    r"that)" + _NO_COURTESY + r")\s+\w",
    re.IGNORECASE,
)
# A mention or a wave on its own asks for attention as much as a greeting does.
_ATTENTION = re.compile(
    r"<@[^>\s]+>|(?<![\w@])@[\w.\-]+|:(?:wave|hand|raised_hand|eyes|bell|point_up|wave::skin-tone-\d):"
)


def _signature_line(line: str) -> bool:
    """Can ``line`` be part of a signature: a name, a title, a phone number, a link?

    Six words at most (a word in a link or an address does not count), no question, no "P.S.".
    """
    return (
        "?" not in line
        and not _POSTSCRIPT.match(line)
        and len(_LETTER_WORD.findall(line)) <= _SIGNATURE_WORDS
    )


def _latin(text: str, start: int, end: int) -> bool:
    """Are all the letters of text[start:end] ASCII (emoji, symbols and names aside)? The word
    lists the analyzer counts with are English."""
    return not _NON_ASCII_LETTER.search(text, start, end)


def _key(word: str) -> str:
    """How a word is looked up in the word lists: lower-cased, with straight apostrophes."""
    return word.lower().replace("’", "'")


def _overlaps(span: Span, others: Iterable[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _overlapping(span: Span, spans: list[Span]) -> list[Span]:
    """The spans of a signal (sorted, never overlapping each other) that overlap ``span``.

    A binary search, not a scan: the analyzer asks this for every sentence of a long text.
    """
    i = bisect.bisect_left(spans, (span[1],))  # the first that starts at or after span's end
    j = i
    while j > 0 and spans[j - 1][1] > span[0]:  # ends are sorted too
        j -= 1
    return spans[j:i]


def _without_overlaps(spans: list[Span], others: list[Span]) -> list[Span]:
    """``spans`` minus those that overlap any of ``others``, in linear time (both sorted)."""
    kept = []
    j = 0
    for start, end in spans:
        while j < len(others) and others[j][1] <= start:
            j += 1
        if j < len(others) and others[j][0] < end:
            continue
        kept.append((start, end))
    return kept


_GATHER_SEPARATOR = "\n_\n"


class _Spans(dict[str, list[Span]]):
    """Where each signal matches, found the first time a signal is asked for.

    Lines in English are matched against the English phrases only; lines that show another
    language (a letter outside a-z, a word from the phrases of other languages) against all.
    """

    def __init__(self, folded: str) -> None:
        super().__init__()
        self.folded = folded
        # The lines in other languages; the text with them blotted out (spans index both).
        self.other_lines = _other_language_lines(folded)
        other = self.other_lines
        self.english = _keep(folded, other, inside=False) if other else folded
        self.other = _keep(folded, other, inside=True) if other else ""
        self.all_other = bool(other) and not self.english.strip("_\n")
        self._gathered: str | None = None
        self._gathered_starts: list[int] = []
        # Spans found otherwise than by a signal's phrases (sentences that ask for time in
        # other words), merged into the signal's own when it is scanned for.
        self.extra: dict[str, list[Span]] = {}

    def __missing__(self, name: str) -> list[Span]:
        spans = self._scan(_data.signal_table()[name])
        if self.extra.get(name):
            spans = sorted(spans + _without_overlaps(self.extra[name], spans))
        self[name] = spans
        return spans

    def add(self, name: str, spans: list[Span]) -> None:
        """Spans of a signal found otherwise (kept where they overlap none of its own)."""
        self.extra[name] = spans
        if name in self and spans:
            self[name] = sorted(self[name] + _without_overlaps(spans, self[name]))

    def occurs(self, name: str, start: int, end: int) -> bool:
        """Does the signal match within folded[start:end]? Without scanning the whole text for
        it if it has not been yet: a long text asks this of a few sentences only."""
        if name in self:
            return bool(_overlapping((start, end), self[name]))
        if any(s < end and start < e for s, e in self.extra.get(name, ())):
            return True
        signal = _data.signal_table()[name]
        if not self.other or not signal.other:
            return signal.english_phrases.found(self.folded[start:end])
        return (signal.english_phrases.found(self.english[start:end])
                or signal.phrases.found(self.other[start:end]))

    def union(self, names: tuple[str, ...]) -> list[Span]:
        """Where any of the signals ``names`` matches: one search for all of them on lines in
        English, and each signal on its own on lines in other languages (where spans of the
        union may then overlap): all the phrases of all the signals in all the languages make
        a pattern that takes seconds to compile."""
        key = "+".join(names)
        if key not in self:
            union = _data.signal_union(names)
            if self.other:
                english = [] if self.all_other else union.english_phrases.spans(self.english)
                table = _data.signal_table()
                self[key] = sorted(english + [
                    span for name in names for span in self._on_other_lines(table[name].phrases)
                ])
            else:
                self[key] = union.english_phrases.spans(self.folded)
        return self[key]

    def _on_other_lines(self, phrases: _phrases.Phrases) -> list[Span]:
        """Where ``phrases`` match on the lines in other languages, searched in those lines
        only, put end to end (a long text may hold a few such lines among many)."""
        if self._gathered is None:
            # Between two lines, "_" (a word character, which no phrase crosses or starts
            # after) on a line of its own.
            self._gathered = _GATHER_SEPARATOR.join(self.folded[a:b] for a, b in self.other_lines)
            self._gathered_starts = list(itertools.accumulate(
                (b - a + len(_GATHER_SEPARATOR) for a, b in self.other_lines[:-1]), initial=0
            ))
        starts = self._gathered_starts
        found = []
        for s, e in phrases.spans(self._gathered):
            i = bisect.bisect_right(starts, s) - 1
            offset = self.other_lines[i][0] - starts[i]
            found.append((s + offset, e + offset))
        return found

    def _scan(self, signal: _data.Signal) -> list[Span]:
        if not self.other or not signal.other:
            spans = signal.english_phrases.spans(self.folded)
        elif self.all_other:
            spans = signal.phrases.spans(self.folded)
        else:
            spans = sorted(
                signal.english_phrases.spans(self.english) + self._on_other_lines(signal.phrases)
            )
        return spans

    def found(self, name: str) -> bool:
        """Does the signal match anywhere? (Stops at the first match if not yet scanned.)"""
        if name in self:
            return bool(self[name])
        return self.occurs(name, 0, len(self.folded))


def _other_language_lines(folded: str) -> list[Span]:
    """The lines of ``folded`` that show a language other than English, merged."""
    hits = sorted(
        [m.start() for m in _NON_ASCII.finditer(folded) if m.group().isalpha()]
        + [start for start, _ in _data.other_language_words().spans(folded)]
    )
    lines: list[Span] = []
    for hit in hits:
        if lines and hit < lines[-1][1]:
            continue
        start = folded.rfind("\n", 0, hit) + 1
        end = folded.find("\n", hit)
        end = len(folded) if end < 0 else end
        if lines and start <= lines[-1][1] + 1:
            lines[-1] = (lines[-1][0], end)
        else:
            lines.append((start, end))
    return lines


def _keep(text: str, spans: list[Span], *, inside: bool) -> str:
    """``text`` with everything outside ``spans`` (or inside them) blotted, line breaks kept."""
    pieces = []
    pos = 0
    for start, end in spans:
        pieces.append(_blanked(text[pos:start]) if inside else text[pos:start])
        pieces.append(text[start:end] if inside else _blanked(text[start:end]))
        pos = end
    pieces.append(_blanked(text[pos:]) if inside else text[pos:])
    return "".join(pieces)


def _blanked(text: str) -> str:
    # Underscores, not spaces: a run of them is one word, where no phrase starts, so a search
    # skips it at once (each space would be a place to try every phrase).
    if "\n" not in text:
        return "_" * len(text)
    return "\n".join("_" * len(line) for line in text.split("\n"))


class _Facts:
    """What the analyzer knows about one message before any rule runs."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        judged = prepared.judged
        self.sentences = prepared.sentences()
        self.sentence_starts = [start for start, _ in self.sentences]
        self.spans = _Spans(prepared.folded)
        # Whether a sentence says only who is who, in a message that asks only for time (set
        # by _introduces_a_chat): a reason for a favor as generic as a title.
        self.who_is_who = False
        self._asks: dict[int, bool] = {}  # by sentence start (see _asks_them)
        self.residue = self._residue()
        self.spans.add("call_request", self._time_requests())
        self._drop_overlapping("career_favor", "specific_work")
        self._drop_overlapping("sizable_favor", "specific_work")
        # A message that makes small talk (a pleasantry, a check-in): its sentences must carry
        # something to count as content (see _substantive).
        self.chatty = self.spans.found("pleasantry") or self.spans.found("check_in")
        if self.chatty:
            # Small talk about their life: "saw your wedding pics, you looked stunning!"
            for name in ("specific_work", "work_mention"):
                self.spans[name] = [s for s in self.spans[name] if not self._about_life(s)]
        self.request = "?" in judged or self.spans.found("request_cue")
        self.opener = (
            self.request
            or any(self.spans.found(name) for name in _OPENER_SIGNALS)
            or bool(_ATTENTION.search(prepared.original))
        )
        self.questions = self._real_questions()
        named = self.spans["specific_work"] + self.spans["work_mention"]
        self.specific_interest = bool(named) and (
            self.spans.found("engagement")
            or self.spans.found("offer")
            or self._asks_about_their_work()
            # Between colleagues coordinating work, "your migrations" is their task, not work
            # of theirs the sender engages with.
            or (
                not self.spans.found("coordination")
                and any(
                    self._described(span)
                    for span in named
                    if not _INSTRUCTION.search(prepared.folded, max(span[0] - 40, 0), span[1])
                )
            )
        )
        # Sharing something or offering help is not a request for attention, and neither is a
        # reply that only thanks or agrees. Anything else with no topic is a bare ping.
        acknowledgement = self.spans.found("acknowledgement") and not self.opener
        # "> can you send the slides from Tuesday?" then "bump": the request is in the message
        # (but not under "> hey, are you around?", itself a bare ping).
        quotes_its_request = (
            bool(prepared.quoted.strip())
            and self.spans.found("reping")
            and not _Facts(prepare(_QUOTE_MARK.sub("", prepared.quoted))).bare_ping
        )
        self.bare_ping: bool = (
            (self.opener or bool(_LETTERS.search(judged)) or "?" in judged)
            and not self._substantive()
            and not self.spans.found("offer")
            and not acknowledgement
            and not quotes_its_request
        )
        self.favor = self._favor()
        self.ask: AskKind = self._ask()

    @property
    def content_words(self) -> list[str]:
        """The words left once every signal without a topic is blanked (for explain)."""
        return self._topic_words(0, len(self.residue))

    # -- helpers -------------------------------------------------------------------------

    def _drop_overlapping(self, name: str, other: str) -> None:
        self.spans[name] = _without_overlaps(self.spans[name], self.spans[other])

    def _about_life(self, span: Span) -> bool:
        """Is what is named of theirs a part of their life, not their work ("your wedding
        pics", "your trip to Oaxaca")?"""
        m = _THEIR_THING.match(self.prepared.folded, *span)
        return (
            m is not None
            and _key(m.group(1)) in _data.word_lists()["life"]
        )

    def _residue(self) -> str:
        """The judged text with every signal that carries no topic blanked, names included."""
        judged = self.prepared.judged
        chars = list(judged)
        for start, end in self.spans.union(_EMPTY_SIGNALS):
            blank(chars, start, end)
            org = _ORGANISATION.match(judged, end)
            if org:
                blank(chars, end, org.end())
        addressee = _data.signals()["addressee"]
        for _, end in self.spans["greeting"]:
            self._blank_name_after(chars, end, addressee)
        for m in _VOCATIVE.finditer(judged):
            blank(chars, *m.span())
        for start, end in _TITLES.spans(self.prepared.folded):
            titled = _TITLED_NAME.match(judged, end)
            if titled:
                blank(chars, start, titled.end())
        if _NAME_ALONE.match(judged):
            blank(chars, 0, len(judged))
        for m in _SIGNATURE_DASH.finditer(judged):
            blank(chars, *m.span())
        self._blank_sign_off(chars)
        return "".join(chars)

    def _blank_name_after(self, chars: list[str], pos: int, addressee: re.Pattern[str]) -> None:
        """Blank who a greeting is addressed to: 'Hi Priya', 'hey team', 'Dear Dr. Okafor'."""
        judged = self.prepared.judged
        rest = judged[pos : pos + 60]
        folded = self.prepared.folded[pos : pos + 60]
        m = re.match(r"[ \t,]*(?:again\b[ \t,]*)?", rest, re.IGNORECASE)  # "Hi again Priya"
        offset = m.end() if m else 0
        a = addressee.match(folded, offset)
        if a:
            blank(chars, pos + a.start(), pos + a.end())
            return
        t = _TITLE.match(rest, offset)
        if t:
            blank(chars, pos + t.start(), pos + t.end())
            offset = t.end()
            offset += len(rest[offset:]) - len(rest[offset:].lstrip(" \t"))
        for _ in range(2):
            w = WORD.match(rest, offset)
            if not w:
                return
            capitalised = w.group()[0].isupper()
            if capitalised or _AFTER_NAME.match(rest, w.end()):
                blank(chars, pos + w.start(), pos + w.end())
                offset = w.end() + 1
                nxt = WORD.match(rest, offset)
                if not (nxt and nxt.group()[0].isupper() and capitalised):
                    return
            else:
                return

    def _blank_sign_off(self, chars: list[str]) -> None:
        """Blank a closing line ('Thanks, Sam') and the signature under it, or a signature
        under the delimiter '-- ' (a name, a title, a company, a phone number, a link)."""
        judged = self.prepared.judged
        sign_off = _data.signals()["sign_off"]
        lines = judged.split("\n")
        tail = lines[-_SIGNATURE_LINES:]
        pos = len(judged) - sum(len(line) + 1 for line in tail) + 1
        offset = len(judged)
        for i, line in enumerate(tail):
            stripped = line.strip()
            m = sign_off.match(fold(stripped))
            closing = (m is not None and _TRAILING_NAME.fullmatch(stripped, m.end()) is not None)
            if (closing or _SIGNATURE_DELIMITER.fullmatch(stripped)) and all(
                _signature_line(rest) for rest in tail[i + 1 :]
            ):
                offset = pos
                break
            pos += len(line) + 1
        if offset == len(judged):
            # A sign-off at the end of the last line: "... Regards, Suresh".
            inline = _INLINE_SIGN_OFF.search(judged)
            if inline:
                offset = inline.start()
        if offset < len(judged):
            blank(chars, offset, len(judged))

    def _topic_words(self, start: int, end: int) -> list[str]:
        filler = _data.word_lists()["filler"]
        other = self.spans.other
        if not other or not other[start:end].strip("_\n"):
            # All letters are a-z here (any other shows another language): letters and digits
            # run together are one word ("Q2"), found by a simpler pattern.
            return [
                w for w in _ALNUM_WORD.findall(self.residue, start, end)
                if w.lower().replace("’", "'") not in filler
                and not (w[0].isdigit() and _AMOUNT.fullmatch(w))
            ]
        # On a line in another language, its function and chit-chat words do not count either.
        others = _data.other_fillers()
        return [
            w for m in _TOPIC_WORD.finditer(self.residue, start, end)
            if (key := _key(w := m.group())) not in filler
            and not (w[0].isdigit() and _AMOUNT.fullmatch(w))
            and (other[m.start()] == "_" or key not in others)
        ]

    def _substantive(self) -> bool:
        """Does any sentence say what the sender wants, asks, or tells?

        A question or a sentence that names its topic ("about the invoice") needs one topic word;
        a statement needs two, so that a stray word in small talk does not count as content.
        """
        judged = self.prepared.judged
        # When the only request is for time ("could we chat?") and nothing of the recipient's
        # work is engaged with, sentences about who the sender is or where the recipient works
        # are context for a chat with no topic, not a topic.
        time_only = not self.specific_interest and any(
            self.spans.found(n) for n in ("call_request", "pick_brain", "presence")
        )
        # In a message that makes small talk ("hope you had a lovely Christmas!"), a statement
        # is more small talk unless it carries something: news, a reaction to the recipient's
        # work, what made the sender think of them, an offer, work to coordinate.
        chatty = self.chatty
        if chatty and self.spans.found("no_reply_needed"):
            return True  # a check-in that says no answer is expected asks for nothing
        life, work = _data.word_lists()["life"], _data.word_lists()["work"]
        for start, end in self.sentences:
            question = judged[start:end].rstrip().endswith("?")
            asks = question or bool(
                _overlapping((start, end), self.spans["request_cue"])
            )
            if asks and any(
                start < e and s < end and not _VAGUE_FAVOR.search(judged, s, e)
                for s, e in self.spans["career_favor"] + self.spans["sizable_favor"]
            ):
                return True  # asking a concrete favor ("a referral", "my 80-page thesis")
            if time_only and self._introduces_a_chat(start, end):
                continue
            if (
                time_only and not self._asks_them(start, end) and _latin(judged, start, end)
                and (self.spans.found("call_request") or self.spans.found("pick_brain"))
                and self._cold_note() and not self._states_a_topic(start, end)
            ):
                # "I am a recent nursing graduate from Ibadan. Your accomplishments at UNICEF
                # are a true inspiration.": in a cold note that asks for a call, a statement
                # that says nothing at stake is who is who, however it is worded.
                continue
            topic = self._topic_words(start, end)
            if (
                chatty and not asks and not self._carries_content(start, end)
                and not any(_UNSPACED.search(w) or _key(w) in work for w in topic)
                # The word lists of work are English: in a sentence in another language, words
                # left once its chit-chat words are taken out say something.
                and not (len(topic) >= 3 and self._in_another_language(start, end))
            ):
                continue  # small talk: "Ours was the usual chaos, twelve people, one bathroom"
            if not asks and self._introduces_oneself(start, end):
                continue  # "Hi, I'm Jordan, a CS junior at UMich.": who, but not what for
            if not self._carries_content(start, end) and not _PLAN.search(judged, start, end):
                if self._asks_after_them(start, end, topic):
                    continue  # "How was the drive up to your in-laws?", in a chatty message
                # "Did you survive the heatwave?": a question about life, not a topic (but
                # "mum's flight got moved, someone needs to drive her" is news).
                if chatty or question:
                    topic = [w for w in topic if _key(w) not in life]
            if len(topic) >= 2:
                return True
            if topic and (
                question
                # News in a message that asks for nothing: "prod is back up."
                or (not self.opener and bool(_overlapping((start, end), self.spans["news"])))
                or _TOPIC_MARKER.search(self.residue, start, end)
                or _QUESTION_START.match(self.residue, start)
                or _WHEN.search(judged, start, end)
            ):
                return True
        return False

    def _in_another_language(self, start: int, end: int) -> bool:
        """Is the sentence ``start:end`` mostly in another language than English? A third of
        its words or more are words of other languages, or have letters outside a-z (an
        English sentence may name a dish or a town: "the kids ate pastéis de nata")."""
        if not self.spans.other[start:end].strip("_\n"):
            return False
        sentence = self.prepared.folded[start:end]
        words = WORD.findall(sentence)
        foreign = {m.start() for m in WORD.finditer(sentence) if not m.group().isascii()}
        foreign.update(s for s, _ in _data.other_language_words().spans(sentence))
        return len(foreign) * 3 >= len(words)

    def _described(self, span: Span) -> bool:
        """Is something of the recipient's described in detail where it is named?

        "Your typeface for the Accra transit maps, with the Twi diacritics designed in from day
        one" engages with the work; "I loved your talk at DevCon!" only names it.
        """
        i = bisect.bisect_right(self.sentence_starts, span[0]) - 1
        if i < 0 or _SMALL_TALK_QUESTION.match(self.prepared.judged, self.sentences[i][0]):
            return False  # "How was the drive up to your in-laws?" asks after them, not their work
        life = _data.word_lists()["life"]
        judged = self.prepared.judged
        words = 0
        # The sentence that names it and the next one ("I read your audit on night-time falls.
        # The spike between 2 and 4am matches what we see."), unless they ask a favor or praise.
        for sentence in self.sentences[i : i + 2]:
            if any(
                _overlapping(sentence, self.spans[name])
                for name in ("career_favor", "sizable_favor", "credential_reason",
                             "generic_praise")
            ) or _ASKS_READER.search(judged[sentence[0] : sentence[1]]):
                break  # the favor, the praise or the request is what the sentence is about
            words += sum(_key(w) not in life for w in self._topic_words(*sentence))
        return words >= _DETAIL

    def _introduces_oneself(self, start: int, end: int) -> bool:
        """Is this sentence only the sender saying who they are?

        "Hi, I'm Jordan, a CS junior at UMich." is; "it's Joe the plumber, the side gate's
        locked" is not: outside the introduction, it says more than two words of its own.
        """
        span = (start, end)
        intro = _overlapping(span, self.spans["small_talk"])
        if not intro or self._carries_content(start, end):
            return False
        if _PURPOSE.search(self.prepared.judged, start, end):
            return False
        rest = [
            m.group() for m in WORD.finditer(self.residue, start, end)
            if not _overlaps(m.span(), intro)
            and _key(m.group()) not in _data.word_lists()["filler"]
        ]
        if len(rest) <= 2:
            return True
        # "I'm Jordan, a sophomore at State studying computer science.": a longer description
        # of oneself, as long as it names no work to do and nothing of the reader's.
        work = _data.word_lists()["work"]
        return (
            any(_I_AM.match(self.prepared.judged, s) for s, _ in intro)
            and not any(_key(w) in _data.word_lists()["other"]
                        for w in WORD.findall(self.prepared.judged, start, end))
            and not _WHEN.search(self.prepared.judged, start, end)
            and not any(_key(w) in work for w in rest)
        )

    def _asks_after_them(self, start: int, end: int, topic: list[str]) -> bool:
        """Is the sentence ``start:end`` small talk's question ("how was the drive?") in a
        chatty message, with no work in it?"""
        if not self.chatty:
            return False
        judged = self.prepared.judged
        if not _SMALL_TALK_QUESTION.match(judged, start):
            # "Hope the trip was amazing — did you get to see Mt. Fuji?": after a dash.
            dash = _DASH.search(judged, start, end)
            if dash is None or not _SMALL_TALK_QUESTION.match(judged, dash.end()):
                return False
        work = _data.word_lists()["work"]
        return not any(_key(w) in work for w in topic)

    def _time_requests(self) -> list[Span]:
        """English sentences that ask for time and say nothing else, in words no phrase of
        call_request knows: "Could I invite you for a coffee to hear your perspective?", "I'd
        appreciate any time you could spare to chat"."""
        judged = self.prepared.judged
        found: list[Span] = []
        # Only the sentences with a word of meeting in them, found in one pass over the text.
        folded = self.prepared.folded
        candidates = sorted({
            bisect.bisect_right(self.sentence_starts, m.start()) - 1
            for m in _MEETING_FOLDED.finditer(folded)
            if m.start() == 0 or not _WORD_CHAR.match(folded, m.start() - 1)
        })
        for i in candidates:
            if i < 0:
                continue
            start, end = self.sentences[i]
            # The cheap tests first: the signals are scanned for only when one is needed.
            if not (
                _latin(judged, start, end)
                # Mentoring is a favor of its own ("would you be my mentor, with a monthly call?")
                and not _MENTOR.search(judged, start, end)
            ):
                continue
            # Names of people and firms say who is who too: "saw you work at Riot, could I DM
            # you for a chat?"
            if self._topic_left(start, end, names_from=start) or _STRICT_TOPIC.search(
                self.residue, start, end
            ):
                continue
            if (
                (judged[start:end].rstrip().endswith("?")
                 or _WISH.search(judged, start, end)
                 or self.spans.occurs("request_cue", start, end))
                and not any(self.spans.occurs(name, start, end)
                            for name in ("call_request", "meta_ask", "presence"))
            ):
                found.append((start, end))
        return found

    def _topic_left(self, start: int, end: int, *, names_from: int | None = None) -> list[str]:
        """The topic words of a sentence once who is who is taken out: words of standing,
        courtesy, hopes and meeting, and, from ``names_from`` on, names of people, firms and
        titles (written with capitals; the first word of the sentence excepted)."""
        lists = _data.word_lists()
        first = None if names_from is None else WORD.search(self.prepared.judged, names_from, end)
        return [
            w for w in self._topic_words(start, end)
            if (key := _key(w)) not in lists["standing"] and key not in lists["courtesy"]
            and not _CHAT_HOPES.fullmatch(w) and not _MEETING.fullmatch(w)
            and (names_from is None or w[:1].islower()
                 or (first is not None and w == first.group()))
        ]

    def _asks_them(self, start: int, end: int) -> bool:
        """Does this sentence ask something of the reader? A question does; words of asking do
        when the reader is in the sentence ("I was hoping to pick your brain"), not when only
        the sender's hopes are ("the kind of path I'm hoping to follow")."""
        known = self._asks.get(start)
        if known is not None:
            return known
        judged = self.prepared.judged
        cues = _overlapping((start, end), self.spans["request_cue"])
        if judged[start:end].rstrip().endswith("?"):
            asks = True
        elif _SECOND_PERSON.search(judged, start, end):
            asks = bool(cues)
        else:
            asks = any(not _HOPING.search(judged, s, e) for s, e in cues)
        self._asks[start] = asks
        return asks

    def _cold_note(self) -> bool:
        """Does the message read as a note to someone the sender does not work with?

        Credentials, praise, a self-introduction, a sign-off, a greeting by title, or a
        statement of who is who; not "call me, the basement is flooding".
        """
        return self.who_is_who or self._reads_cold

    @cached_property
    def _reads_cold(self) -> bool:
        # Once per message: the whole text is searched.
        return (
            any(self.spans.found(n) for n in ("credential_reason", "generic_praise",
                                              "self_intro", "seeker", "sign_off"))
            or bool(_FORMAL_ADDRESS.match(self.prepared.judged))
            or bool(_WHO_THEY_ARE.search(self.prepared.judged))
        )

    def _states_a_topic(self, start: int, end: int) -> bool:
        """Does this statement name what a chat would be about, or carry content itself?"""
        return bool(
            _STRICT_TOPIC.search(self.residue, start, end)
            or _TOPIC_MARKER.search(self.residue, start, end)
            or _AT_STAKE.search(self.prepared.judged, start, end)
            or _PLAN.search(self.prepared.judged, start, end)
            # A talk or a post named but not engaged with ("I was at your panel at
            # Collision") is who is who too: how the sender knows of the recipient; and so is
            # news of the sender ("I just finished a data course"), a reason to reach out, or
            # a wish to set up time.
            or any(
                not _VAGUE_FAVOR.search(self.prepared.judged, s, e)
                for name in ("career_favor", "sizable_favor")
                for s, e in _overlapping((start, end), self.spans[name])
            )
            or any(_overlapping((start, end), self.spans[name])
                   for name in ("offer", "easy_decline"))
        )

    def _carries_content(self, start: int, end: int) -> bool:
        folded = self.prepared.folded
        return any(
            # In small talk, "since" tells when, not why: "it feels like ages since the Lyon
            # workshop".
            not (self.chatty and name == "urgency_reason" and folded.startswith("since", s))
            for name in _CONTENT
            for s, _ in _overlapping((start, end), self.spans[name])
        )

    def _introduces_a_chat(self, start: int, end: int) -> bool:
        """Is this sentence, in a message that asks only for time, context rather than topic?

        "Could we grab coffee?", "I'm a final-year student with two internships", "I see you
        lead growth at Revolut": who is who, and the request for time itself, say nothing about
        what the chat would be about, unless a topic is attached ("to go over the invoice").
        """
        span = (start, end)
        judged = self.prepared.judged
        asks = self._asks_them(start, end)
        if not asks and _AT_STAKE.search(judged, start, end):
            return False  # "I'm stuck choosing between two portfolio projects."
        if _THANKS_FOR_READING.search(judged, start, end):
            return True  # "I am very grateful that you are reading this at all."
        if _STRICT_TOPIC.search(self.residue, start, end) or any(
            _overlapping(span, self.spans[name])
            for name in ("career_favor", "sizable_favor")
            if not all(_VAGUE_FAVOR.search(self.prepared.judged, s, e)
                       for s, e in _overlapping(span, self.spans[name]))
        ):
            return False  # a topic, or a concrete favor ("look over my resume and refer me")
        if any(
            _overlapping(span, self.spans[name])
            for name in ("small_talk", "credential_reason", "generic_praise", "seeker")
        ):
            return True
        # Where the sentence starts once the greeting and the name are blanked ("Hi Dr.
        # Alvarez, I am a marketing professional with 8+ years...").
        begin = start + len(self.residue[start:end]) - len(self.residue[start:end].lstrip(" \t,"))
        if _ABOUT_SOMEONE.match(judged, begin) and _CREDENTIALS.search(judged, start, end):
            return True
        if any(_overlapping(span, self.spans[name]) for name in ("call_request", "pick_brain",
                                                                "presence")):
            # The request itself: "could I come by the restaurant to chat?" is context, but
            # "can you approve my PTO request when you get a sec?" carries its topic. What the
            # sender hopes to get ("a mentoring call", "hear about your career journey") is
            # no topic either.
            return len(self._topic_left(start, end)) < 2
        # "you're a senior at Vercel right?" asks nothing but whether the sender has who is who
        # right.
        checks_who = bool(_CHECKS_WHO.match(judged, begin, end))
        if (
            (asks and not checks_who)
            or not (self.spans.found("call_request") or self.spans.found("pick_brain"))
            or not _latin(judged, start, end)
        ):
            return False
        # A statement of who is who, in other words: "Senior Staff at Google is a huge
        # achievement!", "Tom Reyes mentioned you two worked together at Deloitte". Names of
        # people, firms, schools and titles are written with capitals; what is left, once words
        # about someone's standing are taken out too, names no topic.
        rest = self._topic_left(start, end, names_from=begin)
        if len(rest) < 2:
            # Names and standing said something of who someone is (not a bare "Hi Carmen,");
            # courtesy says nothing of anyone, and in small talk ("hope the new job is all you
            # hoped") it is no reason given for a favor.
            courtesy = _data.word_lists()["courtesy"]
            said = sum(_key(w) not in courtesy for w in self._topic_words(start, end)) - len(rest)
            self.who_is_who = self.who_is_who or (said >= 2 and not self.chatty)
            return True
        return False

    def _real_questions(self) -> list[Span]:
        """Sentences that ask something with a topic, not 'got a minute?' or 'how are you?'."""
        life = _data.word_lists()["life"]
        judged = self.prepared.judged
        found = []
        for start, end in self.sentences:
            if not judged[start:end].rstrip().endswith("?"):
                continue
            topic = self._topic_words(start, end)
            if self._asks_after_them(start, end, topic):
                topic = [w for w in topic if _key(w) not in life]
            if len(topic) >= 2 or (topic and len(topic[0]) >= 4):
                found.append((start, end))
        return found

    def _asks_about_their_work(self) -> bool:
        """A real question to the recipient that is not itself a favor."""
        favors = self.spans["career_favor"] + self.spans["sizable_favor"]
        return any(not _overlaps(span, favors) for span in self.questions)

    def _favor(self) -> bool:
        """Does the message ask a favor that mainly serves the sender?"""
        if (self.spans["career_favor"] or self.spans["sizable_favor"]) and self.request:
            return True
        if self.spans.found("pick_brain") and not self.specific_interest:
            return True
        # Access through the reader's people, for the sender: "could you ask your friend at the
        # embassy to speed up my visa?", "share my launch post with your followers".
        folded = self.prepared.folded
        if not self.spans.found("coordination") and any(
            _FOR_ME.search(folded, s, e) and _THEIR_PEOPLE.search(folded, s, e)
            for s, e in self._requests()
        ):
            return True
        # A chat asked for on the strength of who is who (title, school, praise, being new to
        # the field) serves the sender: nothing of the recipient's is engaged with.
        generic_reason = self.who_is_who or any(
            self.spans.found(n) for n in ("generic_praise", "credential_reason", "seeker")
        ) or any(
            # Who the sender is counts, but not a neighbour's "it's Joan from church".
            not _IT_IS.match(self.prepared.folded, start) for start, _ in self.spans["small_talk"]
        )
        if self.spans.found("call_request") and generic_reason and not self.specific_interest:
            return True
        # Anything asked for oneself on the strength of the recipient's title or employer only
        # ("Since you're a lawyer, could you draft a demand letter for me?").
        return (
            self.spans.found("credential_reason")
            and not self.specific_interest
            and not self.spans.found("coordination")
            and any(_FOR_ME.search(self.prepared.folded, s, e) for s, e in self._requests())
        )

    def _requests(self) -> list[Span]:
        """Sentences that ask something of the reader."""
        judged = self.prepared.judged
        return [
            (start, end) for start, end in self.sentences
            if judged[start:end].rstrip().endswith("?")
            or _overlapping((start, end), self.spans["request_cue"])
        ]

    def _ask(self) -> AskKind:
        if self.favor:
            return "mixed" if self.specific_interest else "transactional"
        if self.specific_interest:
            return "genuine"
        if self.spans.found("offer") and not self.spans.found("coordination"):
            return "genuine"
        return "none"

    # -- conditions ----------------------------------------------------------------------

    def has(self, name: str) -> bool:
        derived: dict[str, Callable[[], bool]] = {
            "favor": lambda: self.favor,
            "specific_interest": lambda: self.specific_interest,
            "real_question": lambda: bool(self.questions),
            "opener": lambda: self.opener,
            "request": lambda: self.request,
        }
        if name in derived:
            return derived[name]()
        return self.spans.found(name)

    def holds(self, rule: Rule) -> bool:
        when = rule.when
        if when.bare_ping is not None and when.bare_ping != self.bare_ping:
            return False
        if when.ask is not None and self.ask not in when.ask:
            return False
        return all(self.has(n) for n in when.present) and not any(
            self.has(n) for n in when.absent
        )


# --- rule kinds -----------------------------------------------------------------------------


def _whole(facts: _Facts, rule: Rule) -> list[Span]:
    return [(0, len(facts.prepared.original))]


def _existence(facts: _Facts, rule: Rule) -> list[Span]:
    assert rule.pattern is not None
    if rule.signal is not None:
        spans = list(facts.spans[rule.signal])
    else:
        spans = rule.pattern.spans(facts.prepared.folded)
    if rule.unless_nearby is not None:
        spans = [s for s in spans if not _reason_nearby(facts, s, rule.unless_nearby)]
    return spans


def _reason_nearby(facts: _Facts, span: Span, phrases: _phrases.Phrases) -> bool:
    """Is there a match of ``pattern`` in the sentence of ``span`` or the one next to it?"""
    sentences = facts.sentences
    starts = facts.sentence_starts
    # The first sentence that holds the span's start, or else its end.
    candidates = []
    i = bisect.bisect_right(starts, span[0]) - 1
    if i >= 0 and span[0] < sentences[i][1]:
        candidates.append(i)
    i = bisect.bisect_left(starts, span[1]) - 1
    if i >= 0 and span[1] <= sentences[i][1]:
        candidates.append(i)
    if not candidates:
        return False
    i = min(candidates)
    lo = sentences[max(i - 1, 0)][0]
    hi = sentences[min(i + 1, len(sentences) - 1)][1]
    return bool(phrases.pattern.search(facts.prepared.folded, lo, hi))


def _absence(facts: _Facts, rule: Rule) -> list[Span]:
    if any(facts.has(name) for name in rule.signals):
        return []
    return _whole(facts, rule)


def _ratio(facts: _Facts, rule: Rule) -> list[Span]:
    lists = _data.word_lists()
    counts = Counter(WORD.findall(facts.prepared.folded.replace("’", "'")))
    mine = sum(n for w, n in counts.items() if w in lists["self"])
    theirs = sum(n for w, n in counts.items() if w in lists["other"])
    if mine >= rule.self_min and mine >= rule.ratio * max(theirs, 1):
        return _whole(facts, rule)
    return []


def _question(facts: _Facts, rule: Rule) -> list[Span]:
    return list(facts.questions)


_KINDS: dict[str, Callable[[_Facts, Rule], list[Span]]] = {
    "verdict": _whole,
    "existence": _existence,
    "absence": _absence,
    "ratio": _ratio,
    "question": _question,
}


def analyze(text: str, *, rules: Iterable[Rule] | None = None) -> Report:
    """Judge one message: is it a bare ping, what kind of ask, and what to change.

    ``text`` is plain text or Markdown. Code, quoted lines, URLs and mentions are not judged as
    the sender's words, but every finding's span indexes ``text`` itself.
    """
    if not isinstance(text, str):
        raise TypeError(f"analyze() takes a str, not {type(text).__name__}")
    facts = _Facts(prepare(text))
    findings = []
    for rule in _data.rules() if rules is None else rules:
        if not facts.holds(rule):
            continue
        for start, end in _KINDS[rule.kind](facts, rule):
            findings.append(
                Finding(
                    rule_id=rule.id,
                    principle=rule.principle,
                    start=start,
                    end=end,
                    excerpt=text[start:end],
                    message=rule.message,
                    explanation=rule.explanation,
                    suggestion=rule.suggestion,
                    severity=rule.severity,
                )
            )
    findings.sort(key=lambda f: (f.start, -f.end, f.rule_id))
    return Report(text=text, bare_ping=facts.bare_ping, ask=facts.ask, findings=tuple(findings))


def explain(text: str) -> dict[str, Any]:
    """The facts behind a report, for debugging rules: which signals matched where."""
    facts = _Facts(prepare(text))
    return {
        "signals": {
            name: [text[s:e] for s, e in facts.spans[name]]
            for name in _data.signals()
            if facts.spans[name]
        },
        "content_words": facts.content_words,
        "opener": facts.opener,
        "request": facts.request,
        "questions": [text[s:e] for s, e in facts.questions],
        "specific_interest": facts.specific_interest,
        "favor": facts.favor,
        "bare_ping": facts.bare_ping,
        "ask": facts.ask,
    }
