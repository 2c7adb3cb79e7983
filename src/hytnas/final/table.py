"""``reports/table2.md``: our Table II beside the paper's, with the training budget stated."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd

from hytnas.final.paper_params import (
    HEADS,
    REFERENCE_WIDTH,
    RESOLUTIONS,
    STANDARD_WIDTHS,
    WIDTH_GRID,
    closest_width,
    mobilenet_v1_counts,
    network_counts,
    registered_networks,
    resolution_free,
)
from hytnas.final.paper_table2 import (
    PAPER_LATENCY_SETTING,
    PAPER_REFERENCE,
    PAPER_TABLE2,
    PAPER_TEXT_BL_PARAMS,
    PAPER_TEXT_O_GAIN_POINTS,
    PAPER_TEXT_O_PARAM_RATIO,
    PaperRow,
    paper_headline,
    paper_row,
)
from hytnas.final.selection import Pick


@dataclass(frozen=True)
class Budget:
    """How the networks were trained and timed (stated above the table).

    Attributes:
        epochs: epochs per network.
        resolution: training input side, pixels.
        train_images: training images used.
        val_images: validation images.
        seeds: repeats per network.
        batch_size: images per step.
        optimizer: optimiser name.
        lr: peak learning rate.
        augment: flips and crops on.
        data: where the images come from (e.g. ``synthetic``, ``coco``).
        latency: the latency protocol in one sentence.
        latency_device: the timed device's name and CPU model.
        latency_resolution: input side of the timing, pixels.
    """

    epochs: int
    resolution: int
    train_images: int
    val_images: int
    seeds: int
    batch_size: int
    optimizer: str
    lr: float
    augment: bool
    data: str
    latency: str
    latency_device: str
    latency_resolution: int

    def sentence(self) -> str:
        aug = "flips and padded crops" if self.augment else "no augmentation"
        seeds = f"{self.seeds} seed" + ("s (mean ± sample std)" if self.seeds > 1 else " (no spread: one seed)")
        return (
            f"Every network was trained with the same recipe: {self.epochs} epochs at {self.resolution}x{self.resolution} px "
            f"on {self.train_images:,} training images ({self.data} data), batch {self.batch_size}, {self.optimizer} "
            f"with peak learning rate {self.lr:g}, warm-up then cosine decay, {aug}; {seeds}. Accuracy is on the "
            f"{self.val_images:,} validation images. Latency: {self.latency}, on {self.latency_device}, at "
            f"{self.latency_resolution}x{self.latency_resolution} px."
        )


def _num(value: Any, digits: int = 2) -> str:
    if _missing(value):
        return "n/a"
    return f"{float(value):.{digits}f}"


def _count(value: Any) -> str:
    """Parameters or MACs: ``213.6k``, ``1.93M``, ``771.96M``."""
    if _missing(value):
        return "n/a"
    value = float(value)
    if value >= 1e9:
        return f"{value / 1e9:.2f}G"
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    if value >= 1e3:
        return f"{value / 1e3:.1f}k"
    return f"{value:.0f}"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _acc(row: dict[str, Any]) -> str:
    if row["status"] != "ok" and _missing(row.get("val_acc")):
        return f"failed ({row['status']})"
    text = _num(row.get("val_acc"))
    std = row.get("val_acc_std")
    if not _missing(std):
        text += f" ± {std:.2f}"
    return text


def _latency(row: dict[str, Any]) -> str:
    if _missing(row.get("latency_ms")):
        return "n/a"
    return f"{row['latency_ms']:.2f} ({row['latency_p10_ms']:.2f}-{row['latency_p90_ms']:.2f})"


def _onnx(row: dict[str, Any]) -> str:
    if row.get("onnx_error"):
        return "export failed"
    value = row.get("onnx_max_abs_diff")
    if _missing(value):
        return "n/a"
    return f"{value:.1e}"


def _ratio(value: Any, unit: str = "x") -> str:
    return "n/a" if _missing(value) else f"{value:.2f}{unit}"


def _paper_cells(paper: PaperRow | None) -> dict[str, str]:
    """The paper's cells of one row: accuracy %, latency s, parameters, hardware-aware flag."""
    if paper is None:
        return {"acc": "n/a", "latency": "n/a", "params": "n/a", "hw": "n/a"}
    return {
        "acc": f"{paper.accuracy:.2f}",
        "latency": f"{paper.latency_s:.2f}",
        "params": f"{_decimal(paper.params_m)}M",
        "hw": "yes" if paper.hardware_aware else "no",
    }


