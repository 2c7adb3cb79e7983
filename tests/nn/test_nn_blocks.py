"""Blocks: output shapes, residual rules, patch unfolding, hidden widths."""

from __future__ import annotations

import pytest
import torch
from timm.layers import make_divisible as timm_make_divisible

from hytnas.errors import SpaceError
from hytnas.nn import (
    ConvBNAct,
    DepthwiseSeparable,
    InvertedResidual,
    MobileViTBlock,
    TransformerEncoderLayer,
    count_params,
    make_divisible,
)
from hytnas.nn.blocks import fold_patches, unfold_patches


@pytest.mark.parametrize("value", [1, 7, 8, 11.2, 12, 20, 33.6, 36, 54, 72, 108, 1000.5])
def test_make_divisible_matches_timm(value):
    assert make_divisible(value) == timm_make_divisible(value)


def test_conv_bn_act_shapes_and_no_act():
    block = ConvBNAct(3, 16, kernel=3, stride=2)
    assert block(torch.randn(2, 3, 33, 32)).shape == (2, 16, 17, 16)
    linear = ConvBNAct(16, 8, kernel=1, act=None)
    assert isinstance(linear.act, torch.nn.Identity)
    assert linear.conv.bias is None
    assert count_params(linear) == 16 * 8 + 2 * 8


def test_inverted_residual_structure():
    ir = InvertedResidual(16, 16, stride=1, expand=2)
    assert ir.use_residual and ir.dw.conv.groups == 32
    assert not InvertedResidual(16, 24, stride=1, expand=2).use_residual
    assert not InvertedResidual(16, 16, stride=2, expand=2).use_residual
    no_expand = InvertedResidual(16, 8, expand=1)
    assert isinstance(no_expand.expand, torch.nn.Identity) and no_expand.dw.conv.in_channels == 16
    # hidden width rounded as timm: 36 * 3 = 108 -> 112
    assert InvertedResidual(36, 36, expand=3).dw.conv.out_channels == 112
    assert ir(torch.randn(1, 16, 9, 9)).shape == (1, 16, 9, 9)
    assert InvertedResidual(16, 24, stride=2, expand=4, kernel=5)(torch.randn(1, 16, 9, 9)).shape == (1, 24, 5, 5)


def test_depthwise_separable_shapes():
    block = DepthwiseSeparable(8, 16, stride=2)
    assert block(torch.randn(2, 8, 10, 10)).shape == (2, 16, 5, 5)
    assert count_params(block) == 8 * 9 + 2 * 8 + 8 * 16 + 2 * 16


def test_transformer_layer_shape_and_params():
    d, f = 24, 48
    layer = TransformerEncoderLayer(d, heads=4, ffn_dim=f)
    assert layer(torch.randn(3, 7, d)).shape == (3, 7, d)
    expected = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (d * f + f) + (f * d + d)
    assert count_params(layer) == expected


def test_attention_width_must_divide_heads():
    with pytest.raises(SpaceError, match="heads"):
        TransformerEncoderLayer(10, heads=4, ffn_dim=20)


def test_unfold_fold_roundtrip_and_layout():
    x = torch.arange(2 * 3 * 4 * 6, dtype=torch.float32).reshape(2, 3, 4, 6)
    seq = unfold_patches(x, 2)
    assert seq.shape == (2 * 4, 2 * 3, 3)
    # sequence 0 of image 0 holds the top-left pixel of every patch, in raster order
    assert torch.equal(seq[0, :, 0], x[0, 0, ::2, ::2].reshape(-1))
    assert torch.equal(fold_patches(seq, 2, 2, 4, 6), x)


@pytest.mark.parametrize("size", [(8, 8), (7, 5), (1, 1), (3, 10)])
@pytest.mark.parametrize("patch", [2, 4])
def test_mobilevit_block_any_size(size, patch):
    block = MobileViTBlock(12, width=16, heads=2, ffn_dim=24, depth=2, patch=patch).eval()
    x = torch.randn(2, 12, *size)
    with torch.inference_mode():
        assert block(x).shape == x.shape
        assert torch.allclose(block(x.to(memory_format=torch.channels_last)), block(x), atol=1e-5)
