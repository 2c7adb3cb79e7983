"""Stage ``proxy_train`` as a library call: short training that ranks many architectures.

Every architecture of the table is trained ``proxy.epochs`` epochs at ``proxy.resolution``
with :func:`hytnas.train.train`, one task per architecture on the executor
(:mod:`hytnas.executor`). Results are stored per key (:mod:`hytnas.store`); the key holds the
space, ``arch_id``, global seed, every ``proxy`` param, the training loop's version, the
accelerator kind and a digest of the training data, so a rerun trains only what is missing
and a changed param or dataset retrains exactly what it affects.

A failing architecture (does not build or run at the resolution, NaN loss, out of memory)
is recorded with its status and message; the stage finishes and reports how many failed.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

import numpy as np
import pandas as pd

from hytnas.errors import ConfigError
from hytnas.executor import Executor, is_out_of_memory, make_executor, one_line, outcome
from hytnas.io import write_csv, write_json
from hytnas.jobs import Job, RunSummary, read_arch_table, records_table, run_jobs
from hytnas.space import get_space
from hytnas.store import ResultStore
from hytnas.train import TRAIN_VERSION, Diverged, Recipe, arch_seed

RESULT_COLUMNS = ("val_acc", "best_val_acc", "val_loss", "train_loss", "epochs", "seconds", "images_per_second")
NUM_CLASSES = 2


class Arrays(Protocol):
    """Image arrays: ``train_x``/``val_x`` uint8 ``N x H x W x 3``, ``train_y``/``val_y`` int ``N``."""

    train_x: np.ndarray
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray


@dataclass(frozen=True)
class SimpleArrays:
    """A plain :class:`Arrays` holder."""

    train_x: np.ndarray
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray


@dataclass(frozen=True)
class VWWData:
    """The prepared Visual Wake Words arrays at ``resolution`` under ``root`` (a path every
    worker can read: with Dask, a shared file system)."""

    root: str
    resolution: int

    def load(self) -> Arrays:
        from hytnas.data.arrays import load_vww

        return load_vww(self.root, self.resolution)


@dataclass(frozen=True)
class SyntheticData:
    """A small learnable two-class image set for tests and benchmarks.

    Class 1 images hold a bright square of random size and place on a noisy background;
    class 0 images hold only the background. Same arrays layout as :class:`VWWData`.
    """

    train: int = 256
    val: int = 128
    resolution: int = 32
    seed: int = 0

    def load(self) -> Arrays:
        rng = np.random.default_rng(self.seed)

        def make(n: int) -> tuple[np.ndarray, np.ndarray]:
            r = self.resolution
            x = rng.normal(96, 32, size=(n, r, r, 3)).clip(0, 255)
            y = rng.integers(0, 2, size=n)
            for i in np.flatnonzero(y):
                side = int(rng.integers(r // 5, r // 2))
                top, left = rng.integers(0, r - side, size=2)
                x[i, top : top + side, left : left + side] = rng.normal(200, 20, size=3).clip(0, 255)
            return x.astype(np.uint8), y.astype(np.int64)

        train_x, train_y = make(self.train)
        val_x, val_y = make(self.val)
        return SimpleArrays(train_x, train_y, val_x, val_y)


DataSource = VWWData | SyntheticData


@functools.lru_cache(maxsize=2)
def load_arrays(data: DataSource) -> Arrays:
    """Arrays of ``data``, loaded once per worker process."""
    return data.load()


def data_digest(arrays: Arrays) -> str:
    """SHA-256 (16 hex digits) of the four arrays' shapes, dtypes and bytes."""
    digest = hashlib.sha256()
    for name in ("train_x", "train_y", "val_x", "val_y"):
        array = np.ascontiguousarray(getattr(arrays, name))
        digest.update(f"{name}{array.shape}{array.dtype}".encode())
        digest.update(memoryview(array).cast("B"))
    return digest.hexdigest()[:16]


def train_subset(n: int, size: int | None, seed: int) -> np.ndarray:
    """Indices of the training images used: all (``size`` None or >= n) or a seeded subset
    of ``size``, the same for every architecture."""
    if size is None or size >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


