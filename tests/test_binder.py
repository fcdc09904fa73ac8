"""Binder's path, without Docker: a fresh virtual environment with exactly what
binder/requirements.txt pins, binder/postBuild run on a copy of the repository (in its folder, as
repo2docker runs it), then the start page and a workbook notebook run where postBuild put them,
an answer recorded there, and the Jupyter server checked for what learners must (not) see.

Slow (about a minute and a half): it installs about 100 packages from the package index.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from checkout import repo_copy
from warmline import _workbook as W

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"



# --- what binder/ declares (fast) -----------------------------------------------------------------


def test_binder_pins_every_package_and_python() -> None:
    lines = [line.strip() for line in
             (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    pins = [line for line in lines if line and not line.startswith("#")]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", p) for p in pins), \
        [p for p in pins if "==" not in p]
    names = {p.split("==")[0].lower().replace("_", "-") for p in pins}
    for needed in ("jupyterlab", "notebook", "ipywidgets", "nbgrader", "ipykernel",
                   "markdown-it-py", "nbclient", "pyyaml", "setuptools"):
        assert needed in names, needed
    assert "warmline" not in names  # postBuild installs it from the repository
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)


def test_post_build_is_strict_and_disables_the_instructor_tools() -> None:
    script = (BINDER / "postBuild").read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in script
    assert os.access(BINDER / "postBuild", os.X_OK)
    for plugin in ("formgrader", "create-assignment", "course-list", "assignment-list"):
        assert f"@jupyter/nbgrader:{plugin}" in script
    for extension in ("formgrader", "course_list", "assignment_list"):
        assert f"nbgrader.server_extensions.{extension}" in script
    assert "--no-deps" in script and "warmline workbook ." in script
    overrides = json.loads((BINDER / "overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/apputils-extension:notification"] == {
        "checkForUpdates": False, "fetchNews": "false"}


# --- the path itself --------------------------------------------------------------------------


def run(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{output[-4000:]}"
    return output


@pytest.fixture(scope="module")
def binder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    if runtime != f"python-{sys.version_info[0]}.{sys.version_info[1]}":
        pytest.skip(f"binder/runtime.txt asks for {runtime}; these tests run on "
                    f"{sys.version.split()[0]}")
    base = tmp_path_factory.mktemp("binder")
    venv, repo, home = base / "venv", repo_copy(base / "repo"), base / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "IPYTHON"))}
    env.update({
        "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", "VIRTUAL_ENV": str(venv),
        "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local/share/jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / ".local/share/jupyter/runtime"),
        "IPYTHONDIR": str(home / ".ipython"), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    timings: dict[str, float] = {}
    start = time.monotonic()
    run([sys.executable, "-m", "venv", str(venv)], cwd=base, env=env)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r",
         str(repo / "binder" / "requirements.txt")], cwd=base, env=env)
    timings["install requirements.txt"] = time.monotonic() - start
    start = time.monotonic()
    log = run(["bash", "binder/postBuild"], cwd=repo, env=env)
    timings["postBuild"] = time.monotonic() - start
    yield {"venv": venv, "repo": repo, "home": home, "env": env, "log": log, "timings": timings}


@pytest.mark.slow
def test_requirements_are_complete_and_consistent(binder: dict[str, Any]) -> None:
    python = str(binder["venv"] / "bin" / "python")
    out = run([python, "-m", "pip", "check"], cwd=binder["repo"], env=binder["env"])
    assert "No broken requirements" in out
    frozen = run([python, "-m", "pip", "freeze", "--all", "--exclude", "pip"],
                 cwd=binder["repo"], env=binder["env"])
    installed = {line.lower() for line in frozen.splitlines()
                 if line and not line.startswith(("#", "-e "))}
    pinned = {line.lower() for line in
              (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#")}
    # exactly the pinned versions; postBuild added warmline (editable) and nothing else
    assert installed == pinned, (installed ^ pinned)
    assert "-e " in frozen and "warmline" in frozen


@pytest.mark.slow
def test_post_build_puts_the_student_workbook_where_the_start_page_points(
        binder: dict[str, Any]) -> None:
    repo: Path = binder["repo"]
    assert "postBuild: the learner's environment is ready" in binder["log"]
    start = nbformat.read(repo / "course" / "00-start-here.ipynb", as_version=4)
    text = "\n".join(c.source for c in start.cells if c.cell_type == "markdown")
    assert "workbook/bare-pings/bare-pings.ipynb" in text
    assignments = [a.id for a in W.assignments(repo / "exercises")]
    for a in assignments:
        assert (repo / "workbook" / a / f"{a}.ipynb").is_file(), a
    secrets = [s for a in W.assignments(repo / "exercises") for nb in a.notebooks
               for s in W.secret_lines(W.read_notebook(nb), nb.name)]
    assert W.find_leaks(repo / "workbook", secrets) == [], "a solution reached the learner"
    assert (repo / ".warmline-workspace.json").is_file()


@pytest.mark.slow
def test_post_build_runs_again_without_changing_anything(binder: dict[str, Any]) -> None:
    repo, venv = binder["repo"], binder["venv"]

    def state() -> dict[str, bytes]:
        files = [*repo.glob("workbook/**/*.ipynb"), *repo.glob("course/*.ipynb"),
                 venv / "share/jupyter/lab/settings/overrides.json",
                 venv / "etc/jupyter/labconfig/page_config.json",
                 venv / "etc/jupyter/jupyter_server_config.json"]
        return {str(p): p.read_bytes() for p in files}

    before = state()
    run(["bash", "binder/postBuild"], cwd=repo, env=binder["env"])
    assert state() == before


RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
path, out, extra = sys.argv[1], sys.argv[2], sys.argv[3]
nb = nbformat.read(path, as_version=4)
if extra:
    nb.cells.append(nbformat.v4.new_code_cell(extra))
client = NotebookClient(nb, timeout=120, kernel_name="python3", shutdown_kernel="immediate",
                        resources={"metadata": {"path": sys.argv[4]}})
client.execute()
nbformat.write(nb, out)
"""


