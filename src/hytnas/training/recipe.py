"""How a network is trained, as plain data (no torch): the recipe, the per-epoch statistics and
the result of a run, and which recipe fields enter a result's cache key.

:class:`Recipe` is read from a params section (``proxy``; ``final`` overrides the epochs);
:func:`result_settings` is the one rule, shared by every training stage, for which of a
recipe's settings affect results on a given device, so a changed inert field (``amp`` on the
CPU, ``momentum`` with AdamW) retrains nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Mapping

TRAIN_VERSION = 3
"""Version of the training loop (:mod:`hytnas.training.loop`) and its batches, part of every
training result's key: bump it when a change there changes results, so stored results keyed
on the old version are retrained rather than reused."""

@dataclass(frozen=True)
class Recipe:
    """How to train.

    Attributes:
        epochs: passes over the training batches.
        batch_size: images per step (informational for the loop; the factories batch).
        optimizer: ``adamw`` or ``sgd`` (Nesterov momentum).
        lr: peak learning rate, reached at the end of warm-up.
        weight_decay: decoupled (AdamW) or L2 (SGD) weight decay on weights only.
        momentum: SGD momentum.
        warmup_epochs: linear warm-up length, epochs (fractions allowed).
        label_smoothing: cross-entropy label smoothing of the training loss.
        amp: float16 autocast and gradient scaling when on CUDA (no effect on CPU).
        channels_last: put the model and the inputs in ``channels_last`` memory format.
        ema: decay per step of an exponential moving average of the weights and
            normalisation statistics (0: off); when on, validation and the returned model
            use the average (:class:`WeightAverage`).
    """

    epochs: int
    batch_size: int = 64
    optimizer: Literal["adamw", "sgd"] = "adamw"
    lr: float = 0.004
    weight_decay: float = 0.02
    momentum: float = 0.9
    warmup_epochs: float = 1.0
    label_smoothing: float = 0.1
    amp: bool = True
    channels_last: bool = True
    ema: float = 0.0

    @classmethod
    def from_config(cls, cfg: Any) -> "Recipe":
        """From a :class:`~hytnas.config.ProxyConfig`-like section (extra keys ignored)."""
        names = set(cls.__dataclass_fields__)
        data = cfg.model_dump() if hasattr(cfg, "model_dump") else dict(cfg)
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EpochStats:
    """One epoch. Losses are mean cross-entropy per image (training loss with smoothing);
    accuracies in percent (0-100), NaN for validation when the epoch was not evaluated;
    ``lr`` is the rate at the epoch's last step."""

    epoch: int
    lr: float
    train_loss: float
    train_acc: float
    val_loss: float
    val_acc: float
    seconds: float
    images: int


@dataclass(frozen=True)
class TrainResult:
    """Outcome of :func:`train`.

    Attributes:
        val_acc: validation accuracy after the last epoch, percent (0-100).
        best_val_acc: best validation accuracy over epochs, percent.
        val_loss: validation cross-entropy after the last epoch (no smoothing).
        train_loss: mean training loss of the last epoch.
        epochs: epochs run.
        seconds: wall time of the whole run, s (training and evaluation).
        images_per_second: training images per second of training time (evaluation excluded).
        history: per-epoch statistics.
    """

    val_acc: float
    best_val_acc: float
    val_loss: float
    train_loss: float
    epochs: int
    seconds: float
    images_per_second: float
    history: list[EpochStats] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        """Flat numbers (no history), the per-architecture result columns."""
        return {
            "val_acc": self.val_acc,
            "best_val_acc": self.best_val_acc,
            "val_loss": self.val_loss,
            "train_loss": self.train_loss,
            "epochs": self.epochs,
            "seconds": self.seconds,
            "images_per_second": self.images_per_second,
        }


RESULT_COLUMNS = ("val_acc", "best_val_acc", "val_loss", "train_loss", "epochs", "seconds", "images_per_second")
"""The flat numbers of :meth:`TrainResult.summary`: the columns a training result adds to a table."""


def result_settings(settings: Mapping[str, Any], device: str) -> dict[str, Any]:
    """``settings`` (a recipe's or a params section's fields) without the ones that cannot
    change a result on ``device``: ``amp`` on the CPU (autocast is CUDA-only here) and
    ``momentum`` unless the optimizer is SGD."""
    out = dict(settings)
    if device == "cpu":
        out.pop("amp", None)
    if out.get("optimizer") != "sgd":
        out.pop("momentum", None)
    return out


__all__ = ["RESULT_COLUMNS", "TRAIN_VERSION", "EpochStats", "Recipe", "TrainResult", "result_settings"]
