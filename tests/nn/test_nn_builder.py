"""ArchSpec -> module: validation errors, forward passes, memory format, serialization."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from hytnas.archspec import ArchSpec, DWSepStage, MobileViTStage, MV2Stage, StemSpec
from hytnas.errors import SpaceError
from hytnas.nn import build_model, count_macs, count_params, get_model_spec, list_model_specs, summarize
from hytnas.space import get_space, list_spaces



def random_specs(space_name: str, n: int, seed: int) -> list[ArchSpec]:
    """``n`` distinct uniformly sampled architectures of a registered space."""
    space = get_space(space_name)
    return [space.to_spec(g) for g in space.sample(n, seed)]


GOOD = ArchSpec(
    stem=StemSpec(out_channels=16),
    stages=(
        MV2Stage(blocks=2, expand=2.0, out_channels=16, stride=1),
        DWSepStage(blocks=1, out_channels=24, stride=2),
        MobileViTStage(expand=2.0, out_channels=32, width=32, heads=4, ffn_dim=64, depth=2, patch=2),
    ),
    head_channels=64,
    name="good",
)


def _with_stage(index: int, **changes) -> ArchSpec:
    stages = list(GOOD.stages)
    stages[index] = dataclasses.replace(stages[index], **changes)
    return dataclasses.replace(GOOD, stages=tuple(stages))


@pytest.mark.parametrize(
    "spec, index, field",
    [
        (_with_stage(0, out_channels=0), 0, "out_channels"),
        (_with_stage(0, blocks=0), 0, "blocks"),
        (_with_stage(0, expand=0.0), 0, "expand"),
        (_with_stage(0, kernel=4), 0, "kernel"),
        (_with_stage(0, stride=0), 0, "stride"),
        (_with_stage(1, out_channels=-3), 1, "out_channels"),
        (_with_stage(2, heads=3), 2, "width"),
        (_with_stage(2, heads=0), 2, "heads"),
        (_with_stage(2, width=0), 2, "width"),
        (_with_stage(2, ffn_dim=0), 2, "ffn_dim"),
        (_with_stage(2, depth=0), 2, "depth"),
        (_with_stage(2, patch=0), 2, "patch"),
        (_with_stage(2, out_channels=2.5), 2, "out_channels"),
    ],
)
def test_invalid_stage_raises_space_error(spec, index, field):
    with pytest.raises(SpaceError) as err:
        build_model(spec)
    message = str(err.value)
    assert f"stage {index}" in message and field in message and "\n" not in message


def test_invalid_stem_head_and_arguments():
    with pytest.raises(SpaceError, match="stem: out_channels"):
        build_model(dataclasses.replace(GOOD, stem=StemSpec(out_channels=0)))
    with pytest.raises(SpaceError, match="head_channels"):
        build_model(dataclasses.replace(GOOD, head_channels=0))
    with pytest.raises(SpaceError, match="num_classes"):
        build_model(GOOD, num_classes=0)
    with pytest.raises(SpaceError, match="dropout"):
        build_model(GOOD, dropout=1.0)
    with pytest.raises(SpaceError, match="act"):
        build_model(GOOD, act="swishy")
    with pytest.raises(TypeError):
        build_model(GOOD, 2)  # keyword-only after spec


def test_layout_and_dropout():
    model = build_model(GOOD, num_classes=3, dropout=0.1)
    assert len(model.stages) == 3 and model.num_features == 64
    assert model.drop.p == 0.1 and model.fc.out_features == 3
    assert model.spec == GOOD


@pytest.mark.parametrize("resolution", [32, 33, 96, 100, 224])
def test_forward_any_resolution_and_channels_last(resolution):
    model = build_model(GOOD).eval()
    x = torch.randn(2, 3, resolution, resolution)
    with torch.inference_mode():
        y = model(x)
        y_cl = model.to(memory_format=torch.channels_last)(x.to(memory_format=torch.channels_last))
    assert y.shape == (2, 2)
    assert torch.allclose(y, y_cl, atol=1e-5)


def test_non_square_input():
    model = build_model(GOOD).eval()
    with torch.inference_mode():
        assert model(torch.randn(1, 3, 40, 64)).shape == (1, 2)


def test_training_step_channels_last():
    model = build_model(GOOD).to(memory_format=torch.channels_last).train()
    x = torch.randn(4, 3, 64, 64).to(memory_format=torch.channels_last)
    loss = torch.nn.functional.cross_entropy(model(x), torch.tensor([0, 1, 0, 1]))
    loss.backward()
    assert all(p.grad is not None for p in model.parameters())


@pytest.mark.parametrize("space", list_spaces())
def test_json_roundtrip_random_specs(space):
    for spec in random_specs(space, 20, seed=1):
        again = ArchSpec.from_json(spec.to_json())
        assert again == spec and again.name == spec.name
        assert again.to_json() == spec.to_json()


@pytest.mark.parametrize("name", list_model_specs())
def test_json_roundtrip_zoo_specs(name):
    spec = get_model_spec(name)
    again = ArchSpec.from_json(spec.to_json())
    assert again == spec
    assert count_params(build_model(again)) == count_params(build_model(spec))


@pytest.mark.parametrize("space", list_spaces())
def test_forward_few_random_archs(space):
    """Quick version of the 200-architecture test below."""
    with torch.inference_mode():
        for spec in random_specs(space, 5, seed=2):
            model = build_model(spec).eval()
            for resolution in (32, 96):
                assert model(torch.randn(2, 3, resolution, resolution)).shape == (2, 2)


@pytest.mark.slow
@pytest.mark.parametrize("space", list_spaces())
def test_forward_200_random_archs(space):
    """200 architectures per space at 32, 96 and 224 px, batch 1 and 2 (about 40 s a space).

    Also checks the analytic parameter count of every architecture, and the analytic MACs of
    every tenth one, against the built module.
    """
    torch.manual_seed(0)
    for i, spec in enumerate(random_specs(space, 200, seed=0)):
        model = build_model(spec).eval()
        assert count_params(model) == summarize(spec, 224)["params"], spec.name
        if i % 10 == 0:
            for resolution in (32, 96, 224):
                assert count_macs(model, resolution) == summarize(spec, resolution)["macs"], spec.name
        with torch.inference_mode():
            for resolution in (32, 96, 224):
                x = torch.randn(2, 3, resolution, resolution)
                y2 = model(x)
                y1 = model(x[:1])
                assert y2.shape == (2, 2) and y1.shape == (1, 2), spec.name
                assert torch.isfinite(y2).all(), spec.name
                assert torch.allclose(y1, y2[:1], atol=1e-4), spec.name
