"""reports/RESULTS.md from the JSON reports: every figure traceable, deterministic, clear errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from hytnas.errors import DataError
from hytnas.names import STRATEGY_NAMES
from hytnas.results import RESULTS_NAME, render_results, write_results

REPO = Path(__file__).resolve().parents[1]
REPO_REPORTS = REPO / "reports"

# A number as the page prints it: 1,224 / 0.945 / +8.11 / 9.54e-07 / 4.72x; not the digits
# inside names (nsga2, x0.25, table2.md, search_1000).
NUMBER = re.compile(r"(?<![\w.])[-+]?(\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?)x?(?!\w|\.\d)")
DIGITS = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")


# --------------------------------------------------------------------------- helpers


def _numbers(text: str) -> list[tuple[float, float]]:
    """``(value, tolerance)`` of every number in ``text``: half a unit of its last digit."""
    out = []
    for match in NUMBER.finditer(text):
        token = match.group(1).replace(",", "")
        if token.endswith(","):
            token = token[:-1]
        mantissa, _, exponent = token.partition("e")
        decimals = len(mantissa.partition(".")[2])
        tolerance = 0.5 * 10.0 ** (-decimals) * (10.0 ** int(exponent) if exponent else 1.0)
        out.append((abs(float(token)), tolerance * (1 + 1e-9) + 1e-12))
    return out


def _pool(value: Any, out: list[float]) -> list[float]:
    """Every number a report holds: numeric leaves, digits in keys and in strings."""
    if isinstance(value, dict):
        for key, sub in value.items():
            out += [float(d) for d in DIGITS.findall(str(key))]
            _pool(sub, out)
    elif isinstance(value, list):
        for sub in value:
            _pool(sub, out)
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, (int, float)):
        out.append(abs(float(value)))
    elif isinstance(value, str):
        out += [float(d) for d in DIGITS.findall(value)]
    return out


def _source_numbers(reports: Path) -> list[float]:
    pool: list[float] = []
    for path in sorted(reports.glob("*.json")) + sorted((reports / "bench").glob("*.json")):
        _pool(json.loads(path.read_text()), pool)
    table2 = reports / "table2.md"
    if table2.exists():
        pool += [float(d) for d in DIGITS.findall(table2.read_text())]
    return pool


def _traced(value: float, tolerance: float, pool: list[float]) -> bool:
    return any(abs(value - v) <= tolerance for v in pool)


def _row(text: str, *cells: str) -> list[str]:
    """The cells of the one table row whose leading cells are ``cells``."""
    found = []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        row = [c.strip() for c in line.strip().strip("|").split("|")]
        if row[: len(cells)] == list(cells):
            found.append(row)
    assert len(found) == 1, f"expected one row starting {cells}, found {len(found)}"
    return found[0]


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"no section {title!r}"
    return match.group(1)


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )
    return done.stdout.strip()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture()
def copied(tmp_path: Path) -> Path:
    """A copy of the repository's committed reports (outside any git work tree)."""
    if not (REPO_REPORTS / "final.json").exists():
        pytest.fail(f"{REPO_REPORTS / 'final.json'}: missing; the repository commits the reports make repro wrote")
    target = tmp_path / "reports"
    shutil.copytree(REPO_REPORTS, target, ignore=shutil.ignore_patterns(RESULTS_NAME, "live", "*.csv"))
    return target


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    """A hand-made reports folder: final, predictors and search reports only."""
    reports = tmp_path / "tiny" / "reports"
    _write(reports / "final.json", {
        "epochs": 3, "resolution": 64, "seeds": 2, "train_images": 1200, "val_images": 300,
        "hytnas_o_val_acc": 70.25, "hytnas_o_val_acc_std": 0.75, "hytnas_o_latency_ms": 4.125, "hytnas_o_params": 20000,
        "mobilenetv1_025_val_acc": 61.5, "mobilenetv1_025_val_acc_std": 1.25, "mobilenetv1_025_latency_ms": 6.5, "mobilenetv1_025_params": 90000,
        "headline_o_acc_gain": 8.75, "headline_o_acc_gain_std": 0.5, "headline_o_acc_gain_seeds": 2,
        "headline_o_param_ratio": 4.5, "headline_o_latency_ratio": 1.5757575, "headline_bl_params": 20000,
        "paper_o_acc_gain": 6.3, "paper_o_param_ratio": 3.5,
        "failed": 0,
    })
    _write(reports / "predictors.json", {
        "source": "pipeline",
        "accuracy": {"rows": 30, "xgboost": {"kendall_tau": 0.4126, "kendall_tau_std": 0.0626}, "chosen": "xgboost", "chosen_kendall_tau": 0.4126},
        "latency": {"rows": 90, "mlp2": {"kendall_tau": 0.8876, "kendall_tau_std": 0.0124}, "chosen": "mlp2", "chosen_kendall_tau": 0.8876},
        "seconds": 7.5,
    })
    strategy = {"seeds": 3, "wall_s_mean": 2.5, "hv_at_100_mean": 0.9376, "hv_at_100_std": 0.0124,
                "hv_at_150_mean": 0.9626, "hv_at_150_std": 0.0074, "evals_to_95pct_median": 120.0, "reached_95pct_runs": 3,
                "evals_to_99pct_median": 151.0, "reached_99pct_runs": 0}
    _write(reports / "search.json", {"pipeline": {"hytnas": strategy, "random": {**strategy, "hv_at_150_mean": 0.8126, "evals_to_95pct_median": 151.0, "reached_95pct_runs": 1}, "stage_seconds": 12.5}})
    return reports


