"""A learner's working folder: the course and the student workbook copied where the learner
works, and carried from one session to the next as one zip.

- :func:`create` (``warmline workbook DIR``) copies the course notebooks into ``DIR/course/``
  and the student versions of the workbook into ``DIR/workbook/<assignment>/``, so that nobody
  edits the notebooks inside a repository or site-packages. It never overwrites a file that is
  already there: it keeps it and says so. It leaves ``DIR/.warmline-workspace.json`` behind,
  which names the learner's folders and remembers each file as it was set up.
- :func:`find` finds a notebook's working folder: the nearest folder at or above it that holds
  ``.warmline-workspace.json``, else the notebook's own folder.
- :func:`pack` zips the learner's notebooks and answers files; :func:`unpack` restores such a
  zip without losing work: a file that is not there is written, a file still as it was set up
  is replaced, and a file with changes of its own is kept, with the downloaded copy written
  beside it (both are kept). Answers files are merged, exercise by exercise, keeping the newer
  answer and the newer draft (through :mod:`warmline.answers`' locked, atomic update).

Where the files come from: the course notebooks are ``warmline/data/course/`` in an installed
wheel, else the repository's ``course/`` (an editable install, or a clone). The student workbook
is ``warmline/data/workbook/``: what ``nbgrader generate_assignment`` makes of ``exercises/``,
kept in the package so that an installed warmline can hand it out without shipping the source
notebooks (which hold the solutions). The tests check it against a fresh generation;
``python -m warmline._workspace`` generates it again after ``exercises/`` changed.

This module imports no Jupyter package (nbgrader runs as a subprocess in :func:`generate`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import secrets
import shutil
import site
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Literal

from . import answers as _answers
from ._errors import AnswersFileError, WarmlineError
from .answers import FILE_NAME, load_answers

MARKER = ".warmline-workspace.json"
MARKER_FORMAT = "warmline-workspace"
FOLDERS = ("course", "workbook")
PACKAGE = Path(__file__).resolve().parent
PACKAGED_COURSE = PACKAGE / "data" / "course"
PACKAGED_WORKBOOK = PACKAGE / "data" / "workbook"
REPOSITORY = PACKAGE.parents[1]  # the clone, for an editable install

# Limits for a zip, both ways: far above a course's size (about 1 MB with outputs), far below
# what would fill a disk or a browser tab.
MAX_FILES = 2000
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
_SKIP_DIRS = {"__pycache__", "node_modules", "site-packages"}
_MAX_DEPTH = 6


class WorkspaceError(WarmlineError, ValueError):
    """A working folder cannot be set up, packed or restored (the message says why)."""


# --- where the course and the workbook come from -------------------------------------------------


def course_source() -> Path:
    """The folder holding the course notebooks: the package's copy, else the repository's."""
    for folder in (PACKAGED_COURSE, REPOSITORY / "course"):
        if any(folder.glob("*.ipynb")):
            return folder
    raise WorkspaceError(
        f"cannot find the course notebooks (looked in {PACKAGED_COURSE} and "
        f"{REPOSITORY / 'course'}); install warmline from its repository (pip install -e .)")


def workbook_source() -> Path:
    """The folder holding the student versions of the workbook, one subfolder per assignment."""
    if not any(PACKAGED_WORKBOOK.glob("*/*.ipynb")):
        raise WorkspaceError(f"cannot find the student workbook in {PACKAGED_WORKBOOK}; "
                             f"reinstall warmline")
    return PACKAGED_WORKBOOK


def sources() -> dict[str, Path]:
    """Every file a working folder starts with: its path there (POSIX) and where it comes from."""
    found = {f"course/{p.name}": p for p in sorted(course_source().glob("*.ipynb"))}
    book = workbook_source()
    found.update({f"workbook/{p.relative_to(book).as_posix()}": p
                  for p in sorted(book.glob("*/*.ipynb"))})
    return found


# --- the working folder ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Workspace:
    """A working folder: its root, the folders there that hold the learner's notebooks (``.``
    for all of it), and each file's SHA-256 as it was set up (empty without a marker file)."""

    root: Path
    folders: tuple[str, ...] = (".",)
    pristine: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    marked: bool = False


