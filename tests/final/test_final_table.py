"""The paper's Table II as data, the MobileNetV1 parameter measurement, and the table2.md writer."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from hytnas.final.paper_params import (
    HEADS,
    STANDARD_WIDTHS,
    closest_width,
    count_params,
    mobilenet_v1_counts,
    mobilenet_v1_spec,
    network_counts,
    resolution_free,
)
from hytnas.final.paper_table2 import (
    PAPER_TABLE2,
    PAPER_TEXT_BL_PARAMS,
    PAPER_TEXT_O_GAIN_POINTS,
    PAPER_TEXT_O_PARAM_RATIO,
    paper_headline,
    paper_row,
)
from hytnas.final.report import bench_record
from hytnas.final.selection import Pick
from hytnas.final.table import Budget, render_table2
from hytnas.runs.runner import RunSummary

PAPER_MOBILENETV1_PARAMS = 670_000


def _transcribed_table2(paper_data: Path) -> dict[str, tuple[float, float, float, bool]]:
    """Table II of ``paper_tables.md``: model -> (accuracy %, latency s, params M, hardware-aware)."""
    text = (paper_data / "paper_tables.md").read_text(encoding="utf-8")
    section = text.split("## Table II", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"[\d.]+", cells[1]):
            rows[cells[0]] = (float(cells[1]), float(cells[2]), float(cells[3]), cells[4] == "yes")
    assert "unit in the paper is **seconds**" in section
    return rows


def test_paper_rows_equal_the_transcribed_table2(paper_data: Path) -> None:
    transcribed = _transcribed_table2(paper_data)
    assert len(transcribed) == 8
    ours = {r.name: (r.accuracy, r.latency_s, r.params_m, r.hardware_aware) for r in PAPER_TABLE2}
    assert ours == transcribed
    labels = [r.label for r in PAPER_TABLE2]
    assert len(labels) == len(set(labels))
    assert paper_row("mobilevit_s").accuracy == 84.64 and paper_row("mobilevit_xs").latency_s == 2.08
    assert paper_row("hytnas_bl").params == PAPER_TEXT_BL_PARAMS == 15_000
    assert paper_row("nope") is None


def test_paper_headline_is_computed_from_the_table() -> None:
    paper = paper_headline()
    assert paper["o_acc_gain"] == 6.32
    assert paper["o_param_ratio"] == pytest.approx(0.67 / 0.187)
    assert paper["o_latency_ratio"] == pytest.approx(2.61 / 0.63)
    assert paper["bl_params"] == 15_000
    assert paper["bl_latency_ratio"] == pytest.approx(2.61 / 0.47)
    assert paper["bl_param_ratio"] == pytest.approx(0.67 / 0.015)
    assert round(paper["o_acc_gain"], 1) == PAPER_TEXT_O_GAIN_POINTS
    assert paper["o_param_ratio"] > PAPER_TEXT_O_PARAM_RATIO


def test_mobilenet_v1_widths_match_the_registered_ones() -> None:
    from hytnas.nn import build_model, get_model_spec
    from hytnas.nn import count_params as module_params

    assert mobilenet_v1_spec(0.25) == get_model_spec("mobilenetv1_025")
    assert mobilenet_v1_spec(0.5) == get_model_spec("mobilenetv1_050")
    spec = mobilenet_v1_spec(0.45)
    assert count_params(spec, 2) == module_params(build_model(spec, num_classes=2))


def test_mobilenet_v1_width_with_the_papers_parameter_count() -> None:
    counts = {c.width: c.params for c in mobilenet_v1_counts()}
    assert list(counts) == list(STANDARD_WIDTHS) and set(counts[0.25]) == set(HEADS) == {2, 1000}
    assert counts[0.25] == {2: 213_586, 1000: 470_072}
    assert counts[0.5][2] == 819_618 and counts[1.0][1000] == 4_231_976
    assert resolution_free()
    assert count_params(mobilenet_v1_spec(0.25), 2, resolution=96) == count_params(mobilenet_v1_spec(0.25), 2, 224)
    two = closest_width(PAPER_MOBILENETV1_PARAMS, 2)
    assert two.width == 0.45 and two.params[2] == 664_525
    assert closest_width(PAPER_MOBILENETV1_PARAMS, 1000).width == 0.32
    assert all(abs(c[2] - PAPER_MOBILENETV1_PARAMS) > 0.2 * PAPER_MOBILENETV1_PARAMS for c in counts.values())


def test_the_papers_baseline_rows_are_nearest_1000_class_counts() -> None:
    rows = [r for r in PAPER_TABLE2 if not r.label.startswith("hytnas")]
    for row, count in zip(rows, network_counts([r.label for r in rows])):
        assert count.closest_head(row.params) == 1000, row.name


def _budget() -> Budget:
    return Budget(
        epochs=3, resolution=64, train_images=1000, val_images=480, seeds=2, batch_size=64, optimizer="adamw",
        lr=0.004, augment=True, data="synthetic", latency="protocol", latency_device="local-cpu (CPU)",
        latency_resolution=224,
    )


def _ok_row(label: str, name: str) -> dict:
    return dict(label=label, name=name, role="baseline", arch=label, val_acc=60.0, val_acc_std=None, latency_ms=9.0,
                latency_p10_ms=8.0, latency_p90_ms=10.0, params=200_000, macs=4e7, onnx_max_abs_diff=1e-6,
                onnx_error="", status="ok", message="")


def test_render_table2_shows_ours_beside_the_papers_with_failures_and_budget() -> None:
    rows = [
        dict(label="hytnas_o", name="HyT-NAS-O", role="O", arch="b1e1c8-x", val_acc=88.0, val_acc_std=0.5,
             latency_ms=3.0, latency_p10_ms=2.9, latency_p90_ms=3.2, params=60_000, macs=5e6,
             onnx_max_abs_diff=1e-7, onnx_error="", status="ok", message=""),
        dict(label="mobilenetv1_025", name="MobileNetV1 x0.25 (MLPerf Tiny)", role="baseline", arch="mobilenetv1_025",
             val_acc=None, val_acc_std=None, latency_ms=None, latency_p10_ms=None, latency_p90_ms=None,
             params=None, macs=None, onnx_max_abs_diff=None, onnx_error="", status="diverged", message="loss is nan"),
    ]
    picks = [Pick("O", "b1e1c8-x", 85.0, 2.0, 60_000, 5_000_000, 0.2)]
    top = {"reference": "mobilenetv1_025", "o_acc_gain": 1.25, "o_acc_gain_std": 0.5, "o_acc_gain_seeds": 2,
           "o_param_ratio": 3.6, "bl_params": None}
    text = render_table2(pd.DataFrame(rows), picks, top, _budget(), constraints={"final.max_params": 100000})
    assert "3 epochs at 64x64 px on 1,000 training images" in text
    assert "| Latency s (paper: Raspberry Pi 3B, 224x224) |" in text
    assert "| HyT-NAS-O | `b1e1c8-x` | 88.00 ± 0.50 | 90.02 | 3.00 (2.90-3.20) | 0.63 | 60.0k | 0.187M | 5.00M |" in text
    assert "failed (diverged)" in text and "loss is nan" in text
    assert "+1.25 ± 0.50" in text and "3.60x" in text
    assert "| ProxylessNAS (not trained here) | | | 86.55 | | 2.51 | | 4.0M | | | yes |" in text
    assert "| MobileViT-S (not trained here) | | | 84.64 | | 2.49 | | 5.6M | | | no |" in text
    assert "final.max_params = 100000" in text
    assert "\n\n\n" not in text


def test_render_table2_has_every_figure_the_paper_gives() -> None:
    names = {r.label: r.name for r in PAPER_TABLE2}
    rows = pd.DataFrame([_ok_row(label, name) for label, name in names.items()])
    top = {"reference": "mobilenetv1_025", "o_acc_gain": 4.2, "o_acc_gain_std": None, "o_acc_gain_seeds": 1,
           "o_param_ratio": 2.88, "o_latency_ratio": 0.89, "bl_params": 71_682, "bl_latency_ratio": 0.67}
    text = render_table2(rows, [], top, _budget())
    assert "n/a" not in text
    table = text.split("| --- |", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert [line.split("|")[1].strip() for line in table] == list(names.values())
    assert "| MobileViT-XS | `mobilevit_xs` | 60.00 | 82.14 | 9.00 (8.00-10.00) | 2.08 | 200.0k | 2.3M |" in text
    headline = text.split("## Headline", 1)[1].split("\n## ", 1)[0]
    assert "| +4.20 | +6.32 (90.02 - 83.70) | +6.3 (abstract) |" in headline
    assert "| 2.88x | 3.58x (0.67M / 0.187M) | 3.5x (abstract) |" in headline
    assert "| 0.89x | 4.14x (2.61 s / 0.63 s) |" in headline
    assert "| 71.7k | 15.0k (0.015M) | 15k (text) |" in headline
    assert "| 0.67x | 5.55x (2.61 s / 0.47 s) |" in headline


def test_render_table2_notes_which_mobilenet_v1_has_the_papers_parameters() -> None:
    text = render_table2(pd.DataFrame([_ok_row("mobilenetv1_025", "MobileNetV1 x0.25")]), [], {}, _budget())
    note = text.split("### Parameters: the paper's MobileNetV1 row has 0.67M", 1)[1].split("\n## ", 1)[0]
    assert "| x0.25 | 213.6k | 470.1k |" in note and "| x1.0 | 3.21M | 4.23M |" in note
    assert "same at 96x96 and 224x224 px" in note
    assert "x0.45 with a 2-class head (664.5k, -0.8%)" in note
    assert "x0.32 with a 1000-class head (668.1k, -0.3%)" in note
    assert "| MobileNetV2 (x0.35) | `mobilenetv2_035` | 1.7M | 398.7k | 1.68M | 1000 classes |" in note
    assert "5 of these 5 rows are nearest our count with a 1000-class head" in note


def test_bench_record_keeps_the_papers_keys_computed_from_the_table() -> None:
    record = bench_record(1.0, RunSummary(), RunSummary(), pd.DataFrame(columns=["label"]), {}, _budget(), {}, {})
    assert record["paper_o_acc_gain"] == 6.32 and record["paper_text_o_acc_gain"] == 6.3
    assert record["paper_o_param_ratio"] == pytest.approx(3.5829, abs=1e-4) and record["paper_text_o_param_ratio"] == 3.5
    assert record["paper_bl_params"] == 15_000 and record["paper_text_bl_params"] == 15_000
    assert record["paper_o_latency_ratio"] == pytest.approx(2.61 / 0.63)
    assert record["paper_bl_latency_ratio"] == pytest.approx(2.61 / 0.47)
    assert record["mobilenetv1_width_for_paper_params_2_classes"] == 0.45
    assert record["mobilenetv1_width_for_paper_params_1000_classes"] == 0.32
