"""One training loop, for proxy training (many short runs) and final training (few long ones).

:func:`train` runs AdamW or SGD with a linear warm-up then cosine decay (per step), label
smoothing, ``channels_last`` layout, and mixed precision (float16 autocast with gradient
scaling) when the model sits on a CUDA device and the recipe allows it. Weight decay applies
to weights only (not to biases or normalisation parameters). Data come from two factories,
so the loop knows nothing about where images live:

- ``train_batches(epoch)`` yields ``(x, y)`` with ``x`` a float ``B x 3 x H x W`` tensor and
  ``y`` an int64 ``B`` tensor of labels, ``steps_per_epoch`` batches per epoch;
- ``val_batches()`` yields the validation set the same way.

A non-finite loss stops the run with :class:`Diverged`. Per-epoch curves go to a DVCLive
logger when one is given (:func:`open_live`).

Seeds: :func:`hytnas.seeds.arch_seed` derives an architecture's seed from the global seed and
its ``arch_id`` (never from worker order); seed torch with it before building the model so that
weight initialisation, data order and augmentation all follow from it. The recipe and the
result types are plain data in :mod:`hytnas.training.recipe`.
"""

from __future__ import annotations

import math
import random
import time
from typing import Any, Callable, Iterable, Protocol

import torch
from torch import nn

from hytnas.training.recipe import TRAIN_VERSION, EpochStats, Recipe, TrainResult

Batch = tuple[torch.Tensor, torch.Tensor]



class Diverged(RuntimeError):
    """The training loss became NaN or infinite."""


class LiveLogger(Protocol):
    """What :func:`train` needs of a ``dvclive.Live``."""

    def log_metric(self, name: str, val: float, **kwargs: Any) -> None: ...

    def next_step(self) -> None: ...


def seed_everything(seed: int) -> None:
    """Seed Python's and torch's generators (CPU and CUDA)."""
    random.seed(seed)
    torch.manual_seed(seed)


def lr_at(step: int, total_steps: int, warmup_steps: int, peak: float) -> float:
    """Learning rate of optimisation step ``step`` (0-based).

    Linear warm-up ``peak * (step + 1) / warmup_steps`` for the first ``warmup_steps``
    steps, then cosine decay from ``peak`` to 0 at ``total_steps``.
    """
    if step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    decay = max(1, total_steps - warmup_steps)
    progress = min(1.0, (step - warmup_steps) / decay)
    return peak * 0.5 * (1.0 + math.cos(math.pi * progress))


def param_groups(model: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """Two groups: weights (>= 2-D tensors) with decay; biases and norm parameters without."""
    decay, no_decay = [], []
    for param in model.parameters():
        if param.requires_grad:
            (decay if param.ndim >= 2 else no_decay).append(param)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def make_optimizer(model: nn.Module, recipe: Recipe) -> torch.optim.Optimizer:
    """The recipe's optimizer over :func:`param_groups`, with PyTorch's fused kernels (one
    kernel per step instead of one per tensor: the per-tensor loop costs ~8 ms a step, about
    a tenth of a proxy run, on one CPU thread for a 200-tensor network)."""
    groups = param_groups(model, recipe.weight_decay)
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=recipe.lr, momentum=recipe.momentum, nesterov=recipe.momentum > 0, fused=True)
    if recipe.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=recipe.lr, fused=True)
    raise ValueError(f"optimizer {recipe.optimizer!r}: expected adamw or sgd")


class WeightAverage:
    """Exponential moving average of a model's floating-point state (weights and
    normalisation statistics), updated after every optimisation step.

    The decay at update ``t`` (1-based) is ``min(decay, (1 + t) / (10 + t))``, so early
    averages are not dominated by the initial weights (short proxy runs have a few hundred
    steps). Integer state (BatchNorm's step counter) is copied.
    """

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.decay = decay
        self.updates = 0
        self.state = {name: value.detach().clone() for name, value in model.state_dict().items()}
        live = model.state_dict()  # the model's own tensors: updated in place by training
        floats = [name for name, value in live.items() if value.is_floating_point()]
        self._averaged = [self.state[name] for name in floats]
        self._current = [live[name] for name in floats]
        self._counters = [(self.state[name], value) for name, value in live.items() if not value.is_floating_point()]

    @torch.no_grad()
    def update(self) -> None:
        """Move the average towards the current state of the model it was made from."""
        self.updates += 1
        weight = 1.0 - min(self.decay, (1.0 + self.updates) / (10.0 + self.updates))
        torch._foreach_lerp_(self._averaged, self._current, weight)
        for kept, value in self._counters:
            kept.copy_(value)

    @torch.no_grad()
    def swap(self, model: nn.Module) -> None:
        """Exchange the model's state with the average in place (call twice to undo)."""
        for name, value in model.state_dict().items():
            kept = self.state[name]
            scratch = value.clone()
            value.copy_(kept)
            kept.copy_(scratch)