@dataclass(frozen=True, slots=True)
class CreateResult:
    root: Path
    copied: tuple[str, ...]
    same: tuple[str, ...]  # already there, identical
    kept: tuple[tuple[str, str], ...]  # (path, why it was not overwritten)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str | None:
    try:
        return _sha(path.read_bytes()) if path.is_file() else None
    except OSError:
        return None


def _read_marker(folder: Path) -> Workspace | None:
    path = folder / MARKER
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        data = None
    folders: tuple[str, ...] = FOLDERS
    pristine: dict[str, str] = {}
    if isinstance(data, dict) and data.get("format") == MARKER_FORMAT:
        named = data.get("folders")
        if isinstance(named, list) and named and all(_safe_rel(f) or f == "." for f in named):
            folders = tuple(str(f) for f in named)
        sums = data.get("pristine")
        if isinstance(sums, dict):
            pristine = {str(k): str(v) for k, v in sums.items()
                        if isinstance(v, str) and _safe_rel(str(k))}
    return Workspace(folder, folders, MappingProxyType(pristine), True)


def _write_marker(ws: Workspace) -> None:
    payload = {
        "format": MARKER_FORMAT,
        "version": 1,
        "about": "Written by `warmline workbook`: the learner's folders, and each file's "
                 "SHA-256 as it was set up (a restore replaces only files still like that).",
        "folders": list(ws.folders),
        "pristine": dict(sorted(ws.pristine.items())),
    }
    _replace(ws.root / MARKER, (json.dumps(payload, indent=2) + "\n").encode("utf-8"))


def find(start: str | os.PathLike[str] | None = None) -> Workspace:
    """The working folder of ``start`` (default: the current folder): the nearest folder at or
    above it with a ``.warmline-workspace.json``, else ``start`` itself (all of it)."""
    here = Path(start) if start is not None else Path.cwd()
    here = here.resolve()
    for folder in (here, *here.parents):
        ws = _read_marker(folder)
        if ws is not None:
            return ws
    return Workspace(here)


def _protected() -> list[tuple[Path, str]]:
    paths = sysconfig.get_paths()
    places = [(PACKAGE, "the installed warmline package")]
    places += [(Path(paths[key]), "site-packages")
               for key in ("purelib", "platlib") if key in paths]
    with contextlib.suppress(AttributeError):
        places += [(Path(p), "site-packages") for p in site.getsitepackages()]
    with contextlib.suppress(AttributeError):
        places.append((Path(site.getusersitepackages()), "site-packages"))
    if "stdlib" in paths:
        places.append((Path(paths["stdlib"]), "Python's own folders"))
    places.append((REPOSITORY / "course", "the course's own folder"))
    return [(p.resolve(), why) for p, why in places]


def _check_destination(dest: str | os.PathLike[str]) -> Path:
    if not str(dest).strip():
        raise WorkspaceError("give a folder to work in, e.g. warmline workbook ~/warmline")
    path = Path(dest).expanduser()
    if path.exists() and not path.is_dir():
        raise WorkspaceError(f"{path}: is a file, not a folder")
    resolved = path.resolve()
    for place, why in _protected():
        if resolved == place or place in resolved.parents:
            raise WorkspaceError(f"{path}: is inside {why} ({place}); choose a folder of your "
                                 f"own, e.g. ~/warmline")
    try:
        resolved.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WorkspaceError(f"{path}: cannot create the folder ({e.strerror or e})") from None
    return resolved


def create(dest: str | os.PathLike[str]) -> CreateResult:
    """Copy the course and the student workbook into ``dest``; never overwrite a file there."""
    root = _check_destination(dest)
    files = sources()  # before writing anything: a missing source is an error, not half a copy
    old = _read_marker(root)
    pristine = dict(old.pristine) if old is not None else {}
    folders = old.folders if old is not None else FOLDERS
    copied: list[str] = []
    same: list[str] = []
    kept: list[tuple[str, str]] = []
    for rel, src in files.items():
        target = root / rel
        data = src.read_bytes()
        digest = _sha(data)
        if target.exists() or target.is_symlink():
            mine = _file_sha(target)
            if mine == digest:
                same.append(rel)
                pristine[rel] = digest
            elif mine is None:
                kept.append((rel, "something that is not a file is in its place"))
            elif pristine.get(rel) == mine:
                kept.append((rel, "unchanged since it was set up, from an older version of the "
                                  "course; delete it and run this again to get the new one"))
            else:
                kept.append((rel, "it differs from the course's copy (your work, kept as is)"))
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_new(target, data)
        except FileExistsError:
            kept.append((rel, "it appeared while copying (kept as is)"))
            continue
        except OSError as e:
            raise WorkspaceError(f"cannot write {target}: {e.strerror or e}") from None
        copied.append(rel)
        pristine[rel] = digest
    try:
        _write_marker(Workspace(root, folders, pristine, True))
    except OSError as e:
        raise WorkspaceError(f"cannot write {root / MARKER}: {e.strerror or e}") from None
    return CreateResult(root, tuple(copied), tuple(same), tuple(kept))


