"""Loading warmline's data files: principles, signals, word lists and rules.

Everything is validated on load. A malformed file raises :class:`DataFileError` naming the file
and the key, so a course author who adds a rule or a signal learns at once what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from . import _phrases
from ._errors import DataFileError
from ._models import SEVERITIES, Severity

DATA = Path(str(resources.files("warmline") / "data"))

RULE_KINDS = ("verdict", "existence", "absence", "ratio", "question")

# Facts the analyzer derives from the signals; conditions may name them like signals.
DERIVED_FACTS = ("favor", "specific_interest", "real_question", "opener", "request")


def _loader() -> type[yaml.SafeLoader]:
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning every failure into a :class:`DataFileError`."""
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.load(f, Loader=_loader())
    except FileNotFoundError:
        raise DataFileError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(path, f"cannot read: {e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise DataFileError(path, f"not valid YAML{where}: {problem}") from None


def check_keys(
    path: Path, data: Mapping[str, Any], required: Iterable[str], optional: Iterable[str] = ()
) -> None:
    """Fail on a missing required key or on any key not in ``required`` or ``optional``."""
    required = tuple(required)
    allowed = set(required) | set(optional)
    for key in data:
        if key not in allowed:
            raise DataFileError(path, "unknown key", key=str(key))
    for key in required:
        if key not in data:
            raise DataFileError(path, "missing required key", key=key)


def expect(path: Path, key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _tuple(kind)):
        raise DataFileError(path, f"must be {what}, not {type(value).__name__}", key=key)
    if isinstance(value, str) and not value.strip():
        raise DataFileError(path, "must not be empty", key=key)
    return value


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def expect_str_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise DataFileError(path, "must be a non-empty list of strings", key=key)
    for i, item in enumerate(value):
        expect(path, f"{key}[{i}]", item, str, "a string")
    return tuple(value)


# --- principles ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Principle:
    id: str
    title: str
    summary: str


@lru_cache(maxsize=1)
def principles() -> dict[str, Principle]:
    """The article's principles by id (``P1`` .. ``P6``), in order."""
    path = DATA / "principles.yaml"
    data = read_yaml(path)
    if not isinstance(data, list) or not data:
        raise DataFileError(path, "must be a non-empty list of principles")
    result: dict[str, Principle] = {}
    for i, item in enumerate(data):
        where = f"[{i}]"
        if not isinstance(item, dict):
            raise DataFileError(path, "must be a mapping", key=where)
        check_keys(path, item, ("id", "title", "summary"))
        pid = expect(path, f"{where}.id", item["id"], str, "a string")
        if not re.fullmatch(r"P\d+", pid) or pid in result:
            raise DataFileError(path, f"bad or repeated id {pid!r}", key=f"{where}.id")
        result[pid] = Principle(
            pid,
            expect(path, f"{where}.title", item["title"], str, "a string"),
            expect(path, f"{where}.summary", item["summary"], str, "a string"),
        )
    return result


def check_principle(path: Path, key: str, value: Any) -> str:
    expect(path, key, value, str, "a principle id")
    if value not in principles():
        known = ", ".join(principles())
        raise DataFileError(path, f"unknown principle {value!r} (known: {known})", key=key)
    return str(value)


# --- signals and words --------------------------------------------------------------------


def compile_phrases(path: Path, key: str, patterns: Iterable[str]) -> _phrases.Phrases:
    """Phrases matching any of ``patterns``, case-insensitively, as whole words."""
    patterns = list(patterns)
    check_patterns(path, key, patterns)
    return _phrases.Phrases(phrase_alternatives(patterns))


def check_patterns(path: Path, key: str, patterns: list[str]) -> None:
    """Every pattern must be a regular expression: one compile for all, and on an error, one
    for each, to name the bad one."""
    try:
        re.compile("|".join(f"(?:{p})" for p in patterns))
        return
    except re.error:
        pass
    for i, p in enumerate(patterns):
        try:
            re.compile(p)
        except re.error as e:
            raise DataFileError(
                path, f"bad regular expression {p!r}: {e}", key=f"{key}[{i}]"
            ) from None


def phrase_alternatives(patterns: Iterable[str]) -> list[str]:
    """Phrases as the alternatives of one lower-case pattern, in order of preference."""
    # Longest first, so that "hey there" wins over "hey" at the same position.
    alternation = "|".join(sorted(patterns, key=len, reverse=True))
    # A space in a phrase stands for any run of blanks, line breaks included: code spans and
    # URLs are blanked to spaces before matching.
    alternation = alternation.replace(" ?", r"\s*").replace(" ", r"\s+")
    # Signals are matched against lower-cased text (twice as fast as re.IGNORECASE), so the
    # phrases are lower-cased too, escapes such as \S left alone.
    alternation = re.sub(r"(\\.)|([^\W\d_])", lambda m: m.group(1) or m.group(2).lower(),
                         alternation)
    return _phrases.branches(alternation)


# Where a signal's phrases come from: the file, the key, the phrases (to name a bad one).
Source = tuple[Path, str, list[str]]


class Signal:
    """A signal's phrases, in English and in other languages.

    Phrases are compiled when first used, once; a pattern that does not compile is then named
    with its file and key (checking them all up front would compile every phrase twice).
    """

    def __init__(
        self,
        name: str,
        english: list[str],
        other: list[str],
        sources: list[Source] | None = None,
        *,
        any_order: bool = False,
    ) -> None:
        self.name = name
        self.english = english
        self.other = other
        self.sources = sources or []
        # Whether only where phrases match counts, not which one matches (see signal_union).
        self.any_order = any_order

    @cached_property
    def english_phrases(self) -> _phrases.Phrases:
        """The English phrases only: enough for text with no other language in it."""
        if not self.other:
            return self.phrases
        return self._compiled(self.english)

    @cached_property
    def phrases(self) -> _phrases.Phrases:
        """Every phrase, in every language."""
        return self._compiled(self.english + self.other)

    def _compiled(self, patterns: list[str]) -> _phrases.Phrases:
        try:
            alternatives = phrase_alternatives(patterns)
            if self.any_order:
                alternatives.sort(key=lambda p: not _phrases.starts_with_a_letter(p))
            return _phrases.Phrases(alternatives, on_error=self._name_bad_pattern)
        except _phrases.Unsupported:
            self._name_bad_pattern()
            raise

    def _name_bad_pattern(self) -> None:
        """Raise a DataFileError that names the phrase that does not compile, and where."""
        for path, key, group in self.sources:
            check_patterns(path, key, group)


class _Patterns(Mapping[str, re.Pattern[str]]):
    """Signal names to their patterns (all languages), compiled on first use."""

    def __getitem__(self, name: str) -> re.Pattern[str]:
        return signal_table()[name].phrases.pattern

    def __iter__(self) -> Iterator[str]:
        return iter(signal_table())

    def __len__(self) -> int:
        return len(signal_table())


def signals() -> Mapping[str, re.Pattern[str]]:
    """Every signal's pattern, in all languages."""
    return _Patterns()


@lru_cache(maxsize=1)
def signal_table() -> dict[str, Signal]:
    """Every signal of ``signals.yaml``, with its phrases from ``signals-languages.yaml``."""
    path = DATA / "signals.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict) or not data:
        raise DataFileError(path, "must be a mapping of signal names to signals")
    table: dict[str, Signal] = {}
    for name, item in data.items():
        if not isinstance(item, dict):
            raise DataFileError(path, "must be a mapping", key=str(name))
        check_keys(path, item, ("description", "patterns"))
        expect(path, f"{name}.description", item["description"], str, "a string")
        key = f"{name}.patterns"
        english = list(expect_str_list(path, key, item["patterns"]))
        table[str(name)] = Signal(str(name), english, [], [(path, key, english)])
    # Other languages: more phrasings of the same signals, kept apart so that text in English
    # is matched against English phrases only (less to compile, less to try).
    path = DATA / "signals-languages.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "must be a mapping of signal names to lists of phrases")
    for name, items in data.items():
        if name not in table:
            raise DataFileError(path, f"unknown signal {name!r} (add it to signals.yaml first)",
                                key=str(name))
        other = list(expect_str_list(path, str(name), items))
        table[name].other = other
        table[name].sources.append((path, str(name), other))
    return table


@cache
def signal_union(names: tuple[str, ...]) -> Signal:
    """One signal with the phrases of all of ``names``, found in one search.

    Only where a phrase matches counts (the union blanks words), not which phrase: phrases that
    may start with any word go last, so that one test of the first character rules out all the
    others at most words.
    """
    table = signal_table()
    return Signal(
        "+".join(names),
        [p for name in names for p in table[name].english],
        [p for name in names for p in table[name].other],
        [source for name in names for source in table[name].sources],
        any_order=True,
    )


_GREETING_SIGNALS = frozenset({"greeting", "pleasantry", "check_in", "presence", "courtesy"})


@lru_cache(maxsize=1)
def other_language_words() -> _phrases.Phrases:
    """Words that show that a line is not (only) in English (so do letters outside a-z).

    Each word of two letters or more from the phrases in other languages that is not in an
    English word list of ``words.yaml`` or in an English phrase (but for greetings and small
    talk, whose lists hold a few greetings of other languages).
    """
    lists = word_lists()
    # The English phrases of signals other than greetings and small talk, which hold greetings
    # of other languages too ("ciao", "hola").
    english = lists["filler"] | lists["life"] | lists["work"] | lists["english"] | {
        w for name, signal in signal_table().items() if name not in _GREETING_SIGNALS
        for p in signal.english for w in re.findall(r"[a-z]{2,}", p.lower())
    }
    other = {
        w for signal in signal_table().values() for p in signal.other
        for w in re.findall(r"(?<![\\\[a-z])[a-z]{2,}(?![a-z\]])", p.lower())
    } - english
    return _phrases.Phrases(sorted(other, key=len, reverse=True))


class Words(frozenset[str]):
    """A word list that holds the forms people write too: "surfing" and "surfed" if it holds
    "surf", "living" if "live", "running" if "run", "youuu" if "you", "week's" if "week" and,
    unless ``plurals`` is false, "trips" if "trip" and "parties" if "party". The forms are
    made when the list is, so that looking a word up stays a set lookup; words are looked up
    lower-cased, with straight apostrophes."""

    plurals = True

    def __new__(cls, words: Iterable[str] = ()) -> Words:
        forms: set[str] = set()
        for word in words:
            forms.update(cls._forms(word))
        return super().__new__(cls, forms)

    @classmethod
    def _forms(cls, word: str) -> Iterator[str]:
        yield word
        yield word + "'s"
        yield word + "s'"
        if 2 <= len(word) <= 8 and word[-1].isalpha():
            for n in range(1, 5):  # stretched: "youuu", "heyyy", "sooo"
                yield word + word[-1] * n
        if len(word) < 3 or not word.isalpha():
            return
        if word.endswith("e"):
            yield word[:-1] + "ing"  # "living"
            if len(word) >= 4:
                yield word + "d"  # "lived"
        else:
            yield word + "ing"
            yield word + "ed"
        if word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and len(word) <= 4:
            yield word + word[-1] + "ing"  # "running"
            yield word + word[-1] + "ed"
        if cls.plurals:
            if word.endswith("y") and word[-2] not in "aeiou":
                yield word[:-1] + "ies"  # "parties"
            elif word.endswith(("s", "x", "z", "ch", "sh")):
                yield word + "es"
            else:
                yield word + "s"


class Fillers(Words):
    """Fillers are function and chit-chat words: their plurals may name a topic ("hands")."""

    plurals = False


@lru_cache(maxsize=1)
def word_lists() -> dict[str, Words]:
    path = DATA / "words.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "must be a mapping of list names to words")
    check_keys(path, data, ("filler", "life", "work", "english", "self", "other", "standing",
                            "courtesy"))
    return {
        key: (Fillers if key == "filler" else Words)(
            expect(path, key, value, str, "a string of words").lower().split()
        )
        for key, value in data.items()
    }


@lru_cache(maxsize=1)
def other_fillers() -> Fillers:
    """Words of other languages that carry no topic (``words-languages.yaml``), all languages
    in one list: they are looked up on lines in another language only."""
    return load_other_fillers(DATA / "words-languages.yaml")


def load_other_fillers(path: Path) -> Fillers:
    data = read_yaml(path)
    if not isinstance(data, dict) or not data:
        raise DataFileError(path, "must be a mapping of language codes to words")
    words: set[str] = set()
    for key, value in data.items():
        words.update(expect(path, str(key), value, str, "a string of words").lower().split())
    return Fillers(words)


# --- rules --------------------------------------------------------------------------------

_RULE_REQUIRED = ("id", "kind", "severity", "principle", "message", "explanation", "examples")
_RULE_OPTIONAL = ("suggestion", "when", "signal", "patterns", "unless_nearby", "signals",
                  "self_min", "ratio")
_KIND_KEYS = {
    "verdict": set(),
    "existence": {"signal", "patterns", "unless_nearby"},
    "absence": {"signals"},
    "ratio": {"self_min", "ratio"},
    "question": set(),
}
_WHEN_KEYS = ("bare_ping", "ask", "present", "absent")


@dataclass(frozen=True, slots=True)
class Condition:
    bare_ping: bool | None = None
    ask: frozenset[str] | None = None
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    severity: Severity
    principle: str
    message: str
    explanation: str
    suggestion: str | None
    when: Condition
    pattern: _phrases.Phrases | None
    signal: str | None  # the signal ``pattern`` comes from, if any: its matches are known already
    unless_nearby: _phrases.Phrases | None
    signals: tuple[str, ...]
    self_min: int
    ratio: float
    flag_examples: tuple[str, ...]
    pass_examples: tuple[str, ...]
    path: Path


def _fact_names() -> set[str]:
    return set(signals()) | set(DERIVED_FACTS)


def _signal_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    names = expect_str_list(path, key, value)
    for name in names:
        if name not in _fact_names():
            raise DataFileError(path, f"unknown signal or fact {name!r}", key=key)
    return names


def _condition(path: Path, value: Any) -> Condition:
    if value is None:
        return Condition()
    if not isinstance(value, dict):
        raise DataFileError(path, "must be a mapping", key="when")
    check_keys(path, value, (), _WHEN_KEYS)
    ask = None
    if "ask" in value:
        kinds = expect_str_list(path, "when.ask", value["ask"])
        for k in kinds:
            if k not in ("none", "genuine", "mixed", "transactional"):
                raise DataFileError(path, f"unknown ask kind {k!r}", key="when.ask")
        ask = frozenset(kinds)
    bare = value.get("bare_ping")
    if bare is not None and not isinstance(bare, bool):
        raise DataFileError(path, "must be true or false", key="when.bare_ping")
    return Condition(
        bare_ping=bare,
        ask=ask,
        present=_signal_list(path, "when.present", value["present"]) if "present" in value else (),
        absent=_signal_list(path, "when.absent", value["absent"]) if "absent" in value else (),
    )


def _pattern(path: Path, data: Mapping[str, Any], key: str) -> _phrases.Phrases | None:
    """A rule's phrases: the name of a signal, or a list of its own."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        if value not in signal_table():
            raise DataFileError(path, f"unknown signal {value!r}", key=key)
        return signal_table()[value].phrases
    return compile_phrases(path, key, expect_str_list(path, key, value))


def load_rule(path: Path, rules_root: Path) -> Rule:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "a rule file must be a mapping")
    check_keys(path, data, _RULE_REQUIRED, _RULE_OPTIONAL)
    rule_id = expect(path, "id", data["id"], str, "a string")
    expected_id = ".".join(path.relative_to(rules_root).with_suffix("").parts)
    if rule_id != expected_id:
        raise DataFileError(path, f"id {rule_id!r} must match the path: {expected_id!r}", key="id")
    kind = expect(path, "kind", data["kind"], str, "a string")
    if kind not in RULE_KINDS:
        raise DataFileError(path, f"unknown kind {kind!r} (known: {', '.join(RULE_KINDS)})",
                            key="kind")
    for key in set(_RULE_OPTIONAL) - {"suggestion", "when"}:
        if key in data and key not in _KIND_KEYS[kind]:
            raise DataFileError(path, f"not a key of a {kind!r} rule", key=key)
    severity = expect(path, "severity", data["severity"], str, "a string")
    if severity not in SEVERITIES:
        raise DataFileError(path, f"unknown severity {severity!r}", key="severity")
    suggestion = data.get("suggestion")
    if suggestion is not None:
        expect(path, "suggestion", suggestion, str, "a string")
    pattern = _pattern(path, data, "signal") or _pattern(path, data, "patterns")
    if kind == "existence" and pattern is None:
        raise DataFileError(path, "an existence rule needs 'signal' or 'patterns'", key="signal")
    if kind == "existence" and "signal" in data and "patterns" in data:
        raise DataFileError(path, "give 'signal' or 'patterns', not both", key="patterns")
    if kind == "absence" and "signals" not in data:
        raise DataFileError(path, "an absence rule needs 'signals'", key="signals")
    examples = data["examples"]
    if not isinstance(examples, dict):
        raise DataFileError(path, "must be a mapping with 'flag' and 'pass'", key="examples")
    check_keys(path, examples, ("flag", "pass"))
    self_min = data.get("self_min", 4)
    ratio = data.get("ratio", 3.0)
    expect(path, "self_min", self_min, int, "an integer")
    expect(path, "ratio", ratio, (int, float), "a number")
    return Rule(
        id=rule_id,
        kind=kind,
        severity=severity,
        principle=check_principle(path, "principle", data["principle"]),
        message=expect(path, "message", data["message"], str, "a string").strip(),
        explanation=" ".join(expect(path, "explanation", data["explanation"], str,
                                    "a string").split()),
        suggestion=" ".join(suggestion.split()) if suggestion else None,
        when=_condition(path, data.get("when")),
        pattern=pattern,
        signal=data.get("signal"),
        unless_nearby=_pattern(path, data, "unless_nearby"),
        signals=_signal_list(path, "signals", data["signals"]) if "signals" in data else (),
        self_min=self_min,
        ratio=float(ratio),
        flag_examples=expect_str_list(path, "examples.flag", examples["flag"]),
        pass_examples=expect_str_list(path, "examples.pass", examples["pass"]),
        path=path,
    )


def load_rules(root: Path) -> tuple[Rule, ...]:
    """Every rule under ``root`` (one YAML file each), ordered by id."""
    if not root.is_dir():
        raise DataFileError(root, "rules folder not found")
    rules = tuple(load_rule(p, root) for p in sorted(root.rglob("*.yaml")))
    if not rules:
        raise DataFileError(root, "no rules found")
    return tuple(sorted(rules, key=lambda r: r.id))


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The rules shipped with warmline."""
    return load_rules(DATA / "rules")
