"""Rendering reports for people and machines. The models know nothing about output formats."""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable
from typing import Any

from ._models import Finding, Report


class Lines:
    """1-based line and column of offsets in a text, looked up in the list of line starts (a
    long text has thousands of findings: counting line breaks for each would be quadratic)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    return Lines(text[:offset]).line_col(offset)


def verdict(report: Report) -> str:
    """One line a person can read: bare ping or not, and the kind of ask."""
    ping = "yes" if report.bare_ping else "no"
    counts = f"{len(report.problems)} problem(s), {len(report.strengths)} strength(s)"
    return f"bare ping: {ping}; ask: {report.ask}; {counts}"


def finding_line(source: str, lines: Lines, finding: Finding) -> str:
    line, col = lines.line_col(finding.start)
    return f"{source}:{line}:{col}: {finding.rule_id} {finding.message}"


def as_text(source: str, report: Report) -> list[str]:
    """``SOURCE:LINE:COL: RULE-ID message`` rows, then the verdict line."""
    lines = Lines(report.text)
    rows = [finding_line(source, lines, f) for f in report.findings]
    rows.append(f"{source}: {verdict(report)}")
    return rows


def as_json(items: Iterable[tuple[str, Report]]) -> str:
    out: list[dict[str, Any]] = []
    for source, report in items:
        data = report.to_dict()
        lines = Lines(report.text)
        for finding in data["findings"]:
            finding["line"], finding["column"] = lines.line_col(finding["start"])
        out.append({"source": source, **data})
    return json.dumps(out, ensure_ascii=False, indent=2)
