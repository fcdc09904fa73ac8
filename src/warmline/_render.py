"""Rendering reports for people and machines. The models know nothing about output formats."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ._models import Finding, Report


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def verdict(report: Report) -> str:
    """One line a person can read: bare ping or not, and the kind of ask."""
    ping = "yes" if report.bare_ping else "no"
    counts = f"{len(report.problems)} problem(s), {len(report.strengths)} strength(s)"
    return f"bare ping: {ping}; ask: {report.ask}; {counts}"


def finding_line(source: str, text: str, finding: Finding) -> str:
    line, col = line_col(text, finding.start)
    return f"{source}:{line}:{col}: {finding.rule_id} {finding.message}"


def as_text(source: str, report: Report) -> list[str]:
    """``SOURCE:LINE:COL: RULE-ID message`` rows, then the verdict line."""
    rows = [finding_line(source, report.text, f) for f in report.findings]
    rows.append(f"{source}: {verdict(report)}")
    return rows


def as_json(items: Iterable[tuple[str, Report]]) -> str:
    out: list[dict[str, Any]] = []
    for source, report in items:
        data = report.to_dict()
        for finding in data["findings"]:
            finding["line"], finding["column"] = line_col(report.text, finding["start"])
        out.append({"source": source, **data})
    return json.dumps(out, ensure_ascii=False, indent=2)
