"""Keep your work between sessions: download it as one zip, and restore it from that zip.

Binder deletes a session after about ten idle minutes, with everything in it. The widget packs
the learner's notebooks and answers files (the working folder set up by ``warmline workbook``,
or the notebook's own folder) into one zip offered as a download link, and restores such a zip
in a new session without losing work; see :mod:`warmline._workspace` for the rules.
"""

from __future__ import annotations

import base64
import os
from typing import Any

import ipywidgets as widgets

from .. import _workspace
from .._workspace import Packed, RestoreResult, WorkspaceError
from . import _html
from ._fallback import FallbackDisplay

# Larger downloads are offered through the file browser instead: a link carries the zip inside
# the page (as base64), and a browser tab should not hold hundreds of megabytes.
MAX_LINK_BYTES = 30 * 1024 * 1024


def _natural() -> widgets.Layout:
    """A button as wide as its label (the default width cuts long labels off)."""
    return widgets.Layout(width="auto", align_self="flex-start")


_RESTORE_WORDS = {
    "restored": "Restored (it was not here)",
    "replaced": "Restored over the fresh copy (it had no work in it yet)",
    "merged": "Answers merged (for each exercise, the newer answer and draft)",
    "kept both": "Kept both (your file has changes of its own; the download is beside it)",
    "unchanged": "Already up to date",
    "skipped": "Not restored",
}


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def render_link(packed: Packed) -> str:
    """The download link (a ``data:`` URI, so it works on Binder, JupyterHub and locally) and
    the list of files in the zip."""
    href = "data:application/zip;base64," + base64.b64encode(packed.data).decode("ascii")
    items = "".join(f"<li><code>{_html.esc(f)}</code></li>" for f in packed.files)
    return _html.box(
        f"<p>{_html.esc(_html.OK)} Your zip is ready: "
        f'<a download="{_html.esc(packed.name)}" href="{_html.esc(href)}" '
        f'style="font-weight: bold; text-decoration: underline">'
        f"Save {_html.esc(packed.name)}</a> ({_html.esc(_size(len(packed.data)))}, "
        f"{len(packed.files)} files).</p>"
        f"<details><summary>What is in it</summary><ul>{items}</ul></details>", live=True)


def render_restore(name: str, result: RestoreResult) -> str:
    """What a restore did, file by file, in words."""
    parts = []
    for action, words in _RESTORE_WORDS.items():
        found = result.by(action)  # type: ignore[arg-type]
        if not found:
            continue
        rows = "".join(f"<li><code>{_html.esc(item.path)}</code>"
                       + (f": {_html.esc(item.detail)}" if item.detail else "") + "</li>"
                       for item in found)
        heading = f"<strong>{_html.esc(words)}</strong> ({len(found)})"
        if action == "unchanged":  # nothing to do there: folded away
            parts.append(f"<details><summary>{heading}</summary><ul>{rows}</ul></details>")
        else:
            parts.append(f"<p>{heading}</p><ul>{rows}</ul>")
    changed = any(item.action not in ("skipped", "unchanged") for item in result.items)
    if changed:
        head = _html.verdict(_html.OK, f"Restored from {name}.")
    elif result.by("unchanged"):
        head = _html.verdict(_html.OK, f"Everything in {name} is already here.")
    else:
        head = _html.verdict(_html.NO, f"Nothing restored from {name}.")
    tail = ("<p>Close any notebook that was open and open it again, then run its cells "
            "(Run › Run All Cells) to see your answers in the exercises.</p>" if changed else "")
    return _html.box(head + "".join(parts) + tail, live=True)


class DownloadWork(FallbackDisplay, widgets.VBox):  # type: ignore[misc]
    """"Download my work": one zip of the learner's notebooks and answers, offered as a link;
    and "Restore from a zip", which brings such a zip back into a new session.

    ``folder`` is where to start looking for the working folder (default: the notebook's).
    ``packed`` is the last zip made, ``restored`` the last restore's result.
    """

    def __init__(self, *, folder: str | os.PathLike[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workspace = _workspace.find(folder)
        self.packed: Packed | None = None
        self.restored: RestoreResult | None = None
        where = (self.workspace.root if not self.workspace.marked
                 else ", ".join(f"{f}/" for f in self.workspace.folders))
        self._title = widgets.HTML(value="<h3>Keep your work</h3>")
        self._intro = widgets.HTML(value=_html.box(
            "<p>Save your notebooks first (<strong>File › Save All</strong>): the zip holds the "
            "notebooks as they are saved, and every <code>warmline-answers.json</code> (your "
            f"exercises' answers), from <code>{_html.esc(where)}</code>.</p>"))
        self._download_button = widgets.Button(
            description="Download my work", icon="download", button_style="primary",
            layout=_natural(), tooltip="Make one zip of your notebooks and answers to save")
        self._link = widgets.HTML(value="")
        self._restore_intro = widgets.HTML(value=_html.box(
            "<p>In a new session, bring your work back: choose the zip you saved. Files you "
            "have changed here are never overwritten (both copies are kept), and answers are "
            "merged, keeping the newer of each.</p>"))
        self._upload = widgets.FileUpload(
            accept=".zip", multiple=False, description="Restore from a zip", icon="upload",
            layout=_natural(), tooltip="Choose a zip saved with 'Download my work'")
        self._report = widgets.HTML(value="")
        self._download_button.on_click(self._on_download_button_click)
        self._upload.observe(self._on_upload_value, names="value")
        self.children = (self._title, self._intro, self._download_button, self._link,
                         self._restore_intro, self._upload, self._report)

    def download(self) -> Packed | None:
        """Make the zip and show its link (or say why not)."""
        try:
            packed = _workspace.pack(self.workspace)
        except WorkspaceError as e:
            self._link.value = _html.status(_html.NO, str(e))
            return None
        if len(packed.data) > MAX_LINK_BYTES:
            self._link.value = _html.status(
                _html.NO, f"Your work is {_size(len(packed.data))} zipped, too large to offer "
                          f"here: download the files from the file browser instead (right-click, "
                          f"Download).")
            return None
        self.packed = packed
        self._link.value = render_link(packed)
        return packed

    def restore(self, name: str, data: bytes) -> RestoreResult | None:
        """Restore the zip ``data`` (a file named ``name``) and show what happened."""
        try:
            result = _workspace.unpack(self.workspace, data)
        except WorkspaceError as e:
            self._report.value = _html.status(_html.NO, f"{name}: {e}")
            return None
        self.restored = result
        self._report.value = render_restore(name, result)
        return result

    def _on_download_button_click(self, _button: widgets.Button) -> None:
        self._link.value = _html.status(_html.NOTE, "Packing your work…")
        self.download()

    def _on_upload_value(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        self.restore(str(upload.get("name", "the zip")), bytes(upload["content"]))
        self._upload.value = ()  # ready for another zip; this change is ignored above
