"""``reports/plots/``: the tables behind the Vega plots that ``dvc.yaml`` declares, one tidy CSV
per plot, made from what the stages and benchmarks wrote.

Every table has a ``series`` column (a strategy, a predictor, a network) that the templates in
``.dvc/plots/`` colour by; ``dvc plots diff`` adds ``rev``, which they draw as dashes or
shapes. The tables:

- ``hv_<oracle>.csv`` (Fig. 4): ``series``, ``evaluations``, ``hv_fraction`` (mean over
  seeds of the hypervolume over the reference front's, 0-1), ``hv_fraction_lo`` and
  ``hv_fraction_hi`` (mean minus and plus one standard deviation over seeds, clipped to
  [0, 1]), ``seeds``. Oracles: ``pipeline`` (the ``compare_search`` stage) and, where the
  claim benchmark wrote them, ``bench_released`` and ``bench_pipeline``.
- ``fronts_<oracle>.csv`` (Fig. 5): ``series``, ``seed``, ``latency_ms`` and ``accuracy_pct``
  (the oracle's predictions) of every final Pareto architecture.
- ``predictors_<target>.csv``: ``series`` (the predictor), ``measured`` and ``predicted``
  (accuracy in %, latency in ms) on the held-out folds.
- ``proxy.csv``: ``series``, ``macs_m`` (millions), ``params_k`` (thousands), ``val_acc``
  (%) of every proxy-trained architecture.
- ``table2.csv``: ``series`` (the network), ``latency_ms`` (median), ``val_acc`` (%),
  ``params_k`` of Table II's networks.
- ``predictors_learning.csv``: ``series`` (the target), ``train_size`` (architectures),
  ``kendall_tau`` with ``_lo``/``_hi`` at one cross-validation std.
- ``final_curves.csv`` and ``detection_curves.csv``: ``series`` (the network), ``epoch``
  (from 1), and per metric (``val_acc`` %, ``train_loss``; detection: ``map`` %,
  ``train_loss``) the mean over seeds with ``_lo``/``_hi`` at one std.

A source that is absent (its stage not run) gives no table and a log line; a source that
cannot be read, or lacks a column, raises :class:`~hytnas.errors.DataError` naming the file and
the column.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from hytnas.errors import DataError
from hytnas.io import write_csv
from hytnas.names import NETWORK_NAMES

__all__ = ["PLOTS_DIR", "PlotSources", "write_plot_data"]

log = logging.getLogger(__name__)

PLOTS_DIR = "plots"
"""The folder inside the reports folder that holds the plot tables."""

_DECIMALS = 5
"""Decimals kept in the tables: the page embeds them, and plots need no more."""


@dataclass(frozen=True)
class PlotSources:
    """Where each plot table comes from (the stages' and benchmarks' outputs)."""

    search: Path
    bench_released: Path
    bench_pipeline: Path
    predictors: Path
    proxy: Path
    final: Path
    final_curves: Path
    learning_curves: Path
    detection_live: Path

    @classmethod
    def under(cls, reports: Path, proxy: Path) -> "PlotSources":
        """The sources of a repository whose reports folder is ``reports``; ``proxy`` is
        ``proxy_train``'s accuracy table (it lives under ``data/``)."""
        reports = Path(reports)
        return cls(
            search=reports / "search",
            bench_released=reports / "bench" / "search_1000",
            bench_pipeline=reports / "bench" / "search_1000_pipeline",
            predictors=reports / "predictors" / "scatter",
            proxy=Path(proxy),
            final=reports / "final" / "results.csv",
            final_curves=reports / "final" / "curves.csv",
            learning_curves=reports / "predictors" / "learning_curve",
            detection_live=reports / "detection" / "live",
        )


def _read(path: Path, columns: tuple[str, ...], what: str, sep: str = ",") -> pd.DataFrame:
    """The CSV (or, with ``sep="\\t"``, TSV) at ``path`` with at least ``columns``.

    Raises:
        DataError: unreadable, or a column is missing (named, with what the file should be).
    """
    try:
        frame = pd.read_csv(path, sep=sep)
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise DataError(f"{path}: cannot be read as CSV ({error}); expected {what}") from None
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise DataError(f"{path}: no column {missing[0]!r}; expected {what} with columns {', '.join(columns)}")
    return frame