# --- writing files safely --------------------------------------------------------------------


def _write_new(path: Path, data: bytes) -> None:
    """Write a new file; FileExistsError if anything is there already (never overwrites)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _replace(path: Path, data: bytes) -> None:
    """Write ``path`` atomically: a temporary file beside it, then a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        _write_new(tmp, data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


# --- packing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Packed:
    """A zip of a learner's work: its suggested file name, its bytes and what it holds."""

    name: str
    data: bytes
    files: tuple[str, ...]


def _walk(base: Path, depth: int = 0) -> Iterator[Path]:
    try:
        entries = sorted(base.iterdir(), key=lambda p: p.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir():
            if entry.name not in _SKIP_DIRS and depth < _MAX_DEPTH:
                yield from _walk(entry, depth + 1)
        elif entry.is_file() and _wanted(entry.name):
            yield entry


def _wanted(name: str) -> bool:
    return name == FILE_NAME or (name.endswith(".ipynb") and len(name) > len(".ipynb"))


def learner_files(ws: Workspace) -> list[str]:
    """The learner's notebooks and answers files in ``ws``, as POSIX paths under its root."""
    found: set[str] = set()
    if "." in ws.folders:
        bases = [ws.root]
    else:
        bases = [ws.root / f for f in ws.folders]
        # Notebooks a learner made at the top of the folder are theirs too.
        found.update(p.name for p in ws.root.glob("*.ipynb") if p.is_file() and _wanted(p.name))
    for base in bases:
        for path in _walk(base):
            found.add(path.relative_to(ws.root).as_posix())
            if len(found) > MAX_FILES:
                raise WorkspaceError(f"more than {MAX_FILES} notebooks under {ws.root}: too "
                                     f"many for one download; use the file browser instead")
    return sorted(found)


def zip_name(now: datetime | None = None) -> str:
    moment = now or datetime.now(timezone.utc)
    return f"warmline-work-{moment:%Y-%m-%d-%H%M}.zip"


def pack(ws: Workspace, *, now: datetime | None = None) -> Packed:
    """One zip of the learner's notebooks and answers files, as they are on disk now."""
    files = learner_files(ws)
    if not files:
        raise WorkspaceError(f"no notebooks or answers files under {ws.root} to download")
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for rel in files:
            path = ws.root / rel
            try:
                data = path.read_bytes()
                info = zipfile.ZipInfo.from_file(path, rel)
            except OSError as e:
                raise WorkspaceError(f"cannot read {path}: {e.strerror or e}") from None
            total += len(data)
            if total > MAX_TOTAL_BYTES:
                raise WorkspaceError(f"your notebooks add up to more than "
                                     f"{MAX_TOTAL_BYTES // 2**20} MB: too large for one "
                                     f"download; use the file browser instead")
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return Packed(zip_name(now), buffer.getvalue(), tuple(files))


# --- restoring -------------------------------------------------------------------------------

Action = Literal["restored", "replaced", "unchanged", "kept both", "merged", "skipped"]


@dataclass(frozen=True, slots=True)
class Restored:
    """What happened to one file of the zip: ``action`` on ``path``, and ``detail`` in words."""

    path: str
    action: Action
    detail: str = ""


@dataclass(frozen=True, slots=True)
class RestoreResult:
    items: tuple[Restored, ...]

    def by(self, action: Action) -> list[Restored]:
        return [item for item in self.items if item.action == action]


def _safe_rel(name: str) -> str | None:
    """``name`` as a safe relative POSIX path (no absolute, ``..``, hidden or odd parts)."""
    if not name or "\\" in name or name.startswith("/") or len(name) > 1024:
        return None
    parts = PurePosixPath(name).parts
    if not parts:
        return None
    for part in parts:
        if part in (".", "..") or part.startswith(".") or len(part.encode("utf-8")) > 255:
            return None
        if any(ord(ch) < 32 or ch in ':*?"<>|' for ch in part):
            return None
    return "/".join(parts)


def _inside(ws: Workspace, rel: str) -> bool:
    if "." in ws.folders:
        return True
    parts = rel.split("/")
    return len(parts) == 1 or parts[0] in ws.folders


def _is_notebook(data: bytes) -> bool:
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return (isinstance(nb, dict) and isinstance(nb.get("cells"), list)
            and isinstance(nb.get("nbformat"), int))


def _restored_name(target: Path, stamp: str) -> Path:
    stem, suffix = target.name[: -len(".ipynb")], ".ipynb"
    candidate = target.with_name(f"{stem}-restored-{stamp}{suffix}")
    n = 2
    while candidate.exists():
        candidate = target.with_name(f"{stem}-restored-{stamp}-{n}{suffix}")
        n += 1
    return candidate


def _entries(data: bytes) -> Iterator[tuple[str, bytes | None, str]]:
    """(name, content or None, why skipped) for each file in the zip, within the limits."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise WorkspaceError("this is not a zip file; choose the .zip that "
                             "'Download my work' saved") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_FILES:
            raise WorkspaceError(f"the zip holds {len(infos)} files, more than {MAX_FILES}")
        total = 0
        for info in infos:
            if info.file_size > MAX_FILE_BYTES:
                yield info.filename, None, "too large"
                continue
            try:
                with zf.open(info) as f:
                    content = f.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError,
                    NotImplementedError, EOFError):
                yield info.filename, None, "cannot be read from the zip (damaged or encrypted)"
                continue
            if len(content) > MAX_FILE_BYTES:
                yield info.filename, None, "too large"
                continue
            total += len(content)
            if total > MAX_TOTAL_BYTES:
                raise WorkspaceError(f"the zip unpacks to more than "
                                     f"{MAX_TOTAL_BYTES // 2**20} MB; nothing more was restored")
            yield info.filename, content, ""


def unpack(ws: Workspace, data: bytes, *, now: datetime | None = None) -> RestoreResult:
    """Restore a zip made by :func:`pack` into ``ws`` without losing work (see the module)."""
    stamp = f"{now or datetime.now(timezone.utc):%Y-%m-%d-%H%M}"
    root = ws.root.resolve()
    items: list[Restored] = []
    for name, content, why in _entries(data):
        rel = _safe_rel(name)
        shown = rel or name
        if why:
            items.append(Restored(shown, "skipped", why))
            continue
        assert content is not None
        if rel is None or not _wanted(PurePosixPath(rel).name) or not _inside(ws, rel):
            items.append(Restored(shown, "skipped", "not a notebook or answers file of the "
                                                    "course"))
            continue
        target = root / rel
        if not _within(root, target.parent):
            items.append(Restored(rel, "skipped", "it would be written outside the folder"))
            continue
        try:
            items.append(_restore_one(ws, rel, target, content, stamp))
        except OSError as e:
            items.append(Restored(rel, "skipped", f"cannot write it: {e.strerror or e}"))
    return RestoreResult(tuple(items))


def _within(root: Path, folder: Path) -> bool:
    """Whether ``folder`` is ``root`` or below it once symbolic links are followed."""
    try:
        real = folder.resolve()
    except (OSError, RuntimeError):
        return False
    return real == root or root in real.parents


def _restore_one(ws: Workspace, rel: str, target: Path, content: bytes, stamp: str) -> Restored:
    if target.name == FILE_NAME:
        return _merge_answers_file(rel, target, content)
    if not _is_notebook(content):
        return Restored(rel, "skipped", "not a readable notebook")
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        return Restored(rel, "skipped", "something that is not a file is in its place")
    if not target.exists():
        try:
            _write_new(target, content)
        except FileExistsError:
            pass  # appeared meanwhile: handled as an existing file below
        else:
            return Restored(rel, "restored", "it was not there")
    mine = _file_sha(target)
    if mine == _sha(content):
        return Restored(rel, "unchanged", "already the same")
    if mine is not None and ws.pristine.get(rel) == mine:
        _replace(target, content)
        return Restored(rel, "replaced", "the copy here was still as it was set up, with no "
                                         "work in it")
    prefix = f"{target.stem}-restored-"
    for existing in sorted(target.parent.iterdir()):
        if existing.name.startswith(prefix) and existing.suffix == ".ipynb" \
                and _file_sha(existing) == _sha(content):
            return Restored(existing.relative_to(ws.root.resolve()).as_posix(), "unchanged",
                            f"restored before, beside {rel}")
    copy = _restored_name(target, stamp)
    _write_new(copy, content)
    return Restored(copy.relative_to(ws.root.resolve()).as_posix(), "kept both",
                    f"{rel} has changes of its own and is kept as it is; the downloaded copy "
                    f"is beside it")


def _merge_answers_file(rel: str, target: Path, content: bytes) -> Restored:
    with tempfile.TemporaryDirectory(prefix="warmline-restore-") as tmp:
        incoming_path = Path(tmp) / FILE_NAME
        incoming_path.write_bytes(content)
        try:
            incoming = load_answers(incoming_path)
        except AnswersFileError:
            return Restored(rel, "skipped", "the answers file in the zip is damaged")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        taken, kept = merge_answers(target, incoming)
    except AnswersFileError as e:
        return Restored(rel, "skipped", str(e))
    if not taken:
        return Restored(rel, "unchanged", "your answers here are as new as the download's")
    detail = f"{taken} answer(s) or draft(s) taken from the download"
    if kept:
        detail += f", {kept} of yours kept (newer)"
    return Restored(rel, "merged", detail)


def merge_answers(path: Path, incoming: _answers.AnswerBook) -> tuple[int, int]:
    """Merge ``incoming`` into the answers file at ``path``: for each exercise, the newer
    recorded answer and the newer draft win (saved times kept). Returns (taken, kept): entries
    taken from ``incoming``, and entries of the file kept because they are newer."""
    counts = {"taken": 0, "kept": 0}

    def change(data: dict[str, Any]) -> None:
        data.setdefault("format", _answers.FORMAT)
        for section, entries in (("answers", incoming.answers), ("drafts", incoming.drafts)):
            current = dict(data.get(section, {}))
            for eid, entry in entries.items():
                mine = current.get(eid)
                if mine is not None and mine["saved_at"] == entry.saved_at \
                        and mine["value"] == entry.value:
                    continue
                if mine is None or _answers._when(entry.saved_at) > \
                        _answers._when(mine["saved_at"]):
                    current[eid] = {"value": entry.value, "saved_at": entry.saved_at}
                    counts["taken"] += 1
                else:
                    counts["kept"] += 1
            data[section] = current

    _answers._update(path, change)
    return counts["taken"], counts["kept"]


# --- generating the student workbook ----------------------------------------------------------


def generate(dest: Path, *, course: str | os.PathLike[str] | None = None) -> list[Path]:
    """Generate the student versions of the workbook (nbgrader generate_assignment on the
    course's source assignments, in a throw-away course root, so the instructor's gradebook and
    release folder are left alone) into ``dest/<assignment>/``; refuse if anything leaked."""
    from ._instructor import find_course, release, scratch_course

    real = find_course(course)
    with tempfile.TemporaryDirectory(prefix="warmline-generate-") as tmp:
        result = release(scratch_course(real, Path(tmp)))
        if result.leaks:
            leak = result.leaks[0]
            raise WorkspaceError(f"refusing to hand out the workbook: {leak.path.name} holds "
                                 f"{leak.secret.region} text ({leak.secret.text.strip()!r})")
        written = []
        for assignment in result.assignments:
            for path in sorted((result.release_dir / assignment).glob("*.ipynb")):
                target = dest / assignment / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                written.append(target)
    return written


def _main(argv: Sequence[str]) -> int:
    """``python -m warmline._workspace``: generate the packaged student workbook again."""
    if argv:
        print("usage: python -m warmline._workspace   (regenerates "
              f"{PACKAGED_WORKBOOK} from exercises/)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="warmline-workbook-") as tmp:
        fresh = generate(Path(tmp))
        if PACKAGED_WORKBOOK.exists():
            shutil.rmtree(PACKAGED_WORKBOOK)
        for path in fresh:
            target = PACKAGED_WORKBOOK / path.relative_to(tmp)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    raise SystemExit(_main(sys.argv[1:]))