def _to(x: torch.Tensor, device: torch.device, channels_last: bool) -> torch.Tensor:
    x = x.to(device, non_blocking=True)
    if channels_last and x.ndim == 4 and not x.is_contiguous(memory_format=torch.channels_last):
        x = x.contiguous(memory_format=torch.channels_last)
    return x


@torch.inference_mode()
def evaluate(
    model: nn.Module,
    batches: Iterable[Batch],
    *,
    device: torch.device | str = "cpu",
    channels_last: bool = True,
    amp: bool = False,
) -> tuple[float, float]:
    """Mean cross-entropy (no smoothing) and accuracy in percent of ``model`` on ``batches``."""
    device = torch.device(device)
    was_training = model.training
    model.eval()
    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), device=device, dtype=torch.int64)
    count = 0
    try:
        for x, y in batches:
            x, y = _to(x, device, channels_last), y.to(device)
            with torch.autocast(device.type, dtype=torch.float16, enabled=amp):
                logits = model(x)
            loss_sum += nn.functional.cross_entropy(logits.float(), y, reduction="sum")
            correct += (logits.argmax(1) == y).sum()
            count += int(y.numel())
    finally:
        model.train(was_training)
    if count == 0:
        return float("nan"), float("nan")
    return float(loss_sum) / count, 100.0 * float(correct) / count


class Objective(Protocol):
    """What the loop trains for: the loss of a batch and the validation score.

    Attributes:
        score_name: what ``val_acc`` holds, in percent, and its DVCLive name
            (``acc``: classification accuracy; ``map``: COCO mAP@[.5:.95]).
    """

    score_name: str

    def step(
        self, model: nn.Module, batch: Any, device: torch.device, channels_last: bool, amp: bool
    ) -> tuple[torch.Tensor, int, torch.Tensor | None]:
        """Forward one training batch: ``(loss, items in the batch, correct items or None)``."""
        ...

    def evaluate(
        self, model: nn.Module, batches: Iterable[Any], device: torch.device, channels_last: bool, amp: bool
    ) -> tuple[float, float]:
        """``(validation loss or NaN, score in percent)`` of ``model`` on ``batches``."""
        ...


class Classification:
    """Cross-entropy with label smoothing on ``(x, y)`` batches: ``x`` float ``B x 3 x H x W``,
    ``y`` int64 ``B``; scored by accuracy (:func:`evaluate`)."""

    score_name = "acc"

    def __init__(self, label_smoothing: float = 0.0) -> None:
        self.criterion = nn.CrossEntropyLoss(label_smoothing=label_smoothing)

    def step(
        self, model: nn.Module, batch: Batch, device: torch.device, channels_last: bool, amp: bool
    ) -> tuple[torch.Tensor, int, torch.Tensor | None]:
        x, y = batch
        x, y = _to(x, device, channels_last), y.to(device, non_blocking=True)
        with torch.autocast(device.type, dtype=torch.float16, enabled=amp):
            logits = model(x)
            loss = self.criterion(logits.float(), y)
        return loss, int(y.shape[0]), (logits.detach().argmax(1) == y).sum()

    def evaluate(
        self, model: nn.Module, batches: Iterable[Batch], device: torch.device, channels_last: bool, amp: bool
    ) -> tuple[float, float]:
        return evaluate(model, batches, device=device, channels_last=channels_last, amp=amp)


