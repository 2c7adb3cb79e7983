"""TorchScript export of a network, for the ARM latency image's torch runtime.

:func:`export_torchscript` traces the network (eval mode, float32, one ``1 x 3 x resolution x
resolution`` input) with ``torch.jit.trace`` and saves it with its input shape recorded in the
archive as the extra file :data:`INPUT_SHAPE_FILE`, through a temporary file renamed into
place. An archive saved by torch 2.14 loads in the image's torch 2.10.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from hytnas.io import atomic_open
from hytnas.nn.onnx_export import eval_copy

INPUT_SHAPE_FILE = "input_shape.json"


def export_torchscript(model: Any, path: str | Path, resolution: int) -> Path:
    """Trace ``model`` (a ``torch.nn.Module``, left untouched) at ``resolution`` px and save it
    to ``path`` (atomically) with ``[1, 3, resolution, resolution]`` as :data:`INPUT_SHAPE_FILE`."""
    import torch

    path = Path(path)
    clone = eval_copy(model)
    example = torch.zeros(1, 3, resolution, resolution)
    extra = {INPUT_SHAPE_FILE: json.dumps(list(example.shape))}
    with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        warnings.simplefilter("ignore")  # TorchScript's deprecation and the tracer's control-flow warnings
        traced = torch.jit.trace(clone, (example,), check_trace=False)
        with atomic_open(path, "wb") as handle:
            torch.jit.save(traced, handle, _extra_files=extra)
    return path
