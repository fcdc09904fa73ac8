"""Properties that hold for any input, and inputs built to make regexes backtrack."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmline import _text, analyze

# Any text, mixed with the pieces the analyzer treats specially: markup, quotes, mentions,
# greetings and phrases that trigger rules.
chat_text = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(list("`>*_~:<@!?#|\n ")),
        st.sampled_from(["hey ", "hi ", "pick your brain ", "refer me ", "your talk on ",
                         "```\n", "> ", "<@U1>", ":wave:", "https://x.y/z ", "ASAP!!! ",
                         "Hi Ana,\n", "no worries if not", "I tried ", "?"]),
    ),
    max_size=40,
).map("".join)


@given(chat_text)
@settings(max_examples=300, deadline=None)
def test_never_raises_spans_in_bounds_and_ordered(text: str) -> None:
    report = analyze(text)
    assert isinstance(report.bare_ping, bool)
    assert report.ask in ("none", "genuine", "mixed", "transactional")
    keys = []
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.excerpt == text[f.start : f.end]
        keys.append((f.start, -f.end, f.rule_id))
    assert keys == sorted(keys)


@given(chat_text)
@settings(max_examples=100, deadline=None)
def test_deterministic(text: str) -> None:
    assert analyze(text) == analyze(text)


ADVERSARIAL = {
    "repeated words": "hey " * 5000,
    "repeated phrase": "could you please pick your brain about " * 1000,
    "spaces": " " * 40000,
    "spaces between letters": "a " * 20000 + "?",
    "punctuation": "?!.," * 10000,
    "question marks": "?" * 40000,
    "emoji": "👋🙏😊" * 10000,
    "backticks": "`" * 20001,
    "quotes": "> " * 20000,
    "mentions": "<@" * 20000,
    "shortcodes": ":a" * 20000,
    "capitalised words": "Hi Ana Bo Cy Di " * 4000,
    "dashes": "-" * 40000,
    "long word": "x" * 40000,
    "newlines": "hi\n" * 13000,
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_input_is_linear(name: str) -> None:
    # 40 KB of the worst repeated patterns. A linear analyzer takes well under a second here;
    # a pattern that backtracks catastrophically would take minutes or forever. Two shorter
    # texts of the same kind first: the patterns a kind of text needs (the phrases of every
    # language for a text that looks foreign, more patterns from the second long text on) are
    # compiled once per process, in seconds, and that is not what this test measures.
    text = ADVERSARIAL[name]
    for _ in range(2):
        analyze(text[: len(text) // 2])
    start = time.perf_counter()
    analyze(text)
    assert time.perf_counter() - start < 5.0, f"{name}: analyze took too long"


# The markup patterns of warmline._text are written to be found fast; these are their plain
# forms, which they must blank exactly like.
_PLAIN_URL = re.compile(r"<?(?:https?://|www\.)[^\s<>|]+>?", re.IGNORECASE)
_PLAIN_MENTION = re.compile(r"(?<![\w@])@[\w.\-]{1,40}")
_PLAIN_EMPHASIS = re.compile(r"(?<!\w)[*_~]+|[*_~]+(?!\w)")
# One line that starts with a letter: no Markdown block structure to think about.
markup_text = st.text(alphabet="ab_*~ @<>|hHwW.:/tps`", max_size=60).map(lambda s: "x" + s)


@given(markup_text)
@settings(max_examples=500, deadline=None)
def test_fast_markup_patterns_blank_like_the_plain_ones(text: str) -> None:
    expected = list(text)
    plain = (_text._INLINE_CODE, _text._SLACK_LINK_START, _PLAIN_URL, _text._SLACK_REF,
             _text._HTML_TAG, _text._SHORTCODE, _PLAIN_MENTION)
    for pattern in plain:
        for m in pattern.finditer(text):
            expected[m.start() : m.end()] = [" "] * (m.end() - m.start())
    blanked = "".join(expected)
    for m in _PLAIN_EMPHASIS.finditer(blanked):
        expected[m.start() : m.end()] = [" "] * (m.end() - m.start())
    assert _text.prepare(text).judged == "".join(expected)


@given(st.text(alphabet="ab.!?\n ", max_size=40))
def test_sentence_ends_are_found_like_the_plain_pattern(text: str) -> None:
    plain = re.compile(r"\n|[.!?]+(?=\s|$)")
    assert [m.span() for m in _text._SENTENCE_END.finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]


@pytest.mark.parametrize(
    "sentence",
    ["Hope all is well. Please note it. ", "Hi Ana, I'm a student. Could we talk? "],
)
def test_time_grows_linearly_with_the_number_of_sentences(sentence: str) -> None:
    # Sentence by sentence the analyzer asks which signals a sentence overlaps: a scan of all
    # the spans each time made 1 MB of short requests take a minute. Four times the text must
    # take about four times as long (8 allows for noise), once the patterns are compiled.
    for _ in range(2):
        analyze(sentence * 1000)  # compiles the short-text and the long-text patterns

    def seconds(text: str) -> float:
        start = time.perf_counter()
        analyze(text)
        return time.perf_counter() - start

    small, large = sentence * 2000, sentence * 8000
    ratio = min(seconds(large) for _ in range(2)) / min(seconds(small) for _ in range(2))
    assert ratio < 8, f"4x the text took {ratio:.1f}x the time"


MARKDOWN = [
    "```\ncode\n\nmore code\n```",
    "- item\n\n    an indented continuation, not code",
    "> a quote\nwith a lazy line",
    "1. step\n\n   ```\n   x = 1\n\n   y = 2\n   ```\n\nafter",
    "    a code block\n\n    more of it",
    "text\n    not code: a paragraph goes on",
    "> a\n>\n> b\n\n> c",
    "\tTabbed code",
    "~~~\nan unclosed fence\n\nruns to the end",
]


@pytest.mark.parametrize("seed", range(4))
def test_long_texts_parse_markdown_around_block_lines_like_the_whole_text(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    from labeled import load, splits

    pieces = [item.text for split in splits() if split != "test" for item in load(split)]
    pieces += MARKDOWN * 10
    random.Random(seed).shuffle(pieces)
    text = "\n\n".join(pieces)
    regions = _text.prepare(text)
    assert len(_text._block_regions(text)) > 1  # the long text is parsed in stretches
    monkeypatch.setattr(_text, "_PARSE_WHOLE", len(text) + 1)
    whole = _text.prepare(text)
    assert regions.judged == whole.judged
    assert regions.quoted == whole.quoted
