"""Network building blocks, each written once.

The layer structure follows timm's MobileViT (``timm/models/mobilevit.py``: ``MobileVitBlock``,
``_inverted_residual_block``, ``_mobilevit_block``; ``timm/models/byobnet.py``:
``BottleneckBlock``; ``timm/layers``: ``ConvNormAct``, ``make_divisible``) so that parameter
counts agree exactly with ``timm.create_model("mobilevit_*")``:

- every convolution is bias-free and followed by BatchNorm; activations are SiLU unless told;
- an inverted residual's hidden width is ``make_divisible(in_ch * expand)`` (timm's
  ``bottle_in=True`` bottleneck), its projection is linear (no activation), and it adds its
  input when the stride is 1 and the channels do not change;
- transformer layers are pre-norm with a biased qkv projection and a 2-layer MLP.

One deliberate difference from timm: an inverted residual with ``expand == 1`` has no 1x1
expansion convolution (MobileNetV2, ml-cvnets and torchvision skip it; timm's MobileViT
configurations never use ``expand == 1``).

Shapes use ``B`` batch, ``C`` channels, ``H x W`` spatial size, ``N`` sequence length,
``D`` embedding width.
"""

from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from hytnas.archspec import ir_hidden_channels, make_divisible  # torch-free, shared with hytnas.cost
from hytnas.errors import SpaceError

__all__ = [
    "ACTIVATIONS",
    "ConvBNAct",
    "DepthwiseSeparable",
    "FeedForward",
    "InvertedResidual",
    "MobileViTBlock",
    "SelfAttention",
    "TransformerEncoderLayer",
    "fold_patches",
    "ir_hidden_channels",
    "make_activation",
    "make_divisible",
    "unfold_patches",
]

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "silu": nn.SiLU,
    "relu": nn.ReLU,
    "relu6": nn.ReLU6,
    "gelu": nn.GELU,
    "hardswish": nn.Hardswish,
}


