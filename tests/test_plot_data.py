"""The plot tables of ``reports/plots/`` and the summary metrics of ``reports/summary.json``,
from hand-made sources whose figures are known, and their errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from hytnas.errors import DataError
from hytnas.results.plot_data import PlotSources, detection_curves, final_curves, hv_bands, write_plot_data
from hytnas.results.summary import summary


def _hv_csv(path: Path) -> Path:
    rows = []
    for strategy, base in (("hytnas", 0.5), ("nsga2", 0.3)):
        for seed, shift in ((0, -0.1), (1, 0.1)):
            for evaluations in (1, 2):
                rows.append(("pipeline", strategy, seed, evaluations, 1.0, base + shift + 0.1 * evaluations, 0.0))
    frame = pd.DataFrame(rows, columns=["oracle", "strategy", "seed", "evaluations", "hv", "hv_fraction", "seconds"])
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def test_hv_bands_mean_and_one_std(tmp_path: Path) -> None:
    table = hv_bands(_hv_csv(tmp_path / "hv.csv"))
    row = table[(table.series == "hytnas") & (table.evaluations == 2)].iloc[0]
    std = pd.Series([0.6, 0.8]).std()
    assert row.hv_fraction == pytest.approx(0.7)
    assert row.hv_fraction_lo == pytest.approx(0.7 - std)
    assert row.hv_fraction_hi == pytest.approx(0.7 + std)
    assert row.seeds == 2
    assert list(table.series.unique()) == ["hytnas", "nsga2"]


def test_hv_bands_clip_to_the_unit_interval(tmp_path: Path) -> None:
    path = tmp_path / "hv.csv"
    pd.DataFrame(
        {"strategy": ["a", "a"], "seed": [0, 1], "evaluations": [1, 1], "hv_fraction": [0.99, 0.6]}
    ).to_csv(path, index=False)
    row = hv_bands(path).iloc[0]
    assert row.hv_fraction_hi == 1.0 and 0.0 <= row.hv_fraction_lo < row.hv_fraction


def test_final_curves_average_over_seeds_with_display_names(tmp_path: Path) -> None:
    path = tmp_path / "curves.csv"
    pd.DataFrame(
        {
            "label": ["hytnas_o"] * 4,
            "seed": [0, 0, 1, 1],
            "epoch": [1, 2, 1, 2],
            "val_acc": [60.0, 70.0, 62.0, 72.0],
            "train_loss": [0.7, 0.6, 0.7, 0.6],
        }
    ).to_csv(path, index=False)
    table = final_curves(path)
    assert list(table.series.unique()) == ["HyT-NAS-O"]
    assert table.val_acc.tolist() == [61.0, 71.0]
    assert table.val_acc_hi.iloc[0] - table.val_acc_lo.iloc[0] == pytest.approx(2 * pd.Series([60.0, 62.0]).std())


def test_detection_curves_from_dvclive_folders(tmp_path: Path) -> None:
    for seed, offset in ((0, 0.0), (1, 1.0)):
        metrics = tmp_path / f"hytnas_o_s{seed}" / "plots" / "metrics"
        (metrics / "val").mkdir(parents=True)
        (metrics / "train").mkdir(parents=True)
        (metrics / "val" / "map.tsv").write_text(f"step\tmap\n0\t{1 + offset}\n1\t{2 + offset}\n")
        (metrics / "train" / "loss.tsv").write_text("step\tloss\n0\t5.0\n1\t4.0\n")
    table = detection_curves(tmp_path)
    assert table.epoch.tolist() == [1, 2]
    assert table["map"].tolist() == [1.5, 2.5]
    assert table.train_loss.tolist() == [5.0, 4.0]


def test_detection_curves_name_the_folder_missing_a_file(tmp_path: Path) -> None:
    (tmp_path / "hytnas_o_s0" / "plots" / "metrics" / "val").mkdir(parents=True)
    with pytest.raises(DataError, match=r"hytnas_o_s0/plots/metrics: expected val/map.tsv and train/loss.tsv"):
        detection_curves(tmp_path)


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "hv.csv"
    path.write_text("strategy,seed,evaluations\nhytnas,0,1\n")
    with pytest.raises(DataError, match=r"hv.csv: no column 'hv_fraction'; expected a search comparison's hv.csv"):
        hv_bands(path)


def test_write_plot_data_writes_what_exists_and_removes_stale_tables(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    _hv_csv(reports / "search" / "hv.csv")
    out = reports / "plots"
    out.mkdir(parents=True)
    (out / "table2.csv").write_text("stale\n")
    written = write_plot_data(out, PlotSources.under(reports, tmp_path / "data" / "proxy" / "accuracy.csv"))
    assert [path.name for path in written] == ["hv_pipeline.csv"]
    assert not (out / "table2.csv").exists()


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def test_summary_short_keys(tmp_path: Path) -> None:
    def strategy(evals: float, hv: float) -> dict:
        reached = 2 if evals <= 300 else 0
        return {"seeds": 2, "hv_at_100_mean": hv - 0.1, "hv_at_300_mean": hv, "evals_to_95pct_median": evals,
                "reached_95pct_runs": reached}

    _write(
        tmp_path / "search.json",
        {"pipeline": {"hytnas": {**strategy(50.0, 0.97), "nsga2_ratio_95pct": 5.0, "nsga2_ratio_95pct_bound": "exact"},
                      "nsga2": strategy(250.0, 0.95),
                      "random": {**strategy(301.0, 0.9), "nsga2_ratio_95pct": 0.8306, "nsga2_ratio_95pct_bound": "at most"},
                      "stage_seconds": 12.0}},
    )
    _write(tmp_path / "predictors.json", {"accuracy": {"chosen_kendall_tau": 0.5}, "latency": {"chosen_kendall_tau": 0.9}})
    _write(tmp_path / "final.json", {"headline_o_acc_gain": 4.2, "headline_o_param_ratio": 2.9, "headline_bl_params": 71682})
    _write(tmp_path / "detection.json", {"hytnas_o_map": 1.6, "paper_hytnas_o_map": 22.0, "baseline_random_map": 0.1})
    assert summary(tmp_path) == {
        "hv_hytnas": 0.97,
        "hv_nsga2": 0.95,
        "hv_random": 0.9,
        "nsga2_ratio_hytnas": 5.0,
        "tau_accuracy": 0.5,
        "tau_latency": 0.9,
        "o_acc_gain": 4.2,
        "o_param_ratio": 2.9,
        "bl_params": 71682,
        "map_hytnas_o": 1.6,
    }


def test_summary_names_a_bad_report(tmp_path: Path) -> None:
    (tmp_path / "final.json").write_text("{not json")
    with pytest.raises(DataError, match=r"final.json: not valid JSON"):
        summary(tmp_path)
