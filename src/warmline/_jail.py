"""Start a grading kernel as an unprivileged user who cannot see the course (``--sandbox``).

``warmline grade --sandbox`` launches every kernel as::

    unshare --mount --propagation private -- python _jail.py [options] -- KERNEL COMMAND...

and this script, still root but in a mount namespace of its own, then

1. hides each ``--hide`` folder (the course root, the source assignments, the gradebook's
   folder) under an empty read-only tmpfs, so nothing of it can be read, listed or written;
2. keeps each ``--reach`` folder (the Python installation) reachable although a parent of it is
   closed to others (say ``/root`` with mode 700): it moves a bind mount of the folder into a
   tmpfs laid over that parent, which hides everything else there;
3. mounts a /proc on which the user sees only its own processes (no command line of the
   grader, with a database URL in it);
4. hands the kernel's connection file to the user, opens the audit file for the kernel guard
   (``WARMLINE_AUDIT_FD``), and replaces itself with ``setpriv``, which drops to ``--uid`` /
   ``--gid`` with no groups, no capabilities and no way to regain privileges, then runs the
   kernel.

Linux only; standard library only (it runs as a script).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def _closed_ancestor(path: str) -> str | None:
    """The topmost folder above ``path`` that others may not enter, if any."""
    parts = path.strip("/").split("/")
    for i in range(1, len(parts)):
        folder = "/" + "/".join(parts[:i])
        if not os.stat(folder).st_mode & 0o001:
            return folder
    return None


def _reach(paths: list[str], scratch: str) -> None:
    by_parent: dict[str, list[str]] = {}
    for path in sorted(set(paths)):
        if any(path.startswith(other + "/") for other in paths if other != path):
            continue  # inside another folder we keep anyway
        parent = _closed_ancestor(path)
        if parent is not None:
            by_parent.setdefault(parent, []).append(path)
    for parent, kept in sorted(by_parent.items()):
        stashed = []
        for path in kept:
            stash = tempfile.mkdtemp(dir=scratch)
            _mount("--bind", path, stash)
            stashed.append((stash, path))
        _mount("-t", "tmpfs", "-o", "mode=0755,size=64k", "tmpfs", parent)
        for stash, path in stashed:
            os.makedirs(path, mode=0o755, exist_ok=True)
            _mount("--move", stash, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="warmline-jail")
    parser.add_argument("--uid", type=int, required=True)
    parser.add_argument("--gid", type=int, required=True)
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("--reach", action="append", default=[])
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--audit", default="")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if os.geteuid() != 0 or not command:
        print("warmline-jail: must run as root, with a command", file=sys.stderr)
        return 2
    try:
        _reach([os.path.realpath(p) for p in args.reach if os.path.isdir(p)], args.scratch)
        for path in args.hide:
            if os.path.isdir(path):
                _mount("-t", "tmpfs", "-o", "ro,mode=0000,size=4k", "tmpfs", path)
        # An older kernel may refuse: other processes then stay visible, nothing else changes.
        with contextlib.suppress(subprocess.CalledProcessError):
            _mount("-t", "proc", "-o", "hidepid=2", "proc", "/proc")
    except (OSError, subprocess.CalledProcessError) as e:
        detail = getattr(e, "stderr", b"") or b""
        print(f"warmline-jail: cannot set up the sandbox: {e} {detail.decode(errors='replace')}",
              file=sys.stderr)
        return 2
    if "-f" in command[:-1]:
        connection = command[command.index("-f") + 1]
        os.chown(connection, args.uid, args.gid)
    env = dict(os.environ)
    if args.audit:
        fd = os.open(args.audit, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.set_inheritable(fd, True)
        env["WARMLINE_AUDIT_FD"] = str(fd)
    os.execvpe("setpriv", ["setpriv", f"--reuid={args.uid}", f"--regid={args.gid}",
                           "--clear-groups", "--no-new-privs", "--inh-caps=-all",
                           "--bounding-set=-all", "--", *command], env)


if __name__ == "__main__":
    sys.exit(main())