def hv_bands(hv_csv: Path) -> pd.DataFrame:
    """Mean and mean +- one std over seeds of ``hv_fraction`` per strategy and evaluation.

    Args:
        hv_csv: a search comparison's ``hv.csv`` (one row per strategy, seed and evaluation).
    """
    frame = _read(hv_csv, ("strategy", "seed", "evaluations", "hv_fraction"), "a search comparison's hv.csv")
    frame = frame.rename(columns={"strategy": "series"})
    table = _with_spread(frame, ["series", "evaluations"], ("hv_fraction",))
    for bound in ("hv_fraction_lo", "hv_fraction_hi"):
        table[bound] = table[bound].clip(0.0, 1.0)
    table["seeds"] = frame.groupby(["series", "evaluations"], sort=True).size().to_numpy()
    return table


def fronts(fronts_csv: Path) -> pd.DataFrame:
    """Every final Pareto architecture of each strategy and seed, in the oracle's units."""
    frame = _read(
        fronts_csv, ("strategy", "seed", "pred_val_acc", "pred_latency_ms"), "a search comparison's fronts.csv"
    )
    table = pd.DataFrame(
        {
            "series": frame["strategy"],
            "seed": frame["seed"],
            "latency_ms": frame["pred_latency_ms"],
            "accuracy_pct": frame["pred_val_acc"],
        }
    )
    return table.sort_values(["series", "seed", "latency_ms"], kind="stable").reset_index(drop=True)


def predictor_scatter(folder: Path, target: str) -> pd.DataFrame | None:
    """Measured against predicted of every predictor of ``target`` (files ``<target>_<model>.csv``)."""
    parts = []
    for path in sorted(folder.glob(f"{target}_*.csv")):
        frame = _read(path, ("measured", "predicted"), "a predictor's held-out predictions")
        frame = frame[["measured", "predicted"]].copy()
        frame.insert(0, "series", path.stem[len(target) + 1 :])
        parts.append(frame)
    return pd.concat(parts, ignore_index=True) if parts else None


def proxy_accuracy(accuracy_csv: Path) -> pd.DataFrame:
    """The proxy-trained architectures' validation accuracy against their size."""
    frame = _read(accuracy_csv, ("arch_id", "params", "macs", "val_acc"), "proxy_train's accuracy table")
    frame = frame.dropna(subset=["val_acc"])
    return pd.DataFrame(
        {
            "series": "proxy",
            "arch_id": frame["arch_id"],
            "macs_m": frame["macs"] / 1e6,
            "params_k": frame["params"] / 1e3,
            "val_acc": frame["val_acc"],
        }
    )


def table2_points(results_csv: Path) -> pd.DataFrame:
    """Table II's networks: median latency, accuracy and parameters."""
    frame = _read(results_csv, ("name", "latency_ms", "val_acc", "params"), "train_final's results table")
    return pd.DataFrame(
        {
            "series": frame["name"],
            "latency_ms": frame["latency_ms"],
            "val_acc": frame["val_acc"],
            "params_k": frame["params"] / 1e3,
        }
    )


def _with_spread(frame: pd.DataFrame, keys: list[str], metrics: tuple[str, ...]) -> pd.DataFrame:
    """Mean over the rows sharing ``keys`` of each metric, with ``<metric>_lo``/``_hi`` at one
    std (0 where there is one row)."""
    grouped = frame.groupby(keys, sort=True)[list(metrics)]
    mean, std = grouped.mean(), grouped.std().fillna(0.0)
    table = mean.copy()
    for metric in metrics:
        table[f"{metric}_lo"] = mean[metric] - std[metric]
        table[f"{metric}_hi"] = mean[metric] + std[metric]
    return table.reset_index()


