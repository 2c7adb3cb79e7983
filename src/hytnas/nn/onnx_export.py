"""ONNX export of a network, checked with onnxruntime against torch.

:func:`export_onnx` writes the network (eval mode, float32, NCHW input named ``images`` of
shape ``batch x 3 x resolution x resolution`` with a dynamic batch axis, output ``logits`` of
shape ``batch x classes``) with torch's TorchScript-based exporter (the dynamo exporter needs
``onnxscript``, which the project does not install), through a temporary file renamed into
place. :func:`check_onnx` runs the file with onnxruntime's CPU provider on seeded random
images and returns the largest absolute difference from the torch outputs.
"""

from __future__ import annotations

import copy
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hytnas.io import atomic_open

INPUT_NAME = "images"
OUTPUT_NAME = "logits"
DEFAULT_OPSET = 17


@dataclass(frozen=True)
class OnnxCheck:
    """Outcome of :func:`check_onnx`.

    Attributes:
        max_abs_diff: largest ``|onnxruntime - torch|`` over all logits of the check batch.
        batch: images in the check batch.
        resolution: their side, pixels.
        opset: the file's default-domain opset.
        bytes: size of the ONNX file.
    """

    max_abs_diff: float
    batch: int
    resolution: int
    opset: int
    bytes: int

    def to_result(self) -> dict[str, float]:
        return {
            "onnx_max_abs_diff": self.max_abs_diff,
            "onnx_check_batch": self.batch,
            "onnx_opset": self.opset,
            "onnx_bytes": self.bytes,
        }


def eval_copy(model: Any) -> Any:
    """A float32, contiguous-layout, eval-mode copy (training may have left channels_last)."""
    import torch

    clone = copy.deepcopy(model).float().eval()
    return clone.to(memory_format=torch.contiguous_format)


def export_onnx(model: Any, path: str | Path, resolution: int, *, opset: int = DEFAULT_OPSET) -> Path:
    """Export ``model`` (a ``torch.nn.Module``, left untouched) to ``path``.

    Args:
        model: maps ``B x 3 x resolution x resolution`` float images to ``B x C`` logits.
        path: the ``.onnx`` file to write (atomically).
        resolution: input side the graph is traced at, pixels (fixed in the graph).
        opset: ONNX opset version.
    """
    import torch

    path = Path(path)
    clone = eval_copy(model)
    example = torch.zeros(1, 3, resolution, resolution)
    with atomic_open(path, "wb") as handle, warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer warnings
        torch.onnx.export(
            clone,
            (example,),
            handle,
            dynamo=False,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=opset,
            do_constant_folding=True,
        )
    return path


def check_onnx(path: str | Path, model: Any, resolution: int, *, batch: int = 4, seed: int = 0, threads: int = 1) -> OnnxCheck:
    """Compare the ONNX file at ``path`` with ``model`` on ``batch`` seeded standard-normal images.

    Args:
        path: an ONNX file from :func:`export_onnx`.
        model: the torch module it was exported from (left untouched).
        resolution: image side, pixels.
        batch: images (at least 2: the check also covers the dynamic batch axis).
        seed: seed of the random images.
        threads: onnxruntime intra-op threads.
    """
    import onnx
    import onnxruntime as ort
    import torch

    x = torch.randn(batch, 3, resolution, resolution, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        expected = eval_copy(model)(x).numpy()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    (got,) = session.run([OUTPUT_NAME], {INPUT_NAME: x.numpy()})
    if got.shape != expected.shape:
        raise ValueError(f"{path}: onnxruntime returned {got.shape}, torch {expected.shape}")
    proto = onnx.load(str(path), load_external_data=False)
    opset = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), 0)
    return OnnxCheck(
        max_abs_diff=float(np.abs(got.astype(np.float64) - expected.astype(np.float64)).max()),
        batch=batch,
        resolution=resolution,
        opset=int(opset),
        bytes=os.path.getsize(path),
    )