def train(
    model: nn.Module,
    train_batches: Callable[[int], Iterable[Batch]],
    val_batches: Callable[[], Iterable[Batch]],
    recipe: Recipe,
    *,
    steps_per_epoch: int,
    seed: int,
    device: torch.device | str = "cpu",
    live: LiveLogger | None = None,
    eval_every: int = 1,
    objective: Objective | None = None,
) -> TrainResult:
    """Train ``model`` in place and evaluate it; returns scores, losses, epochs and time.

    Args:
        model: the network; moved to ``device`` (and to ``channels_last`` if the recipe says
            so). For the default objective it maps ``B x 3 x H x W`` images to ``B x C`` logits.
        train_batches: ``epoch -> iterable of batches`` (for classification ``(x, y)``, ``x``
            float ``B x 3 x H x W``, ``y`` int64 ``B``); about ``steps_per_epoch`` batches (the
            schedule's length).
        val_batches: ``() -> iterable of batches``, the validation set.
        recipe: optimiser, schedule and loss settings.
        steps_per_epoch: batches per epoch, for the learning-rate schedule.
        seed: seeds torch before training (dropout, any randomness in the model).
        device: where to train; mixed precision only applies on ``cuda``.
        live: optional DVCLive logger; one step per epoch with ``train/loss``,
            ``train/acc`` (percent), ``lr`` and, on evaluated epochs, ``val/loss``, ``val/acc``.
        eval_every: evaluate every this many epochs (and always after the last).
        objective: the loss and the score (default :class:`Classification` with the recipe's
            label smoothing); a detector brings its own (``hytnas.detection``).

    Raises:
        Diverged: the training loss became NaN or infinite.
    """
    start = time.perf_counter()
    seed_everything(seed)
    device = torch.device(device)
    use_amp = bool(recipe.amp and device.type == "cuda")
    model.to(device)
    if recipe.channels_last:
        model.to(memory_format=torch.channels_last)
    optimizer = make_optimizer(model, recipe)
    average = WeightAverage(model, recipe.ema) if recipe.ema > 0 else None
    scaler = torch.amp.GradScaler("cuda", enabled=use_amp)
    objective = objective or Classification(recipe.label_smoothing)
    total_steps = max(1, recipe.epochs * steps_per_epoch)
    warmup_steps = min(total_steps, int(round(recipe.warmup_epochs * steps_per_epoch)))
    check_every = 1 if device.type == "cpu" else 25

    history: list[EpochStats] = []
    best = -math.inf
    val_loss = val_acc = float("nan")
    train_seconds = 0.0
    train_images = 0
    step = 0
    lr = recipe.lr
    for epoch in range(recipe.epochs):
        model.train()
        epoch_start = time.perf_counter()
        loss_sum = torch.zeros((), device=device)
        correct = torch.zeros((), device=device, dtype=torch.int64)
        counted = False
        images = 0
        for batch in train_batches(epoch):
            lr = lr_at(step, total_steps, warmup_steps, recipe.lr)
            for group in optimizer.param_groups:
                group["lr"] = lr
            loss, n, right = objective.step(model, batch, device, recipe.channels_last, use_amp)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            if average is not None:
                average.update()
            loss_sum += loss.detach() * n
            if right is not None:
                correct += right
                counted = True
            images += n
            step += 1
            if step % check_every == 0 and not torch.isfinite(loss_sum):
                raise Diverged(f"training loss is {float(loss.detach()):.4g} at epoch {epoch + 1}, step {step}")
        if not torch.isfinite(loss_sum):
            raise Diverged(f"training loss is not finite at the end of epoch {epoch + 1}")
        seconds = time.perf_counter() - epoch_start
        train_seconds += seconds
        train_images += images
        evaluated = epoch == recipe.epochs - 1 or (epoch + 1) % eval_every == 0
        if evaluated:
            if average is not None:
                average.swap(model)
            val_loss, val_acc = objective.evaluate(model, val_batches(), device, recipe.channels_last, use_amp)
            if average is not None and epoch < recipe.epochs - 1:
                average.swap(model)
            if math.isfinite(val_acc):
                best = max(best, val_acc)
        stats = EpochStats(
            epoch=epoch + 1,
            lr=lr,
            train_loss=float(loss_sum) / max(1, images),
            train_acc=100.0 * float(correct) / max(1, images) if counted else float("nan"),
            val_loss=val_loss if evaluated else float("nan"),
            val_acc=val_acc if evaluated else float("nan"),
            seconds=seconds,
            images=images,
        )
        history.append(stats)
        if live is not None:
            metrics = [("train/loss", stats.train_loss)]
            if counted:
                metrics.append(("train/acc", stats.train_acc))
            metrics.append(("lr", stats.lr))
            if evaluated:
                if math.isfinite(stats.val_loss) or objective.score_name == "acc":
                    metrics.append(("val/loss", stats.val_loss))
                metrics.append((f"val/{objective.score_name}", stats.val_acc))
            for name, value in metrics:
                live.log_metric(name, value)
            live.next_step()
    return TrainResult(
        val_acc=val_acc,
        best_val_acc=best if math.isfinite(best) else float("nan"),
        val_loss=val_loss,
        train_loss=history[-1].train_loss if history else float("nan"),
        epochs=len(history),
        seconds=time.perf_counter() - start,
        images_per_second=train_images / train_seconds if train_seconds > 0 else 0.0,
        history=history,
    )


def open_live(directory: str, *, resume: bool = False) -> Any:
    """A DVCLive logger writing under ``directory`` without touching ``dvc.yaml`` (its
    metrics and plots are declared there by hand) and without creating DVC experiments."""
    from dvclive import Live

    return Live(directory, dvcyaml=False, save_dvc_exp=False, resume=resume)


__all__ = [
    "Batch",
    "Classification",
    "Diverged",
    "Objective",
    "TRAIN_VERSION",
    "WeightAverage",
    "evaluate",
    "lr_at",
    "make_optimizer",
    "open_live",
    "param_groups",
    "seed_everything",
    "train",
]