# --------------------------------------------------------------------------- tests


def test_every_number_comes_from_a_report(copied: Path) -> None:
    text = render_results(copied)
    pool = _source_numbers(copied)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("**Run:**"))
    body = re.sub(r"\]\([^)]*\)", "]", body)  # link targets are paths, not figures
    untraced = [(v, t) for v, t in _numbers(body) if not _traced(v, t, pool)]
    assert not untraced, f"figures not found in any report: {untraced[:10]}"


def test_key_rows_match_their_reports(copied: Path) -> None:
    text = render_results(copied)
    final = json.loads((copied / "final.json").read_text())
    headline = _section(text, "Headline")
    gain_row = next(line for line in headline.splitlines() if "HyT-NAS-O accuracy minus" in line)
    ours = gain_row.split("|")[2].strip()
    assert float(ours.split()[0]) == pytest.approx(round(final["headline_o_acc_gain"], 2))
    ratio_row = next(line for line in headline.splitlines() if "parameters / HyT-NAS-O parameters" in line)
    assert float(ratio_row.split("|")[2].strip().rstrip("x")) == pytest.approx(round(final["headline_o_param_ratio"], 2))

    predictors = json.loads((copied / "predictors.json").read_text())
    for target in ("accuracy", "latency"):
        chosen = predictors[target]["chosen"]
        row = _row(headline, target)
        assert row[2] == f"`{chosen}`"
        assert float(row[1]) == predictors[target]["rows"]
        tau, std = (float(x) for x in row[3].split("±"))
        assert tau == pytest.approx(round(predictors[target]["chosen_kendall_tau"], 3))
        assert std == pytest.approx(round(predictors[target][chosen]["kendall_tau_std"], 3))

    search = json.loads((copied / "search.json").read_text())
    names = STRATEGY_NAMES
    for oracle, entry in search.items():
        for strategy, summary in entry.items():
            if not isinstance(summary, dict):
                continue
            row = _row(headline, oracle, names.get(strategy, strategy))
            last = int(row[2])
            assert f"hv_at_{last}_mean" in summary
            assert not any(int(k.split("_")[2]) > last for k in summary if k.startswith("hv_at_"))
            assert float(row[3].split("±")[0]) == pytest.approx(round(summary[f"hv_at_{last}_mean"], 3))
            if summary["reached_95pct_runs"] == summary["seeds"]:
                assert float(row[4]) == summary["evals_to_95pct_median"]
            elif summary["reached_95pct_runs"] == 0:
                assert row[4] == "not reached"
            assert row[5] == f"{summary['reached_95pct_runs']} of {summary['seeds']}"

    table = _section(text, "Final training: Table II")
    for label, name in (("hytnas_o", "HyT-NAS-O"), ("mobilevit_s", "MobileViT-S")):
        row = _row(table, name)
        assert float(row[1].split("±")[0]) == pytest.approx(round(final[f"{label}_val_acc"], 2))
        assert float(row[2]) == pytest.approx(round(final[f"{label}_latency_ms"], 2))
        assert int(row[3].replace(",", "")) == final[f"{label}_params"]