def learning_curves(folder: Path) -> pd.DataFrame | None:
    """Kendall tau against training-set size of each target (files ``<target>_<model>.csv``)."""
    parts = []
    for path in sorted(folder.glob("*.csv")):
        frame = _read(path, ("train_size", "kendall_tau", "kendall_tau_std"), "a predictor's learning curve")
        target, _, model = path.stem.partition("_")
        parts.append(
            pd.DataFrame(
                {
                    "series": f"{target} ({model})",
                    "train_size": frame["train_size"],
                    "kendall_tau": frame["kendall_tau"],
                    "kendall_tau_lo": frame["kendall_tau"] - frame["kendall_tau_std"],
                    "kendall_tau_hi": frame["kendall_tau"] + frame["kendall_tau_std"],
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else None


def final_curves(curves_csv: Path) -> pd.DataFrame:
    """Validation accuracy and training loss per epoch of each final network, over seeds."""
    frame = _read(curves_csv, ("label", "seed", "epoch", "val_acc", "train_loss"), "train_final's curves table")
    frame = frame.assign(series=frame["label"].map(lambda label: NETWORK_NAMES.get(label, label)))
    return _with_spread(frame, ["series", "epoch"], ("val_acc", "train_loss"))


def detection_curves(live_dir: Path) -> pd.DataFrame | None:
    """Validation mAP and training loss per epoch of each detector, over seeds, from the
    DVCLive folders ``<backbone>_s<seed>/plots/metrics/{val/map,train/loss}.tsv`` (steps from
    0, shown as epochs from 1)."""
    rows = []
    for run in sorted(path for path in live_dir.iterdir() if path.is_dir()):
        backbone, _, seed = run.name.rpartition("_s")
        if not backbone or not seed.isdigit():
            continue
        metrics = run / "plots" / "metrics"
        val_file, loss_file = metrics / "val" / "map.tsv", metrics / "train" / "loss.tsv"
        if not (val_file.exists() and loss_file.exists()):
            raise DataError(f"{metrics}: expected val/map.tsv and train/loss.tsv from the detect stage")
        val = _read(val_file, ("step", "map"), "a DVCLive metric file", sep="\t")
        loss = _read(loss_file, ("step", "loss"), "a DVCLive metric file", sep="\t")
        joined = val.merge(loss, on="step", how="inner")
        rows.append(
            pd.DataFrame(
                {
                    "series": NETWORK_NAMES.get(backbone, backbone),
                    "epoch": joined["step"] + 1,
                    "map": joined["map"],
                    "train_loss": joined["loss"],
                }
            )
        )
    if not rows:
        return None
    return _with_spread(pd.concat(rows, ignore_index=True), ["series", "epoch"], ("map", "train_loss"))


def _tables(sources: PlotSources) -> list[tuple[str, Path, Callable[[], pd.DataFrame | None]]]:
    """Each table's name, its source, and how to make it."""
    specs: list[tuple[str, Path, Callable[[], pd.DataFrame | None]]] = []
    for oracle, folder in (
        ("pipeline", sources.search),
        ("bench_released", sources.bench_released),
        ("bench_pipeline", sources.bench_pipeline),
    ):
        specs.append((f"hv_{oracle}", folder / "hv.csv", lambda f=folder: hv_bands(f / "hv.csv")))
        specs.append((f"fronts_{oracle}", folder / "fronts.csv", lambda f=folder: fronts(f / "fronts.csv")))
    for target in ("accuracy", "latency"):
        specs.append(
            (f"predictors_{target}", sources.predictors, lambda t=target: predictor_scatter(sources.predictors, t))
        )
    specs.append(("proxy", sources.proxy, lambda: proxy_accuracy(sources.proxy)))
    specs.append(("table2", sources.final, lambda: table2_points(sources.final)))
    specs.append(("predictors_learning", sources.learning_curves, lambda: learning_curves(sources.learning_curves)))
    specs.append(("final_curves", sources.final_curves, lambda: final_curves(sources.final_curves)))
    specs.append(("detection_curves", sources.detection_live, lambda: detection_curves(sources.detection_live)))
    return specs


def write_plot_data(out_dir: Path, sources: PlotSources) -> list[Path]:
    """Write every plot table whose source exists into ``out_dir``; return the paths written.

    Tables whose source is gone are removed from ``out_dir`` so no stale plot survives.
    """
    out_dir = Path(out_dir)
    written: list[Path] = []
    for name, source, make in _tables(sources):
        path = out_dir / f"{name}.csv"
        table = make() if source.exists() else None
        if table is None:
            log.info("plot table %s: %s not found, not written", name, source)
            path.unlink(missing_ok=True)
            continue
        write_csv(path, table.round(_DECIMALS))
        written.append(path)
    return written
