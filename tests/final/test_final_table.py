"""The paper's Table II as data, and the table2.md writer."""

from __future__ import annotations

import pandas as pd

from hytnas.final.paper_table2 import PAPER_O_GAIN_POINTS, PAPER_TABLE2, paper_row
from hytnas.final.selection import Pick
from hytnas.final.table import Budget, render_table2


def test_paper_rows_are_unique_and_cite_their_source() -> None:
    labels = [r.label for r in PAPER_TABLE2]
    assert len(labels) == len(set(labels))
    for row in PAPER_TABLE2:
        for cell in (row.accuracy, row.latency_ms, row.params):
            assert (cell.value is None) == (cell.source == "")
    mnv1, o = paper_row("mobilenetv1_025"), paper_row("hytnas_o")
    assert o.accuracy.value == round(mnv1.accuracy.value + PAPER_O_GAIN_POINTS, 2)
    assert o.accuracy.source == "derived"
    assert paper_row("mobilevit_s").accuracy.text() == "n/a"
    assert paper_row("hytnas_bl").params.text(0) == "~15k (text)"
    assert paper_row("nope") is None


def _budget() -> Budget:
    return Budget(
        epochs=3, resolution=64, train_images=1000, val_images=480, seeds=2, batch_size=64, optimizer="adamw",
        lr=0.004, augment=True, data="synthetic", latency="protocol", latency_device="local-cpu (CPU)",
        latency_resolution=224,
    )


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
    assert "| HyT-NAS-O | `b1e1c8-x` | 88.00 ± 0.50 | 90.00 (derived) | 3.00 (2.90-3.20) | n/a | 60.0k |" in text
    assert "failed (diverged)" in text and "loss is nan" in text
    assert "+1.25 ± 0.50" in text and "3.60x" in text
    assert "ProxylessNAS (not trained here)" in text
    assert "final.max_params = 100000" in text
    assert "\n\n\n" not in text