def execute(binder: dict[str, Any], notebook: Path, extra: str = "") -> Any:
    """Run ``notebook`` in its folder with the virtual environment's own kernel; the result."""
    runner = binder["home"] / "runner.py"
    runner.write_text(RUNNER, encoding="utf-8")
    out = binder["home"] / f"executed-{notebook.name}"
    run([str(binder["venv"] / "bin" / "python"), str(runner), str(notebook), str(out), extra,
         str(notebook.parent)], cwd=notebook.parent, env=binder["env"])
    nb = nbformat.read(out, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
            assert not [o for o in cell.outputs if o.get("name") == "stderr"], cell.source
    return nb


@pytest.mark.slow
def test_the_start_page_runs_where_binder_opens_it(binder: dict[str, Any]) -> None:
    repo: Path = binder["repo"]
    extra = ("w = DownloadWork()\nw.download()\n"
             "print(sys.executable)\nprint('\\n'.join(w.packed.files))")
    nb = execute(binder, repo / "course" / "00-start-here.ipynb", "import sys\n" + extra)
    widgets = [c for c in nb.cells if c.cell_type == "code" and any(
        WIDGET_MIME in o.get("data", {}) for o in c.outputs)]
    assert len(widgets) == len([c for c in nb.cells if c.cell_type == "code"]) - 1
    printed = nb.cells[-1].outputs[0]["text"].splitlines()
    assert printed[0].startswith(str(binder["venv"])), "not the virtual environment's kernel"
    assert "workbook/bare-pings/bare-pings.ipynb" in printed  # the download holds the workbook
    assert "course/00-start-here.ipynb" in printed
    assert not (repo / "course" / "warmline-answers.json").exists()


@pytest.mark.slow
def test_a_workbook_notebook_runs_and_records_an_answer_beside_it(
        binder: dict[str, Any]) -> None:
    folder = binder["repo"] / "workbook" / "bare-pings"
    notebook = folder / "bare-pings.ipynb"
    (first,) = W.exercise_ids(W.read_notebook(notebook))[:1]
    text = ("Hi! Quick question about the thing we discussed: could you tell me by Friday "
            "whether it works for you? No worries if not.")
    extra = (f"w = exercise({first!r})\n"
             f"w._text.value = {text!r}\n"
             "w._record_button.click()\n"
             "print(w.recorded)")
    nb = execute(binder, notebook, extra)
    assert nb.cells[-1].outputs[0]["text"].strip() == "True"
    graded = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")
              and c.cell_type == "code"]
    assert graded and all(c.outputs for c in graded), "the check cells ran"
    answers = json.loads((folder / "warmline-answers.json").read_text(encoding="utf-8"))
    assert answers["answers"][first]["value"] == text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError):
        return 0, ""  # not listening yet


@pytest.mark.slow
def test_the_server_shows_learners_no_instructor_tools_and_no_news(
        binder: dict[str, Any]) -> None:
    port, token = free_port(), "binder-test-token"
    cmd = [str(binder["venv"] / "bin" / "jupyter"), "lab", "--no-browser",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={binder['repo']}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = binder["home"] / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(cmd, cwd=binder["repo"], env=binder["env"], stdout=out,
                                  stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while get(f"{base}/api/status?token={token}")[0] != 200:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        assert get(f"{base}/formgrader?token={token}")[0] == 404
        assert get(f"{base}/assignments?token={token}")[0] == 404
        assert get(f"{base}/formgrader/api/assignments?token={token}")[0] == 404
        _, page = get(f"{base}/lab?token={token}")
        config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page,
                                      re.S).group(1))  # type: ignore[union-attr]
        for plugin in ("formgrader", "create-assignment", "course-list", "assignment-list"):
            assert f"@jupyter/nbgrader:{plugin}" in config["disabledExtensions"]
        _, settings = get(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification"
                          f"?token={token}")
        defaults = {k: v.get("default") for k, v in
                    json.loads(settings)["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False
        _, listing = get(f"{base}/api/contents?token={token}")
        names = {item["name"] for item in json.loads(listing)["content"]}
        assert {"course", "workbook"} <= names
        assert not names & {"exercises", "autograder", "tests", "src"}, names
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
