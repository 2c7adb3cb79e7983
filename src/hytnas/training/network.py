"""Train one network on a data source: the step every training stage shares.

:class:`TrainingSetup` says how (recipe, seed, data, augmentation, subset, device);
:func:`train_network` builds the network, checks that it runs at the data's resolution,
trains it with the one loop (:func:`hytnas.training.loop.train`) on seeded batches, and
returns the trained network or a failure outcome (:func:`hytnas.runs.outcome.outcome`):
``invalid_arch``, ``diverged`` or ``out_of_memory``. Proxy training, final training and the
detection stage call it from their task functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from hytnas.data.sources import DataSource, load_arrays, train_subset
from hytnas.runs.outcome import is_out_of_memory, one_line, outcome
from hytnas.seeds import arch_seed
from hytnas.training.recipe import Recipe


@dataclass(frozen=True)
class TrainingSetup:
    """How one network is trained, shared by proxy and final training tasks.

    Attributes:
        recipe: the training recipe.
        seed: the network's seed (:func:`~hytnas.seeds.arch_seed`).
        data: where the images come from (arrays at the training resolution).
        augment: random flips and padded crops on training batches.
        train_images: training subset size (``None``: all).
        subset_seed: seed of the subset (global, shared by every network).
        device: ``cpu`` or ``cuda``.
    """

    recipe: Recipe
    seed: int
    data: DataSource
    augment: bool = True
    train_images: int | None = None
    subset_seed: int = 0
    device: str = "cpu"


@dataclass
class TrainedNetwork:
    """A network trained by :func:`train_network`: the model, the loop's result, the data
    sizes it saw (``resolution`` in pixels) and the ``source`` of the result (device
    fingerprint)."""

    model: Any
    result: Any
    resolution: int
    train_images: int
    val_images: int
    source: dict[str, Any]


def train_network(
    build: Callable[[], Any],
    training: TrainingSetup,
    *,
    seed_id: str,
    eval_every: int = 1,
    label: str = "",
) -> TrainedNetwork | dict[str, Any]:
    """Build (``build()`` -> module), check it runs at the data's resolution, and train it with
    the shared loop under ``training``'s recipe, data and seeds; batches seeded by
    ``training.seed`` and ``seed_id``. Returns the trained network, or a failure outcome
    (``invalid_arch``, ``diverged``, ``out_of_memory``)."""
    import torch

    from hytnas.data.loader import batches
    from hytnas.runs.fingerprint import fingerprint
    from hytnas.training.loop import Diverged, seed_everything, train

    source = {"device": training.device, **fingerprint(torch.get_num_threads())}
    recipe = training.recipe
    arrays = load_arrays(training.data)
    train_x, train_y = arrays.train_x, arrays.train_y
    if training.train_images is not None and training.train_images < len(train_y):
        keep = train_subset(len(train_y), training.train_images, training.subset_seed)
        train_x, train_y = train_x[keep], train_y[keep]
    resolution = int(train_x.shape[1])
    try:
        seed_everything(training.seed)
        model = build()
        model.eval()
        with torch.inference_mode():  # does it run at this resolution at all?
            model(torch.zeros(2, 3, resolution, resolution))
    except Exception as err:  # noqa: BLE001
        if is_out_of_memory(err):
            return outcome("out_of_memory", one_line(err), source=source)
        prefix = f"{label} " if label else ""
        return outcome("invalid_arch", f"{prefix}does not build or run at {resolution} px: {one_line(err)}", source=source)

    steps = max(1, len(train_y) // recipe.batch_size)  # the short last batch is dropped

    def train_batches(epoch: int) -> Iterable[Any]:
        return batches(
            train_x, train_y, recipe.batch_size, augment=training.augment, shuffle=True,
            seed=arch_seed(training.seed, seed_id, f"epoch{epoch}"), drop_last=True,
        )

    def val_batches() -> Iterable[Any]:
        return batches(arrays.val_x, arrays.val_y, 2 * recipe.batch_size, augment=False, shuffle=False, seed=0)

    try:
        result = train(
            model, train_batches, val_batches, recipe, steps_per_epoch=steps, seed=training.seed,
            device=training.device, eval_every=eval_every,
        )
    except Diverged as err:
        return outcome("diverged", str(err), source=source)
    except Exception as err:  # noqa: BLE001
        if is_out_of_memory(err):
            return outcome("out_of_memory", one_line(err), source=source)
        raise
    return TrainedNetwork(model, result, resolution, int(len(train_y)), int(len(arrays.val_y)), source)


__all__ = ["TrainedNetwork", "TrainingSetup", "train_network"]
