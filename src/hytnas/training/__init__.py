"""Training, written once for every stage that trains networks.

Modules, one job each:

- :mod:`~hytnas.training.recipe`: :class:`Recipe`, the result types and
  :func:`result_settings` (which recipe fields enter a result's key); no torch.
- :mod:`~hytnas.training.loop`: the one training loop (:func:`~hytnas.training.loop.train`).
- :mod:`~hytnas.training.network`: :class:`TrainingSetup` and :func:`train_network`, the
  build-check-train step of proxy, final and detection training.
- :mod:`~hytnas.training.device`: :func:`training_device`, the CPU/CUDA choice.

Importing this package does not import torch; the loop does when a network is trained.
"""

from hytnas.training.device import training_device
from hytnas.training.network import TrainedNetwork, TrainingSetup, train_network
from hytnas.training.recipe import RESULT_COLUMNS, TRAIN_VERSION, EpochStats, Recipe, TrainResult, result_settings

__all__ = [
    "RESULT_COLUMNS",
    "TRAIN_VERSION",
    "EpochStats",
    "Recipe",
    "TrainResult",
    "TrainedNetwork",
    "TrainingSetup",
    "result_settings",
    "train_network",
    "training_device",
]
