"""The lesson helpers that are not exercises: the friendship-hours chart (lesson 1) and the
message check box (start here, lessons 5 and 6). Headless: no kernel, no browser."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import ipywidgets as widgets
import pytest

from warmline import _course
from warmline.widgets import FriendshipHours, MessageCheck

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(chart_html: str) -> ET.Element:
    match = re.search(r"<svg.*</svg>", chart_html, re.S)
    assert match
    return ET.fromstring(match.group(0))


# --- the chart --------------------------------------------------------------------------------


def test_hall_stages_and_months() -> None:
    assert [(s.name, s.low, s.high) for s in _course.FRIENDSHIP_STAGES] == [
        ("Casual friend", 40, 60), ("Friend", 80, 100), ("Close friend", 200, None)]
    assert _course.months_needed(50, 5) == 10
    assert _course.friendship_summary(4) == [
        "Casual friend: 40-60 hours together, 10-15 months at 4 hours a month.",
        "Friend: 80-100 hours together, 20 months to about 2 years at 4 hours a month.",
        "Close friend: 200+ hours together, about 4 years or more at 4 hours a month.",
    ]
    assert _course.friendship_summary(1)[0].endswith("at 1 hour a month.")
    assert "1 week at 200 hours" in _course.friendship_summary(200)[0]


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_a_pace_must_be_a_positive_number(bad: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        _course.friendship_chart(bad)


def test_the_chart_is_an_accessible_svg() -> None:
    chart = _course.friendship_chart(4)
    svg = svg_of(chart)  # well-formed XML
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "Hall 2018" in (title.text or "")
    assert "10-15 months" in (desc.text or "")
    # the same facts as text for those who would rather read
    assert "<figcaption" in chart and "Source: Hall" in chart
    for line in _course.friendship_summary(4):
        assert line in chart


def test_bars_are_drawn_to_scale() -> None:
    rects = svg_of(_course.friendship_chart(4)).findall(f"{SVG}rect")
    widths = [float(r.get("width", "0")) for r in rects]
    solid = widths[0::2]  # each stage: a bar to the lower estimate, then the range
    assert solid[1] == pytest.approx(2 * solid[0], abs=0.2)  # 80 h is twice 40 h
    assert solid[2] == pytest.approx(5 * solid[0], abs=0.5)  # 200 h is five times 40 h


def test_two_charts_on_one_page_have_distinct_ids() -> None:
    first = svg_of(_course.friendship_chart(4)).get("aria-labelledby")
    second = svg_of(_course.friendship_chart(4)).get("aria-labelledby")
    assert first != second


def test_the_chart_needs_no_jupyter_and_no_plotting_library() -> None:
    code = ("import sys, warmline._course as c; c.friendship_chart(3); "
            "bad = [m for m in ('ipywidgets', 'matplotlib', 'IPython', 'traitlets') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_friendship_hours_follows_the_slider() -> None:
    w = FriendshipHours()
    slider = next(c for c in w.children if isinstance(c, widgets.IntSlider))
    assert slider.description.strip()
    assert "10-15 months" in w._chart.value
    w.hours_per_month = 20
    assert "2-3 months" in w._chart.value and "at 20 hours a month" in w._chart.value


# --- the message check ------------------------------------------------------------------------


def test_message_check_judges_as_you_type(path: Path) -> None:
    w = MessageCheck(answers_path=path)
    assert w._text.description.strip()
    assert "Type a message" in w._feedback.value
    w.value = "Hello!"
    assert w.report is not None and w.report.bare_ping
    assert "Bare ping:" in w._feedback.value and "<details open>" in w._feedback.value
    w.value = ("Hi Sam! Could you give me edit access to the Q3 budget sheet, or tell me who "
               "can? I need to add the travel costs before Friday's review.")
    assert "Not a bare ping" in w._feedback.value
    assert not path.exists(), "without a key nothing is saved"


def test_message_check_with_a_key_keeps_a_draft_and_records_nothing(path: Path) -> None:
    w = MessageCheck("check-capstone", answers_path=path)
    assert not path.exists(), "building the box writes nothing"
    w.value = "Dear Ms. Ortiz, your talk on tide gauges made me rethink my thesis."
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["answers"] == {}
    assert data["drafts"]["check-capstone"]["value"] == w.value
    again = MessageCheck("check-capstone", answers_path=path)
    assert again.value == w.value and "Restored" in again._status.value
    assert again.report is not None and again.report.text == w.value
    before = path.read_bytes()
    MessageCheck("check-capstone", answers_path=path)
    assert path.read_bytes() == before, "restoring writes nothing"


def test_message_check_shows_learner_text_as_text(path: Path) -> None:
    w = MessageCheck(answers_path=path)
    w.value = "<script>alert(1)</script> <img src=x onerror=alert(2)> hi"
    assert "<script" not in w._feedback.value and "<img" not in w._feedback.value


def test_message_check_reports_a_damaged_answers_file(path: Path) -> None:
    path.write_text("{not json", encoding="utf-8")
    w = MessageCheck("check-start-here", answers_path=path)
    assert "✗" in w._status.value
    w.value = "hi"
    assert path.read_text(encoding="utf-8") == "{not json"
