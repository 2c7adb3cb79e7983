"""From per-seed records to per-network results, the headline comparison and flat metrics.

Accuracy over seeds: the mean and the sample standard deviation (``ddof=1``; ``None`` with one
seed). The headline compares HyT-NAS-O and -BL with the reference network (MLPerf Tiny's
MobileNetV1 x0.25 by default) at equal training budget: the accuracy gain is the mean of the
per-seed differences (seed ``k`` of O minus seed ``k`` of the reference) with their standard
deviation; parameter and latency ratios are reference / HyT-NAS (``3.5`` = 3.5x fewer / faster).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from hytnas.final.networks import FinalNetwork
from hytnas.final.selection import Pick
from hytnas.runs.store import Record


def mean_std(values: Sequence[float]) -> tuple[float | None, float | None]:
    """Mean and sample standard deviation (``None`` when undefined)."""
    array = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if array.size == 0:
        return None, None
    return float(array.mean()), float(array.std(ddof=1)) if array.size > 1 else None


@dataclass
class NetworkResult:
    """Everything Table II shows about one network.

    Attributes:
        network: the network.
        pick: its selection (HyT-NAS networks) or ``None`` (baselines).
        train: its training records, one per seed, in seed order.
        latency: its latency record (``None`` if not measured).
    """

    network: FinalNetwork
    pick: Pick | None
    train: list[Record]
    latency: Record | None = None
    _ok: list[Record] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._ok = [r for r in self.train if r.ok]

    @property
    def label(self) -> str:
        return self.network.label

    @property
    def ok(self) -> bool:
        """Every seed trained."""
        return bool(self.train) and len(self._ok) == len(self.train)

    @property
    def status(self) -> str:
        """``ok`` or the first failure's kind."""
        return next((r.status for r in self.train if not r.ok), "ok")

    @property
    def message(self) -> str:
        return next((r.message for r in self.train if not r.ok), "")

    @property
    def overall_status(self) -> str:
        """``ok`` when every seed trained and the latency was measured, else the first failure."""
        if not self.ok:
            return self.status if self.train else "missing"
        if self.latency is not None and not self.latency.ok:
            return f"latency_{self.latency.status}"
        return "ok"

    @property
    def overall_message(self) -> str:
        if not self.ok:
            return self.message
        return self.latency.message if self.latency is not None and not self.latency.ok else ""

    def per_seed(self, column: str) -> list[float]:
        """``column`` of each successful seed's result."""
        out = []
        for record in self._ok:
            value = record.result.get(column)
            out.append(float(value) if value is not None else float("nan"))
        return out

    def first(self, column: str) -> Any:
        """``column`` of the first successful seed (seed-independent values: params, MACs)."""
        return self._ok[0].result.get(column) if self._ok else None

    @property
    def val_acc(self) -> tuple[float | None, float | None]:
        """Mean and standard deviation of the final validation accuracy over seeds, %."""
        return mean_std(self.per_seed("val_acc"))

    def latency_value(self, column: str = "latency_ms") -> float | None:
        if self.latency is None or not self.latency.ok:
            return None
        value = self.latency.result.get(column)
        return float(value) if value is not None else None


def collect(
    networks: Sequence[FinalNetwork],
    picks: Sequence[Pick],
    train_records: dict[str, list[Record]],
    latency_records: dict[str, Record],
) -> list[NetworkResult]:
    """Per-network results, in the order of ``networks``."""
    by_label = {p.label: p for p in picks}
    return [
        NetworkResult(net, by_label.get(net.label), train_records.get(net.label, []), latency_records.get(net.label))
        for net in networks
    ]


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return float(numerator) / float(denominator)


