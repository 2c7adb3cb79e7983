"""Files of the strategy comparison: HV curves, fronts, the HyT-NAS Pareto set, metrics, figures.

Layout under ``out`` (``reports/search/``)::

    hv.csv                      oracle, strategy, seed, evaluations, hv, hv_fraction, seconds
    curves/<oracle>_<strategy>.csv   evaluations, hv_fraction_mean/min/max (DVC plots)
    fronts.csv                  final non-dominated points of every run, with genomes
    pareto_hytnas.csv           HyT-NAS front pooled over seeds, pipeline oracle (train_final)
    frame.json                  bounds, reference point and reference HV of each oracle
    hv_<oracle>.png, fronts_<oracle>.png
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from hytnas.archs import genome_frame
from hytnas.config import Params
from hytnas.io import write_csv, write_json
from hytnas.search.scoring import OracleComparison, pooled_front
from hytnas.search.figures import plot_fronts, plot_hv
from hytnas.search.hypervolume import REF
from hytnas.space import get_space


def _objective_columns(F: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"pred_val_acc": 100.0 - F[:, 0], "pred_latency_ms": F[:, 1]})


def _front_rows(oracle: str, space_name: str, comparison: OracleComparison) -> pd.DataFrame:
    space = get_space(space_name)
    parts = []
    for history in comparison.histories:
        X, F = history.pareto_front()
        order = np.argsort(F[:, 1], kind="stable")
        frame = pd.concat([genome_frame(space, X[order]), _objective_columns(F[order])], axis=1)
        frame.insert(0, "seed", history.seed)
        frame.insert(0, "strategy", history.strategy)
        frame.insert(0, "oracle", oracle)
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def _hv_rows(comparison: OracleComparison) -> pd.DataFrame:
    walls = {(h.strategy, h.seed): h.wall_time for h in comparison.histories}
    parts = []
    for (strategy, seed), curve in sorted(comparison.curves.items()):
        parts.append(
            pd.DataFrame(
                {
                    "oracle": comparison.oracle,
                    "strategy": strategy,
                    "seed": seed,
                    "evaluations": np.arange(1, len(curve) + 1),
                    "hv": curve,
                    "hv_fraction": curve / comparison.reference_hv,
                    "seconds": round(walls[(strategy, seed)], 3),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _mean_curve(comparison: OracleComparison, strategy: str) -> pd.DataFrame:
    curves = [c for (s, _), c in comparison.curves.items() if s == strategy]
    length = min(len(c) for c in curves)
    stack = np.stack([c[:length] for c in curves]) / comparison.reference_hv
    return pd.DataFrame(
        {
            "evaluations": np.arange(1, length + 1),
            "hv_fraction_mean": stack.mean(axis=0),
            "hv_fraction_min": stack.min(axis=0),
            "hv_fraction_max": stack.max(axis=0),
        }
    )


def _hytnas_pareto(space_name: str, comparison: OracleComparison) -> pd.DataFrame:
    space = get_space(space_name)
    runs = [h for h in comparison.histories if h.strategy == "hytnas"]
    if not runs:
        runs = comparison.histories
    X, F = pooled_front(runs)
    return pd.concat([genome_frame(space, X), _objective_columns(F)], axis=1)


def write_reports(
    comparisons: Sequence[tuple[Any, OracleComparison, dict[str, Any], float]],
    params: Params,
    out: Path,
    metrics_path: Path,
    add_costs: Callable[[str, pd.DataFrame], pd.DataFrame],
) -> dict[str, Any]:
    """Write every file of the comparison (see the module docstring).

    ``add_costs(space_name, frame)`` adds ``params`` and ``macs`` columns to the HyT-NAS
    Pareto set (the caller knows how networks are built; this package does not). Returns
    the metrics written to ``metrics_path``.
    """
    hv_parts, front_parts, frame, metrics = [], [], {}, {}
    for oracle, comparison, summary, seconds in comparisons:
        hv_parts.append(_hv_rows(comparison))
        front_parts.append(_front_rows(oracle.name, oracle.space, comparison))
        frame[oracle.name] = {
            "space": oracle.space,
            "objectives": ["error_pct", "latency_ms"],
            "bounds": comparison.bounds.to_dict(),
            "reference_point": REF,
            "reference_hv": comparison.reference_hv,
            "reference_front_size": int(len(comparison.reference_front)),
        }
        for strategy in summary:
            write_csv(out / "curves" / f"{oracle.name}_{strategy}.csv", _mean_curve(comparison, strategy))
        metrics[oracle.name] = {**summary, "stage_seconds": round(seconds, 1)}
        plot_hv(comparison, out / f"hv_{oracle.name}.png")
        seed0 = {h.strategy: h.pareto_front()[1] for h in comparison.histories if h.seed == params.seed}
        plot_fronts(seed0, comparison.reference_front, oracle.name, params.search.budget, out / f"fronts_{oracle.name}.png")
        if oracle.name == "pipeline":
            pareto = add_costs(oracle.space, _hytnas_pareto(oracle.space, comparison))
            write_csv(out / "pareto_hytnas.csv", pareto)
    write_csv(out / "hv.csv", pd.concat(hv_parts, ignore_index=True))
    write_csv(out / "fronts.csv", pd.concat(front_parts, ignore_index=True))
    write_json(out / "frame.json", frame)
    write_json(metrics_path, metrics)
    return metrics
