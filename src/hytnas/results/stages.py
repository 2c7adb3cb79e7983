"""One section per stage report of the reports folder (``data.json`` to ``detection.json``):
:data:`SECTIONS` names them in page order and :func:`stage_section` writes the body of one."""

from __future__ import annotations

from pathlib import Path

from hytnas.results.format import (
    code,
    fix,
    generic_table,
    image_lines,
    link,
    network,
    pm,
    provenance,
    ratio,
    table,
    whole,
    with_sign,
)
from hytnas.results.hvtables import search_tables
from hytnas.results.reports import Report, final_labels

__all__ = ["SECTIONS", "stage_section"]

SECTIONS = (
    ("data.json", "Data: Visual Wake Words"),
    ("proxy.json", "Proxy training"),
    ("latency.json", "Latency measurement"),
    ("predictors.json", "Predictors"),
    ("search.json", "Search comparison"),
    ("final.json", "Final training: Table II"),
    ("detection.json", "Detection: Table III"),
)
"""The stage reports, each with its section title, in page order."""


def stage_section(
    file: str, report: Report, *, base: Path, reports_dir: Path, prefix: str, table2_path: Path | None, shown_table2: str
) -> list[str]:
    """The body lines of the section of the stage report ``file`` (a name of :data:`SECTIONS`).

    Args:
        file: the report's file name (``final.json``).
        report: its content.
        base: the folder links are relative to (where the page is written).
        reports_dir: the reports folder, where figures and tables are looked for.
        prefix: the reports folder as shown (``reports/``).
        table2_path: ``table2.md`` if it exists and was read, else ``None``.
        shown_table2: ``table2.md`` as shown (``reports/table2.md``).
    """
    if file == "data.json":
        return _section_data(report)
    if file == "proxy.json":
        return _section_proxy(report)
    if file == "latency.json":
        return _section_latency(report)
    if file == "predictors.json":
        return _section_predictors(report, base, reports_dir)
    if file == "search.json":
        return _section_search(report, base, reports_dir)
    if file == "final.json":
        return _section_final(report, base, reports_dir, table2_path, shown_table2)
    return _section_detection(report, base, reports_dir, prefix)


def _section_data(r: Report) -> list[str]:
    """The lines of the ``data.json`` section: provenance, images per split, and the images
    counted apart (below the threshold, skipped)."""
    lines = [provenance([("images", r.get("images")), ("listed", r.get("images_listed")), ("resolution (px)", r.get("resolution")), ("person-area threshold", r.get("threshold"))]), ""]
    rows = []
    for split, prefix in (("train", "train_"), ("val", "val_"), ("all", "")):
        images = r.get(f"{prefix}images")
        if images is None and not prefix:
            images = r.get("images")
        rows.append([split, whole(images), whole(r.get(f"{prefix}positive")), whole(r.get(f"{prefix}negative")), fix(r.get(f"{prefix}positive_ratio"), 3)])
    lines += table(["split", "images", "positive", "negative", "positive fraction"], rows)
    lines.append("")
    extra = [
        ("persons all below the threshold (negative by the rule)", r.get("persons_below_threshold")),
        ("near the threshold", r.get("near_threshold")),
        ("skipped", r.get("skipped")),
        ("skipped, missing", r.get("skipped_missing")),
        ("skipped, unreadable", r.get("skipped_unreadable")),
        ("skipped, small persons", r.get("skipped_small_persons")),
    ]
    lines += table(["images", "count"], [[k, whole(v)] for k, v in extra if v is not None])
    return lines


def _section_proxy(r: Report) -> list[str]:
    """The lines of the ``proxy.json`` section: provenance and the spread of proxy accuracies."""
    lines = [
        provenance([
                ("architectures", r.get("architectures")),
                ("ok", r.get("ok")),
                ("failed", r.get("failed")),
                ("trained", r.get("trained")),
                ("from the results store", r.get("from_store")),
                ("seconds", r.get("seconds")),
                ("architectures/min", r.get("archs_per_minute")),
                ("executor", r.get("executor", kind="str")),
                ("slots", r.get("executor_slots")),
                ("threads each", r.get("executor_threads")),
            ],
        ),
        "",
    ]
    lines += table(
        ["val acc. % min", "median", "max", "std between archs (pp)", "validation noise (pp)", "majority class %", "distinct values", "training images/s (median)"],
        [[
            fix(r.get("val_acc_min"), 2),
            fix(r.get("val_acc_median"), 2),
            fix(r.get("val_acc_max"), 2),
            fix(r.get("val_acc_std"), 2),
            fix(r.get("val_acc_noise"), 2),
            fix(r.get("val_majority_acc"), 2),
            whole(r.get("val_acc_distinct")),
            fix(r.get("images_per_second_median"), 1),
        ]],
    )
    above = r.get("spread_above_noise", kind="any")
    if isinstance(above, bool):
        lines += ["", f"Spread of accuracies above the validation noise: {'yes' if above else 'no'}."]
    return lines


