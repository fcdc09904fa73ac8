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
from typing import Any

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


# --- instructor and workbook commands (the logic lives in _instructor) ----------------------


def _course(args: argparse.Namespace) -> Any:
    from ._instructor import find_course

    return find_course(args.course)


def _show_leaks(leaks: Sequence[Any], where: str) -> None:
    for leak in leaks:
        s = leak.secret
        print(f"{leak.path}: {s.region} text from {s.notebook} (cell {s.grade_id}): "
              f"{s.text.strip()!r}", file=sys.stderr)
    print(f"warmline: FAILED: {len(leaks)} leak(s) of solution, hidden-test or mark-scheme text "
          f"{where}", file=sys.stderr)


def _release(args: argparse.Namespace) -> int:
    from ._instructor import release

    result = release(_course(args), args.assignments)
    if result.leaks:
        _show_leaks(result.leaks, f"under {result.release_dir}; do not hand these files out")
        return 1
    print(f"released {', '.join(result.assignments)} to {result.release_dir}")
    print(f"checked {result.files_checked} file(s) under {result.release_dir}: no solution, "
          f"hidden-test or mark-scheme text")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from ._instructor import ProgressBar, grade, submissions

    if args.jobs is not None and args.jobs < 1:
        raise _UsageError("warmline grade: --jobs must be 1 or more")
    course = _course(args)
    course.assignment(args.assignment)
    bar = ProgressBar(sys.stderr, args.assignment, len(submissions(course, args.assignment)))
    result = grade(course, args.assignment, progress=bar, jobs=args.jobs, db_url=args.db,
                   sandbox=args.sandbox, force=args.force)
    again = sum(not s.fresh for s in result.submissions)
    print(f"{args.assignment}: {result.graded} of {len(result.submissions)} submission(s) "
          f"graded, {result.failed} failed, {result.flagged} flagged for review"
          + (f" ({again} unchanged since they were graded; --force grades them again)"
             if again else ""))
    for sub in result.submissions:
        if sub.status == "failed":
            print(f"  {sub.student}: FAILED: {sub.reason}")
            continue
        line = (f"  {sub.student}: {sub.score or 0:g} of "
                f"{(sub.max_score or 0) - sub.pending:g} points")
        if sub.pending:
            line += f", {sub.pending:g} more to grade by hand in formgrader"
        if sub.status == "flagged":
            line += f"; FLAGGED: {sub.reason}"
        print(line)
    if result.log is not None:
        print(f"warmline: the grader's log is in {result.log}", file=sys.stderr)
    return 0 if result.graded else 1


def _feedback(args: argparse.Namespace) -> int:
    from ._instructor import feedback

    result = feedback(_course(args), args.assignment)
    if result.leaks:
        _show_leaks(result.leaks, "in feedback pages; those pages were deleted")
        return 1
    print(f"{args.assignment}: {len(result.files)} feedback file(s) written, checked: no "
          f"hidden tests, solutions or mark schemes in them")
    return 0


def _report(args: argparse.Namespace) -> int:
    from ._instructor import report

    course = _course(args)
    output = Path(args.output) if args.output else course.root / "class-report.html"
    print(f"class report written to {report(course, output)}")
    return 0


def _selfcheck(args: argparse.Namespace) -> int:
    from ._instructor import selfcheck

    print("checking your workbook (this takes about 20 seconds)...", file=sys.stderr)
    result = selfcheck(_course(args), Path(args.notebook))
    print(f"{result.assignment}: {result.score:g} of {result.max_auto:g} points checked "
          f"automatically" + (f"; {result.pending:g} more points are read by your instructor"
                              if result.pending else ""))
    print(f"your feedback: {result.feedback}")
    return 0


def _submit_zip(args: argparse.Namespace) -> int:
    from ._instructor import submit_zip

    path, with_answers = submit_zip(Path(args.notebook), args.id, assignment=args.assignment,
                                    output=Path(args.output) if args.output else None)
    if not with_answers:
        print("warmline: note: no warmline-answers.json beside the notebook: the zip holds no "
              "widget answers", file=sys.stderr)
    print(f"hand in this file: {path}")
    return 0


def _workbook(args: argparse.Namespace) -> int:
    from ._workspace import create

    result = create(args.folder)
    print(f"{result.root}: copied {len(result.copied)} file(s), "
          f"{len(result.same)} already there")
    for path, why in result.kept:
        print(f"  kept {path}: not overwritten, {why}")
    print(f"open the course: jupyter lab {result.root / 'course' / '00-start-here.ipynb'}")
    return 0


