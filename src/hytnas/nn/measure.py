"""Parameters and multiply-accumulates (MACs) measured on a built ``torch.nn.Module``.

:func:`count_params` counts parameters; :func:`count_macs` runs one forward pass of one
``3 x resolution x resolution`` image under ``torch.utils.flop_counter.FlopCounterMode``
(MACs = FLOPs / 2). Conventions: convolutions, linear layers and the two attention matrix
products count; bias additions, normalisations, activations, softmax, pooling, residual
additions and resizing do not.

The same numbers computed analytically from an ArchSpec, without torch, are in
:mod:`hytnas.cost` (:func:`summarize`, :func:`stage_costs`, :func:`stage_features`,
:class:`StageCost`); they are re-exported here for existing callers. The tests check that both
ways agree exactly.
"""

from __future__ import annotations

from typing import Any, Callable

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count

from hytnas.archspec import IN_CHANNELS
from hytnas.cost import FEATURE_FIELDS, StageCost, stage_costs, stage_features, summarize

__all__ = [
    "FEATURE_FIELDS",
    "StageCost",
    "count_macs",
    "count_params",
    "stage_costs",
    "stage_features",
    "summarize",
]


def count_params(module: nn.Module) -> int:
    """Number of parameters (trainable or not; buffers such as BN running stats excluded)."""
    return sum(p.numel() for p in module.parameters())


def _sdpa_cpu_flop(
    query_shape: Any, key_shape: Any, value_shape: Any, *args: Any, out_shape: Any = None, **kwargs: Any
) -> int:
    """FLOPs of the CPU fused attention kernel (``FlopCounterMode`` knows only the GPU ones)."""
    return sdpa_flop_count(query_shape, key_shape, value_shape)


def _flop_mapping() -> dict[Any, Callable[..., int]]:
    aten = torch.ops.aten
    mapping: dict[Any, Callable[..., int]] = {}
    if hasattr(aten, "_scaled_dot_product_flash_attention_for_cpu"):
        mapping[aten._scaled_dot_product_flash_attention_for_cpu] = _sdpa_cpu_flop
    return mapping


def count_macs(module: nn.Module, resolution: int) -> int:
    """Multiply-accumulates of one forward pass of one ``3 x resolution x resolution`` image.

    Runs the module once in eval mode without gradients (its training flag is restored), on the
    device and dtype of its first parameter.
    """
    ref = next(module.parameters(), None)
    device = ref.device if ref is not None else torch.device("cpu")
    dtype = ref.dtype if ref is not None else torch.float32
    x = torch.zeros(1, IN_CHANNELS, resolution, resolution, device=device, dtype=dtype)
    was_training = module.training
    module.eval()
    try:
        with FlopCounterMode(display=False, custom_mapping=_flop_mapping()) as counter, torch.inference_mode():
            module(x)
    finally:
        module.train(was_training)
    return int(counter.get_total_flops()) // 2
