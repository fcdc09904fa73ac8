"""Course helpers that need no Jupyter: the numbers and the chart behind lesson 1.

Friendship takes time that cannot be skipped. Hall (2019; online 2018) estimated roughly 40-60
hours together to move from acquaintance to casual friend, 80-100 hours to friend, and more than
200 hours to close friend (Journal of Social and Personal Relationships 36(4),
doi:10.1177/0265407518761225). :func:`friendship_chart` draws those hours as a small inline SVG
with a title, a description and a plain-text summary, so it needs no plotting library and reads
the same with a screen reader.

Everything returned is HTML built from constants and numbers; no text from a learner goes in.
"""

from __future__ import annotations

import html
import itertools
import math
from dataclasses import dataclass

__all__ = [
    "FRIENDSHIP_STAGES",
    "HALL_2018",
    "Stage",
    "friendship_chart",
    "friendship_summary",
    "months_needed",
]

HALL_2018 = ("Hall, J. A. (2019). How many hours does it take to make a friend? Journal of "
             "Social and Personal Relationships, 36(4) (online 2018). "
             "doi:10.1177/0265407518761225")


@dataclass(frozen=True, slots=True)
class Stage:
    """A stage of friendship and the hours together it took, from ``low`` to ``high``.

    ``high`` is None for an open range ("200 hours or more").
    """

    name: str
    low: int
    high: int | None

    @property
    def hours(self) -> str:
        return f"{self.low}-{self.high} hours" if self.high else f"{self.low}+ hours"


FRIENDSHIP_STAGES: tuple[Stage, ...] = (
    Stage("Casual friend", 40, 60),
    Stage("Friend", 80, 100),
    Stage("Close friend", 200, None),
)

_ids = itertools.count(1)


def months_needed(hours: float, hours_per_month: float) -> float:
    """Months until ``hours`` together add up, at ``hours_per_month``."""
    if not hours_per_month > 0 or not math.isfinite(hours_per_month):
        raise ValueError(f"hours per month must be a positive number, not {hours_per_month!r}")
    if hours < 0:
        raise ValueError(f"hours must not be negative, not {hours!r}")
    return hours / hours_per_month


def _amount(months: float) -> tuple[int, str]:
    """``months`` rounded to weeks, months or years, whichever reads best."""
    if months < 1:
        return max(1, round(months * 52 / 12)), "week"
    if months < 24:
        return round(months), "month"
    return round(months / 12), "year"


def _duration(number: int, unit: str) -> str:
    about = "about " if unit == "year" else ""
    return f"{about}{number} {unit}{'s' if number != 1 else ''}"


def _span(stage: Stage, hours_per_month: float) -> str:
    """How long a stage takes at ``hours_per_month``: "10-15 months", "about 4 years or more"."""
    low = _amount(months_needed(stage.low, hours_per_month))
    if stage.high is None:
        return f"{_duration(*low)} or more"
    high = _amount(months_needed(stage.high, hours_per_month))
    if low == high:
        return _duration(*low)
    if low[1] == high[1]:
        about = "about " if low[1] == "year" else ""
        return f"{about}{low[0]}-{high[0]} {low[1]}s"
    return f"{_duration(*low)} to {_duration(*high)}"


def friendship_summary(hours_per_month: float) -> list[str]:
    """One sentence per stage: how long it takes at ``hours_per_month``."""
    rate = _rate(hours_per_month)
    return [f"{s.name}: {s.hours} together, {_span(s, hours_per_month)} at {rate}."
            for s in FRIENDSHIP_STAGES]


def _rate(hours_per_month: float) -> str:
    return f"{hours_per_month:g} hour{'' if hours_per_month == 1 else 's'} a month"


# Geometry of the chart, in SVG user units.
_W, _LEFT, _RIGHT, _TOP, _ROW, _BAR = 640, 112, 200, 32, 46, 24
_MAX_HOURS = 220
_FILL = "var(--jp-brand-color1, #1f6fb2)"
_RANGE = "var(--jp-brand-color3, #9cc3e6)"
_INK = "var(--jp-content-font-color1, #1a1a1a)"
_GRID = "var(--jp-border-color2, #c8c8c8)"


