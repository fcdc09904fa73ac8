"""Grading one submission: a notebook in, a graded notebook and its scores out.

This is the worker side of ``warmline grade`` (:mod:`warmline._batch` is the orchestrator). It
runs nbgrader's own preprocessors in-process, in nbgrader's order, on nbgrader's config, but
never opens the gradebook: what the preprocessors would read from it (the source cells, their
checksums and points, the kernelspec) comes in a snapshot (:class:`Snapshot`), and what
``SaveAutoGrades`` would write to it (scores and comments) comes back in the result, for the
orchestrator to write in one transaction.

A worker (``python -m warmline._gradestep``) reads one JSON job a line on stdin and writes one
JSON result a line to its original stdout; everything else it or a kernel prints goes to its
stderr (a log file). It grades submissions until stdin closes, so nbgrader and nbclient are
imported once per worker, not once per submission.

On top of ``nbgrader autograde`` it

- stops a kernel that ignores the timeout interrupt: the cell and every later one score 0, and
  the submission is flagged, instead of the whole submission failing;
- caps each cell's output (:data:`MAX_OUTPUT_CHARS`) while it is produced, so a cell printing
  without end cannot fill the worker's memory; a stream that was cut keeps a marker of its kind,
  so a cell that wrote to stderr still scores 0, as nbgrader would score it;
- flags a submission whose locked cells were edited (restored from the source, as nbgrader
  does), whose graded cells were deleted, which ran code that is not part of the assignment,
  which touched a protected path (see :mod:`warmline._kernel_guard`), or whose answers file is
  missing, damaged or edited by hand.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

# Characters of stream output kept per cell (nbgrader's LimitOutput then keeps 1000 lines).
MAX_OUTPUT_CHARS = 200_000
# After a timeout interrupt, how long the kernel has to become idle before it is killed
# (nbclient's iopub timeout after an interrupt).
INTERRUPT_GRACE = 5
GUARD = Path(__file__).with_name("_kernel_guard.py")
JAIL = Path(__file__).with_name("_jail.py")
NOT_RUN = "NotRun"

Snapshot = dict[str, Any]
"""What the preprocessors would read from the gradebook, for one assignment (JSON-able)::

    {"assignment": str, "notebooks": [{"name": str, "kernelspec": str | None,
      "source_cells": [{"name", "cell_type", "locked", "checksum", "source", "released"}],
      "grade_cells": {name: max_score}, "task_cells": {name: max_score},
      "solution_cells": [name], "free_code": [sha256 of code cells without an nbgrader id]}]}
