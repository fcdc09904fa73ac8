"""The "Download my work" widget and its restore, and the fallback line every warmline widget
displays for when JupyterLab has lost the widget. Headless: no kernel, no browser."""

from __future__ import annotations

import base64
import html
import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from warmline import _workspace as S
from warmline import answers as A
from warmline.widgets import (
    DownloadWork,
    FriendshipHours,
    MessageCheck,
    Progress,
    exercise,
)
from warmline.widgets import _download as D
from warmline.widgets import _fallback as F

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
XSS = '<img src=x onerror="alert(1)"><b onmouseover=alert(2)>&amp;'  # a valid file name


@pytest.fixture
def root(tmp_path: Path) -> Path:
    S.create(tmp_path / "work")
    return (tmp_path / "work").resolve()


def zip_in(widget: DownloadWork) -> zipfile.ZipFile:
    """The zip behind the widget's download link, read back from the link itself."""
    match = re.search(r'href="data:application/zip;base64,([A-Za-z0-9+/=]+)"', widget._link.value)
    assert match, widget._link.value
    return zipfile.ZipFile(io.BytesIO(base64.b64decode(match.group(1))))


def upload(widget: DownloadWork, name: str, data: bytes) -> None:
    """What ipywidgets' FileUpload sets when a learner chooses a file."""
    widget._upload.value = ({"name": name, "type": "application/zip", "size": len(data),
                             "content": memoryview(data),
                             "last_modified": datetime.now(timezone.utc)},)


def test_download_offers_one_zip_of_the_notebooks_and_answers(root: Path) -> None:
    A.record_answer("rewrite-staging-flag", "my rewrite", path=root / "course" / A.FILE_NAME)
    w = DownloadWork(folder=root / "course")  # the start page's folder
    assert w.workspace.root == root
    assert "course/, workbook/" in w._intro.value
    assert w._link.value == ""
    w._download_button.click()
    assert w.packed is not None
    link = w._link.value
    assert f'download="{w.packed.name}"' in link and re.match(r"warmline-work-[\d-]+\.zip$",
                                                               w.packed.name)
    names = zip_in(w).namelist()
    assert "course/warmline-answers.json" in names
    assert "workbook/bare-pings/bare-pings.ipynb" in names
    assert set(names) == set(S.sources()) | {"course/warmline-answers.json"}
    assert f"{len(names)} files" in link and "<li><code>course/00-start-here.ipynb</code>" in link


def test_download_escapes_file_names(root: Path) -> None:
    (root / "course" / f"{XSS}.ipynb").write_text("{}")
    w = DownloadWork(folder=root)
    w.download()
    assert "<img" not in w._link.value and "<b " not in w._link.value
    assert html.escape(XSS) in w._link.value


def test_download_says_why_when_it_cannot(tmp_path: Path, root: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "nothing-here").mkdir()
    empty = DownloadWork(folder=tmp_path / "nothing-here")
    assert empty.download() is None and "no notebooks" in empty._link.value
    monkeypatch.setattr(D, "MAX_LINK_BYTES", 100)
    big = DownloadWork(folder=root)
    assert big.download() is None and "too large to offer here" in big._link.value
    assert "file browser" in big._link.value


def test_restore_through_the_upload_box(root: Path, tmp_path: Path) -> None:
    A.record_answer("rewrite-invoice", "my invoice rewrite", path=root / "course" / A.FILE_NAME)
    lesson = root / "course" / "05-respect-time-no-bare-hello.ipynb"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Practice 1", "Practice one"),
                      encoding="utf-8")
    saved = DownloadWork(folder=root).download()
    assert saved is not None

    S.create(tmp_path / "new-session")
    w = DownloadWork(folder=tmp_path / "new-session" / "course")
    upload(w, saved.name, saved.data)
    assert w.restored is not None
    report = w._report.value
    assert f"Restored from {saved.name}." in report
    assert "Restored over the fresh copy" in report and "Answers merged" in report
    assert "<code>course/05-respect-time-no-bare-hello.ipynb</code>" in report
    assert "Run All Cells" in report
    assert w._upload.value == ()  # ready for another zip
    new = tmp_path / "new-session"
    assert "Practice one" in (new / "course" / lesson.name).read_text(encoding="utf-8")
    assert A.answer_text("rewrite-invoice", path=new / "course" / A.FILE_NAME) == \
        "my invoice rewrite"