def test_sections_name_their_files(copied: Path) -> None:
    text = render_results(copied)
    for name in ("data", "proxy", "latency", "predictors", "search", "final"):
        assert f"`reports/{name}.json`" in text
    for path in sorted((copied / "bench").glob("*.json")):
        assert f"`reports/bench/{path.name}`" in text
    assert "[reports/table2.md](table2.md)" in text
    assert text.index("## Headline") < text.index("## Data")


def test_hand_made_reports(tiny: Path) -> None:
    text = render_results(tiny)
    headline = _section(text, "Headline")
    row = _row(headline, "HyT-NAS-O accuracy minus MobileNetV1 x0.25 (MLPerf Tiny), points (2 paired seeds)")
    assert row[1:] == ["+8.75 ± 0.50", "+6.3"]
    assert _row(headline, "MobileNetV1 x0.25 (MLPerf Tiny) parameters / HyT-NAS-O parameters (above one: O is smaller)")[1:] == ["4.50x", "3.5x"]
    assert _row(headline, "latency")[1:] == ["90", "`mlp2`", "0.888 ± 0.012"]
    assert _row(headline, "accuracy")[1:] == ["30", "`xgboost`", "0.413 ± 0.063"]
    assert _row(headline, "pipeline", "HyT-NAS")[2:] == ["150", "0.963 ± 0.007", "120", "3 of 3"]
    assert _row(headline, "pipeline", "random search")[4:] == ["not by most runs", "1 of 3"]
    search = _section(text, "Search comparison")
    assert _row(search, "HyT-NAS")[-5:] == ["120", "3 of 3", "not reached", "0 of 3", "2.5"]
    for missing, stage in (("data.json", "prepare_data"), ("proxy.json", "proxy_train"), ("latency.json", "measure_latency"), ("detection.json", "detect")):
        assert f"`reports/{missing}` not found ({stage} not run); skipped." in text
    assert "No `reports/bench/*.json` found" in text
    assert "`reports/table2.md` not found." in text
    assert "**Run:** commit unknown" in text


def test_missing_optional_report_is_skipped(copied: Path) -> None:
    (copied / "proxy.json").unlink()
    (copied / "detection.json").unlink(missing_ok=True)
    text = render_results(copied)
    section = _section(text, "Proxy training")
    assert section.strip() == "`reports/proxy.json` not found (proxy_train not run); skipped."
    assert "`reports/detection.json` not found (detect not run); skipped." in text


def test_detection_section_appears_with_its_report(tiny: Path) -> None:
    _write(tiny / "detection.json", {
        "budget_seeds": 3, "hytnas_o_map": 2.126, "hytnas_o_map_std": 0.31, "hytnas_o_map_50": 8.0, "hytnas_o_params": 812345,
        "paper_hytnas_o_map": 22.0, "paper_hytnas_o_params": 700000.0, "mobilenetv3_large_map": 0.5, "mobilenetv3_large_map_50": 2.4,
        "baseline_random_map": 0.11, "baseline_random_map_50": 0.57, "headline_mobilenetv3_over_o_params": 6.113,
        "paper_headline_mobilenetv3_over_o_params": 7.0, "hytnas_o_params_paper_setting": 1234567,
        "headline_mobilenetv3_over_o_params_paper_setting": 4.2,
    })
    section = _section(render_results(tiny), "Detection: Table III")
    assert "From `reports/detection.json`." in section
    assert _row(section, "HyT-NAS-O")[1:7] == ["2.13 ± 0.31", "22.0", "8.00", "812,345", "1,234,567", "700,000"]
    assert _row(section, "MobileNetV3-Large")[1] == "0.50"
    assert _row(section, "random boxes (training statistics)")[1] == "0.11"
    assert _row(section, "MobileNetV3-Large parameters over HyT-NAS-O's")[1:] == ["6.11x", "7.0x"]
    assert _row(section, "the same in the paper's setting (COCO classes and resolution)")[1:] == ["4.20x", "7.0x"]