"""


def skip_slow_optional_imports() -> None:
    """jsonschema imports ``rfc3987_syntax``, when installed, to check the "iri" string format;
    it builds a parser as it is imported (about 1 s, most of nbgrader's start). Neither nbformat
    nor nbgrader checks that format, so a grading process does without it (jsonschema then
    treats the format as unknown). Only before jsonschema is imported, and never in a kernel."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


# --- the nbgrader config ------------------------------------------------------------------------


def load_config(root: Path, db_url: str | None = None) -> Any:
    """nbgrader's config as ``nbgrader`` run in ``root`` reads it: the Jupyter config folders'
    ``nbgrader_config.py``, then the course's; ``db_url`` overrides the gradebook."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    cfg = Config()
    for folder in [*reversed(jupyter_config_path()), str(root)]:
        if os.path.isfile(os.path.join(folder, "nbgrader_config.py")):
            cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
    cfg.Exporter.default_preprocessors = []  # as nbgrader's converters set it
    if db_url:
        cfg.CourseDirectory.db_url = db_url
    return cfg


# --- preprocessors that read a snapshot instead of the gradebook ------------------------------


class MissingEntry(Exception):
    pass


class _Obj:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


class _SnapshotBook:
    """The part of ``nbgrader.api.Gradebook`` that OverwriteCells reads, from a snapshot."""

    def __init__(self, nb: Mapping[str, Any]) -> None:
        self.cells = {c["name"]: _Obj(**c) for c in nb["source_cells"]}
        self.order = [c["name"] for c in nb["source_cells"]]
        self.graded = {**nb["grade_cells"], **nb["task_cells"]}
        self.nb = nb

    def __enter__(self) -> _SnapshotBook:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> Any:
        if name not in self.cells:
            raise _missing()(f"No such source cell: {name}")
        return self.cells[name]

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> Any:
        if name not in self.graded:
            raise _missing()(f"No such graded cell: {name}")
        return _Obj(name=name, max_score=self.graded[name])

    def find_notebook(self, name: str, assignment: str) -> Any:
        cells = [self.cells[n] for n in self.order]
        return _Obj(
            name=name, kernelspec=self.nb["kernelspec"], source_cells=cells,
            grade_cells=[_Obj(name=n, max_score=m) for n, m in self.nb["grade_cells"].items()],
            task_cells=[_Obj(name=n, max_score=m) for n, m in self.nb["task_cells"].items()],
            solution_cells=[_Obj(name=n) for n in self.nb["solution_cells"]])


def _missing() -> type[Exception]:
    from nbgrader.api import MissingEntry as Missing

    return Missing  # type: ignore[no-any-return]


class _Recorder:
    """Stands in for the gradebook in SaveAutoGrades: records what it would write."""

    def __init__(self) -> None:
        self.grades: dict[str, Any] = {}
        self.comments: dict[str, Any] = {}
        self.db = self

    def commit(self) -> None:
        return None

    def find_grade(self, name: str, notebook: str, assignment: str, student: str) -> Any:
        return self.grades.setdefault(name, _Obj(auto_score=None, manual_score=None,
                                                 needs_manual_grade=True))

    def find_comment(self, name: str, notebook: str, assignment: str, student: str) -> Any:
        return self.comments.setdefault(name, _Obj(auto_comment=None))


class _CachedSchemas:
    """``jsonschema`` for nbgrader's cell metadata checks, with each schema checked once
    instead of once per cell (``jsonschema.validate`` checks the schema itself every call)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.validators: dict[int, Any] = {}

    def validate(self, instance: Any, schema: Any, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            self.real.validate(instance, schema, *args, **kwargs)
            return
        validator = self.validators.get(id(schema))
        if validator is None:
            cls = self.real.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self.validators[id(schema)] = cls(schema)
        error = self.real.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def _preprocessor_classes() -> dict[str, Any]:
    """nbgrader's preprocessors, and subclasses of the three that use the gradebook."""
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _CachedSchemas):  # this worker process only
        common.jsonschema = _CachedSchemas(common.jsonschema)
    nbformat = _nbformat()
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbconvert.preprocessors import Preprocessor as _Base

    Preprocessor: Any = _Base
    from nbgrader import preprocessors as P
    from nbgrader import utils

    class SnapshotOverwriteCells(P.OverwriteCells):  # type: ignore[misc]
        """OverwriteCells on a snapshot; every change it undoes is recorded."""

        def preprocess(self, nb: Any, resources: Any) -> Any:
            self.notebook_id = resources["nbgrader"]["notebook"]
            self.assignment_id = resources["nbgrader"]["assignment"]
            self.gradebook = self.book
            self.changes: list[tuple[str, str, str]] = []
            self.released = {c.name: c.released for c in self.gradebook.cells.values()}
            nb, resources = Preprocessor.preprocess(self, nb, resources)
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
            return nb, resources

        def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
            self._submitted = cell.source
            return super().preprocess_cell(cell, resources, index)

        def report_change(self, name: str, attr: str, old: Any, new: Any) -> None:
            if attr == "checksum" and self._submitted == self.released.get(name):
                return  # the student version as released (hidden tests removed): no edit
            self.changes.append((name, attr, str(new)))

    class SnapshotKernelspec(P.OverwriteKernelspec):  # type: ignore[misc]
        def preprocess(self, nb: Any, resources: Any) -> Any:
            spec = self.book.nb["kernelspec"]
            if spec:
                nb.metadata["kernelspec"] = json.loads(spec)
            return nb, resources

    class RecordAutoGrades(P.SaveAutoGrades):  # type: ignore[misc]
        def preprocess(self, nb: Any, resources: Any) -> Any:
            self.notebook_id = resources["nbgrader"]["notebook"]
            self.assignment_id = resources["nbgrader"]["assignment"]
            self.student_id = resources["nbgrader"]["student"]
            self.gradebook = self.recorder
            return Preprocessor.preprocess(self, nb, resources)

    class GuardedExecute(P.Execute):  # type: ignore[misc]
        """nbgrader's Execute, with a kernel that is killed when it ignores the timeout
        interrupt (the cell and later ones score 0) and output capped as it arrives."""

        def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
            from nbclient import NotebookClient

            NotebookClient.__init__(self, nb, km)
            self.reset_execution_trackers()
            self._check_assign_resources(resources)
            self.shutdown_kernel = "immediate"
            self.iopub_timeout = INTERRUPT_GRACE
            self.stopped: tuple[int, str] | None = None
            self.truncated: set[int] = set()
            self._chars: dict[int, int] = {}
            self.timeouts: list[int] = []
            with self.setup_kernel(env=self.kernel_env):
                assert self.kc is not None
                self.on_kernel(self.km)
                info = self.wait_for_reply(self.kc.kernel_info())
                assert info is not None
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                for index, cell in enumerate(self.nb.cells):
                    if self.stopped is not None:
                        if cell.cell_type == "code":
                            cell.outputs = [_error(NOT_RUN, (
                                "not run: the kernel was stopped at an earlier cell "
                                f"({self.stopped[1]})"))]
                            cell.execution_count = None
                        continue
                    try:
                        self.preprocess_cell(cell, resources, index)
                    except (CellTimeoutError, DeadKernelError) as e:
                        died = isinstance(e, DeadKernelError)
                        why = ("the kernel died" if died else
                               f"it ran past the {self.timeout} s limit and ignored the "
                               "interrupt, so the kernel was killed")
                        self.stopped = (index, why)
                        cell.outputs.append(_error(type(e).__name__, f"Cell stopped: {why}"))
            self.set_widgets_metadata()
            return self.nb, self.resources

        def on_cell_executed(self, **kwargs: Any) -> None:
            super().on_cell_executed(**kwargs)
            reply = kwargs["execute_reply"]["content"]
            if reply.get("status") == "error" and reply.get("ename") == "CellTimeoutError":
                self.timeouts.append(kwargs["cell_index"])

        def output(self, outs: Any, msg: Any, display_id: Any, cell_index: int) -> Any:
            if msg["msg_type"] == "stream":
                used = self._chars.get(cell_index, 0)
                text = msg["content"].get("text", "")
                self._chars[cell_index] = used + len(text)
                if used + len(text) > MAX_OUTPUT_CHARS:
                    self.truncated.add(cell_index)
                    name = msg["content"].get("name", "stdout")
                    marker = f"\n... output cut by warmline grade (over {MAX_OUTPUT_CHARS} " \
                             f"characters) ...\n"
                    if not any(o.get("output_type") == "stream" and o.get("name") == name
                               and o.get("text", "").endswith(marker) for o in outs):
                        room = max(0, MAX_OUTPUT_CHARS - used)
                        outs.append(nbformat.v4.new_output(
                            "stream", name=name, text=text[:room] + marker))
                    return None
            return super().output(outs, msg, display_id, cell_index)

    return {
        "sanitize": [P.ClearOutput, P.DeduplicateIds, SnapshotKernelspec,
                     SnapshotOverwriteCells, P.CheckCellMetadata],
        "autograde": [GuardedExecute, P.IgnorePattern, ClearMetadataPreprocessor,
                      P.LimitOutput, RecordAutoGrades, P.CheckCellMetadata],
        "utils": utils,
    }


def _nbformat() -> Any:
    import nbformat

    return nbformat


def _error(ename: str, evalue: str) -> Any:
    return _nbformat().v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=[f"{ename}: {evalue}"])