def _section_latency(r: Report) -> list[str]:
    """The lines of the ``latency.json`` section: the device and run, the protocol, and the
    spread of latencies and of the load while timing."""
    device = r.get("device", kind="str")
    cpu = r.get("device_cpu_model", kind="str")
    lines = [
        provenance([
                ("device", f"{device} ({cpu})" if device and cpu else device),
                ("backend", r.get("backend", kind="str")),
                ("board", r.get("device_board", kind="str")),
                ("usable cores", r.get("device_cores_usable")),
                ("os", r.get("device_os", kind="str")),
                ("python", r.get("device_python", kind="str")),
                ("torch", r.get("device_torch", kind="str")),
                ("architectures", r.get("architectures")),
                ("ok", r.get("ok")),
                ("failed", r.get("failed")),
                ("measured", r.get("measured")),
                ("from the results store", r.get("from_store")),
                ("workers", r.get("workers")),
                ("seconds", r.get("seconds")),
                ("architectures/min", r.get("archs_per_minute")),
            ],
        ),
        "",
    ]
    protocol = r.get("protocol", kind="str")
    if protocol:
        lines += [f"Protocol: {protocol}.", ""]
    lines += table(
        ["latency ms min", "median", "max", "CV within an architecture (median)", "load average before a timing, median", "max"],
        [[
            fix(r.get("latency_ms_min"), 2),
            fix(r.get("latency_ms_median"), 2),
            fix(r.get("latency_ms_max"), 2),
            fix(r.get("latency_cv_median"), 3),
            fix(r.get("load_average_median"), 2),
            fix(r.get("load_average_max"), 2),
        ]],
    )
    return lines


def _section_predictors(r: Report, base: Path, reports_dir: Path) -> list[str]:
    """The lines of the ``predictors.json`` section: one table of scores per target, then
    the figures that exist."""
    lines = [provenance([("source", r.get("source", kind="str")), ("seconds", r.get("seconds"))]), ""]
    units = {"accuracy": "pp", "latency": "ms"}
    for target, entry in r.data.items():
        if not isinstance(entry, dict):
            continue
        chosen = entry.get("chosen")
        rows = []
        for model, scores in entry.items():
            if not isinstance(scores, dict):
                continue
            mark = " (chosen)" if model == chosen else ""
            rows.append([
                code(model) + mark,
                fix(r.get(target, model, "kendall_tau"), 3),
                fix(r.get(target, model, "kendall_tau_std"), 3),
                fix(r.get(target, model, "spearman"), 3),
                fix(r.get(target, model, "rmse"), 3),
                fix(r.get(target, model, "mape"), 2),
            ])
        if not rows:
            continue
        lines += [f"**{target}** ({whole(r.get(target, 'rows'))} rows):", ""]
        lines += table(["predictor", "Kendall tau", "std", "Spearman", f"RMSE ({units.get(target, 'target units')})", "MAPE %"], rows)
        lines.append("")
    lines += image_lines(base, reports_dir, [("predictors/scatter.png", "predicted against measured"), ("predictors/learning_curve.png", "learning curves")])
    return lines


def _section_search(r: Report, base: Path, reports_dir: Path) -> list[str]:
    """The lines of the ``search.json`` section: one HV table per oracle, then the figures
    that exist."""
    lines = search_tables(r)
    figures = []
    for oracle, entry in r.data.items():
        if isinstance(entry, dict):
            figures += [(f"search/hv_{oracle}.png", f"HV against evaluations, {oracle} oracle"), (f"search/fronts_{oracle}.png", f"Pareto fronts, {oracle} oracle")]
    lines += image_lines(base, reports_dir, figures)
    return lines


