"""The claim benchmark's options on a small run of the released-data oracle: NSGA-II's runs
continued past the budget (in the run and, with --extend, for a file already written) and
the run store (a second run reads every run back)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hytnas.search.scoring import NSGA2_BUDGET_KEY, nsga2_ratios

REPO = Path(__file__).resolve().parents[2]
PAST = ("past_budget", "past_budget_evals_to_95pct_median", "past_budget_reached_95pct_runs",
        "past_budget_evals_to_99pct_median", "past_budget_reached_99pct_runs")


def _bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "bench" / "search_claim.py"), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_nsga2_continued_past_the_budget_in_the_run_and_for_a_written_file(tmp_path: Path, paper_data: Path) -> None:
    common = ["--seeds", "3", "--budget", "60", "--initial", "10", "--released-dir", str(paper_data), "--oracles", "released",
              "--strategies", "random", "nsga2", "--workers", "1", "--store", str(tmp_path / "store")]
    first = _bench(*common, "--nsga2-past", "400", "--out", str(tmp_path / "a"), "--metrics", str(tmp_path / "a.json"))
    assert first.returncode == 0, first.stderr[-2000:]
    a = json.loads((tmp_path / "a.json").read_text())
    entry = a["summary"]["released"]
    assert entry["nsga2"]["past_budget"] == 400 and a["settings"]["nsga2_past"] == 400
    assert entry["nsga2"]["past_budget_reached_95pct_runs"] >= entry["nsga2"]["reached_95pct_runs"]
    expected = nsga2_ratios(entry)["random"]
    assert {k: entry["random"].get(k) for k in expected} == expected

    second = _bench(*common, "--out", str(tmp_path / "b"), "--metrics", str(tmp_path / "b.json"))
    assert second.returncode == 0, second.stderr[-2000:]
    assert "search runs: 6 of 6 from the store" in second.stderr
    b = json.loads((tmp_path / "b.json").read_text())
    assert "past_budget" not in b["summary"]["released"]["nsga2"]
    assert NSGA2_BUDGET_KEY not in b["summary"]["released"]["random"]

    extended = _bench("--extend", str(tmp_path / "b.json"), "--nsga2-past", "400")
    assert extended.returncode == 0, extended.stderr[-2000:]
    b = json.loads((tmp_path / "b.json").read_text())
    assert {k: b["summary"]["released"]["nsga2"][k] for k in PAST} == {k: entry["nsga2"][k] for k in PAST}
    assert b["summary"]["released"]["random"] | {"wall_s_mean": 0} == entry["random"] | {"wall_s_mean": 0}
    assert b["claim"] == a["claim"] and b["settings"]["nsga2_past"] == 400


def test_bad_options_are_refused_with_one_line(tmp_path: Path) -> None:
    result = _bench("--extend", str(tmp_path / "none.json"))
    assert result.returncode == 2 and "--extend needs --nsga2-past N" in result.stderr
    result = _bench("--extend", str(tmp_path / "none.json"), "--nsga2-past", "3000")
    assert result.returncode == 2 and "none.json" in result.stderr and "Traceback" not in result.stderr
    result = _bench("--budget", "100", "--nsga2-past", "100")
    assert result.returncode == 2 and "--nsga2-past 100: expected more than --budget, 100" in result.stderr
    result = _bench("--budget", "100", "--nsga2-past", "300", "--strategies", "random")
    assert result.returncode == 2 and "nsga2 is not among --strategies" in result.stderr
