"""Parameter and MAC counting: by hand, measured vs analytic, per-stage features."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from hytnas.archspec import ArchSpec, MobileViTStage, MV2Stage, StemSpec
from hytnas.nn import (
    build_model,
    count_macs,
    count_params,
    get_model_spec,
    list_model_specs,
    stage_costs,
    stage_features,
    summarize,
)
from hytnas.nn.blocks import SelfAttention
from hytnas.space import get_space, list_spaces


def test_single_conv_macs_by_hand():
    conv = nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1, bias=True)
    # output 8 x 16 x 16, each output element 3 * 3 * 3 multiply-accumulates
    assert count_macs(conv, 32) == 8 * 16 * 16 * 3 * 3 * 3
    assert count_params(conv) == 8 * 27 + 8


def test_depthwise_conv_macs_by_hand():
    conv = nn.Conv2d(3, 3, kernel_size=5, padding=2, groups=3, bias=False)
    assert count_macs(conv, 10) == 3 * 10 * 10 * 25


def test_attention_macs_by_hand():
    """qkv + proj linear layers and the two attention products (CPU fused kernel included)."""

    class Wrap(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.attn = SelfAttention(16, heads=4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:  # 1 x 3 x r x r -> 3 x r x 16 tokens
            return self.attn(x[0, :, :, :16].contiguous())

    r = 20
    n = r  # sequence length
    expected = 3 * n * (16 * 48 + 16 * 16) + 3 * 2 * n * n * 16
    assert count_macs(Wrap(), r) == expected


def test_count_macs_restores_training_mode():
    model = build_model(get_model_spec("mobilevit_xxs")).train()
    count_macs(model, 32)
    assert model.training


@pytest.mark.parametrize("name", list_model_specs())
@pytest.mark.parametrize("resolution", [32, 100])
def test_analytic_matches_measured_zoo(name, resolution):
    spec = get_model_spec(name)
    model = build_model(spec, num_classes=7)
    summary = summarize(spec, resolution, num_classes=7)
    assert summary["params"] == count_params(model)
    assert summary["macs"] == count_macs(model, resolution)


@pytest.mark.parametrize("space", list_spaces())
def test_analytic_matches_measured_random(space):
    sp = get_space(space)
    for genome in sp.sample(6, seed=3):
        spec = sp.to_spec(genome)
        model = build_model(spec)
        assert summarize(spec, 64)["params"] == count_params(model), spec.name
        for resolution in (32, 96):
            assert summarize(spec, resolution)["macs"] == count_macs(model, resolution), spec.name


def test_stage_costs_follow_the_network():
    spec = ArchSpec(
        stem=StemSpec(out_channels=16),
        stages=(
            MV2Stage(blocks=2, expand=2.0, out_channels=24, stride=2),
            MobileViTStage(expand=2.0, out_channels=32, width=32, heads=2, ffn_dim=64, depth=2, patch=4),
        ),
        head_channels=128,
    )
    costs = stage_costs(spec, 96)
    assert [c.name for c in costs] == ["stem", "stage0", "stage1", "head"]
    assert (costs[0].out_channels, costs[0].out_height) == (16, 48)
    assert (costs[1].out_channels, costs[1].out_height, costs[1].activation) == (24, 24, 24 * 24 * 24)
    # stage1: 12 x 12 map, 4 x 4 patches -> 9 patches per sequence, 16 sequences
    assert (costs[2].out_height, costs[2].seq_len, costs[2].tokens) == (12, 9, 144)
    assert costs[2].attn_macs == 2 * (2 * 16 * 9 * 9 * 32)
    assert costs[1].seq_len == 0 and costs[1].attn_macs == 0
    # a 10 x 10 map is resized to 12 x 12 before unfolding
    assert stage_costs(spec, 80)[2].seq_len == 9
    model = build_model(spec)
    per_stage = [count_params(model.stem)] + [count_params(s) for s in model.stages]
    assert [c.params for c in costs[:-1]] == per_stage
    assert costs[-1].params == count_params(model.head_conv) + count_params(model.fc)


@pytest.mark.parametrize("space", list_spaces())
def test_stage_features_keys_are_stable(space):
    sp = get_space(space)
    specs = [sp.to_spec(g) for g in sp.sample(10, seed=4)]
    keys = [list(stage_features(s, 224)) for s in specs]
    assert all(k == keys[0] for k in keys)
    features = stage_features(specs[0], 224)
    assert all(isinstance(v, float) for v in features.values())
    assert features["params"] == summarize(specs[0], 224)["params"]
    assert {"stage4_tokens", "stage4_seq_len", "stage0_macs", "head_params", "peak_activation"} <= set(features)
    assert features["stage0_tokens"] == 0 and features["stage2_tokens"] > 0
