"""The ``warmline`` command line.

``main(argv) -> int`` is the only entry point; nothing below it calls ``sys.exit``. Every error a
user can cause ends as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from ._errors import InputError, WarmlineError

MAX_INPUT_BYTES = 5 * 1024 * 1024
_LOOKS_LIKE_PATH = re.compile(r"^[^\s]*(?:[/\\][^\s]*|\.[A-Za-z0-9]{1,5})$")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit status 2, without exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data:
        raise InputError(f"{source}: looks like a binary file, not a text message")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{source}: not UTF-8 text (byte {e.start})") from None
    if not text.strip():
        raise InputError(f"{source}: the message is empty")
    return text


def _read_file(path: Path) -> str:
    source = str(path)
    if not path.exists():
        raise InputError(f"{source}: no such file")
    if path.is_dir():
        raise InputError(f"{source}: is a directory, not a file")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"{source}: too large ({size} bytes; the limit is {MAX_INPUT_BYTES})")
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{source}: cannot read ({e.strerror})") from None
    return _decode(data, source)


def _read_stdin() -> str:
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read(MAX_INPUT_BYTES + 1) if stream else sys.stdin.read().encode()
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"<stdin>: too large (the limit is {MAX_INPUT_BYTES} bytes)")
    return _decode(data, "<stdin>")


def _sources(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(source name, text) for every message named on the command line."""
    items: list[tuple[str, str]] = []
    for text in args.text or []:
        if not text.strip():
            raise InputError("<text>: the message is empty")
        items.append(("<text>", text))
    for arg in args.inputs:
        if arg == "-":
            items.append(("<stdin>", _read_stdin()))
        elif os.path.exists(arg) or _LOOKS_LIKE_PATH.match(arg):
            items.append((arg, _read_file(Path(arg))))
        elif not arg.strip():
            raise InputError("<text>: the message is empty")
        else:
            items.append(("<text>", arg))
    if not items:
        raise _UsageError("warmline check: give a message, a file, or - for standard input")
    return items


def _check(args: argparse.Namespace) -> int:
    from ._analyzer import analyze
    from ._render import as_json, as_text

    reports = [(source, analyze(text)) for source, text in _sources(args)]
    if args.format == "json":
        print(as_json(reports))
    else:
        for source, report in reports:
            for row in as_text(source, report):
                print(row)
    return 1 if any(report.problems for _, report in reports) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="warmline", description="Practise networking messages that treat "
                     "people as people.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = commands.add_parser(
        "check",
        help="judge messages: bare ping? what kind of ask? what to change",
        description="Judge messages. Each argument is a message, a file (UTF-8 text or "
        "Markdown), or - for standard input. Exit status: 0 no problems, 1 problems found, "
        "2 usage or input error.",
    )
    check.add_argument("inputs", nargs="*", metavar="MESSAGE|FILE|-")
    check.add_argument("-t", "--text", action="append", metavar="MESSAGE",
                       help="a message given as text, even if it looks like a file name")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(run=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.version:
            from . import __version__

            print(f"warmline {__version__}")
            return 0
        if args.command is None:
            parser.print_help()
            return 2
        return int(args.run(args))
    except _UsageError as e:
        print(str(e), file=sys.stderr)
        return 2
    except WarmlineError as e:
        print(f"warmline: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("warmline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
