"""Which device a training stage trains on, checked before any job starts."""

from __future__ import annotations

from hytnas.errors import ConfigError


def training_device(gpus: int, executor_kind: str) -> str:
    """``cuda`` when the executor asks for GPUs (``executor.gpus > 0``), else ``cpu``.

    Raises:
        ConfigError: GPUs are asked for on the local executor and torch sees none here
            (on Dask the workers' devices are not visible from the driver).
    """
    device = "cuda" if gpus > 0 else "cpu"
    if device == "cuda" and executor_kind == "local":
        import torch

        if not torch.cuda.is_available():
            raise ConfigError("executor.gpus > 0 but torch sees no CUDA device on this machine")
    return device


__all__ = ["training_device"]
