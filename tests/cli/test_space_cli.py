"""`hytnas space ...` and `hytnas build ...` through the real console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HYTNAS = str(Path(sys.executable).parent / "hytnas")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HYTNAS, *args], capture_output=True, text=True, timeout=120)


def test_space_info_prints_the_exact_size() -> None:
    result = run("space", "info", "table1")
    assert result.returncode == 0, result.stderr
    assert "1,224,440,064" in result.stdout
    assert "att3.ffn" in result.stdout


def test_space_sample_is_seeded() -> None:
    first = run("space", "sample", "released", "-n", "5", "--seed", "0")
    second = run("space", "sample", "released", "-n", "5", "--seed", "0")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.split()) == 5


def test_build_prints_module_params_and_macs() -> None:
    arch = run("space", "sample", "table1", "-n", "1").stdout.strip()
    result = run("build", arch, "--space", "table1", "--resolution", "96")
    assert result.returncode == 0, result.stderr
    assert "params:" in result.stdout and "MACs at 96x96:" in result.stdout
    assert "MobileViT" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("build", "b2e4c16", "--space", "table1"), "arch_id 'b2e4c16': 1 stage(s)"),
        (("build", "b2e4c16-b3e2c24-e2m1.5h2f2-e4m2h4f1-e1m1h1f7", "--space", "table1"), "att3.ffn = 7"),
        (("build", "b2e4c16-b3e2c24-e2m1.5h2f2-e4m2h4f1-e1m1h1f1", "--space", "tabel1"), "unknown space 'tabel1'"),
        (("space", "info", "nope"), "unknown space 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [(), ("space",), ("space", "info"), ("space", "sample"), ("build",)])
def test_help_everywhere(args: tuple[str, ...]) -> None:
    result = run(*args, "--help")
    assert result.returncode == 0
    assert "usage: hytnas" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("-n", "-3"), "argument -n: '-3', expected an integer >= 1"),
        (("-n", "0"), "argument -n: '0', expected an integer >= 1"),
        (("-n", "many"), "argument -n: 'many', expected an integer >= 1"),
        (("--seed", "-1"), "argument --seed: '-1', expected an integer >= 0"),
        (("--seed", "1.5"), "argument --seed: '1.5', expected an integer >= 0"),
    ],
)
def test_sample_bad_count_or_seed_is_a_usage_error(args: tuple[str, ...], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hytnas.cli", "space", "sample", "table1", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert errors == [f"hytnas space sample: error: {message}"]
    assert result.stdout == ""