# --- files -------------------------------------------------------------------------------------


def assignment_files(submitted: Path, source: Path, ignore: Sequence[str],
                     exclude: Sequence[str]) -> list[tuple[str, str]]:
    """``(relative path, file to copy)`` for a working copy or an autograded folder, as
    nbgrader builds it: the submission's files but notebooks, then the source assignment's files
    but notebooks and ``exclude`` (``Autograde.exclude_overwriting``) copied over them."""
    from nbgrader.utils import find_all_files

    files: dict[str, str] = {}
    if submitted.is_dir():
        for f in find_all_files(str(submitted), [*ignore, "*.ipynb"]):
            if not os.path.islink(f):
                files[os.path.relpath(f, submitted)] = f
    if source.is_dir():
        excluded = {os.path.normpath(os.path.join(source, x)) for x in exclude}
        for f in find_all_files(str(source), [*ignore, "*.ipynb"]):
            if os.path.normpath(f) not in excluded:
                files[os.path.relpath(f, source)] = f
    return sorted(files.items())


def copy_files(files: Sequence[tuple[str, str]], dest: Path) -> None:
    for rel, src in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        shutil.copyfile(src, target)


# --- answers files ------------------------------------------------------------------------------


def answers_problems(folder: Path, nb: Any) -> list[str]:
    """What is wrong with the learner's answers file in ``folder``, for the exercises of
    ``nb``: missing, damaged, or answers of the wrong shape (edited by hand)."""
    from . import _exercises, _workbook
    from ._errors import AnswersFileError
    from .answers import FILE_NAME, load_answers
    from .grading import GradingError, _value_for

    ids = _workbook.exercise_ids(nb)
    if not ids:
        return []
    path = folder / FILE_NAME
    if not path.is_file():
        return [f"no answers file ({FILE_NAME}): every exercise counts as unanswered"]
    try:
        book = load_answers(path)
    except AnswersFileError as e:
        return [f"the answers file is damaged ({' '.join(str(e).split())[:200]}): every "
                f"exercise counts as unanswered"]
    problems = []
    for eid in ids:
        answer = book.answers.get(eid)
        if answer is None:
            continue
        try:
            _value_for(_exercises.exercise(eid), answer.value)
        except GradingError:
            problems.append(f"the answer to {eid} has the wrong type or shape (the answers file "
                            f"was edited by hand): its checks score 0")
        except ValueError:
            continue
    return problems