def friendship_chart(hours_per_month: float = 4) -> str:
    """A bar chart of the hours each stage of friendship took (Hall 2018), with the months it
    would take at ``hours_per_month``, as HTML: an accessible SVG and a text summary."""
    months_needed(1, hours_per_month)  # validates hours_per_month
    uid = f"warmline-chart-{next(_ids)}"
    plot = _W - _LEFT - _RIGHT
    height = _TOP + _ROW * len(FRIENDSHIP_STAGES) + 34

    def x(hours: float) -> float:
        return _LEFT + plot * min(hours, _MAX_HOURS) / _MAX_HOURS

    parts = [f'<text x="{x(_MAX_HOURS) + 10:.1f}" y="16" font-size="12" font-style="italic" '
             f'style="fill: {_INK}">At {html.escape(_rate(hours_per_month))}:</text>'
             f'<text x="{_LEFT}" y="16" font-size="12" font-style="italic" '
             f'style="fill: {_INK}">Hours together</text>']
    for tick in range(0, _MAX_HOURS + 1, 50):
        parts.append(f'<line x1="{x(tick):.1f}" y1="{_TOP - 6}" x2="{x(tick):.1f}" '
                     f'y2="{height - 28}" style="stroke: {_GRID}" stroke-width="1"/>'
                     f'<text x="{x(tick):.1f}" y="{height - 12}" text-anchor="middle" '
                     f'font-size="12" style="fill: {_INK}">{tick} h</text>')
    for i, stage in enumerate(FRIENDSHIP_STAGES):
        y = _TOP + i * _ROW
        top = stage.high if stage.high is not None else _MAX_HOURS
        parts.append(
            f'<text x="{_LEFT - 8}" y="{y + _BAR - 7}" text-anchor="end" font-size="13" '
            f'style="fill: {_INK}">{html.escape(stage.name)}</text>'
            f'<rect x="{x(0):.1f}" y="{y}" width="{x(stage.low) - x(0):.1f}" height="{_BAR}" '
            f'style="fill: {_FILL}"/>'
            f'<rect x="{x(stage.low):.1f}" y="{y}" width="{x(top) - x(stage.low):.1f}" '
            f'height="{_BAR}" style="fill: {_RANGE}"/>'
            f'<text x="{x(_MAX_HOURS) + 10:.1f}" y="{y + 9}" font-size="12" '
            f'style="fill: {_INK}"><tspan font-weight="bold">{html.escape(stage.hours)}</tspan>'
            f'<tspan x="{x(_MAX_HOURS) + 10:.1f}" dy="14">'
            f"{html.escape(_span(stage, hours_per_month))}</tspan></text>"
        )
    summary = friendship_summary(hours_per_month)
    title = (f"Hours together it takes to become friends (Hall 2018), and how long that is at "
             f"{_rate(hours_per_month)}")
    desc = " ".join(summary)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {_W} {height}" '
        f'width="100%" style="max-width: {_W}px; height: auto" '
        f'aria-labelledby="{uid}-title {uid}-desc">'
        f'<title id="{uid}-title">{html.escape(title)}</title>'
        f'<desc id="{uid}-desc">{html.escape(desc)}</desc>'
        + "".join(parts) + "</svg>"
    )
    items = "".join(f"<li>{html.escape(line)}</li>" for line in summary)
    return (
        '<figure class="warmline-chart" style="margin: 0.5em 0; max-width: 48em">'
        f"{svg}<figcaption style=\"font-size: 0.9em\">"
        f"<strong>{html.escape(title)}.</strong> Dark bar: the lower estimate; light bar: the "
        f"range up to the upper estimate. Source: Hall (2019, online 2018)."
        f'<ul style="margin: 0.3em 0">{items}</ul></figcaption></figure>'
    )
