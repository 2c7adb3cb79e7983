"""Accuracy against latency of the Table II networks, one PNG (matplotlib, no display needed)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from hytnas.io import atomic_open


def plot_accuracy_latency(results: pd.DataFrame, path: str | Path, *, title: str = "") -> Path | None:
    """Scatter of ``val_acc`` (%, with seed std as error bars) against ``latency_ms`` (log
    scale); marker area grows with the parameter count; HyT-NAS picks in one colour, baselines
    in another. Returns ``None`` (and writes nothing) when no network has both numbers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = results.dropna(subset=["val_acc", "latency_ms"])
    if frame.empty:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=120)
    for _, row in frame.iterrows():
        ours = str(row["role"]) != "baseline"
        size = 20 + 60 * math.sqrt(float(row["params"] or 0) / 1e5)
        std = row.get("val_acc_std")
        ax.errorbar(
            row["latency_ms"], row["val_acc"], yerr=None if std is None or pd.isna(std) else std,
            fmt="none", ecolor="0.6", elinewidth=1, capsize=2,
        )
        ax.scatter(row["latency_ms"], row["val_acc"], s=size, color="tab:red" if ours else "tab:blue", alpha=0.8,
                   edgecolor="black", linewidth=0.5, zorder=3)
        ax.annotate(str(row["name"]), (row["latency_ms"], row["val_acc"]), textcoords="offset points", xytext=(5, 4),
                    fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("latency, ms (median)")
    ax.set_ylabel("validation accuracy, %")
    ax.set_title(title or "Table II: accuracy against latency (area ~ parameters)", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    with atomic_open(path, "wb") as handle:
        fig.savefig(handle, format="png")
    plt.close(fig)
    return path