def test_restore_reports_what_it_skipped_escaped(root: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(f"course/{XSS}.txt", "x")
        zf.writestr("../outside.ipynb", "{}")
    w = DownloadWork(folder=root)
    w.restore(f"{XSS}.zip", buffer.getvalue())
    report = w._report.value
    assert "Nothing restored from" in report and "Not restored" in report
    assert "<img" not in report and "<b " not in report
    assert html.escape(f"course/{XSS}.txt") in report


def test_restore_of_something_else_says_so(root: Path) -> None:
    w = DownloadWork(folder=root)
    upload(w, "photo.zip", b"\x89PNG not a zip")
    assert "not a zip file" in w._report.value and w.restored is None
    assert w._upload.value == ()


def test_long_button_labels_are_not_squeezed(root: Path) -> None:
    w = DownloadWork(folder=root)
    for button in (w._download_button, w._upload):
        assert (button.layout.width, button.layout.align_self) == ("auto", "flex-start")


def test_restoring_what_is_already_here_says_so(root: Path) -> None:
    w = DownloadWork(folder=root)
    packed = w.download()
    assert packed is not None
    w.restore(packed.name, packed.data)
    report = w._report.value
    assert f"Everything in {packed.name} is already here." in report
    assert "<details><summary><strong>Already up to date</strong>" in report
    assert "Run All Cells" not in report


# --- the fallback line ----------------------------------------------------------------------------


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What a widget's display publishes, as IPython would send it to the notebook."""
    import IPython.display

    published: list[dict[str, Any]] = []

    def display(obj: dict[str, Any], raw: bool = False) -> None:
        assert raw
        published.append(obj)

    monkeypatch.setattr(IPython.display, "display", display)
    return published


def build(kind: str, folder: Path) -> Any:
    answers = folder / A.FILE_NAME
    return {"exercise": lambda: exercise("rewrite-staging-flag", answers_path=answers),
            "deck": lambda: exercise("spot-practice", answers_path=answers),
            "message": lambda: MessageCheck("check-start-here", answers_path=answers),
            "progress": lambda: Progress(answers_path=answers),
            "chart": lambda: FriendshipHours(),
            "download": lambda: DownloadWork(folder=folder)}[kind]()


@pytest.mark.parametrize("kind", ["exercise", "deck", "message", "progress", "chart",
                                  "download"])
def test_every_widget_is_shown_with_a_way_back(kind: str, root: Path,
                                               shown: list[dict[str, Any]]) -> None:
    widget = build(kind, root)
    widget._ipython_display_()
    assert len(shown) == 2
    view, fallback = shown
    assert view[WIDGET_MIME]["model_id"] == widget.model_id
    assert F.WIDGET_CLASS in widget._dom_classes
    assert set(fallback) == {"text/html", "text/plain"}
    assert "run this cell again" in fallback["text/plain"]
    assert "Shift+Enter" in fallback["text/plain"] and "model not found" in fallback["text/plain"]
    page = fallback["text/html"]
    assert f'class="{F.FALLBACK_CLASS}"' in page
    assert html.escape("run this cell again") in page
    # hidden only where a working warmline widget shares the output area
    assert (f".jp-OutputArea:has(.{F.WIDGET_CLASS}) .jp-OutputArea-child:has("
            f".{F.FALLBACK_CLASS}) {{ display: none; }}") in page
    widget._ipython_display_()
    assert widget._dom_classes.count(F.WIDGET_CLASS) == 1
