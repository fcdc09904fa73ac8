"""Start an IPython kernel that reports what learner code touches (``warmline grade``).

``warmline grade`` runs every kernel through this script (``python _kernel_guard.py -f
CONNECTION_FILE ...``, the arguments of ``ipykernel_launcher``). Before the kernel starts it
installs a Python audit hook (PEP 578), which no Python code can remove, that reports to the
grader:

- opening, listing, changing or deleting anything under a protected folder (the course root,
  the source assignments, the gradebook, other learners' working copies);
- starting a program or another process.

The protected folders arrive as SHA-256 hashes of their real paths (``WARMLINE_PROTECT``,
comma-separated), so the kernel never learns where the course is. Reports go, one JSON object
a line, to the file named by ``WARMLINE_AUDIT`` or the descriptor ``WARMLINE_AUDIT_FD`` (opened
for it by the sandbox). Both variables are removed before learner code runs.

This is a tripwire, not a wall: code that knows this hook can try to get around it (a native
extension, ctypes). The wall is ``--sandbox`` (see autograder/README.md). Standard library only:
this file runs as a script, before the kernel imports anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys

# Audit events whose first argument is a path, and what doing it means.
_PATH_EVENTS = {
    "open": "open", "os.listdir": "list", "os.scandir": "list", "os.remove": "delete",
    "os.rmdir": "delete", "os.rename": "rename", "os.mkdir": "create", "os.chmod": "change",
    "os.chown": "change", "os.truncate": "change", "os.utime": "change", "os.link": "link",
    "os.symlink": "link", "shutil.copyfile": "copy", "shutil.copytree": "copy",
    "shutil.rmtree": "delete", "sqlite3.connect": "open a database", "os.chdir": "enter",
    "glob.glob": "search",
}
_PROGRAM_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                   "os.fork", "os.forkpty", "pty.spawn"}
_MAX_REPORTS = 50


def _install() -> None:
    protected = frozenset(h for h in os.environ.pop("WARMLINE_PROTECT", "").split(",") if h)
    path = os.environ.pop("WARMLINE_AUDIT", "")
    fd_text = os.environ.pop("WARMLINE_AUDIT_FD", "")
    fd = int(fd_text) if fd_text else (
        os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600) if path
        else -1)
    if fd < 0:
        return
    os.set_inheritable(fd, False)
    write, realpath, fspath, getcwd = os.write, os.path.realpath, os.fspath, os.getcwd
    sha256, dumps = hashlib.sha256, json.dumps
    state = {"reports": 0, "busy": False, "armed": False}

    def report(kind: str, what: str, detail: str) -> None:
        if state["reports"] >= _MAX_REPORTS:
            return
        state["reports"] += 1
        line = dumps({"kind": kind, "what": what, "detail": detail[:300]}) + "\n"
        with contextlib.suppress(OSError):
            write(fd, line.encode("utf-8", "replace"))

    def is_protected(raw: object) -> str | None:
        if not protected or isinstance(raw, int) or raw is None:
            return None
        try:
            text = fspath(raw)  # type: ignore[call-overload]
            if isinstance(text, bytes):
                text = text.decode("utf-8", "surrogateescape")
            if text.startswith("file:"):  # an SQLite URI
                text = text[5:].split("?", 1)[0]
            full = realpath(text if text.startswith("/") else f"{getcwd()}/{text}")
        except (TypeError, ValueError, OSError):
            return None
        probe = full
        while True:
            if sha256(probe.encode("utf-8", "surrogateescape")).hexdigest() in protected:
                return full
            parent = probe.rsplit("/", 1)[0] or "/"
            if parent == probe:
                return None
            probe = parent

    def hook(event: str, args: tuple[object, ...]) -> None:
        if state["busy"]:
            return
        if not state["armed"]:
            # The kernel's own start (it runs `uname`, reads its config) is not learner code:
            # report from the first cell IPython compiles on.
            if event == "compile" and len(args) > 1 and isinstance(args[1], str) and (
                    "ipykernel_" in args[1] or args[1].startswith("<ipython-input")):
                state["armed"] = True
            return
        what = _PATH_EVENTS.get(event)
        if what is None and event not in _PROGRAM_EVENTS:
            return
        state["busy"] = True  # realpath and hashing raise events of their own
        try:
            if what is not None:
                for raw in args[:2] if event in ("os.rename", "shutil.copyfile",
                                                  "shutil.copytree", "os.link",
                                                  "os.symlink") else args[:1]:
                    hit = is_protected(raw)
                    if hit is not None:
                        report("protected", what, hit)
            else:
                report("program", event, " ".join(str(a) for a in args[:2]))
        finally:
            state["busy"] = False

    sys.addaudithook(hook)


def main() -> None:
    if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # this script's folder is the package's, not a place for imports
    _install()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
