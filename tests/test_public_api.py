from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

import warmline
from warmline import Finding, Report, analyze


def test_all_is_exactly_the_public_surface() -> None:
    public = sorted(name for name in vars(warmline) if not name.startswith("_"))
    # Submodules that other tests may have imported.
    modules = {"answers", "grading", "widgets"}
    assert sorted(set(public) - modules) == sorted(warmline.__all__)
    assert warmline.__all__ == sorted(warmline.__all__)


def test_import_does_not_pull_in_jupyter() -> None:
    code = (
        "import sys, warmline; warmline.analyze('hi');"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "{'ipywidgets', 'nbgrader', 'nbformat', 'nbclient', 'jupyter_client', 'ipykernel',"
        " 'jupyterlab', 'traitlets', 'IPython', 'markdown_it'}];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_report_and_finding_fields() -> None:
    report = analyze("could I pick your brain over coffee?")
    assert isinstance(report, Report)
    assert report.bare_ping is True
    assert report.ask == "transactional"
    assert report.findings and all(isinstance(f, Finding) for f in report.findings)
    assert [f.name for f in dataclasses.fields(Finding)] == [
        "rule_id", "principle", "start", "end", "excerpt", "message", "explanation",
        "suggestion", "severity",
    ]


def test_results_are_frozen() -> None:
    report = analyze("Hello!")
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.bare_ping = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.findings[0].message = "x"  # type: ignore[misc]


def test_to_dict_is_json_serialisable_and_complete() -> None:
    report = analyze("Hi Ana! Loved your work. Could you refer me for the SRE role?")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["bare_ping"] is False
    assert data["ask"] == "transactional"
    assert len(data["findings"]) == len(report.findings)
    assert data["findings"][0].keys() == {
        "rule_id", "principle", "start", "end", "excerpt", "message", "explanation",
        "suggestion", "severity",
    }


def test_analyze_rejects_non_str() -> None:
    with pytest.raises(TypeError, match="takes a str"):
        analyze(b"hello")  # type: ignore[arg-type]