def test_search_claim_has_a_row_per_strategy(tiny: Path) -> None:
    reached = {"seeds": 10, "hv_at_1000_mean": 0.97, "hv_at_1000_std": 0.01, "evals_to_95pct_median": 150.0, "reached_95pct_runs": 10}
    _write(tiny / "bench" / "search_1000.json", {
        "settings": {"seeds": 10, "budget": 1000, "initial": 30, "workers": 1},
        "summary": {"released": {"nsga2": {**reached, "evals_to_95pct_median": 930.0, "reached_95pct_runs": 9},
                                 "gp-warm": {**reached, "nsga2_ratio_95pct": 6.2, "nsga2_ratio_95pct_bound": "exact"},
                                 "hytnas": {**reached, "evals_to_95pct_median": 1001.0, "reached_95pct_runs": 1,
                                            "nsga2_ratio_95pct": 0.9291, "nsga2_ratio_95pct_bound": "at most"}}},
        "claim": {"released": {"paper_claim": 5.0, "holds": {"gp-warm": True, "hytnas": False}}},
    })
    section = _section(render_results(tiny), "Benchmarks")
    assert _row(section, "released", "`gp-warm`")[2:] == ["6.20", "9", "10", "5.0"]
    assert _row(section, "released", "`hytnas`")[2:] == ["at most 0.93", "9", "1", "5.0"]


def test_headline_claim_at_the_paper_budget(tiny: Path) -> None:
    run = {"seeds": 10, "hv_at_100_mean": 0.85, "hv_at_100_std": 0.01, "hv_at_300_mean": 0.9, "hv_at_300_std": 0.02,
           "hv_at_1000_mean": 0.95, "hv_at_1000_std": 0.005, "evals_to_95pct_median": 500.0, "reached_95pct_runs": 8}
    summary = {"nsga2": run,
               "gp-warm": {**run, "evals_to_95pct_median": 125.0, "reached_95pct_runs": 10, "nsga2_ratio_95pct": 4.0, "nsga2_ratio_95pct_bound": "exact"},
               "hytnas": {**run, "evals_to_95pct_median": 1001.0, "reached_95pct_runs": 2, "nsga2_ratio_95pct": 0.4995, "nsga2_ratio_95pct_bound": "at most"},
               "hytnas-released": {**run, "evals_to_95pct_median": 250.0, "nsga2_ratio_95pct": 2.0, "nsga2_ratio_95pct_bound": "exact"}}
    claim = {"pipeline": {"paper_claim": 5.0, "holds": {"gp-warm": False, "hytnas": False, "hytnas-released": False}}}
    _write(tiny / "bench" / "search_1000_pipeline.json", {"settings": {"seeds": 10, "budget": 1000}, "summary": {"pipeline": summary}, "claim": claim})
    _write(tiny / "bench" / "search.json", {"settings": {"seeds": 10, "budget": 200}, "summary": {"pipeline": summary}, "claim": claim})
    headline = _section(render_results(tiny), "Headline")
    rows = [line for line in headline.splitlines() if line.startswith("| `reports/bench/")]
    assert [line.split("|")[3].strip() for line in rows] == [
        "HyT-NAS", "HyT-NAS (authors' released code)", "GP-MOBO, warm-started (ours)", "NSGA-II"]
    assert all("search_1000_pipeline.json" in line for line in rows)
    assert _row(headline, "`reports/bench/search_1000_pipeline.json`", "pipeline", "GP-MOBO, warm-started (ours)")[4:] == [
        "0.850 ± 0.010", "0.900 ± 0.020", "0.950 ± 0.005", "125", "10 of 10", "4.00", "5.0"]
    assert _row(headline, "`reports/bench/search_1000_pipeline.json`", "pipeline", "HyT-NAS")[7:10] == ["not by most runs", "2 of 10", "at most 0.50"]
    assert _row(headline, "`reports/bench/search_1000_pipeline.json`", "pipeline", "NSGA-II")[-2:] == ["", ""]


def test_deterministic(copied: Path, tmp_path: Path) -> None:
    first, second = render_results(copied), render_results(copied)
    assert first == second
    out = write_results(copied, copied / RESULTS_NAME)
    assert out == copied / RESULTS_NAME
    assert out.read_text(encoding="utf-8") == first
    assert not list(copied.glob(f".{RESULTS_NAME}.*"))  # no temporary file left behind