@dataclass(frozen=True)
class TrainingSetup:
    """How one network is trained, shared by proxy and final training tasks.

    Attributes:
        recipe: the training recipe.
        seed: the network's seed (:func:`~hytnas.train.arch_seed`).
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


@dataclass(frozen=True)
class ProxyPayload:
    """One proxy-training task: the architecture ``arch_id`` of ``space``, how to train it,
    and how often to evaluate (every ``eval_every`` epochs and after the last one)."""

    space: str
    arch_id: str
    training: TrainingSetup
    eval_every: int = 1


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
    from hytnas.latency.fingerprint import fingerprint
    from hytnas.train import seed_everything, train

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


def proxy_task(payload: ProxyPayload) -> dict[str, Any]:
    """Train one architecture; an outcome whose result holds :data:`RESULT_COLUMNS` and
    ``params``. Failures: ``invalid_arch``, ``diverged``, ``out_of_memory``."""
    from hytnas.nn import build_model, count_params

    space = get_space(payload.space)
    trained = train_network(
        lambda: build_model(space.to_spec(space.parse_arch_id(payload.arch_id)), num_classes=NUM_CLASSES),
        payload.training,
        seed_id=payload.arch_id,
        eval_every=payload.eval_every,
    )
    if isinstance(trained, dict):
        return trained
    result = {**trained.result.summary(), "params": count_params(trained.model)}
    return outcome("ok", result=result, source=trained.source)


def accelerator(params: Any) -> str:
    """``cuda`` when the executor asks for GPUs, else ``cpu``."""
    return "cuda" if params.executor.gpus > 0 else "cpu"


def proxy_settings(params: Any) -> dict[str, Any]:
    """The ``proxy`` params that affect results (``amp`` only matters on a GPU, ``momentum``
    only with SGD), so changing an inert one retrains nothing."""
    settings = params.proxy.model_dump()
    if accelerator(params) == "cpu":
        settings.pop("amp", None)
    if settings.get("optimizer") != "sgd":
        settings.pop("momentum", None)
    return settings


def proxy_inputs(params: Any, arch_id: str, digest: str) -> dict[str, Any]:
    """Everything one proxy result depends on (hashed into its store key)."""
    return {
        "kind": "proxy",
        "train_version": TRAIN_VERSION,
        "space": params.sample.space,
        "arch_id": arch_id,
        "seed": params.seed,
        "proxy": proxy_settings(params),
        "data": digest,
        "accelerator": accelerator(params),
    }


def proxy_report(
    table: pd.DataFrame,
    summary: RunSummary,
    *,
    majority_acc: float,
    val_images: int,
    executor: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Flat metrics: counts, rate, and the spread of proxy accuracies (is the ranking informative?).

    ``val_acc_noise`` is the binomial standard error, in percentage points, of an accuracy
    near the majority rate measured on ``val_images`` images: accuracies closer than that
    are not told apart by the validation set."""
    p = majority_acc / 100.0
    noise = 100.0 * math.sqrt(p * (1.0 - p) / max(1, val_images))
    ok = table[table["status"] == "ok"]
    acc = ok["val_acc"].to_numpy(dtype=float)
    report: dict[str, Any] = {
        "architectures": int(len(table)),
        "ok": int(len(ok)),
        "failed": int(len(table) - len(ok)),
        **summary.report("trained"),
        "val_majority_acc": round(majority_acc, 3),
        "val_acc_noise": round(noise, 3),
    }
    if acc.size:
        report.update(
            val_acc_min=float(acc.min()),
            val_acc_median=float(np.median(acc)),
            val_acc_max=float(acc.max()),
            val_acc_std=float(acc.std()),
            val_acc_spread=float(acc.max() - acc.min()),
            val_acc_distinct=int(np.unique(np.round(acc, 4)).size),
            best_val_acc_median=float(np.median(ok["best_val_acc"].to_numpy(dtype=float))),
            images_per_second_median=float(np.median(ok["images_per_second"].to_numpy(dtype=float))),
        )
    if len(ok) < len(table):
        failures = table.loc[table["status"] != "ok", "status"].value_counts()
        report.update({f"failed_{k}": int(v) for k, v in failures.items()})
    if executor:
        report.update(executor)
    return report


