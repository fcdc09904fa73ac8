"""The fast phrase matcher finds exactly what the plain alternation finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labeled import load
from warmline import _data, _phrases

SPLITS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6")
TEXTS = [item.text.lower() for split in SPLITS for item in load(split)]
SIGNALS = _data.signal_table()


def plain(alternatives: list[str]) -> re.Pattern[str]:
    """The pattern as it was before factoring: one alternative after the other."""
    return re.compile(
        f"{_phrases._START}(?=\\S)(?:{'|'.join(alternatives)}){_phrases._END}"
    )


def finditer_spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", list(SIGNALS))
def test_every_signal_matches_what_its_plain_alternation_matches(name: str) -> None:
    signal = SIGNALS[name]
    for phrases, fast in ((signal.english, signal.english_phrases.pattern),
                          (signal.english + signal.other, signal.phrases.pattern)):
        slow = plain(_data.phrase_alternatives(phrases))
        assert fast.pattern != slow.pattern  # factored, or this compares a thing to itself
        for text in TEXTS:
            assert finditer_spans(fast, text) == finditer_spans(slow, text), text


def test_spans_are_what_finditer_finds() -> None:
    # Messages joined in several ways, so that words start after spaces, line breaks,
    # brackets, quotes, emoji and accented letters, and at the very start of the text.
    joiners = [" ", "\n", "\n\n", " (", '"', "👋", "é", "—", "\t", "-", "'", "内"]
    text = "".join(t + joiners[i % len(joiners)] for i, t in enumerate(TEXTS))
    for name, signal in SIGNALS.items():
        for phrases in (signal.english_phrases, signal.phrases):
            assert phrases.spans(text) == finditer_spans(phrases.pattern, text), name
            assert phrases.found(text) == bool(phrases.pattern.search(text)), name


@pytest.mark.parametrize(
    ("alternatives", "text"),
    [
        (["hey", r"hey\s+there"], "hey there"),  # order kept: the shorter one wins
        ([r"hey\s+there", "hey"], "hey there"),
        (["ab", "", "ac"], "ac ab a"),  # an empty alternative between two of the same key
        ([r"(?:the\s+|your\s+)?(?:pr|build)", "pull"], "your pr the build pull"),
        ([r"[\w-]+'s\s+friend", "bob", r"\d+\s+pages"], "bob's friend 40 pages bob"),
        ([r"x+y", "xz", r"x{2,3}q"], "xxy xz xxq xxxxq"),
        ([r"(?:ab){1,2}c", "abd"], "abc ababc abd"),
        ([r"h+i+", r"hi\?", r"\?+"], "hiii hi? ??? h"),
        (["a.?b", "[bp]ad", "c"], "ab axb bad pad c"),
        ([r"(?!no)\w+ed", "noted"], "noted wanted"),
        ([r"a??b", "ab"], "ab b"),  # a lazy quantifier: the alternative is kept as it is
    ],
)
def test_factoring_keeps_matches_and_preferences(alternatives: list[str], text: str) -> None:
    phrases = _phrases.Phrases(alternatives)
    assert finditer_spans(phrases.pattern, text) == finditer_spans(plain(alternatives), text)
    assert phrases.spans(text) == finditer_spans(plain(alternatives), text)


def test_factoring_groups_by_first_character() -> None:
    assert _phrases.factor(["hey", "hi", "yo"]) == "h(?:ey|i)|yo"


# Alternatives built from the constructs the signal phrases use.
atoms = st.sampled_from(["a", "b", "ab", "ba", r"\s+", "[ab]", r"\d", r"[\w-]", "'", r"\?"])
quantifiers = st.sampled_from(["", "", "", "?", "+", "*", "{0,2}", "{1,2}"])
piece = st.builds(lambda a, q: f"(?:{a}){q}" if len(a) > 1 and q else a + q, atoms, quantifiers)
alternative = st.lists(piece, min_size=1, max_size=4).map("".join)
group = st.lists(alternative, min_size=1, max_size=3).map(lambda xs: f"(?:{'|'.join(xs)})")
phrase = st.lists(st.one_of(piece, group, group.map(lambda g: g + "?")), min_size=1,
                  max_size=3).map("".join)
texts = st.text(alphabet="ab ?1-'\n_c", max_size=40)


@given(st.lists(phrase, min_size=1, max_size=8), texts)
@settings(max_examples=400, deadline=None)
def test_factoring_matches_like_the_plain_alternation(alternatives: list[str], text: str) -> None:
    phrases = _phrases.Phrases(alternatives)
    expected = finditer_spans(plain(alternatives), text)
    assert finditer_spans(phrases.pattern, text) == expected
    assert phrases.spans(text) == expected
    assert phrases.found(text) == bool(expected)


@given(st.lists(phrase, min_size=1, max_size=6), texts)
@settings(max_examples=150, deadline=None)
def test_long_texts_are_searched_like_finditer(alternatives: list[str], text: str) -> None:
    phrases = _phrases.Phrases(alternatives)
    long_text = (text + " ") * (_phrases.LONG // (len(text) + 1) + 1)
    assert phrases.spans(long_text) == finditer_spans(phrases.pattern, long_text)


def test_english_lines_are_matched_against_english_phrases_only() -> None:
    from warmline._analyzer import _Spans

    text = "could you refer me please\nme podrías recomendar para el puesto?"
    spans = _Spans(text)
    found = [text[s:e] for s, e in spans["career_favor"]]
    assert "refer me" in found
    assert any("recomendar" in f for f in found)
    assert spans.english.startswith("could you refer me") and "podr" not in spans.english
    assert spans.other.startswith("_") and "podr" in spans.other


def test_a_phrase_never_ends_or_starts_at_a_vowel_sign() -> None:
    # "আছ" is the start of "আছেন": the vowel sign "ে" belongs to the word, as letters do.
    text = "নমস্কার দাদা, কেমন আছেন?"
    assert _phrases.Phrases(["আছ"]).spans(text) == []
    assert [text[s:e] for s, e in _phrases.Phrases(["কেমন আছেন"]).spans(text)] == ["কেমন আছেন"]
    # Thai is written without spaces: a phrase may end inside a run of Thai.
    thai = "สวัสดีครับพี่"
    assert [thai[s:e] for s, e in _phrases.Phrases(["สวัสดีครับ"]).spans(thai)] == ["สวัสดีครับ"]


def test_a_union_tries_phrases_that_start_with_any_word_last() -> None:
    assert _phrases.starts_with_a_letter("(?:hi|hey) there")
    assert not _phrases.starts_with_a_letter("(?:[\\w-]+ )?gave me your number")
    assert not _phrases.starts_with_a_letter("\\d+ years")
    union = _data.signal_union(("small_talk", "greeting"))
    assert union.any_order and not SIGNALS["small_talk"].any_order
    alternatives = _phrases.branches(union.english_phrases.alternation)
    firsts = [_phrases.starts_with_a_letter(a) for a in alternatives]
    assert False in firsts and firsts == sorted(firsts, reverse=True)


def test_lines_in_other_languages_are_searched_in_place() -> None:
    from warmline._analyzer import _EMPTY_SIGNALS, _Spans

    text = "hey team\nhola, ¿qué tal?\nthe deploy is at 5\nbonjour, ça va ?"
    spans = _Spans(text)
    found = [text[s:e] for s, e in spans.union(_EMPTY_SIGNALS)]
    assert "hola" in found and "bonjour" in found and "hey" in found
    assert all("\n" not in f for f in found)
    # The union of every phrase in every language is never compiled: it takes seconds.
    assert "phrases" not in _data.signal_union(_EMPTY_SIGNALS).__dict__


def test_a_large_pattern_gets_no_more_patterns_for_long_texts() -> None:
    words = [f"w{i}x{i}" for i in range(20_000)]
    phrases = _phrases.Phrases(words)
    assert len(phrases.source) >= _phrases._LARGE
    long_text = "w5x5 hello " * (_phrases.LONG // 10)
    for _ in range(3):
        assert phrases.spans(long_text)[:1] == [(0, 4)]
    assert "_long_scanners" not in phrases.__dict__
