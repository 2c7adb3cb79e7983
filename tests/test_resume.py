"""Resumability: a proxy_train run killed with SIGKILL mid-run (alone, or with the whole
``dvc repro`` around it) loses only the architectures in flight; the rerun trains only what
is missing, and a changed param retrains exactly what it affects."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from support.archs import write_archs
from support.data import write_vww

N_ARCHS = 6
PARAMS = {
    "seed": 0,
    "proxy": {"epochs": 1, "resolution": 32, "batch_size": 32, "warmup_epochs": 0.5},
    "executor": {"kind": "local", "workers": 1, "threads": 1},
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _records(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json")) if cache.is_dir() else []


def _kill_when_some_are_done(args: list[str], cwd: Path, cache: Path, at_least: int = 2) -> None:
    """Start ``args`` in a new session, SIGKILL its whole process group once ``at_least``
    records exist, and check every process of the group is gone."""
    proc = subprocess.Popen(args, cwd=cwd, env=_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while len(_records(cache)) < at_least:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no results appeared"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _snapshot(cache: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in _records(cache)}


def _assert_untouched(before: dict[str, tuple[int, bytes]], cache: Path) -> None:
    after = _snapshot(cache)
    for name, stamp in before.items():
        assert after[name] == stamp, f"{name} was rewritten"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    write_archs(tmp_path / "archs.csv", N_ARCHS)
    write_vww(tmp_path / "vww", train=160, val=64)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(PARAMS))
    return tmp_path


@pytest.mark.slow
def test_stage_killed_mid_run_resumes_without_retraining(inputs: Path, repo_root: Path) -> None:
    cache, out = inputs / "cache", inputs / "accuracy.csv"
    args = [sys.executable, str(repo_root / "stages" / "proxy_train.py"), "--params", "params.yaml",
            "--archs", "archs.csv", "--data", "vww", "--cache", str(cache), "--out", str(out), "--metrics", "proxy.json"]
    # the driver alone is killed: its pool worker must exit by itself
    proc = subprocess.Popen(args, cwd=inputs, env=_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while len(_records(cache)) < 2:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 20
        while True:  # orphaned workers notice the driver's death and exit
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            assert time.monotonic() < deadline, "worker processes outlived the killed driver"
            time.sleep(0.2)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    before = _snapshot(cache)
    assert 2 <= len(before) < N_ARCHS and not out.exists()

    rerun = subprocess.run(args, cwd=inputs, env=_env(), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{len(before)} from the store, {N_ARCHS - len(before)} run" in rerun.stdout + rerun.stderr
    _assert_untouched(before, cache)
    table = pd.read_csv(out)
    assert len(table) == N_ARCHS and (table["status"] == "ok").all()


DVC_YAML = """
stages:
  proxy_train:
    cmd: python {script} --params params.yaml --archs archs.csv --data vww --cache data/proxy/cache --out data/proxy/accuracy.csv --metrics reports/proxy.json
    deps: [archs.csv, vww]
    params: [seed, proxy, executor]
    outs:
      - data/proxy/cache:
          persist: true
      - data/proxy/accuracy.csv
    metrics:
      - reports/proxy.json:
          cache: false
"""


def _dvc(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["dvc", *args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_interrupted_dvc_repro_resumes_and_params_redo_what_they_affect(inputs: Path, repo_root: Path) -> None:
    assert _dvc(["init", "--no-scm", "-q"], inputs).returncode == 0
    (inputs / "dvc.yaml").write_text(DVC_YAML.format(script=repo_root / "stages" / "proxy_train.py"))
    cache = inputs / "data" / "proxy" / "cache"

    _kill_when_some_are_done(["dvc", "repro"], inputs, cache)
    before = _snapshot(cache)
    assert 2 <= len(before) < N_ARCHS

    run = _dvc(["repro"], inputs)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert f"{len(before)} from the store, {N_ARCHS - len(before)} run" in run.stdout + run.stderr
    _assert_untouched(before, cache)
    assert len(pd.read_csv(inputs / "data" / "proxy" / "accuracy.csv")) == N_ARCHS

    assert "proxy_train" not in _dvc(["status"], inputs).stdout  # up to date

    params = yaml.safe_load((inputs / "params.yaml").read_text())
    params["executor"]["workers"] = 2  # reruns the stage, but changes no result
    (inputs / "params.yaml").write_text(yaml.safe_dump(params))
    run = _dvc(["repro"], inputs)
    assert run.returncode == 0 and f"{N_ARCHS} from the store, 0 run" in run.stdout + run.stderr

    params["proxy"]["label_smoothing"] = 0.0  # changes every result
    (inputs / "params.yaml").write_text(yaml.safe_dump(params))
    run = _dvc(["repro"], inputs)
    assert run.returncode == 0 and f"0 from the store, {N_ARCHS} run" in run.stdout + run.stderr
    assert len(_records(cache)) == 2 * N_ARCHS
    table = pd.read_csv(inputs / "data" / "proxy" / "accuracy.csv")
    assert len(table) == N_ARCHS and (table["status"] == "ok").all()