def _network_table(results: pd.DataFrame) -> list[str]:
    """Ours beside the paper's, one row per trained network, then the paper's other rows."""
    lines = [
        (
            "| Network | Architecture | Acc. % (ours) | Acc. % (paper) | Latency ms (ours: median, p10-p90) "
            f"| Latency s (paper: {PAPER_LATENCY_SETTING}) | Params (ours, 2-class head) | Params (paper) | MACs (ours) "
            "| ONNX max abs diff | Hardware-aware search (paper) |"
        ),
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in results.to_dict("records"):
        paper = _paper_cells(paper_row(row["label"]))
        cells = [
            row["name"], f"`{row['arch']}`", _acc(row), paper["acc"], _latency(row), paper["latency"],
            _count(row.get("params")), paper["params"], _count(row.get("macs")), _onnx(row), paper["hw"],
        ]
        lines.append("| " + " | ".join(cells) + " |")
    trained = set(results["label"])
    for row in PAPER_TABLE2:
        if row.label not in trained:
            paper = _paper_cells(row)
            lines.append(
                f"| {row.name} (not trained here) | | | {paper['acc']} | | {paper['latency']} | | {paper['params']} "
                f"| | | {paper['hw']} |"
            )
    return lines


def _paper(label: str) -> PaperRow:
    """The paper's row for ``label`` (one of :data:`PAPER_TABLE2`'s)."""
    return {row.label: row for row in PAPER_TABLE2}[label]


def _gap(count: int, target: int) -> str:
    """``count`` parameters and its relative difference from ``target``: ``819.6k, +22%``."""
    return f"{_count(count)}, {100 * (count - target) / target:+.1f}%"


def _decimal(value: float) -> str:
    """``0.187``, ``2.3``, ``4.0``: as short as the value allows, with at least one decimal."""
    text = f"{value:g}"
    return text if "." in text else f"{value:.1f}"


def _heads_header(prefix: str, suffix: str = "") -> str:
    """One header cell per head of :data:`HEADS`: ``<prefix>2-class head<suffix> | ...``."""
    return " | ".join(f"{prefix}{h}-class head{suffix}" for h in HEADS)


def _width_table() -> list[str]:
    """MobileNetV1's parameters at the standard widths, one column per head."""
    lines = [
        "| MobileNetV1 width | " + _heads_header("Params, ") + " |",
        "| ---: | " + " | ".join("---:" for _ in HEADS) + " |",
    ]
    for count in mobilenet_v1_counts(STANDARD_WIDTHS):
        lines.append(f"| x{_decimal(count.width)} | " + " | ".join(_count(count.params[h]) for h in HEADS) + " |")
    return lines


def _width_fits(target: int) -> str:
    """Which MobileNetV1 widths come nearest ``target`` parameters, standard and solved for."""
    sides = " and ".join(f"{r}x{r}" for r in RESOLUTIONS)
    if resolution_free():
        sizes = (
            f"The counts are the same at {sides} px (measured, every width and head): global average pooling "
            "precedes the classifier, so no parameter depends on the input size, and MLPerf's 96x96 does not "
            "explain the gap."
        )
    else:
        sizes = f"The counts differ between {sides} px."
    standard = mobilenet_v1_counts(STANDARD_WIDTHS)
    nearest = []
    for h in HEADS:
        best = min(standard, key=lambda c: abs(c.params[h] - target))
        nearest.append(f"x{_decimal(best.width)} with a {h}-class head ({_gap(best.params[h], target)})")
    solved = []
    for h in HEADS:
        fit = closest_width(target, h)
        solved.append(f"x{_decimal(fit.width)} with a {h}-class head ({_gap(fit.params[h], target)})")
    return (
        f"{sizes} Nearest {target / 1e6:g}M among the standard widths: {'; '.join(nearest)}. Solving for the width "
        f"(x{_decimal(WIDTH_GRID[0])} to x{_decimal(WIDTH_GRID[-1])}, steps of 0.01): {'; '.join(solved)}."
    )


def _baseline_params(target: int) -> list[str]:
    """The paper's baseline rows' parameters beside our counts of the same networks, per head."""
    registered = registered_networks()
    rows = [r for r in PAPER_TABLE2 if r.label in registered]
    counts = {c.label: c for c in network_counts(registered)}
    lines = [
        "The paper's rows of published networks beside our counts of the same networks:",
        "",
        f"| Paper row | Our network | Params (paper) | {_heads_header('Params (ours, ', ')')} | Head closest to the paper's |",
        "| --- | --- | ---: | " + " | ".join("---:" for _ in HEADS) + " | ---: |",
    ]
    for row in rows:
        count = counts[row.label]
        cells = " | ".join(_count(count.params[h]) for h in HEADS)
        lines.append(
            f"| {row.name} | `{row.label}` | {_decimal(row.params_m)}M | {cells} | {count.closest_head(row.params)} classes |"
        )
    heads = Counter(counts[row.label].closest_head(row.params) for row in rows)
    head, agree = heads.most_common(1)[0]
    closest = min(counts.values(), key=lambda c: abs(c.params[2] - target))
    lines += [
        "",
        (
            f"{agree} of these {len(rows)} rows are nearest our count with a {head}-class head. Of the networks "
            f"registered here, the closest to {target / 1e6:g}M with a 2-class head is `{closest.label}` "
            f"({_gap(closest.params[2], target)})."
        ),
    ]
    return lines


def _params_note() -> list[str]:
    """The paper's MobileNetV1 parameters against MobileNetV1 widths and our baselines, measured."""
    ref = _paper(PAPER_REFERENCE)
    mlperf = mobilenet_v1_counts((REFERENCE_WIDTH,))[0].params[2]
    lines = [
        f"### Parameters: the paper's MobileNetV1 row has {ref.params_m:g}M",
        "",
        (
            f"The paper calls its MobileNetV1 row \"MLPerf MobileNetV1\" and gives it {ref.params_m:g}M parameters; "
            f"MLPerf Tiny's Visual Wake Words reference, MobileNetV1 x0.25 at 96x96 (our `mobilenetv1_025`), has "
            f"{_count(mlperf)} with a 2-class head. MobileNetV1 at the standard widths, counted by "
            "`hytnas.final.paper_params` (the `mobilenetv1_025` layout with channels `int(c * width)`, parameters "
            "from `hytnas.cost`):"
        ),
        "",
    ]
    lines += _width_table()
    lines += ["", _width_fits(ref.params), ""]
    return lines + _baseline_params(ref.params)


def _headline(top: dict[str, Any]) -> list[str]:
    """Ours beside the paper's (computed from its Table II) and the paper's rounded text figures."""
    ref = top.get("reference", "")
    paper = paper_headline()
    p_ref, p_o, p_bl = _paper(PAPER_REFERENCE), _paper("hytnas_o"), _paper("hytnas_bl")
    gain, gain_std = top.get("o_acc_gain"), top.get("o_acc_gain_std")
    spread = f" ± {gain_std:.2f}" if gain_std is not None else ""
    seeds = top.get("o_acc_gain_seeds", 0)
    none = "not stated"
    rows = [
        (
            f"HyT-NAS-O accuracy minus {ref} (points; mean{' ± std' if spread else ''} over {seeds} paired seed(s))",
            "n/a" if gain is None else f"{gain:+.2f}{spread}",
            f"{paper['o_acc_gain']:+.2f} ({p_o.accuracy:.2f} - {p_ref.accuracy:.2f})",
            f"+{PAPER_TEXT_O_GAIN_POINTS:g} (abstract)",
        ),
        (
            f"{ref} parameters / HyT-NAS-O parameters (> 1: HyT-NAS-O is smaller)",
            _ratio(top.get("o_param_ratio")),
            f"{paper['o_param_ratio']:.2f}x ({p_ref.params_m:g}M / {p_o.params_m:g}M)",
            f"{PAPER_TEXT_O_PARAM_RATIO:g}x (abstract)",
        ),
        (
            f"{ref} latency / HyT-NAS-O latency (> 1: HyT-NAS-O is faster)",
            _ratio(top.get("o_latency_ratio")),
            f"{paper['o_latency_ratio']:.2f}x ({p_ref.latency_s:.2f} s / {p_o.latency_s:.2f} s)",
            none,
        ),
        (
            "HyT-NAS-BL parameters",
            _count(top.get("bl_params")),
            f"{_count(paper['bl_params'])} ({p_bl.params_m:g}M)",
            f"{PAPER_TEXT_BL_PARAMS / 1000:g}k (text)",
        ),
        (
            f"{ref} latency / HyT-NAS-BL latency (> 1: HyT-NAS-BL is faster)",
            _ratio(top.get("bl_latency_ratio")),
            f"{paper['bl_latency_ratio']:.2f}x ({p_ref.latency_s:.2f} s / {p_bl.latency_s:.2f} s)",
            none,
        ),
    ]
    lines = [
        "## Headline",
        "",
        "| Claim | Ours | Paper (from its Table II, against its MobileNetV1 row) | Paper (its text) |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def render_table2(
    results: pd.DataFrame,
    picks: Sequence[Pick],
    top: dict[str, Any],
    budget: Budget,
    *,
    constraints: dict[str, Any] | None = None,
    pareto_source: str = "",
) -> str:
    """The markdown of ``reports/table2.md``.

    Args:
        results: :func:`~hytnas.final.summary.results_frame` (one row per network).
        picks: the BL/BA/O selection.
        top: :func:`~hytnas.final.summary.headline`.
        budget: the training and timing budget.
        constraints: ``{"max_params": ..., "max_latency_ms": ...}`` applied to the selection.
        pareto_source: the Pareto set's path.
    """
    lines = [
        "# Table II: HyT-NAS on Visual Wake Words, ours beside the paper's",
        "",
        "Generated by the `train_final` stage (`hytnas.final`); do not edit by hand.",
        "",
        "**Budget.** " + budget.sentence(),
        "The paper trains on the full VWW dataset and times on a Raspberry Pi 3B at 224x224, so compare our",
        "columns with each other; the paper's columns are context, not targets for these numbers.",
        "",
    ]
    lines += _network_table(results)
    lines += ["", "MACs are counted for one image at the latency resolution.", ""]
    lines += _params_note() + [""]
    lines += _headline(top)
    lines += ["## Selection from the HyT-NAS Pareto set", ""]
    rule = (
        "BL: lowest predicted latency. BA: highest predicted accuracy. O: the knee, the architecture closest to the "
        "ideal point after scaling each objective to [0, 1] over the (constrained) non-dominated set."
    )
    where = f" from `{pareto_source}`" if pareto_source else ""
    active = {k: v for k, v in (constraints or {}).items() if v is not None}
    cons = "; constraints: " + ", ".join(f"{k} = {v}" for k, v in active.items()) if active else "; no constraints"
    lines += [
        f"{rule} Picked{where}{cons}.",
        "",
        "| Pick | arch_id | Predicted acc. % | Predicted latency ms | Params | Knee distance |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for p in picks:
        lines.append(
            f"| {p.role} | `{p.arch_id}` | {p.pred_val_acc:.2f} | {p.pred_latency_ms:.2f} | {_count(p.params)} | "
            f"{p.knee_distance:.3f} |"
        )
    failed = results[results["status"] != "ok"]
    if len(failed):
        lines += ["", "## Failures", ""]
        for row in failed.to_dict("records"):
            lines.append(f"- {row['name']}: {row['status']}: {row['message']}")
    lines += [
        "",
        "## The paper's figures",
        "",
        "The paper's columns are its Table II (arXiv:2303.04440) as transcribed in",
        "`../shared/paper-data/paper_tables.md`: accuracy in % on VWW, latency in seconds on a Raspberry Pi 3B at",
        "224x224, parameters in millions (with a head the paper does not state; see the parameter note). Its headline",
        "figures are computed from that table; the abstract's and the text's rounded figures are beside them.",
        "",
    ]
    return "\n".join(lines)
