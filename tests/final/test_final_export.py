"""ONNX export of a tiny network, checked with onnxruntime."""

from __future__ import annotations

from pathlib import Path

import onnx
import pytest
import torch

from hytnas.nn.onnx_export import check_onnx, export_onnx
from hytnas.nn import build_model
from hytnas.space import get_space


def _tiny() -> torch.nn.Module:
    space = get_space("table1")
    torch.manual_seed(0)
    return build_model(space.to_spec(tuple(0 for _ in space.dims)), num_classes=2)


def test_export_matches_torch_and_keeps_the_model(tmp_path: Path) -> None:
    model = _tiny().to(memory_format=torch.channels_last).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    path = export_onnx(model, tmp_path / "net.onnx", 32, opset=17)
    check = check_onnx(path, model, 32, batch=3)
    assert check.max_abs_diff < 1e-4
    assert check.opset == 17 and check.batch == 3 and check.bytes == path.stat().st_size
    assert model.training  # left as it was
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    graph = onnx.load(str(path)).graph
    assert [i.name for i in graph.input] == ["images"] and [o.name for o in graph.output] == ["logits"]
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert not list(tmp_path.glob(".*.tmp"))


def test_check_detects_a_different_model(tmp_path: Path) -> None:
    model = _tiny()
    path = export_onnx(model, tmp_path / "net.onnx", 32)
    other = _tiny()
    with torch.no_grad():
        for p in other.parameters():
            p.add_(0.5)
    assert check_onnx(path, other, 32).max_abs_diff > 1e-3


def test_export_to_an_unwritable_place_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(OSError):
        export_onnx(_tiny(), target / "net.onnx", 32)
