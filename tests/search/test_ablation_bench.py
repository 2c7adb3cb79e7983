"""The ablation benchmark's table says what RESULTS.md says of the same figures (NSGA-II's
median from its runs continued past the budget, the ratio's bound), and its bad options
are refused before any run."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("search_ablation", REPO / "bench" / "search_ablation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(hv: float, median: float, reached: int, **extra: object) -> dict[str, object]:
    return {"seeds": 10, "hv_at_100_mean": hv, "hv_at_100_std": 0.01, "hv_at_1000_mean": hv + 0.05, "hv_at_1000_std": 0.002,
            "evals_to_95pct_median": median, "reached_95pct_runs": reached,
            "evals_to_99pct_median": 1001, "reached_99pct_runs": 0, **extra}


def test_the_table_shows_nsga2_continued_past_the_budget() -> None:
    summary = {"released": {
        "nsga2": _row(0.85, 1001, 5, past_budget=3000, past_budget_evals_to_95pct_median=1010,
                      past_budget_reached_95pct_runs=10),
        "gp-ts": _row(0.91, 201.5, 10, nsga2_ratio_95pct=5.01, nsga2_ratio_95pct_bound="exact",
                      nsga2_ratio_95pct_nsga2_budget=3000),
        "hytnas": _row(0.88, 1001, 1, nsga2_ratio_95pct=1.01, nsga2_ratio_95pct_bound="at most",
                       nsga2_ratio_95pct_nsga2_budget=3000),
    }}
    lines = _module().markdown(summary, ["nsga2", "hytnas", "gp-ts", "absent"]).splitlines()
    rows = {line.split(" | ")[0]: line for line in lines if line.startswith("| `")}
    assert list(rows) == ["| `nsga2`", "| `hytnas`", "| `gp-ts`"]
    assert "| HV@100 | HV@1000 |" in lines[2]
    assert "not by most runs; 1,010 with the runs continued to 3,000 (5 of 10)" in rows["| `nsga2`"]
    assert rows["| `nsga2`"].endswith("|  |")
    assert "201.5 (10 of 10)" in rows["| `gp-ts`"]
    assert rows["| `gp-ts`"].endswith("| 5.01 (NSGA-II's runs continued to 3,000) |")
    assert rows["| `hytnas`"].endswith("| at most 1.01 (NSGA-II's runs continued to 3,000) |")


def test_nsga2_past_within_the_budget_is_refused_with_one_line() -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "search_ablation.py"), "--budget", "100", "--nsga2-past", "100"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--nsga2-past 100: expected more than --budget, 100" in result.stderr
    assert "Traceback" not in result.stderr