def _add_course(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", metavar="DIR",
                        help="the nbgrader course folder (default: the autograder/ folder "
                             "found from here upwards, or the repository's)")


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

    rel = commands.add_parser(
        "release", help="instructor: generate the student versions of the workbook",
        description="Generate the student versions (nbgrader generate_assignment), then check "
        "that no solution, hidden test or mark scheme reached them. Exit status: 0 released and "
        "checked, 1 something leaked, 2 could not release.")
    rel.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                     help="assignments to release (default: all)")
    _add_course(rel)
    rel.set_defaults(run=_release)

    grd = commands.add_parser(
        "grade", help="instructor: autograde every submission of an assignment",
        description="Autograde every submission under submitted/*/ASSIGNMENT/ in parallel, with "
        "progress on stderr and a summary; submissions unchanged since they were graded are "
        "skipped. Exit status: 0 graded (even if some submissions failed), 1 no submission "
        "could be graded, 2 usage error or the grader could not run at all.")
    grd.add_argument("assignment", metavar="ASSIGNMENT")
    grd.add_argument("-j", "--jobs", type=int, metavar="N",
                     help="submissions graded at once (default: the number of cores)")
    grd.add_argument("--db", metavar="URL",
                     help="the gradebook's database URL, e.g. postgresql://user@host/db "
                          "(default: CourseDirectory.db_url, else gradebook.db in the course)")
    grd.add_argument("--sandbox", action="store_true",
                     help="run each kernel as an unprivileged user who cannot see the course "
                          "folder or the gradebook (Linux, as root)")
    grd.add_argument("--force", action="store_true",
                     help="grade every submission again, even those unchanged since graded")
    _add_course(grd)
    grd.set_defaults(run=_grade)

    fbk = commands.add_parser(
        "feedback", help="instructor: feedback pages for learners, hidden tests removed",
        description="Generate feedback (nbgrader generate_feedback) and check that no hidden "
        "test, solution or mark scheme is in it. Exit status: 0 done, 1 a page leaked (and was "
        "deleted), 2 could not generate.")
    fbk.add_argument("assignment", metavar="ASSIGNMENT")
    _add_course(fbk)
    fbk.set_defaults(run=_feedback)

    rep = commands.add_parser(
        "report", help="instructor: a class report (HTML) of scores and common findings",
        description="Write an HTML class report: scores per assignment and per principle, the "
        "graded cells the class found hardest, and what the analyzer flagged most in learners' "
        "recorded messages.")
    rep.add_argument("-o", "--output", metavar="FILE",
                     help="where to write it (default: class-report.html in the course folder)")
    _add_course(rep)
    rep.set_defaults(run=_report)

    slf = commands.add_parser(
        "selfcheck", help="learner: grade your own workbook notebook and read the feedback",
        description="Grade your workbook notebook (and the answers recorded beside it) the way "
        "your instructor would, and write NOTEBOOK-feedback.html next to it.")
    slf.add_argument("notebook", metavar="NOTEBOOK")
    _add_course(slf)
    slf.set_defaults(run=_selfcheck)

    szp = commands.add_parser(
        "submit-zip", help="learner: a zip of your notebook and answers to hand in",
        description="Zip the notebook and its warmline-answers.json, named so that `nbgrader "
        "zip_collect` files it under your id.")
    szp.add_argument("notebook", metavar="NOTEBOOK")
    szp.add_argument("--id", required=True, metavar="STUDENT", help="your id for the course")
    szp.add_argument("--assignment", metavar="NAME",
                     help="the assignment (default: the notebook's name)")
    szp.add_argument("--output", metavar="DIR", help="where to write the zip (default: beside "
                                                     "the notebook)")
    szp.set_defaults(run=_submit_zip)

    wbk = commands.add_parser(
        "workbook", help="learner: copy the course and the workbook into a folder to work in",
        description="Copy the course notebooks (FOLDER/course/) and the student versions of the "
        "workbook (FOLDER/workbook/ASSIGNMENT/) into FOLDER, creating it if needed. Files already "
        "there are never overwritten: they are kept and listed. Exit status: 0 done, 2 the "
        "folder cannot be used.")
    wbk.add_argument("folder", metavar="FOLDER", help="the folder to work in, e.g. ~/warmline")
    wbk.set_defaults(run=_workbook)
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
