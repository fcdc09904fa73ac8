"""Meta-tests: every rule file is valid, has examples, and its examples behave."""

from __future__ import annotations

from pathlib import Path

import pytest

from warmline import DataFileError, _data, analyze

RULES = _data.rules()


def _ids(report_text: str) -> set[str]:
    return {f.rule_id for f in analyze(report_text).findings}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_flags_its_flag_examples(rule: _data.Rule) -> None:
    for example in rule.flag_examples:
        assert rule.id in _ids(example), f"{rule.id} should flag {example!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_passes_its_pass_examples(rule: _data.Rule) -> None:
    for example in rule.pass_examples:
        assert rule.id not in _ids(example), f"{rule.id} should not flag {example!r}"


def test_every_rule_serves_a_known_principle() -> None:
    principles = _data.principles()
    assert list(principles) == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert {r.principle for r in RULES} <= set(principles)


def test_rules_cover_positive_and_negative_findings() -> None:
    severities = {r.severity for r in RULES}
    assert {"info", "warning", "error"} <= severities
    assert {r.kind for r in RULES} == set(_data.RULE_KINDS)


VALID = """\
id: demo.rule
kind: existence
severity: warning
principle: P5
signal: urgency
message: Hurry.
explanation: Because.
examples:
  flag: [ASAP]
  pass: [whenever]
"""


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_rule_file_loads(tmp_path: Path) -> None:
    _write(tmp_path, "demo/rule.yaml", VALID)
    (rule,) = _data.load_rules(tmp_path)
    assert rule.id == "demo.rule"
    report = analyze("Send the file ASAP", rules=[rule])
    assert [f.excerpt for f in report.findings] == ["ASAP"]


@pytest.mark.parametrize(
    ("rel", "text", "key", "fragment"),
    [
        ("demo/other.yaml", VALID, "id", "must match the path"),
        ("demo/rule.yaml", VALID + "colour: red\n", "colour", "unknown key"),
        ("demo/rule.yaml", VALID.replace("kind: existence", "kind: magic"), "kind", "unknown kind"),
        ("demo/rule.yaml", VALID.replace("P5", "P9"), "principle", "unknown principle"),
        ("demo/rule.yaml", VALID.replace("signal: urgency", "signal: nope"), "signal",
         "unknown signal"),
        ("demo/rule.yaml", VALID.replace("  pass: [whenever]\n", ""), "pass", "missing"),
        ("demo/rule.yaml", VALID.replace("  flag: [ASAP]", "  flag: []"), "examples.flag",
         "non-empty list"),
        ("demo/rule.yaml", VALID.replace("severity: warning", "severity: loud"), "severity",
         "unknown severity"),
        ("demo/rule.yaml", VALID.replace("signal: urgency", "patterns: ['(unclosed']"),
         "patterns[0]", "bad regular expression"),
        ("demo/rule.yaml", VALID + "self_min: 3\n", "self_min", "not a key of a 'existence'"),
        ("demo/rule.yaml", "id: [unclosed\n", None, "not valid YAML"),
    ],
)
def test_bad_rule_file_names_file_and_key(
    tmp_path: Path, rel: str, text: str, key: str | None, fragment: str
) -> None:
    path = _write(tmp_path, rel, text)
    with pytest.raises(DataFileError) as info:
        _data.load_rules(tmp_path)
    message = str(info.value)
    assert str(path) in message
    assert fragment in message
    if key:
        assert info.value.key == key


def test_empty_rules_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no rules found"):
        _data.load_rules(tmp_path)


@pytest.mark.parametrize("bad", ["(unclosed", "[abc", "a{2,1}"])
def test_a_bad_signal_phrase_is_named_when_first_compiled(bad: str) -> None:
    # Signal phrases are compiled once, when first used: the error still names file and key.
    path = Path("signals-languages.yaml")
    signal = _data.Signal("demo", ["hello"], ["hola", bad], [
        (Path("signals.yaml"), "demo.patterns", ["hello"]), (path, "demo", ["hola", bad])
    ])
    assert signal.english_phrases.spans("hello there") == [(0, 5)]
    with pytest.raises(DataFileError, match=r"signals-languages.yaml: demo\[1\]: bad regular"):
        signal.phrases.spans("hola")
