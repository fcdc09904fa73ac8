"""HTML for the widgets. Every piece of text is escaped here, or rendered as Markdown with raw
HTML disabled; nothing else in the widgets builds HTML from text.

Feedback never relies on colour alone: every judgement carries a symbol and words.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache

from markdown_it import MarkdownIt

from .. import _data
from .._judgements import Check
from .._models import Finding

OK = "✓"
NO = "✗"
NOTE = "•"

_BOX = "font-family: var(--jp-ui-font-family, sans-serif); line-height: 1.45; max-width: 48em"
_LIST = "list-style: none; padding-left: 0; margin: 0.3em 0"
_BUBBLE = (
    "border: 1px solid var(--jp-border-color1, #999); border-radius: 1em; padding: 0.4em 0.9em;"
    " margin: 0.3em 0; max-width: 40em; background: var(--jp-layout-color2, #f3f3f3);"
    " color: var(--jp-content-font-color1, #111); overflow-wrap: anywhere"
)
_MARK = "background: var(--jp-warn-color3, #ffe9a8); border-bottom: 2px solid currentColor"


def esc(text: object) -> str:
    """``text`` as HTML text, with ``<``, ``>``, ``&`` and both quotes escaped."""
    return html.escape(str(text), quote=True)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # The "commonmark" preset allows raw HTML by default; it is switched off here. Link
    # validation (markdown-it's default) drops javascript:, vbscript:, file: and data: links.
    return MarkdownIt("commonmark", {"html": False})


def markdown(text: str) -> str:
    """Learner text rendered as Markdown, with raw HTML shown as text, never as HTML."""
    rendered: str = _markdown().render(text)
    return rendered


def plain(text: str) -> str:
    """Escaped text with its line breaks kept."""
    return esc(text).replace("\n", "<br>")


def box(inner: str, *, live: bool = False) -> str:
    role = ' role="status" aria-live="polite"' if live else ""
    return f'<div class="warmline" style="{_BOX}"{role}>{inner}</div>'


def bubble(inner_html: str, *, label: str) -> str:
    """A chat bubble around already-safe HTML, labelled for screen readers and sighted readers."""
    return (f'<div style="font-size: 0.9em; margin-top: 0.4em">{esc(label)}</div>'
            f'<div style="{_BUBBLE}" aria-label="{esc(label)}">{inner_html}</div>')


def preview(text: str, *, label: str) -> str:
    """The learner's draft as the recipient would see it (Markdown, raw HTML disabled)."""
    if not text.strip():
        return box(bubble("<p><em>(empty)</em></p>", label=label))
    return box(bubble(markdown(text), label=label))


def principle(pid: str) -> str:
    p = _data.principles().get(pid)
    return f"{esc(pid)}: {esc(p.title)}" if p else esc(pid)


def verdict(symbol: str, words: str, rest: str = "") -> str:
    tail = f" {esc(rest)}" if rest else ""
    return f"<p><strong>{esc(symbol)} {esc(words)}</strong>{tail}</p>"


def check_list(checks: Iterable[Check]) -> str:
    items = []
    for c in checks:
        symbol, state = (OK, "done") if c.ok else (NO, "to do")
        items.append(
            f"<li>{symbol} <strong>{esc(c.label)}</strong> <em>({state})</em>: {esc(c.detail)}"
            f' <span style="font-size: 0.85em">[{principle(c.principle)}]</span></li>'
        )
    return f'<ul style="{_LIST}">{"".join(items)}</ul>'


def notes(lines: Iterable[str]) -> str:
    return f'<ul style="{_LIST}">{"".join(f"<li>{esc(line)}</li>" for line in lines)}</ul>'


def findings(found: Sequence[Finding], *, title: str = "What the analyzer noticed",
             open_: bool = False) -> str:
    """Problems and strengths, each with its message, explanation and suggestion, in words.

    The list is folded away under ``title`` unless ``open_``.
    """
    if not found:
        return ""
    rows = []
    for f in found:
        symbol = OK if f.severity == "info" else NO
        kind = "good" if f.severity == "info" else ("problem" if f.severity == "error"
                                                     else "to improve")
        tip = f" <em>Try:</em> {esc(f.suggestion)}" if f.suggestion else ""
        rows.append(f"<li>{symbol} <strong>{esc(f.message)}</strong> <em>({kind})</em> "
                    f"{esc(f.explanation)}{tip} "
                    f'<span style="font-size: 0.85em">[{principle(f.principle)}]</span></li>')
    state = " open" if open_ else ""
    return (f"<details{state}><summary>{esc(title)} ({len(found)})</summary>"
            f'<ul style="{_LIST}">{"".join(rows)}</ul></details>')


def highlighted(text: str, found: Sequence[Finding]) -> str:
    """``text`` escaped, with each finding's span marked and numbered, and a numbered legend.

    Findings about the whole message (something missing) are listed but not marked.
    """
    spans = sorted(
        ((f.start, f.end, i) for i, f in enumerate(found, 1)
         if 0 <= f.start < f.end <= len(text) and (f.start, f.end) != (0, len(text))),
    )
    out = []
    pos = 0
    for start, end, number in spans:
        if start < pos:  # overlapping spans: mark only the first
            continue
        out.append(plain(text[pos:start]))
        out.append(f'<mark style="{_MARK}">{plain(text[start:end])}</mark>'
                   f"<sup>[{number}]</sup>")
        pos = end
    out.append(plain(text[pos:]))
    legend = []
    for i, f in enumerate(found, 1):
        symbol = OK if f.severity == "info" else NO
        legend.append(f"<li>[{i}] {symbol} {esc(f.message)}</li>")
    body = "".join(out)
    if legend:
        body += f'<ul style="{_LIST}; font-size: 0.9em">{"".join(legend)}</ul>'
    return body


def when(stamp: str) -> str:
    """A saved-at time stamp, short and readable (plain text: escape it where it is used)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def status(symbol: str, message: str) -> str:
    return f'<div role="status" style="font-size: 0.9em">{esc(symbol)} {esc(message)}</div>'