# --- one submission ------------------------------------------------------------------------------


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Grader:
    """Grades submissions of one assignment, one after another, in this process."""

    def __init__(self, init: Mapping[str, Any]) -> None:
        from nbconvert.exporters import NotebookExporter

        self.snapshot: Snapshot = init["snapshot"]
        self.cfg = load_config(Path(init["course_root"]), init.get("db_url"))
        self.sandbox: dict[str, Any] | None = init.get("sandbox")
        self.protect: list[str] = init.get("protect", [])
        self.slot = Path(init["slot"])
        self.classes = _preprocessor_classes()
        self.nbformat = _nbformat()
        self.exporter_class: Any = NotebookExporter
        self.kernel_pid: int | None = None
        self.on_kernel_pid: Any = None
        self.log = logging.getLogger("warmline.grade")

    # The kernel command: the guard, and the jail with --sandbox.
    def _kernel_manager_class(self, audit: Path) -> Any:
        from jupyter_client.manager import AsyncKernelManager

        grader = self

        class Manager(AsyncKernelManager):
            def format_kernel_cmd(self, extra_arguments: Any = None) -> list[str]:
                cmd: list[str] = super().format_kernel_cmd(extra_arguments)
                if len(cmd) > 2 and cmd[1:3] == ["-m", "ipykernel_launcher"]:
                    cmd = [cmd[0], str(GUARD), *cmd[3:]]
                box = grader.sandbox
                if box is None:
                    return cmd
                jail = ["unshare", "--mount", "--propagation", "private", "--", sys.executable,
                        str(JAIL), f"--uid={box['uid']}", f"--gid={box['gid']}",
                        f"--scratch={grader.slot / 'mnt'}", f"--audit={audit}"]
                jail += [f"--hide={p}" for p in box["hide"]]
                jail += [f"--reach={p}" for p in box["reach"]]
                return [*jail, "--", *cmd]

        return Manager

    def _kernel_env(self, work: Path, audit: Path) -> dict[str, str]:
        env = dict(os.environ)
        if self.sandbox is not None:
            keep = ("PATH", "LANG", "LANGUAGE", "TZ", "PYTHONPATH", "PYTHONHASHSEED",
                    "JUPYTER_PLATFORM_DIRS")
            env = {k: v for k, v in os.environ.items()
                   if k in keep or k.startswith("LC_")}
            home = self.slot / "home"
            env.update(HOME=str(home), IPYTHONDIR=str(home / ".ipython"),
                       JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
                       JUPYTER_DATA_DIR=str(home / ".local"), MPLCONFIGDIR=str(home / ".mpl"))
        else:
            env["WARMLINE_AUDIT"] = str(audit)
        env["WARMLINE_PROTECT"] = ",".join(self.protect)
        env["NBGRADER_EXECUTION"] = "autograde"
        env["PYTHONWARNINGS"] = "ignore"
        env.pop("PYTEST_CURRENT_TEST", None)
        return env

    def _prepare(self, job: Mapping[str, Any]) -> tuple[Path, Path]:
        job_dir = self.slot / "job"
        if job_dir.exists():
            shutil.rmtree(job_dir)
        work, home = job_dir / "work", self.slot / "home"
        work.mkdir(parents=True)
        if home.exists():
            shutil.rmtree(home)
        home.mkdir()
        copy_files(job["files"], work)
        audit = self.slot / "audit.log"
        with contextlib.suppress(FileNotFoundError):
            audit.unlink()
        if self.sandbox is not None:
            uid, gid = self.sandbox["uid"], self.sandbox["gid"]
            for folder in (job_dir, home):
                for base, dirs, files in os.walk(folder):
                    for name in [*dirs, *files]:
                        os.lchown(os.path.join(base, name), uid, gid)
                os.chown(folder, uid, gid)
                os.chmod(folder, 0o700)
        return work, audit

    def grade(self, job: Mapping[str, Any]) -> dict[str, Any]:
        started = time.monotonic()
        flags: list[str] = []
        notebooks: dict[str, Any] = {}
        failed: list[str] = []
        work, audit = self._prepare(job)
        for nb_snap in self.snapshot["notebooks"]:
            name = nb_snap["name"]
            path = Path(job["submitted"]) / f"{name}.ipynb"
            if not path.is_file():
                notebooks[name] = {"missing": True}
                failed.append(f"no {name}.ipynb in the submission")
                continue
            try:
                result = self._grade_notebook(job, nb_snap, path, work, audit, flags)
            except _Unreadable as e:
                notebooks[name] = {"missing": True}
                failed.append(str(e))
                continue
            notebooks[name] = result
        flags += self._audit(audit)
        status = "failed" if failed else ("flagged" if flags else "graded")
        reason = "; ".join([*failed, *dict.fromkeys(flags)])
        return {"student": job["student"], "status": status, "reason": reason,
                "notebooks": notebooks, "seconds": round(time.monotonic() - started, 3)}

    def _audit(self, audit: Path) -> list[str]:
        flags = []
        try:
            lines = audit.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        for line in lines:
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if item.get("kind") == "protected":
                flags.append(f"learner code tried to {item['what']} {item['detail']} (a "
                             f"protected path)")
            elif item.get("kind") == "program":
                flags.append(f"learner code tried to start a program ({item['what']}: "
                             f"{item['detail'][:80]})")
        return flags

    def _grade_notebook(self, job: Mapping[str, Any], nb_snap: Mapping[str, Any], path: Path,
                        work: Path, audit: Path, flags: list[str]) -> dict[str, Any]:
        nbformat = self.nbformat
        name = nb_snap["name"]
        try:
            raw = path.read_bytes()
            nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
            if not isinstance(nb.get("cells"), list):
                raise ValueError("it has no list of cells")
        except Exception as e:  # any way a file can fail to be a notebook
            what = ("not valid JSON" if isinstance(e, json.JSONDecodeError) or
                    "JSON" in type(e).__name__ else "not a notebook")
            detail = " ".join(str(e).split())[:160]
            raise _Unreadable(f"{name}.ipynb is {what} ({type(e).__name__}: {detail})") \
                from None
        book = _SnapshotBook(nb_snap)
        resources: dict[str, Any] = {
            "unique_key": name, "output_files_dir": f"{name}_files",
            "nbgrader": {"student": job["student"], "assignment": self.snapshot["assignment"],
                         "notebook": name, "db_url": ""},
        }
        sanitize = self.exporter_class(config=self.cfg)
        steps = [cls(parent=sanitize) for cls in self.classes["sanitize"]]
        for step in steps:
            step.book = book
            sanitize.register_preprocessor(step)
        try:
            text, resources = sanitize.from_notebook_node(nb, resources=resources)
        except Exception as e:
            raise _Unreadable(f"{name}.ipynb cannot be graded: its nbgrader cell metadata is "
                              f"damaged ({type(e).__name__}: {' '.join(str(e).split())[:160]})"
                              ) from None
        overwrite = steps[3]
        for cell, attr, _ in overwrite.changes:
            flags.append(f"{'edited' if attr == 'checksum' else 'changed the ' + attr + ' of'} "
                         f"locked cell {cell} (restored from the assignment: no points from "
                         f"the edit)")
        sanitized = nbformat.reads(text, as_version=4)
        (work / f"{name}.ipynb").write_text(text, encoding="utf-8")
        ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
               for c in sanitized.cells}
        for gid in [*nb_snap["grade_cells"], *nb_snap["task_cells"]]:
            if gid not in ids:
                flags.append(f"graded cell {gid} was deleted from the notebook")
        free = set(nb_snap["free_code"])
        added = [i for i, c in enumerate(sanitized.cells)
                 if c.cell_type == "code" and c.source.strip()
                 and not c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                 and _sha(c.source) not in free]
        if added:
            flags.append(f"ran {len(added)} code cell(s) that are not part of the assignment "
                         f"(cell {', '.join(str(i + 1) for i in added[:5])})")
        flags += answers_problems(work, sanitized)

        recorder = _Recorder()
        kernel_env = self._kernel_env(work, audit)
        autograde = self.exporter_class(config=self.cfg)
        auto_steps = [cls(parent=autograde) for cls in self.classes["autograde"]]
        execute = auto_steps[0]
        execute.kernel_manager_class = self._kernel_manager_class(audit)
        execute.kernel_env = kernel_env
        execute.on_kernel = self._on_kernel
        auto_steps[4].recorder = recorder
        for step in auto_steps:
            autograde.register_preprocessor(step)
        resources2 = {**resources, "metadata": {"path": str(work)}}
        try:
            text2, _ = autograde.from_notebook_node(sanitized, resources=resources2)
        finally:
            self._on_kernel(None)
        if execute.stopped is not None:
            index, why = execute.stopped
            later = sum(1 for c in sanitized.cells[index + 1:] if c.cell_type == "code")
            flags.append(f"cell {index + 1} was stopped: {why}; it and {later} later code "
                         f"cell(s) score 0")
        for index in execute.timeouts:
            flags.append(f"cell {index + 1} ran past the {execute.timeout} s limit and was "
                         f"interrupted")
        if execute.truncated:
            flags.append(f"cell(s) {', '.join(str(i + 1) for i in sorted(execute.truncated))} "
                         f"printed over {MAX_OUTPUT_CHARS} characters: the output was cut")
        return {"missing": False, "text": text2,
                "grades": {k: v.auto_score for k, v in recorder.grades.items()},
                "comments": {k: v.auto_comment for k, v in recorder.comments.items()}}

    def _on_kernel(self, km: Any) -> None:
        pid = None
        if km is not None:
            provisioner = getattr(km, "provisioner", None)
            pid = getattr(provisioner, "pid", None)
        if self.on_kernel_pid is not None:
            self.on_kernel_pid(pid)


