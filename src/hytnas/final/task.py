"""The training task of ``train_final``, run by an executor's workers.

:func:`final_train_task` trains one network for one seed with the shared training loop
(:func:`hytnas.training.loop.train`), counts its parameters and MACs, saves its weights and its ONNX
export (checked with onnxruntime) into the job's artifact folder, and returns the numbers with
the per-epoch history as an outcome (:func:`hytnas.runs.outcome.outcome`). Only the artifact files
are written by the worker, each atomically, into a folder named by the job's key, so the
driver alone writes the records and the stage's outputs. (The networks are timed by the
latency backend's ``network_task``.)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hytnas.runs.outcome import one_line, outcome
from hytnas.final.networks import FinalNetwork
from hytnas.training import TrainingSetup, train_network

WEIGHTS_FILE = "weights.pt"
ONNX_FILE = "model.onnx"
EXPORT_VERSION = 1
"""Bump when a change to the artifacts (weights format, export settings) must redo them."""



@dataclass(frozen=True)
class TrainPayload:
    """One network, one seed.

    Attributes:
        network: what to build.
        training: recipe (``epochs`` already set to ``final.epochs``), the run's seed
            (weights, data order, augmentation), data, augmentation, subset and device.
        artifacts: folder for ``weights.pt`` and ``model.onnx`` (absolute; shared file system
            with Dask).
        macs_resolution: input side at which MACs are counted for the table, pixels.
        onnx_opset: ONNX opset of the export.
    """

    network: FinalNetwork
    training: TrainingSetup
    artifacts: str
    macs_resolution: int = 224
    onnx_opset: int = 17


def _save_weights(model: Any, path: Path) -> str:
    """Save the state dict (contiguous tensors) atomically; return its SHA-256."""
    import torch

    from hytnas.io import atomic_open, file_sha256

    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    with atomic_open(path, "wb") as handle:
        torch.save(state, handle)
    return file_sha256(path)


def final_train_task(payload: TrainPayload) -> dict[str, Any]:
    """Train, measure and export one network; an outcome whose result holds
    :data:`~hytnas.training.RESULT_COLUMNS`, ``params``, ``macs`` (at ``macs_resolution``), ``train_macs`` (at
    the training resolution), ``weights_sha256``, the ONNX check (``onnx_max_abs_diff``, ... or
    ``onnx_error``) and ``history`` (one dict per epoch). Failures: ``invalid_arch``,
    ``diverged``, ``out_of_memory``."""
    import torch

    from hytnas.nn.onnx_export import check_onnx, export_onnx
    from hytnas.nn import count_macs, count_params

    net = payload.network
    trained = train_network(net.build, payload.training, seed_id=net.seed_id, label=net.label)
    if isinstance(trained, dict):
        return trained
    result, resolution, source = trained.result, trained.resolution, trained.source
    model = trained.model.cpu().float()
    folder = Path(payload.artifacts)
    values: dict[str, Any] = {
        **result.summary(),
        "params": count_params(model),
        "macs": count_macs(model, payload.macs_resolution),
        "train_macs": count_macs(model, resolution),
        "train_images": trained.train_images,
        "val_images": trained.val_images,
        "weights_sha256": _save_weights(model, folder / WEIGHTS_FILE),
    }
    try:
        export_onnx(model, folder / ONNX_FILE, resolution, opset=payload.onnx_opset)
        values.update(check_onnx(folder / ONNX_FILE, model, resolution, threads=torch.get_num_threads()).to_result())
    except Exception as err:  # noqa: BLE001 - a failed export must not lose the training
        values["onnx_error"] = one_line(err)
    values["history"] = [asdict(epoch) for epoch in result.history]
    return outcome("ok", result=values, source=source)
