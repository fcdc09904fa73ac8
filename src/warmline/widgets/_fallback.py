"""A way back to a working widget when JupyterLab cannot show it.

A widget lives in the kernel. In a notebook saved and opened again (or after the kernel
stopped), JupyterLab finds the widget's output but not its model and shows only "Error
displaying widget: model not found". So every warmline widget is displayed with a second
output, a line of HTML saying what to do: run the cell again. A style rule in that output hides
the line while a working warmline widget sits in the same output area, so a learner sees it only
when the widget is gone (and in places that never show widgets, such as a static HTML page).
"""

from __future__ import annotations

from typing import Any

from . import _html

WIDGET_CLASS = "warmline-widget"
FALLBACK_CLASS = "warmline-fallback"
FALLBACK_TEXT = (
    "If you see this line instead of an exercise (or “Error displaying widget: model not "
    "found”), run this cell again: click in it and press Shift+Enter, or choose Run › Run All "
    "Cells. What you typed and recorded is kept."
)
# Hides the line while a rendered warmline widget is in the same output area. `:has()` works in
# every browser JupyterLab 4 supports; where the style is dropped (an untrusted notebook), the
# line simply stays visible.
_STYLE = (f".jp-OutputArea:has(.{WIDGET_CLASS}) .jp-OutputArea-child:has(.{FALLBACK_CLASS})"
          f" {{ display: none; }}")
_BOX = ("font-family: var(--jp-ui-font-family, sans-serif); font-size: 0.95em; max-width: 48em;"
        " padding: 0.3em 0.6em; border-left: 3px solid var(--jp-warn-color1, #b35900)")


def fallback_bundle() -> dict[str, str]:
    """The output shown beside each widget: HTML (with the style rule) and plain text."""
    body = (f'<div class="{FALLBACK_CLASS}" role="note" style="{_BOX}">'
            f"<strong>{_html.esc('↻ No exercise here?')}</strong> {_html.esc(FALLBACK_TEXT)}"
            f"</div>")
    return {"text/html": f"<style>{_STYLE}</style>{body}", "text/plain": FALLBACK_TEXT}


class FallbackDisplay:
    """Mixin for warmline's widgets (put it before the ipywidgets base class): displays the
    widget, marked with the ``warmline-widget`` class, then the fallback line."""

    def _ipython_display_(self) -> None:
        import IPython.display

        show: Any = IPython.display.display
        widget: Any = self
        widget.add_class(WIDGET_CLASS)
        show(widget._repr_mimebundle_(), raw=True)
        show(fallback_bundle(), raw=True)