def make_activation(name: str | None) -> nn.Module:
    """A fresh activation module by name (``None`` gives ``nn.Identity``)."""
    if name is None:
        return nn.Identity()
    if name not in ACTIVATIONS:
        raise SpaceError(f"activation {name!r} unknown; expected one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


class ConvBNAct(nn.Module):
    """``k x k`` convolution (no bias, 'same' padding), BatchNorm, optional activation.

    Shapes: ``B x in_ch x H x W`` -> ``B x out_ch x ceil(H / stride) x ceil(W / stride)``.

    Args:
        in_ch: input channels.
        out_ch: output channels.
        kernel: square kernel size (odd).
        stride: spatial stride.
        groups: convolution groups (``in_ch`` for depthwise).
        act: activation name, or ``None`` for a linear output.
    """

    def __init__(
        self, in_ch: int, out_ch: int, kernel: int = 3, stride: int = 1, groups: int = 1, act: str | None = "silu"
    ) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_ch, out_ch, kernel, stride=stride, padding=kernel // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(out_ch)
        self.act = make_activation(act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.bn(self.conv(x)))


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand -> ``k x k`` depthwise (stride) -> linear 1x1 project.

    The expansion is skipped when ``expand == 1``; the input is added when ``stride == 1``
    and ``in_ch == out_ch``. Hidden width: :func:`ir_hidden_channels`.

    Shapes: ``B x in_ch x H x W`` -> ``B x out_ch x ceil(H / stride) x ceil(W / stride)``.
    """

    def __init__(
        self, in_ch: int, out_ch: int, stride: int = 1, expand: float = 4.0, kernel: int = 3, act: str = "silu"
    ) -> None:
        super().__init__()
        hidden = ir_hidden_channels(in_ch, expand)
        self.use_residual = stride == 1 and in_ch == out_ch
        self.expand = ConvBNAct(in_ch, hidden, 1, act=act) if expand != 1 else nn.Identity()
        self.dw = ConvBNAct(hidden, hidden, kernel, stride=stride, groups=hidden, act=act)
        self.project = ConvBNAct(hidden, out_ch, 1, act=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.project(self.dw(self.expand(x)))
        return x + out if self.use_residual else out


class DepthwiseSeparable(nn.Module):
    """MobileNetV1 block: ``k x k`` depthwise conv (stride) + BN + act, 1x1 conv + BN + act.

    Shapes: ``B x in_ch x H x W`` -> ``B x out_ch x ceil(H / stride) x ceil(W / stride)``.
    """

    def __init__(self, in_ch: int, out_ch: int, stride: int = 1, kernel: int = 3, act: str = "silu") -> None:
        super().__init__()
        self.dw = ConvBNAct(in_ch, in_ch, kernel, stride=stride, groups=in_ch, act=act)
        self.pw = ConvBNAct(in_ch, out_ch, 1, act=act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pw(self.dw(x))


class SelfAttention(nn.Module):
    """Multi-head self-attention with a biased qkv projection and an output projection.

    Shapes: ``B x N x D`` -> ``B x N x D``; ``D`` must be a multiple of ``heads``.
    """

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        if dim % heads:
            raise SpaceError(f"attention width {dim} is not a multiple of heads {heads}")
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=True)
        self.proj = nn.Linear(dim, dim, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)  # each B x heads x N x D/heads
        out = F.scaled_dot_product_attention(q, k, v)
        return self.proj(out.transpose(1, 2).reshape(b, n, d))


class FeedForward(nn.Module):
    """Two linear layers with an activation between: ``D -> hidden -> D``.

    Shapes: ``B x N x D`` -> ``B x N x D``.
    """

    def __init__(self, dim: int, hidden: int, act: str = "silu") -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = make_activation(act)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class TransformerEncoderLayer(nn.Module):
    """Pre-norm transformer layer: ``x + attn(ln(x))`` then ``x + mlp(ln(x))``.

    Shapes: ``B x N x D`` -> ``B x N x D``.

    Args:
        dim: embedding width ``D``.
        heads: attention heads (``D % heads == 0``).
        ffn_dim: hidden width of the feed-forward MLP.
        act: activation of the MLP (timm's MobileViT uses SiLU).
    """

    def __init__(self, dim: int, heads: int, ffn_dim: int, act: str = "silu") -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = SelfAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = FeedForward(dim, ffn_dim, act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


def unfold_patches(x: torch.Tensor, patch: int) -> torch.Tensor:
    """Feature map to patch sequences, as MobileViT does.

    Shapes: ``B x D x H x W`` (H, W multiples of ``patch``) -> ``(B * patch**2) x N x D`` with
    ``N = (H / patch) * (W / patch)``: one sequence per pixel position inside a patch.
    """
    b, d, h, w = x.shape
    nh, nw = h // patch, w // patch
    x = x.reshape(b, d, nh, patch, nw, patch).permute(0, 3, 5, 2, 4, 1)  # B x p x p x nh x nw x D
    return x.reshape(b * patch * patch, nh * nw, d)


def fold_patches(x: torch.Tensor, batch: int, patch: int, height: int, width: int) -> torch.Tensor:
    """Inverse of :func:`unfold_patches`.

    Shapes: ``(batch * patch**2) x N x D`` -> ``batch x D x height x width``.
    """
    d = x.shape[-1]
    nh, nw = height // patch, width // patch
    x = x.reshape(batch, patch, patch, nh, nw, d).permute(0, 5, 3, 1, 4, 2)  # B x D x nh x p x nw x p
    return x.reshape(batch, d, height, width)


class MobileViTBlock(nn.Module):
    """MobileViT block (Mehta & Rastegari, 2022), laid out as timm's ``MobileVitBlock``.

    local ``3x3`` ConvBNAct (C -> C) -> 1x1 conv (C -> D, no BN/act) -> unfold into
    ``patch x patch`` patches -> ``depth`` transformer layers -> LayerNorm -> fold ->
    1x1 ConvBNAct (D -> C) -> concat with the block input -> ``3x3`` ConvBNAct (2C -> C).

    A feature map whose side is not a multiple of ``patch`` is resized (bilinear) up to the
    next multiple before unfolding and back after folding.

    Shapes: ``B x C x H x W`` -> ``B x C x H x W``.

    Args:
        channels: ``C``, input and output channels.
        width: transformer width ``D`` (a multiple of ``heads``).
        heads: attention heads.
        ffn_dim: feed-forward hidden width.
        depth: transformer layers.
        patch: patch side in pixels.
        act: activation of the convolutions and the MLPs.
    """

    def __init__(
        self, channels: int, width: int, heads: int, ffn_dim: int, depth: int, patch: int = 2, act: str = "silu"
    ) -> None:
        super().__init__()
        self.patch = patch
        self.conv_kxk = ConvBNAct(channels, channels, 3, act=act)
        self.conv_1x1 = nn.Conv2d(channels, width, 1, bias=False)
        self.transformer = nn.Sequential(
            *[TransformerEncoderLayer(width, heads, ffn_dim, act) for _ in range(depth)]
        )
        self.norm = nn.LayerNorm(width)
        self.conv_proj = ConvBNAct(width, channels, 1, act=act)
        self.conv_fusion = ConvBNAct(2 * channels, channels, 3, act=act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        y = self.conv_1x1(self.conv_kxk(x))
        b, _, h, w = y.shape
        p = self.patch
        new_h, new_w = math.ceil(h / p) * p, math.ceil(w / p) * p
        resized = (new_h, new_w) != (h, w)
        if resized:
            y = F.interpolate(y, size=(new_h, new_w), mode="bilinear", align_corners=False)
        tokens = self.norm(self.transformer(unfold_patches(y, p)))
        y = fold_patches(tokens, b, p, new_h, new_w)
        if resized:
            y = F.interpolate(y, size=(h, w), mode="bilinear", align_corners=False)
        y = self.conv_proj(y)
        return self.conv_fusion(torch.cat((shortcut, y), dim=1))
