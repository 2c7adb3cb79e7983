"""The benchmark record of ``train_final``: the headline targets beside the paper's, and where
the stage's time went."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from hytnas.final.paper_params import HEADS, closest_width
from hytnas.final.paper_table2 import (
    PAPER_REFERENCE,
    PAPER_TABLE2,
    PAPER_TEXT_BL_PARAMS,
    PAPER_TEXT_O_GAIN_POINTS,
    PAPER_TEXT_O_PARAM_RATIO,
    paper_headline,
)
from hytnas.final.table import Budget
from hytnas.runs.runner import RunSummary


def bench_record(
    run_seconds: float,
    train: RunSummary,
    latency: RunSummary,
    table: pd.DataFrame,
    top: dict[str, Any],
    budget: Budget,
    described: dict[str, Any],
    environment: dict[str, Any],
) -> dict[str, Any]:
    """Flat benchmark record: the targets beside the paper's, and where the time went.

    ``paper_*`` are computed from the paper's Table II (:func:`~hytnas.final.paper_table2.paper_headline`;
    gain in percentage points, ratios unitless, parameters a count), ``paper_text_*`` are the
    abstract's and the text's rounded figures, ``mobilenetv1_width_for_paper_params_<n>_classes``
    the MobileNetV1 width whose ``n``-class head has the paper's MobileNetV1 parameter count.
    """
    out: dict[str, Any] = {
        "reference": top.get("reference"),
        "o_acc_gain": top.get("o_acc_gain"),
        "o_acc_gain_std": top.get("o_acc_gain_std"),
        "o_acc_gain_seeds": top.get("o_acc_gain_seeds"),
        "o_param_ratio": top.get("o_param_ratio"),
        "o_latency_ratio": top.get("o_latency_ratio"),
        "bl_params": top.get("bl_params"),
        "bl_param_ratio": top.get("bl_param_ratio"),
        "bl_latency_ratio": top.get("bl_latency_ratio"),
        **{f"paper_{k}": v for k, v in paper_headline().items()},
        "paper_text_o_acc_gain": PAPER_TEXT_O_GAIN_POINTS,
        "paper_text_o_param_ratio": PAPER_TEXT_O_PARAM_RATIO,
        "paper_text_bl_params": PAPER_TEXT_BL_PARAMS,
        **_width_for_paper_params(),
        "stage_seconds": round(run_seconds, 2),
        "train_jobs": train.total,
        "train_jobs_run": train.ran,
        "train_jobs_from_store": train.cached,
        "train_wall_seconds": round(train.seconds, 2),
        "latency_jobs_run": latency.ran,
        "latency_wall_seconds": round(latency.seconds, 2),
    }
    for row in table.to_dict("records"):
        out[f"{row['label']}_train_seconds"] = row.get("train_seconds")
    out.update({f"budget_{k}": v for k, v in asdict(budget).items()})
    out.update(described)
    out.update({f"device_{k}": environment.get(k) for k in ("cpu_model", "cores_logical", "cores_usable", "torch")})
    return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in out.items()}


def _width_for_paper_params() -> dict[str, float]:
    """The MobileNetV1 width closest to the paper's MobileNetV1 parameter count, per head."""
    target = {row.label: row for row in PAPER_TABLE2}[PAPER_REFERENCE].params
    return {f"mobilenetv1_width_for_paper_params_{h}_classes": closest_width(target, h).width for h in HEADS}


__all__ = ["bench_record"]