def spread_above_noise(report: dict[str, Any]) -> bool:
    """A necessary (not sufficient) condition for proxy accuracies to rank architectures: the
    median architecture beats the majority class by at least two binomial standard errors of
    the validation set (``val_acc_noise``), and accuracies spread by at least one such error.
    Whether the ranking is *repeatable* needs a second seed (see the issue's note)."""
    noise = report.get("val_acc_noise", 0.0)
    return (
        report.get("val_acc_distinct", 0) >= 3
        and report.get("val_acc_median", 0.0) - report.get("val_majority_acc", 100.0) >= 2 * noise
        and report.get("val_acc_std", 0.0) >= noise
    )


def run_proxy(
    params: Any,
    archs_csv: str | Path,
    *,
    data: DataSource | None = None,
    data_root: str | Path = "data/vww",
    cache_dir: str | Path,
    out: str | Path,
    metrics: str | Path | None = None,
    executor: Executor | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Run stage ``proxy_train``; returns the table written to ``out``.

    Args:
        params: validated :class:`~hytnas.config.Params`.
        archs_csv: architectures to train (``data/archs/accuracy.csv``).
        data: image source (default: :class:`VWWData` at ``data_root``, ``proxy.resolution``).
        data_root: the prepared VWW folder.
        cache_dir: results store folder (``data/proxy/cache``; a persisted DVC output).
        out: the proxy accuracy table (``data/proxy/accuracy.csv``).
        metrics: path of the metrics JSON (``reports/proxy.json``), or ``None``.
        executor: where to train (default: from ``params.executor``; closed afterwards).
        progress: progress bar on/off (``None``: only on a terminal).
    """
    cfg = params.proxy
    space = get_space(params.sample.space)
    archs = read_arch_table(archs_csv, space)
    data = data or VWWData(str(Path(data_root).resolve()), cfg.resolution)
    arrays = data.load()
    if int(arrays.train_x.shape[1]) != cfg.resolution:
        raise ConfigError(
            f"proxy.resolution = {cfg.resolution}: the data hold {arrays.train_x.shape[1]} px images; "
            "add it to data.resolution or data.extra_resolutions"
        )
    digest = data_digest(arrays)
    majority = 100.0 * float(np.bincount(arrays.val_y).max()) / max(1, len(arrays.val_y))
    val_images = len(arrays.val_y)
    device = accelerator(params)
    if device == "cuda" and params.executor.kind == "local":
        import torch

        if not torch.cuda.is_available():
            raise ConfigError("executor.gpus > 0 but torch sees no CUDA device on this machine")
    recipe = Recipe.from_config(cfg)
    subset_seed = arch_seed(params.seed, "", "proxy-train-subset")
    jobs = [
        Job(
            arch_id=arch_id,
            inputs=proxy_inputs(params, arch_id, digest),
            payload=ProxyPayload(
                space=space.name,
                arch_id=arch_id,
                training=TrainingSetup(
                    recipe=recipe,
                    seed=arch_seed(params.seed, arch_id, "proxy"),
                    data=data,
                    augment=cfg.augment,
                    train_images=cfg.train_images,
                    subset_seed=subset_seed,
                    device=device,
                ),
                eval_every=cfg.eval_every,
            ),
            cost=float(macs),
        )
        for arch_id, macs in zip(archs["arch_id"], archs["macs"] if "macs" in archs else [0] * len(archs))
    ]
    del arrays
    store = ResultStore(cache_dir)
    own = executor is None
    executor = executor or make_executor(params.executor)
    try:
        described = executor.describe()
        summary = run_jobs(proxy_task, jobs, store, executor, desc="proxy_train", progress=progress)
    finally:
        if own:
            executor.close()
    table = records_table(archs, summary.records, RESULT_COLUMNS)
    write_csv(out, table)
    report = proxy_report(table, summary, majority_acc=majority, val_images=val_images, executor=described)
    report["spread_above_noise"] = spread_above_noise(report)
    if metrics:
        write_json(metrics, report)
    print(summary.line("proxy_train") + f" -> {out}")
    if report["ok"] and not report["spread_above_noise"]:
        print(
            f"proxy_train: warning: proxy accuracies are not informative (median {report.get('val_acc_median', 0):.1f}% "
            f"vs majority class {majority:.1f}%, std {report.get('val_acc_std', 0):.2f} pp, validation noise "
            f"{report['val_acc_noise']:.2f} pp): train longer, at a higher resolution or on more data"
        )
    return table