class _Unreadable(Exception):
    """The notebook can't be graded at all (not JSON, not a notebook, damaged metadata)."""


# --- the worker process ---------------------------------------------------------------------------


def _send(stream: IO[str], message: Mapping[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def _lines(stream: IO[str]) -> Iterator[dict[str, Any]]:
    for line in stream:
        if line.strip():
            yield json.loads(line)


def worker_main() -> int:
    """Grade jobs from stdin until it closes; results on the original stdout."""
    parent = os.getppid()
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # kernels and libraries print to stderr, never into the results
    sys.stdout = sys.stderr
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="[worker %(process)d %(levelname)s] %(message)s")
    import warnings

    warnings.simplefilter("ignore")
    skip_slow_optional_imports()
    jobs = _lines(sys.stdin)
    try:
        _preprocessor_classes()  # the imports, while the orchestrator prepares the batch
        from nbconvert.exporters import NotebookExporter  # noqa: F401

        from . import grading  # noqa: F401
        init = next(jobs)
        grader = Grader(init)
    except Exception as e:
        _send(out, {"ready": False, "error": f"{type(e).__name__}: {e}"})
        return 1
    grader.on_kernel_pid = lambda pid: _send(out, {"kernel_pid": pid})
    _send(out, {"ready": True})
    try:
        return _serve(grader, jobs, out)
    finally:
        if os.getppid() != parent:  # the orchestrator was killed: leave nothing behind
            shutil.rmtree(grader.slot, ignore_errors=True)
            with contextlib.suppress(OSError):
                os.unlink(grader.slot.parent / f"worker-{grader.slot.name[5:]}.log")
                os.rmdir(grader.slot.parent)


def _serve(grader: Grader, jobs: Iterator[dict[str, Any]], out: IO[str]) -> int:
    for job in jobs:
        try:
            result = grader.grade(job)
        except Exception as e:
            import traceback

            traceback.print_exc()
            result = {"student": job["student"], "status": "error", "notebooks": {},
                      "reason": f"the grader failed: {type(e).__name__}: "
                                f"{' '.join(str(e).split())[:200]}"}
        result["id"] = job["id"]
        try:
            _send(out, result)
        except BrokenPipeError:
            return 0  # the orchestrator is gone (killed); nothing was written
    return 0


def snapshot_notebook(gb_notebook: Any, source_nb: Any, released_nb: Any = None) \
        -> dict[str, Any]:
    """One notebook of a :data:`Snapshot`, from the gradebook's notebook, the source notebook
    and the released student version (each locked cell's text as learners got it; computed
    with nbgrader's ClearHiddenTests and ClearMarkScheme when there is no release)."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme

    nbformat = _nbformat()
    grade = {g.name for g in gb_notebook.grade_cells}
    task = {t.name for t in gb_notebook.task_cells}
    solution = {s.name for s in gb_notebook.solution_cells}
    given = {}
    for c in released_nb.cells if released_nb is not None else []:
        gid = c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid:
            given[gid] = c.source
    clearing = [ClearHiddenTests(enforce_metadata=False), ClearMarkScheme(enforce_metadata=False)]
    cells = []
    for c in gb_notebook.source_cells:
        released = given.get(c.name)
        if released is None:
            probe = nbformat.v4.new_code_cell(c.source) if c.cell_type == "code" else \
                nbformat.v4.new_markdown_cell(c.source)
            probe.metadata["nbgrader"] = {
                "grade_id": c.name, "grade": c.name in grade, "task": c.name in task,
                "solution": c.name in solution, "locked": bool(c.locked)}
            for step in clearing:
                probe = step.preprocess_cell(probe, {}, 0)[0]
            released = probe.source
        cells.append({"name": c.name, "cell_type": c.cell_type, "locked": bool(c.locked),
                      "checksum": c.checksum, "source": c.source, "released": released})
    free = [_sha(c.source) for c in (source_nb.cells if source_nb is not None else [])
            if c.cell_type == "code" and not c.get("metadata", {}).get("nbgrader", {})
            .get("grade_id")]
    return {"name": gb_notebook.name, "kernelspec": gb_notebook.kernelspec,
            "source_cells": cells,
            "grade_cells": {g.name: float(g.max_score) for g in gb_notebook.grade_cells},
            "task_cells": {t.name: float(t.max_score) for t in gb_notebook.task_cells},
            "solution_cells": sorted(solution), "free_code": free}


if __name__ == "__main__":
    sys.exit(worker_main())
