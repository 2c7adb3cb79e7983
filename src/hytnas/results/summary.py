"""``reports/summary.json``: the figures a user compares first, as flat metric keys with short
names, so ``dvc exp show`` and ``dvc metrics diff`` put them in columns of their own.

Keys (each present only when its report is):

- ``hv_<strategy>``: the pipeline oracle's hypervolume fraction at the largest checkpoint
  (mean over seeds, 0-1), from ``search.json``;
- ``nsga2_ratio_<strategy>``: NSGA-II's median evaluations to 95% of the reference
  hypervolume over the strategy's (the paper claims 5 for its loop), as the search stage
  wrote it (``hytnas.search.scoring.nsga2_ratios``), where it is exact or a lower bound
  (the strategy's median is a real count);
- ``tau_accuracy``, ``tau_latency``: Kendall tau of the chosen predictor of each target, from
  ``predictors.json``;
- ``o_acc_gain`` (accuracy points), ``o_param_ratio``, ``o_latency_ratio`` (reference network
  over HyT-NAS-O) and ``bl_params``: Table II's headline, from ``final.json``;
- ``map_<backbone>`` (mAP@[.5:.95] in %) and ``o_minus_mnv3_map`` (points): Table III, from
  ``detection.json``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from hytnas.io import write_json
from hytnas.results.hvtables import nsga2_ratio_at
from hytnas.results.reports import Report, load, stage_what

__all__ = ["SUMMARY_NAME", "summary", "write_summary"]

log = logging.getLogger(__name__)

SUMMARY_NAME = "summary.json"
"""The summary's file name inside the reports folder."""

_HV_KEY = re.compile(r"^hv_at_(\d+)_mean$")


def _search_keys(search: Report) -> dict[str, Any]:
    """``hv_<strategy>`` and ``nsga2_ratio_<strategy>`` of the pipeline oracle."""
    oracle = search.get("pipeline", kind="dict") or {}
    strategies = [name for name, figures in oracle.items() if isinstance(figures, dict)]
    keys: dict[str, Any] = {}
    for name in strategies:
        figures = search.get("pipeline", name, kind="dict") or {}
        budgets = [int(match.group(1)) for key in figures if (match := _HV_KEY.match(key))]
        if budgets:
            keys[f"hv_{name}"] = search.get("pipeline", name, f"hv_at_{max(budgets)}_mean")
    for name in strategies:
        ratio, bound = nsga2_ratio_at(search, ("pipeline", name))
        if ratio is not None and bound in ("exact", "at least"):
            keys[f"nsga2_ratio_{name}"] = ratio
    return keys


def _predictor_keys(predictors: Report) -> dict[str, Any]:
    """``tau_<target>`` of the chosen predictor of each target."""
    return {
        f"tau_{target}": predictors.get(target, "chosen_kendall_tau")
        for target in ("accuracy", "latency")
        if predictors.get(target, "chosen_kendall_tau") is not None
    }


def _final_keys(final: Report) -> dict[str, Any]:
    """Table II's headline."""
    names = {
        "o_acc_gain": "headline_o_acc_gain",
        "o_param_ratio": "headline_o_param_ratio",
        "o_latency_ratio": "headline_o_latency_ratio",
        "bl_params": "headline_bl_params",
    }
    return {short: final.get(key) for short, key in names.items() if final.get(key) is not None}


def _detection_keys(detection: Report) -> dict[str, Any]:
    """Table III: each backbone's mAP and HyT-NAS-O's gain over MobileNetV3."""
    keys = {
        f"map_{key[: -len('_map')]}": detection.get(key)
        for key in detection.data
        if key.endswith("_map") and not key.startswith(("paper_", "baseline_", "headline_"))
    }
    gain = detection.get("headline_o_minus_mobilenetv3_map")
    if gain is not None:
        keys["o_minus_mnv3_map"] = gain
    return {key: value for key, value in keys.items() if value is not None}


def summary(reports_dir: Path) -> dict[str, Any]:
    """The summary of the reports in ``reports_dir`` (missing reports contribute nothing).

    Raises:
        DataError: a report cannot be read or has a value of the wrong kind (named).
    """
    reports_dir = Path(reports_dir)
    prefix = f"{reports_dir.resolve().name}/"
    parts = (
        ("search.json", _search_keys),
        ("predictors.json", _predictor_keys),
        ("final.json", _final_keys),
        ("detection.json", _detection_keys),
    )
    keys: dict[str, Any] = {}
    for file, take in parts:
        report = load(reports_dir / file, prefix + file, stage_what(file))
        if report is None:
            log.info("%s%s not found: its summary keys are left out", prefix, file)
            continue
        keys.update(take(report))
    return keys


def write_summary(reports_dir: Path, out: Path) -> Path:
    """Write :func:`summary` of ``reports_dir`` to ``out`` (flat JSON, a DVC metrics file)."""
    write_json(out, summary(reports_dir))
    return Path(out)
