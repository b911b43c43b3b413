"""Kills and missing resources: one clear line, the previous briefing byte for byte as it was,
no lock or leftovers in the way of the next run, and a cache that survives."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import DEFAULT_PARAMS, ROOT

from briefing.build import render as render_mod
from briefing.build.run import run_briefing
from briefing.errors import RunError

pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> dict[str, Path]:
    """The seed params in a folder of their own, briefed once: the briefing a failed run must keep."""
    base = tmp_path_factory.mktemp("faults")
    params = yaml.safe_load(DEFAULT_PARAMS.read_text(encoding="utf-8"))
    params["corpus"] = str(ROOT / "data" / "corpus" / "biden-amlo")
    path = base / "params" / "seed.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "BRIEFING_CACHE_DIR": str(base / "cache")}
    subprocess.run([sys.executable, "-m", "briefing", "run", str(path), "--reports", str(base / "reports"),
                    "--quiet"], check=True, env=env, cwd=ROOT, capture_output=True)
    return {"base": base, "params": path, "reports": base / "reports", "briefing": base / "reports" / "seed",
            "env": env}


def retitle(params: Path, title: str) -> None:
    data = yaml.safe_load(params.read_text(encoding="utf-8"))
    data["title"] = title
    params.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def start(project: dict, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "briefing", "run", str(project["params"]),
                             "--reports", str(project["reports"])], env={**project["env"], **env},
                            cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


MOMENTS = ["prepared", "notebook", "rendered-html", "swap", "swapped"]


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_run_killed_at_any_moment_leaves_the_previous_briefing_and_the_next_run_works(project, moment):
    before = snapshot(project["briefing"])
    # a change that makes the run execute notebooks and render again
    retitle(project["params"], f"Retitled before a kill at {moment}")
    data = yaml.safe_load(project["params"].read_text(encoding="utf-8"))
    data.setdefault("topics", {})["prior_scale"] = 0.1 + MOMENTS.index(moment) / 100
    project["params"].write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    if moment == "notebook":
        proc = start(project)
        for line in proc.stderr:
            if "executing" in line:
                time.sleep(1.0)
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=120)
    else:
        proc = start(project, BRIEFING_KILL_AT=moment)
        proc.communicate(timeout=600)
    assert proc.returncode == -signal.SIGKILL
    if moment == "swapped":  # killed after the exchange: the new briefing is whole, the old set aside
        assert snapshot(project["briefing"]) != before
        assert (project["briefing"] / "briefing.html").is_file()
    else:
        assert snapshot(project["briefing"]) == before
    assert list(project["reports"].glob(".build-*")) or moment == "swapped"
    after = subprocess.run([sys.executable, "-m", "briefing", "run", str(project["params"]), "--reports",
                            str(project["reports"])], env=project["env"], cwd=ROOT, capture_output=True,
                           text=True, timeout=600)
    assert after.returncode == 0, after.stderr
    assert "died while holding its lock; taking it over" in after.stderr
    assert not list(project["reports"].glob(".build-*")) and not list(project["reports"].glob(".old-*"))
    assert "Retitled before a kill" in (project["briefing"] / "briefing.html").read_text(encoding="utf-8")
    if moment != "notebook":  # the cache kept what the killed run had computed
        assert "clean 0, sentences 0, vader 0, frames 0, actors 0" in after.stderr


def test_a_full_disk_is_one_line_and_keeps_the_briefing(project, monkeypatch):
    before = snapshot(project["briefing"])
    retitle(project["params"], "Retitled on a full disk")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(project["reports"] / "x"))

    monkeypatch.setattr(render_mod, "_embedded", full)
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(project["base"] / "cache"))
    with pytest.raises(RunError, match=r"no space left on the device holding .* free some space") as err:
        run_briefing(project["params"], reports_dir=project["reports"], quiet=True, renderer="embedded")
    assert err.value.code == 74 and "\n" not in str(err.value)
    assert snapshot(project["briefing"]) == before


def test_a_reports_folder_on_a_full_or_read_only_filesystem(project, tmp_path):
    """On a real small filesystem where we may mount one (root), else skipped with the reason."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({made.stderr.decode().strip() or 'not root'})")
    command = [sys.executable, "-m", "briefing", "run", str(project["params"]), "--reports",
               str(mount / "reports")]
    env = {**project["env"], "BRIEFING_CACHE_DIR": str(mount / "c")}
    try:
        run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert run.returncode == 74, run.stderr
        last = run.stderr.strip().splitlines()[-1]
        assert "no space left on the device" in last and "Traceback" not in run.stderr
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert run.returncode == 74, run.stderr
        assert "make" in run.stderr and "writable" in run.stderr and "Traceback" not in run.stderr
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_missing_pandoc_is_named(project, monkeypatch):
    import pypandoc

    before = snapshot(project["briefing"])
    retitle(project["params"], "Retitled without pandoc")

    def missing():
        raise OSError("No pandoc was found")

    monkeypatch.setattr(pypandoc, "get_pandoc_path", missing)
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(project["base"] / "cache"))
    with pytest.raises(RunError, match="pandoc not found"):
        run_briefing(project["params"], reports_dir=project["reports"], quiet=True, renderer="embedded")
    assert snapshot(project["briefing"]) == before


def test_a_kernel_that_dies_mid_notebook_is_named(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, tmp_path / "notebooks" / "01_dies.ipynb")
    params = yaml.safe_load(DEFAULT_PARAMS.read_text(encoding="utf-8"))
    params["corpus"] = str(ROOT / "data" / "corpus" / "biden-amlo")
    (tmp_path / "params").mkdir()
    path = tmp_path / "params" / "seed.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(RunError, match="kernel running notebook 01_dies.ipynb died"):
        run_briefing(path, reports_dir=tmp_path / "reports", quiet=True)
    assert not (tmp_path / "reports" / "seed").exists()
