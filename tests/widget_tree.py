"""Looking into a widget the way a reader sees it: its parts, its HTML, its text.

Shared by the headless widget tests. (Not in conftest.py: that would import ipywidgets for
every test. The answers file each test writes to is conftest.py's ``answers_file``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import ipywidgets as widgets


def walk(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def html_of(widget: widgets.Widget) -> str:
    return "\n".join(w.value for w in walk(widget) if isinstance(w, widgets.HTML))


def text_of(widget: widgets.Widget) -> str:
    """Everything a reader could see or unfold: tags dropped, entities decoded."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(html_of(widget))
    return " ".join(" ".join(parser.parts).split())
