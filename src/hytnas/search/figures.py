"""Figures of the strategy comparison: HV against evaluations (Fig. 4), Pareto fronts (Fig. 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np

from hytnas.search.scoring import OracleComparison

COLOURS = {
    "random": "#7f7f7f",
    "nsga2": "#1f77b4",
    "gp-mobo": "#2ca02c",
    "hytnas": "#d62728",
    "qnehvi": "#9467bd",
    "hytnas-released": "#ff7f0e",
    "gp-warm": "#17becf",
    "gp-ts": "#8c564b",
}
"""Line colour of each strategy and params.yaml variant (others take matplotlib's cycle)."""


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_hv(comparison: OracleComparison, path: str | Path) -> None:
    """HV / reference HV against evaluations: mean line and min-max band over seeds."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    for strategy in sorted({s for s, _ in comparison.curves}):
        curves = [c for (s, _), c in comparison.curves.items() if s == strategy]
        length = min(len(c) for c in curves)
        stack = np.stack([c[:length] for c in curves]) / comparison.reference_hv
        x = np.arange(1, length + 1)
        colour = COLOURS.get(strategy)
        ax.plot(x, stack.mean(axis=0), label=f"{strategy} ({len(curves)} seeds)", color=colour)
        ax.fill_between(x, stack.min(axis=0), stack.max(axis=0), alpha=0.2, color=colour)
    ax.set_xlabel("evaluations (distinct architectures)")
    ax.set_ylabel("hypervolume / reference hypervolume")
    ax.set_title(f"Hypervolume against evaluations, oracle: {comparison.oracle}")
    ax.set_ylim(bottom=max(0.0, ax.get_ylim()[0]))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    _save(fig, path)


def plot_fronts(fronts: Mapping[str, np.ndarray], reference: np.ndarray, oracle: str, budget: int, path: str | Path) -> None:
    """Pareto fronts in (latency ms, accuracy %) of each strategy (``k x 2`` objective arrays:
    error %, latency ms), over the reference front."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    ref = reference[np.argsort(reference[:, 1])]
    ax.step(ref[:, 1], 100 - ref[:, 0], where="post", color="black", lw=0.8, alpha=0.5, label="reference front")
    for strategy, F in sorted(fronts.items()):
        F = F[np.argsort(F[:, 1])]
        ax.plot(F[:, 1], 100 - F[:, 0], "o-", ms=3, lw=1, label=strategy, color=COLOURS.get(strategy))
    ax.set_xscale("log")
    ax.set_xlabel("predicted latency (ms)")
    ax.set_ylabel("predicted accuracy (%)")
    ax.set_title(f"Pareto fronts under {budget} evaluations (seed 0), oracle: {oracle}")
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="lower right")
    fig.tight_layout()
    _save(fig, path)


def _save(fig, path: str | Path) -> None:
    from hytnas.io import atomic_open

    import matplotlib.pyplot as plt

    with atomic_open(path, "wb") as handle:
        fig.savefig(handle, format="png", metadata={"Software": None})
    plt.close(fig)
