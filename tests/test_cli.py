from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from warmline._cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_argument_prints_findings_and_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "Hello!")
    lines = out.splitlines()
    assert code == 1
    assert "<text>:1:1: ping.bare Bare ping" in lines[0]
    assert lines[-1] == "<text>: bare ping: yes; ask: none; 3 problem(s), 0 strength(s)"
    assert err == ""


def test_clean_message_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "hey, quick q about the build: is main still red?")
    assert code == 0
    assert "good.real-question" in out
    assert out.splitlines()[-1].startswith("<text>: bare ping: no; ask: none")


def test_line_and_column_point_into_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "draft.md"
    path.write_text("Hi Sam,\n\nI need the slides ASAP!!!\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"{path}:3:" in out
    assert "time.pressure" in out


def test_several_sources_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("could I pick your brain over coffee?", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", str(path), "-t", "Thanks!")
    data = json.loads(out)
    assert code == 1
    assert [d["source"] for d in data] == ["<text>", str(path)]
    assert data[1]["ask"] == "transactional"
    assert data[1]["findings"][0]["line"] == 1


def test_stdin(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "warmline", "check", "-"],
        input=b"u online?", capture_output=True, check=False,
    )
    assert proc.returncode == 1
    assert b"<stdin>:1:1: ping.bare" in proc.stdout


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        ("missing", "no such file"),
        ("directory", "is a directory"),
        ("binary", "binary file"),
        ("latin1", "not UTF-8"),
        ("empty", "the message is empty"),
        ("blank-text", "the message is empty"),
        ("huge", "too large"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, setup: str, fragment: str) -> None:
    target = tmp_path / "input.txt"
    if setup == "directory":
        target = tmp_path
    elif setup == "binary":
        target.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    elif setup == "latin1":
        target.write_bytes("Grüß dich".encode("latin-1"))
    elif setup == "empty":
        target.write_text("  \n", encoding="utf-8")
    elif setup == "huge":
        target.write_bytes(b"a" * (5 * 1024 * 1024 + 1))
    arg = "   " if setup == "blank-text" else str(target)
    proc = subprocess.run(
        [sys.executable, "-m", "warmline", "check", arg], capture_output=True, text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert fragment in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check")[0] == 2
    assert run(capsys, "nonsense")[0] == 2
    code, _, err = run(capsys, "check", "--format", "xml", "hi")
    assert code == 2
    assert "invalid choice" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("warmline ")


def test_console_script_is_installed() -> None:
    proc = subprocess.run(["warmline", "check", "-t", "Guten Morgen!"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 1
    assert "bare ping: yes" in proc.stdout


def test_line_and_column_of_every_offset() -> None:
    from warmline._render import Lines

    text = "ab\n\ncd\nefg\n"
    lines = Lines(text)
    for offset in range(len(text) + 1):
        expected = (text.count("\n", 0, offset) + 1,
                    offset - (text.rfind("\n", 0, offset) + 1) + 1)
        assert lines.line_col(offset) == expected
