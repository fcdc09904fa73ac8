"""The class report: data in, one self-contained HTML page out.

Charts are inline SVG (no JavaScript, no external files), every text that may come from a
learner (ids, excerpts of their messages) is escaped, and every chart has a text equivalent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from . import _data

# Cells whose class average is below this are listed under "what to revisit".
REVISIT_BELOW = 0.7


@dataclass(frozen=True, slots=True)
class Score:
    """One learner's grade on one graded cell; ``score`` is None until a human grades it."""

    student: str
    assignment: str
    grade_id: str
    principle: str | None
    score: float | None
    max_score: float


@dataclass(frozen=True, slots=True)
class CellScore:
    """The class average on one graded cell, as a share of its points (0 to 1)."""

    assignment: str
    grade_id: str
    principle: str | None
    share: float
    graded: int


@dataclass(frozen=True, slots=True)
class FindingCount:
    """How many recorded messages the analyzer flagged with one rule."""

    rule_id: str
    principle: str
    message: str
    count: int
    example: str


@dataclass(frozen=True, slots=True)
class SubmissionStatus:
    """How ``warmline grade`` last graded one submission: ``graded``, ``flagged`` (graded, but
    something needs a look) or ``failed`` (nothing could be graded), and why."""

    student: str
    assignment: str
    status: str
    reason: str


@dataclass(frozen=True, slots=True)
class ClassReport:
    course: str
    generated: datetime
    assignments: tuple[str, ...]
    scores: tuple[Score, ...]
    cells: tuple[CellScore, ...]
    findings: tuple[FindingCount, ...]
    answers_read: int
    statuses: tuple[SubmissionStatus, ...] = ()


def _share(scores: Iterable[Score]) -> tuple[float, float, int]:
    """(points given, points possible, how many grades still wait for a human)."""
    got = possible = 0.0
    waiting = 0
    for s in scores:
        if s.score is None:
            waiting += 1
        else:
            got += s.score
            possible += s.max_score
    return got, possible, waiting


def bar_chart(title: str, rows: Sequence[tuple[str, float | None, str]]) -> str:
    """A horizontal bar chart as inline SVG: one bar per (label, share 0..1 or None, note)."""
    # About 7 px per character at 13 px: long principle titles must not be cut off.
    label_w = max(120, min(480, 7 * max((len(r[0]) for r in rows), default=10) + 16))
    bar_w, row_h = 300, 26
    height = row_h * len(rows) + 10
    values = ["no grades yet" if share is None else f"{share:.0%}" for _, share, _ in rows]
    width = label_w + bar_w + 16 + 7 * max((len(v) + 1 + len(r[2]) for v, r in zip(
        values, rows, strict=True)), default=0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">'
             f"<title>{escape(title)}</title>"]
    for i, (label, share, note) in enumerate(rows):
        y = 5 + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" '
                     f'font-size="13">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row_h - 8}" '
                     f'fill="#eeeeee"/>')
        if share is not None:
            w = round(bar_w * max(0.0, min(1.0, share)))
            fill = "#2b6cb0" if share >= REVISIT_BELOW else "#c05621"
            parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}" '
                         f'fill="{fill}"/>')
        value = values[i]
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 17}" font-size="13">'
                     f"{escape(value)} {escape(note)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], caption: str) -> str:
    """A table; every cell is escaped here."""
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    heads = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{heads}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _principle_name(pid: str | None) -> str:
    if pid is None:
        return "(no principle)"
    known = _data.principles()
    return f"{pid}: {known[pid].title}" if pid in known else pid


def _problems(statuses: Sequence[SubmissionStatus]) -> list[str]:
    """The submissions ``warmline grade`` could not grade, or flagged for a look."""
    if not statuses:
        return []
    bad = sorted((s for s in statuses if s.status != "graded"),
                 key=lambda s: (s.status != "failed", s.assignment, s.student))
    head = "<h2>Submissions that need a look</h2>"
    if not bad:
        return [head, f"<p>warmline grade graded all {len(statuses)} submission(s) without a "
                      f"problem.</p>"]
    failed = sum(s.status == "failed" for s in bad)
    return [head,
            f"<p>{failed} submission(s) could not be graded (their autograded cells count 0 "
            f"until they are handed in again) and {len(bad) - failed} were graded but flagged "
            f"for a look, out of {len(statuses)} graded by warmline grade.</p>",
            _table(("Learner", "Assignment", "Status", "Reason"),
                   ((s.student, s.assignment, s.status, s.reason) for s in bad),
                   "Failed and flagged submissions")]


