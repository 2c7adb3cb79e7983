"""Planning ``train_final``: which networks, which jobs, and what each result's key holds.

Everything here runs before any training and checks its input: the baselines and the
reference network, the Pareto set and its constraints, the images' resolution. Each network
and seed becomes one job whose key holds everything its result depends on (network
architecture and builder, seed, recipe, data digest, training loop and export versions,
accelerator), so a changed param retrains exactly what it affects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hytnas.config import Params
from hytnas.cost import summarize
from hytnas.data.sources import DataSource, VWWData, check_resolution, data_digest, train_subset
from hytnas.final.networks import FinalNetwork, baseline_networks, check_reference, picked_networks
from hytnas.final.selection import Pick, read_pareto, select
from hytnas.final.task import EXPORT_VERSION, TrainPayload
from hytnas.runs.runner import Job
from hytnas.runs.store import make_key
from hytnas.seeds import arch_seed
from hytnas.space import get_space
from hytnas.training import TRAIN_VERSION, Recipe, TrainingSetup, result_settings


def final_recipe(params: Params) -> Recipe:
    """The proxy recipe with ``final.epochs``."""
    return replace(Recipe.from_config(params.proxy), epochs=params.final.epochs)


def train_inputs(params: Params, net: FinalNetwork, seed_index: int, digest: str, device: str) -> dict[str, Any]:
    """Everything one final training result depends on (hashed into its store key)."""
    cfg = params.final
    return {
        "kind": "final",
        "train_version": TRAIN_VERSION,
        "export_version": EXPORT_VERSION,
        "network": net.identity(),
        "seed": params.seed,
        "seed_index": seed_index,
        "recipe": result_settings(final_recipe(params).to_dict(), device),
        "resolution": cfg.resolution,
        "augment": cfg.augment,
        "train_images": cfg.train_images,
        "data": digest,
        "accelerator": device,
        "macs_resolution": params.latency.resolution,
        "onnx_opset": cfg.onnx_opset,
    }


def latency_identity(net: FinalNetwork) -> dict[str, Any]:
    """What identifies a network in its latency key (the measurement's own inputs are added
    by :func:`~hytnas.latency.timing.time_networks`)."""
    return {"kind": "final_latency", "network": net.identity()}


def plan_networks(params: Params, pareto_csv: str | Path) -> tuple[list[Pick], list[FinalNetwork]]:
    """Validate the baselines and the Pareto set and select: ``(picks, networks)``.

    Raises:
        ConfigError: an unknown baseline, or a reference network not among the baselines.
        DataError: a missing, empty or malformed Pareto set.
        SelectionError: no architecture satisfies the constraints.
    """
    cfg = params.final
    baselines = baseline_networks(cfg.baselines)
    check_reference(cfg.reference, cfg.baselines)
    space = get_space(params.sample.space)
    front = read_pareto(pareto_csv, space)
    picks = select(front, max_params=cfg.max_params, max_latency_ms=cfg.max_latency_ms, source=str(pareto_csv))
    return picks, picked_networks(picks, space.name) + baselines


@dataclass(frozen=True)
class PreparedData:
    """The training images, checked: their source, content digest and counts."""

    source: DataSource
    digest: str
    train_images: int
    val_images: int
    label: str


def prepare_data(params: Params, data: DataSource | None, data_root: str | Path) -> PreparedData:
    """Load the images once to check their resolution and digest them.

    Raises:
        ConfigError: the arrays are not at ``final.resolution``.
    """
    cfg = params.final
    label = params.data.source if data is None else type(data).__name__
    data = data or VWWData(str(Path(data_root).resolve()), cfg.resolution)
    arrays = data.load()
    check_resolution(arrays, "final.resolution", cfg.resolution)
    return PreparedData(
        source=data,
        digest=data_digest(arrays),
        train_images=len(train_subset(len(arrays.train_y), cfg.train_images, 0)),
        val_images=int(len(arrays.val_y)),
        label=label,
    )


@dataclass
class TrainPlan:
    """The training jobs, and per network label its store keys and seeds (one per repeat)."""

    jobs: list[Job]
    keys: dict[str, list[str]]
    seeds: dict[str, list[int]]


def plan_training(
    params: Params, networks: list[FinalNetwork], data: PreparedData, device: str, artifacts: Path
) -> TrainPlan:
    """One job per network and seed; equal networks under two labels share their jobs."""
    cfg = params.final
    recipe = final_recipe(params)
    subset_seed = arch_seed(params.seed, "", "final-train-subset")
    plan = TrainPlan([], {}, {})
    for net in networks:
        cost = float(summarize(net.spec(), cfg.resolution)["macs"])
        plan.keys[net.label], plan.seeds[net.label] = [], []
        for k in range(cfg.seeds):
            inputs = train_inputs(params, net, k, data.digest, device)
            key = make_key(inputs)
            seed = arch_seed(params.seed, net.seed_id, f"final{k}")
            payload = TrainPayload(
                network=net,
                training=TrainingSetup(
                    recipe=recipe,
                    seed=seed,
                    data=data.source,
                    augment=cfg.augment,
                    train_images=cfg.train_images,
                    subset_seed=subset_seed,
                    device=device,
                ),
                artifacts=str(artifacts / key),
                macs_resolution=params.latency.resolution,
                onnx_opset=cfg.onnx_opset,
            )
            plan.jobs.append(Job(arch_id=net.seed_id, inputs=inputs, payload=payload, cost=cost))
            plan.keys[net.label].append(key)
            plan.seeds[net.label].append(seed)
    return plan


__all__ = [
    "PreparedData",
    "TrainPlan",
    "final_recipe",
    "latency_identity",
    "plan_networks",
    "plan_training",
    "prepare_data",
    "train_inputs",
]