def test_commit_and_dirty_tree(tiny: Path) -> None:
    repo = tiny.parent
    (repo / "params.yaml").write_text("seed: 0\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "reports")
    short = _git(repo, "rev-parse", "--short", "HEAD")

    clean = render_results(tiny, repo_dir=repo)
    assert f"**Run:** commit `{short}` (" in clean
    assert "with uncommitted changes" not in clean
    assert render_results(tiny, repo_dir=repo) == clean  # reading reports changes nothing

    write_results(tiny, tiny / RESULTS_NAME, repo_dir=repo)  # the run's own outputs do not count
    (tiny / "search.json").write_text((tiny / "search.json").read_text().replace("12.5", "13.5"))
    assert "with uncommitted changes" not in render_results(tiny, repo_dir=repo)

    (repo / "params.yaml").write_text("seed: 1\n")
    assert f"**Run:** commit `{short}` with uncommitted changes" in render_results(tiny, repo_dir=repo)


def test_malformed_json_names_the_file(copied: Path) -> None:
    (copied / "latency.json").write_text('{"latency_ms_median": 12.5,')
    with pytest.raises(DataError, match=r"reports/latency\.json: not valid JSON .*expected the JSON object the measure_latency stage writes"):
        render_results(copied)


def test_malformed_benchmark_names_the_file(tiny: Path) -> None:
    (tiny / "bench").mkdir()
    (tiny / "bench" / "broken.json").write_text("[1, 2]")
    with pytest.raises(DataError, match=r"reports/bench/broken\.json: holds a JSON list; expected a JSON object"):
        render_results(tiny)


def test_wrong_type_names_file_and_key(tiny: Path) -> None:
    data = json.loads((tiny / "final.json").read_text())
    data["hytnas_o_val_acc"] = "high"
    _write(tiny / "final.json", data)
    with pytest.raises(DataError, match=r"reports/final\.json: key 'hytnas_o_val_acc' is \"high\"; expected a number"):
        render_results(tiny)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such folder"):
        render_results(tmp_path / "nowhere")


def test_claim_with_nsga2_continued_past_the_budget(tiny: Path) -> None:
    run = {"seeds": 10, "hv_at_100_mean": 0.85, "hv_at_100_std": 0.01, "hv_at_300_mean": 0.9, "hv_at_300_std": 0.02,
           "hv_at_1000_mean": 0.95, "hv_at_1000_std": 0.005}
    nsga2 = {**run, "evals_to_95pct_median": 995.0, "reached_95pct_runs": 5, "past_budget": 3000,
             "past_budget_evals_to_95pct_median": 1010.0, "past_budget_reached_95pct_runs": 10}
    ours = {**run, "evals_to_95pct_median": 201.5, "reached_95pct_runs": 10, "nsga2_ratio_95pct": 5.0124,
            "nsga2_ratio_95pct_bound": "exact", "nsga2_ratio_95pct_nsga2_budget": 3000}
    _write(tiny / "bench" / "search_1000.json", {
        "settings": {"seeds": 10, "budget": 1000, "initial": 30, "workers": 2, "nsga2_past": 3000},
        "summary": {"released": {"nsga2": nsga2, "gp-ts": ours}},
        "claim": {"released": {"paper_claim": 5.0, "holds": {"gp-ts": True}}},
    })
    text = render_results(tiny)
    headline = _section(text, "Headline")
    row = _row(headline, "`reports/bench/search_1000.json`", "released", "GP-MOBO, warm-started, Thompson sampling (ours)")
    assert row[7:10] == ["201.5", "10 of 10", "5.01 (NSGA-II's runs continued to 3,000)"]
    assert _row(headline, "`reports/bench/search_1000.json`", "released", "NSGA-II")[7] == (
        "not by most runs; 1,010 with the runs continued to 3,000")
    section = _section(text, "Benchmarks")
    assert _row(section, "released", "`gp-ts`")[2:] == ["5.01 (NSGA-II's runs continued to 3,000)", "5 (10 by 3,000)", "10", "5.0"]