def render(report: ClassReport) -> str:
    principles = list(_data.principles())
    status_of = {(s.student, s.assignment): s for s in report.statuses}
    students = sorted({s.student for s in report.scores} | {s.student for s in report.statuses})
    by_assignment: dict[str, list[Score]] = defaultdict(list)
    by_principle: dict[str | None, list[Score]] = defaultdict(list)
    by_student: dict[tuple[str, str], list[Score]] = defaultdict(list)
    for s in report.scores:
        by_assignment[s.assignment].append(s)
        by_principle[s.principle].append(s)
        by_student[(s.student, s.assignment)].append(s)
    waiting_total = sum(s.score is None for s in report.scores)

    def share_row(label: str, scores: list[Score]) -> tuple[str, float | None, str]:
        got, possible, waiting = _share(scores)
        learners = len({s.student for s in scores})
        note = f"({learners} learner{'s' if learners != 1 else ''}"
        note += f", {waiting} to grade by hand)" if waiting else ")"
        return label, (got / possible if possible else None), note

    assignment_rows = [share_row(a, by_assignment[a]) for a in report.assignments]
    principle_rows = [share_row(_principle_name(p), by_principle[p]) for p in principles]

    revisit = sorted((c for c in report.cells if c.share < REVISIT_BELOW),
                     key=lambda c: (c.share, c.assignment, c.grade_id))
    finding_rows = [
        (f.message, _principle_name(f.principle), f"{f.count}",
         f"{f.count / report.answers_read:.0%}" if report.answers_read else "", f.example)
        for f in report.findings]
    score_rows = []
    for student in students:
        row = [student]
        for a in report.assignments:
            scores = by_student.get((student, a))
            status = status_of.get((student, a))
            mark = f" ({status.status.upper()}, see above)" if status is not None and \
                status.status != "graded" else ""
            if not scores:
                row.append(("not graded" if status is not None else "no submission") + mark)
                continue
            got, possible, waiting = _share(scores)
            if not possible:
                row.append("not autograded (see warmline grade)" + mark)
                continue
            cell = f"{got:g} / {possible:g}"
            if waiting:
                cell += f" ({waiting} to grade by hand)"
            row.append(cell + mark)
        score_rows.append(row)

    sections = [
        f"<h1>warmline class report</h1><p>Course: {escape(report.course)}. Generated "
        f"{escape(report.generated.strftime('%Y-%m-%d %H:%M UTC'))}. {len(students)} "
        f"learner(s), {len(report.assignments)} assignment(s), {waiting_total} grade(s) still "
        f"to give by hand (in formgrader). Shares count only points already graded.</p>",
        *_problems(report.statuses),
        "<h2>Scores per assignment</h2>",
        bar_chart("Class average per assignment", assignment_rows),
        _table(("Assignment", "Class average", "Note"),
               ((r[0], "n/a" if r[1] is None else f"{r[1]:.0%}", r[2])
                for r in assignment_rows), "Class average per assignment"),
        "<h2>Scores per principle</h2>",
        bar_chart("Class average per principle", principle_rows),
        _table(("Principle", "Class average", "Note"),
               ((r[0], "n/a" if r[1] is None else f"{r[1]:.0%}", r[2])
                for r in principle_rows), "Class average per principle"),
        "<h2>What to revisit</h2>",
        (_table(("Assignment", "Graded cell", "Principle", "Class average", "Graded"),
                ((c.assignment, c.grade_id, _principle_name(c.principle), f"{c.share:.0%}",
                  str(c.graded)) for c in revisit),
                f"Graded cells where the class average is below {REVISIT_BELOW:.0%}")
         if revisit else "<p>No graded cell has a class average below "
                         f"{REVISIT_BELOW:.0%}.</p>"),
        "<h2>What the analyzer flagged most in learners' messages</h2>",
        f"<p>From {report.answers_read} recorded rewrite(s) and draft(s). Each message counts "
        f"once per kind of finding.</p>",
        (_table(("Finding", "Principle", "Messages", "Share", "Example excerpt"), finding_rows,
                "Most common findings") if finding_rows else "<p>No findings yet.</p>"),
        "<h2>Scores by learner</h2>",
        _table(("Learner", *report.assignments), score_rows, "Points per learner"),
    ]
    style = ("body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
             "color:#1a202c}table{border-collapse:collapse;margin:.5em 0 1.5em}"
             "th,td{border:1px solid #cbd5e0;padding:.25em .5em;text-align:left;"
             "vertical-align:top}caption{text-align:left;font-weight:bold;padding:.25em 0}"
             "svg{max-width:100%;height:auto}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>warmline class report</title><style>{style}</style></head><body>"
            + "\n".join(sections) + "</body></html>\n")
