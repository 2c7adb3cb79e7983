"""End to end: the DVC pipeline at the smoke profile in a fresh copy of the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hytnas.profiles import apply


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = "hytnas-test"
    env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = "test@localhost"
    return env


def _copy_repository(source: Path, target: Path) -> None:
    """Copy what git would clone (tracked and new, not ignored files) into ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=source, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        if name.split("/", 1)[0] in ("data", "models"):
            continue  # stage outputs of a local run, never part of a clone
        src = source / name
        if src.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / name)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="module")
def smoke_repo(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    repo = tmp_path_factory.mktemp("smoke") / "hytnas"
    repo.mkdir()
    _copy_repository(repo_root, repo)
    apply(repo / "params.yaml", repo / "profiles" / "smoke.yaml")
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "smoke"]):
        assert _run(args, repo).returncode == 0
    return repo


@pytest.mark.slow
def test_repro_runs_every_stage_then_has_nothing_to_do(smoke_repo: Path) -> None:
    first = _run(["dvc", "repro"], smoke_repo)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    stages = yaml.safe_load((smoke_repo / "dvc.yaml").read_text())["stages"]
    device = yaml.safe_load((smoke_repo / "params.yaml").read_text())["latency"]["device"]
    for name, stage in stages.items():
        for out in stage.get("outs", []) + stage.get("metrics", []):
            path = out if isinstance(out, str) else next(iter(out))
            path = path.replace("${latency.device}", device)
            assert (smoke_repo / path).exists(), f"stage {name} did not write {path}"
    second = _run(["dvc", "repro"], smoke_repo)
    assert second.returncode == 0, second.stderr
    assert "Data and pipelines are up to date" in second.stdout
    status = _run(["dvc", "status"], smoke_repo)
    assert "up to date" in status.stdout


@pytest.mark.slow
def test_sample_archs_is_byte_identical_for_same_params(smoke_repo: Path) -> None:
    before = (smoke_repo / "data" / "archs" / "accuracy.csv").read_bytes()
    forced = _run(["dvc", "repro", "--force", "--single-item", "sample_archs"], smoke_repo)
    assert forced.returncode == 0, forced.stderr
    assert (smoke_repo / "data" / "archs" / "accuracy.csv").read_bytes() == before


@pytest.mark.slow
def test_typo_in_params_fails_before_work(smoke_repo: Path, tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    text = (smoke_repo / "params.yaml").read_text().replace("  sampler:", "  samplr:")
    params.write_text(text)
    result = _run([sys.executable, "stages/sample_archs.py", "--params", str(params),
                   "--accuracy-out", str(tmp_path / "a.csv"), "--latency-out", str(tmp_path / "l.csv")],
                  smoke_repo)
    assert result.returncode == 2
    assert "unknown key 'sample.samplr'" in result.stderr
    assert not (tmp_path / "a.csv").exists()