def _section_final(r: Report, base: Path, reports_dir: Path, table2_path: Path | None, shown_table2: str) -> list[str]:
    """The lines of the ``final.json`` section: provenance, one row per network, a link to
    ``table2.md`` (``table2_path``, ``None`` when there is none) and the figure if it exists."""
    lines = [
        provenance([
                ("epochs", r.get("epochs")),
                ("resolution (px)", r.get("resolution")),
                ("training images", r.get("train_images")),
                ("validation images", r.get("val_images")),
                ("seeds", r.get("seeds")),
                ("failed networks", r.get("failed")),
            ],
        ),
        "",
    ]
    rows = []
    for label in final_labels(r):
        rows.append([
            network(label),
            pm(r.get(f"{label}_val_acc"), r.get(f"{label}_val_acc_std"), 2),
            fix(r.get(f"{label}_latency_ms"), 2),
            whole(r.get(f"{label}_params")),
        ])
    lines += table(["network", "val acc. % (± std over seeds)", "latency ms (median)", "parameters"], rows)
    lines.append("")
    if table2_path is not None:
        lines += [f"The full table, with architectures, the paper's figures, latency percentiles, MACs and the ONNX checks: [{shown_table2}]({link(base, table2_path)}).", ""]
    else:
        lines += [f"`{shown_table2}` not found.", ""]
    lines += image_lines(base, reports_dir, [("final/accuracy_latency.png", "accuracy against latency")])
    return lines


def _section_detection(r: Report, base: Path, reports_dir: Path, prefix: str) -> list[str]:
    """The lines of the ``detection.json`` section: the budget, one row per detector (ours
    beside the paper's), the random baseline, the headline, a link to ``table3.md`` and the
    detections figure."""
    lines = [
        provenance([
            ("data", r.get("budget_data", kind="str")),
            ("categories", r.get("budget_categories", kind="str")),
            ("resolution (px)", r.get("budget_resolution")),
            ("epochs", r.get("budget_epochs")),
            ("training images", r.get("budget_train_images")),
            ("validation images", r.get("budget_val_images")),
            ("seeds", r.get("budget_seeds")),
        ]),
        "",
    ]
    labels = [k[: -len("_map_50")] for k in r.data if k.endswith("_map_50") and not k.startswith(("baseline_", "paper_"))]
    rows = []
    for label in labels:
        rows.append([
            network(label),
            pm(r.get(f"{label}_map"), r.get(f"{label}_map_std"), 2),
            fix(r.get(f"paper_{label}_map"), 1),
            fix(r.get(f"{label}_map_50"), 2),
            whole(r.get(f"{label}_params")),
            whole(r.get(f"{label}_params_paper_setting")),
            whole(r.get(f"paper_{label}_params")),
            fix(r.get(f"{label}_latency_ms"), 2),
        ])
    rows.append(["random boxes (training statistics)", fix(r.get("baseline_random_map"), 2), "", fix(r.get("baseline_random_map_50"), 2),
                 "", "", "", ""])
    header = ["detector", "mAP % (± std over seeds)", "paper", "AP50 %", "parameters", "parameters, paper's setting (COCO classes and resolution)",
              "paper", "latency ms (median)"]
    lines += table(header, rows, [False] + [True] * 7)
    lines.append("")
    lines += table(
        ["headline", "ours", "paper"],
        [["HyT-NAS-O minus MobileNetV3-Large, mAP points", with_sign(r.get("headline_o_minus_mobilenetv3_map"), 2),
          with_sign(r.get("paper_headline_o_minus_mobilenetv3_map"), 1)],
         ["MobileNetV3-Large parameters over HyT-NAS-O's", ratio(r.get("headline_mobilenetv3_over_o_params")),
          ratio(r.get("paper_headline_mobilenetv3_over_o_params"), 1)],
         ["the same in the paper's setting (COCO classes and resolution)", ratio(r.get("headline_mobilenetv3_over_o_params_paper_setting")),
          ratio(r.get("paper_headline_mobilenetv3_over_o_params"), 1)]],
        [False, True, True],
    )
    lines.append("")
    table3 = reports_dir / "table3.md"
    if table3.exists():
        lines += [f"The full table, with MACs, person AP and the budget: [{prefix}table3.md]({link(base, table3)}).", ""]
    lines += image_lines(base, reports_dir, [("detection/detections.png", "detections on validation images")])
    return lines