def headline(results: Sequence[NetworkResult], reference: str) -> dict[str, Any]:
    """The issue's targets: O's accuracy gain and parameter ratio over ``reference``, BL's
    parameters and latency ratio (``None`` where a network failed or is missing)."""
    by_label = {r.label: r for r in results}
    ref, o, bl = by_label.get(reference), by_label.get("hytnas_o"), by_label.get("hytnas_bl")
    out: dict[str, Any] = {"reference": reference}
    if ref is not None and o is not None:
        ref_acc, o_acc = ref.per_seed("val_acc"), o.per_seed("val_acc")
        n = min(len(ref_acc), len(o_acc))
        gain, gain_std = mean_std([a - b for a, b in zip(o_acc[:n], ref_acc[:n])])
        out.update(
            o_acc_gain=gain,
            o_acc_gain_std=gain_std,
            o_acc_gain_seeds=n,
            o_param_ratio=_ratio(ref.first("params"), o.first("params")),
            o_latency_ratio=_ratio(ref.latency_value(), o.latency_value()),
        )
    if ref is not None and bl is not None:
        out.update(
            bl_params=bl.first("params"),
            bl_latency_ratio=_ratio(ref.latency_value(), bl.latency_value()),
            bl_param_ratio=_ratio(ref.first("params"), bl.first("params")),
        )
    return out


def results_frame(results: Sequence[NetworkResult]) -> pd.DataFrame:
    """One row per network: label, name, role, architecture, accuracy mean/std over seeds (%),
    best accuracy mean, latency (ms, median with p10/p90), parameters, MACs, ONNX check,
    predicted accuracy and latency (HyT-NAS picks), status."""
    rows = []
    for r in results:
        acc, acc_std = r.val_acc
        best, _ = mean_std(r.per_seed("best_val_acc"))
        diffs = [v for v in r.per_seed("onnx_max_abs_diff") if math.isfinite(v)]
        rows.append(
            {
                "label": r.label,
                "name": r.network.display_name,
                "role": r.network.role,
                "arch": r.network.ref,
                "seeds": len(r.train),
                "seeds_ok": len(r.per_seed("val_acc")),
                "val_acc": acc,
                "val_acc_std": acc_std,
                "best_val_acc": best,
                "latency_ms": r.latency_value(),
                "latency_p10_ms": r.latency_value("latency_p10_ms"),
                "latency_p90_ms": r.latency_value("latency_p90_ms"),
                "params": r.first("params"),
                "macs": r.first("macs"),
                "train_macs": r.first("train_macs"),
                "onnx_max_abs_diff": max(diffs) if diffs else None,
                "onnx_error": next((rec.result.get("onnx_error") for rec in r.train if rec.result.get("onnx_error")), ""),
                "pred_val_acc": r.pick.pred_val_acc if r.pick else None,
                "pred_latency_ms": r.pick.pred_latency_ms if r.pick else None,
                "train_seconds": float(sum(r.per_seed("seconds"))) if r.train else None,
                "status": r.overall_status,
                "message": r.overall_message,
            }
        )
    return pd.DataFrame(rows)


def _clean(value: Any) -> Any:
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def flat_metrics(frame: pd.DataFrame, top: dict[str, Any], budget: dict[str, Any]) -> dict[str, Any]:
    """``reports/final.json``: the budget, ``<label>_<metric>`` per network, ``headline_*``.

    Only numbers (or ``null``), so ``dvc metrics diff`` compares every entry.
    """
    out: dict[str, Any] = {k: _clean(v) for k, v in budget.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    for row in frame.to_dict("records"):
        label = row["label"]
        for column in ("val_acc", "val_acc_std", "latency_ms", "params", "macs", "onnx_max_abs_diff"):
            value = row.get(column)
            out[f"{label}_{column}"] = None if value is None or (isinstance(value, float) and math.isnan(value)) else _clean(value)
    for key, value in top.items():
        if key != "reference":
            out[f"headline_{key}"] = _clean(value)
    out["failed"] = int((frame["status"] != "ok").sum()) if len(frame) else 0
    return out


def curves_frame(results: Sequence[NetworkResult]) -> pd.DataFrame:
    """Tidy training curves: one row per network, seed and epoch (losses, accuracies in %, lr)."""
    rows = []
    for r in results:
        for seed, record in enumerate(r.train):
            if not record.ok:
                continue
            for epoch in record.result.get("history", []):
                rows.append({"label": r.label, "seed": seed, **epoch})
    columns = ["label", "seed", "epoch", "lr", "train_loss", "train_acc", "val_loss", "val_acc", "seconds", "images"]
    return pd.DataFrame(rows, columns=columns)
