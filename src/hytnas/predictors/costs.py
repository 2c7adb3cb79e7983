"""Analytic, kernel-level costs of a batch of ArchSpecs (no torch): per-stage and per-op-kind.

Kernel-level latency predictors (e.g. nn-Meter) add up the costs of the kernels a network
runs. This module counts, for every stage of every network in a batch, the work of each kind
of kernel the builder emits, vectorized over the batch (all networks in a batch share one
layout: the same sequence of stage kinds, as every genome of a space does).

Conventions (the MobileViT builder of the authors and of :mod:`hytnas.nn`):

- MV2 block: 1x1 expand (skipped when ``expand == 1``), 3x3 depthwise (stride), 1x1 project;
  hidden channels ``int(in_channels * expand)``; every conv is followed by BN (+ SiLU). (The
  authors' rule: :mod:`hytnas.nn` rounds hidden channels with ``make_divisible`` and honours an
  MV2 stage's ``kernel``, so totals differ slightly from :mod:`hytnas.cost`.)
- Depthwise-separable block: 3x3 depthwise (stride), 1x1 pointwise.
- MobileViT block at an ``h x w`` map: 3x3 conv C->C, 1x1 C->d, unfold into patches of
  ``p x p`` (the map is resized to a multiple of ``p`` first, as cvnets does), ``depth``
  pre-norm transformer layers on ``P = p*p`` sequences of ``N = ceil(h/p) * ceil(w/p)`` tokens
  (qkv d->3d, attention, proj d->d, FFN d->f->d), fold, 1x1 d->C, concat, 3x3 conv 2C->C.
- Head: 1x1 conv to ``head_channels``, global pool, linear to ``num_classes``.

A MAC is one multiply-accumulate; activation sizes count elements of one image.

Each stage kind has one batch cost model, registered by kind with :func:`batch_cost_model` in
:data:`BATCH_COST_MODELS`: a function ``fn(stage: BatchStage) -> None`` that adds the kernels of
stage ``stage.index`` of every network to ``stage.acc`` and moves ``stage.c, stage.h, stage.w``
from the stage's input to its output feature map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence, Union

import numpy as np

from hytnas.archspec import ArchSpec, KindRegistry
from hytnas.errors import DataError

# Kinds of kernel whose costs the latency cost model adds up (global features "op_<kind>").
OP_KINDS = (
    "conv_macs",  # full 3x3 (or kxk) convolutions
    "pw_macs",  # 1x1 convolutions
    "dw_macs",  # depthwise convolutions
    "linear_macs",  # transformer qkv, projection and feed-forward matmuls
    "attn_macs",  # attention QK^T and AV matmuls (quadratic in tokens)
    "softmax_elems",  # attention score elements (softmax)
    "norm_elems",  # layer-norm elements
    "act_elems",  # elements written by all kernels (memory traffic)
    "reshape_elems",  # unfold / fold / resize copies
    "kernels",  # number of kernels launched (fixed overhead each)
)
# Per-stage quantities (features "s<k>_<name>").
STAGE_FIELDS = ("macs", "params", "in_elems", "out_elems", "peak_elems", "tokens", "patch_pixels", "attn_macs")


@dataclass(frozen=True)
class CostTable:
    """Costs of ``n`` networks.

    Attributes:
        ops: ``n x len(OP_KINDS)`` whole-network cost per kernel kind.
        stages: ``n x s x len(STAGE_FIELDS)`` per-stage quantities (stem first, head last).
        stage_names: ``s`` labels: ``stem``, ``stage1``..., ``head``.
    """

    ops: np.ndarray
    stages: np.ndarray
    stage_names: tuple[str, ...]


class BatchTally:
    """Vector accumulators (length ``n``) for one stage of a batch of ``n`` networks.

    Attributes:
        ops: per :data:`OP_KINDS` key, the ``n`` costs of that kernel kind.
        params, macs: ``n`` parameter and MAC totals.
        peak: ``n`` largest tensors written (elements).
        attn: ``n`` attention matrix-product MACs (part of ``macs``).
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.ops = {k: np.zeros(n) for k in OP_KINDS}
        self.params = np.zeros(n)
        self.macs = np.zeros(n)
        self.peak = np.zeros(n)
        self.attn = np.zeros(n)

    def conv(self, cin, cout, hout, wout, k: int = 1, depthwise: bool = False) -> None:
        """A ``k x k`` conv + BN writing ``cout x hout x wout`` (``cin == cout`` if depthwise)."""
        cin, cout = np.asarray(cin, float), np.asarray(cout, float)
        out = cout * hout * wout
        if depthwise:
            macs = out * k * k
            self.ops["dw_macs"] += macs
            self.params += cout * k * k + 2 * cout
        else:
            macs = out * cin * k * k
            self.ops["pw_macs" if k == 1 else "conv_macs"] += macs
            self.params += cin * cout * k * k + 2 * cout
        self.macs += macs
        self._write(out)

    def linear(self, tokens, din, dout, *, attn: bool = False) -> None:
        din, dout = np.asarray(din, float), np.asarray(dout, float)
        macs = tokens * din * dout
        self.ops["linear_macs"] += macs
        self.params += din * dout + dout
        self.macs += macs
        self._write(tokens * dout)

    def add(self, other: "BatchTally", mask: np.ndarray) -> None:
        """Add ``other``'s costs for the networks where ``mask`` is true."""
        for key in OP_KINDS:
            self.ops[key] += np.where(mask, other.ops[key], 0.0)
        self.params += np.where(mask, other.params, 0.0)
        self.macs += np.where(mask, other.macs, 0.0)
        self.peak = np.maximum(self.peak, np.where(mask, other.peak, 0.0))

    def _write(self, elems) -> None:
        elems = np.broadcast_to(np.asarray(elems, float), (self.n,))
        self.ops["act_elems"] += elems
        self.ops["kernels"] += 1
        self.peak = np.maximum(self.peak, elems)


def _same_layout(specs: Sequence[ArchSpec]) -> tuple[str, ...]:
    kinds = tuple(s.kind for s in specs[0].stages)
    for i, spec in enumerate(specs):
        if tuple(s.kind for s in spec.stages) != kinds:
            raise DataError(
                f"network {i} ({spec.name or 'unnamed'}) has stages {[s.kind for s in spec.stages]}, "
                f"the first has {list(kinds)}: cost features need one layout per batch"
            )
    return kinds


def _field(specs: Sequence[ArchSpec], index: int, name: str) -> np.ndarray:
    return np.array([float(getattr(s.stages[index], name)) for s in specs])


Side = Union[int, float]  # a feature-map side in pixels, shared by the whole batch


@dataclass
class BatchStage:
    """Stage ``index`` of every network of a batch while a batch cost model adds it up.

    Attributes:
        specs: the ``n`` networks (one layout).
        index: the stage's position in ``spec.stages``.
        c: ``n`` channels of the current feature map (the stage's input, then its output).
        h, w: height and width in pixels of the current feature map (one layout: one size).
        acc: the stage's costs.
        tokens: ``n`` transformer sequence lengths per image (0 without attention).
        pixels: ``n`` pixels per patch (0 without attention).
    """

    specs: Sequence[ArchSpec]
    index: int
    c: np.ndarray
    h: Side
    w: Side
    acc: BatchTally
    tokens: Any = 0.0
    pixels: Any = 0.0

    @property
    def n(self) -> int:
        return len(self.specs)

    def field(self, name: str) -> np.ndarray:
        """``n`` values (float) of the stage's field ``name``."""
        return _field(self.specs, self.index, name)

    def layout(self, name: str) -> Any:
        """The stage's field ``name`` in the first network (for fields one layout fixes: stride)."""
        return getattr(self.specs[0].stages[self.index], name)


BatchCostModel = Callable[[BatchStage], None]
BATCH_COST_MODELS: KindRegistry[BatchCostModel] = KindRegistry("batch cost model", error=DataError)


def batch_cost_model(kind: str) -> Callable[[BatchCostModel], BatchCostModel]:
    """Decorator registering ``fn(stage: BatchStage)``, the batch cost of a stage of ``kind``."""
    return BATCH_COST_MODELS.register(kind)


def _inverted_residuals(st: BatchStage, block_counts: np.ndarray) -> None:
    """``block_counts`` MV2 blocks per network (the first with the stride) from ``st``'s map."""
    n, c, h, w = st.n, st.c, st.h, st.w
    expand = st.field("expand")
    cout = st.field("out_channels")
    stride = st.layout("stride")
    max_blocks = int(block_counts.max())
    for b in range(max_blocks):
        active = block_counts > b  # networks that have this block
        s = stride if b == 0 else 1
        cin = c if b == 0 else cout
        hidden = np.floor(cin * expand)
        ho, wo = math.ceil(h / s), math.ceil(w / s)
        sub, sub_e = BatchTally(n), BatchTally(n)
        has_expand = expand != 1
        sub_e.conv(cin, hidden, h, w, k=1)
        sub.conv(hidden, hidden, ho, wo, k=3, depthwise=True)
        sub.conv(hidden, cout, ho, wo, k=1)
        st.acc.add(sub_e, active & has_expand)
        st.acc.add(sub, active)
        if b == 0:
            h, w = ho, wo
    st.c, st.h, st.w = cout, h, w


@batch_cost_model("mv2")
def _mv2_batch(st: BatchStage) -> None:
    _inverted_residuals(st, st.field("blocks"))


@batch_cost_model("dwsep")
def _dwsep_batch(st: BatchStage) -> None:
    n, c, h, w = st.n, st.c, st.h, st.w
    cout = st.field("out_channels")
    stride = st.layout("stride")
    block_counts = st.field("blocks")
    for b in range(int(block_counts.max())):
        active = block_counts > b
        s = stride if b == 0 else 1
        cin = c if b == 0 else cout
        ho, wo = math.ceil(h / s), math.ceil(w / s)
        sub = BatchTally(n)
        sub.conv(cin, cin, ho, wo, k=3, depthwise=True)
        sub.conv(cin, cout, ho, wo, k=1)
        st.acc.add(sub, active)
        if b == 0:
            h, w = ho, wo
    st.c, st.h, st.w = cout, h, w


@batch_cost_model("mobilevit")
def _mobilevit_batch(st: BatchStage) -> None:
    _inverted_residuals(st, np.ones(st.n))
    n, acc, c, h, w = st.n, st.acc, st.c, st.h, st.w
    d = st.field("width")
    ffn = st.field("ffn_dim")
    depth = st.field("depth")
    patch = st.field("patch")
    acc.conv(c, c, h, w, k=3)
    acc.conv(c, d, h, w, k=1)
    hp = np.ceil(h / patch) * patch
    wp = np.ceil(w / patch) * patch
    pixels = patch * patch
    tokens = (hp / patch) * (wp / patch)
    seq = pixels * tokens  # all token vectors of one image
    resized = (hp != h) | (wp != w)
    reshape = d * seq * 2 + np.where(resized, d * (seq + h * w), 0.0)
    acc.ops["reshape_elems"] += reshape
    acc.ops["kernels"] += 2 + resized * 2
    # transformer layers, scaled by depth (accumulate one layer, multiply)
    layer = BatchTally(n)
    layer.ops["norm_elems"] += 2 * seq * d
    layer.params += 4 * d
    layer.linear(seq, d, 3 * d)
    attn = 2 * pixels * tokens * tokens * d
    layer.ops["attn_macs"] += attn
    layer.macs += attn
    layer.attn += attn
    heads = st.field("heads")
    layer.ops["softmax_elems"] += pixels * heads * tokens * tokens
    layer._write(pixels * heads * tokens * tokens)
    layer._write(seq * d)
    layer.linear(seq, d, d)
    layer.linear(seq, d, ffn)
    layer.linear(seq, ffn, d)
    layer.ops["kernels"] += 4  # norms, residual adds
    for key in OP_KINDS:
        acc.ops[key] += depth * layer.ops[key]
    acc.params += depth * layer.params
    acc.macs += depth * layer.macs
    acc.attn += depth * layer.attn
    acc.peak = np.maximum(acc.peak, layer.peak)
    acc.ops["norm_elems"] += seq * d
    acc.conv(d, c, h, w, k=1)
    acc.ops["reshape_elems"] += 2 * c * h * w  # concat
    acc.conv(2 * c, c, h, w, k=3)
    st.tokens, st.pixels = tokens, pixels


def compute_costs(specs: Sequence[ArchSpec], resolution: int, num_classes: int = 2) -> CostTable:
    """Per-stage and per-kernel-kind costs of ``n`` networks at ``resolution x resolution``.

    Args:
        specs: ``n`` networks sharing one stage layout.
        resolution: input side in pixels.
        num_classes: outputs of the final linear layer.

    Returns:
        A :class:`CostTable` with ``ops`` (``n x 10``) and ``stages`` (``n x s x 8``).

    Raises:
        DataError: no networks, mixed layouts, or a stage kind without a batch cost model.
    """
    if not specs:
        raise DataError("no networks to compute costs for")
    kinds = _same_layout(specs)
    n = len(specs)
    h = w = float(resolution)
    stage_rows: list[np.ndarray] = []
    totals = {k: np.zeros(n) for k in OP_KINDS}

    def close(acc: BatchTally, in_elems, out_elems, tokens=0.0, pixels=0.0) -> None:
        for k in OP_KINDS:
            totals[k] += acc.ops[k]
        row = [acc.macs, acc.params, in_elems, out_elems, acc.peak, tokens, pixels, acc.attn]
        stage_rows.append(np.stack([np.broadcast_to(np.asarray(x, float), (n,)) for x in row], axis=1))

    # stem
    stem = specs[0].stem
    acc = BatchTally(n)
    in_elems = 3 * h * w
    k, st = stem.kernel, stem.stride
    h, w = math.ceil(h / st), math.ceil(w / st)
    c = np.full(n, float(stem.out_channels))
    acc.conv(3, c, h, w, k=k)
    close(acc, in_elems, c * h * w)

    for index, kind in enumerate(kinds):
        model = BATCH_COST_MODELS.lookup(kind)
        stage = BatchStage(specs, index, c, h, w, BatchTally(n))
        in_elems = c * h * w
        model(stage)
        c, h, w = stage.c, stage.h, stage.w
        close(stage.acc, in_elems, c * h * w, stage.tokens, stage.pixels)

    # head: 1x1 conv, pool, linear
    acc = BatchTally(n)
    in_elems = c * h * w
    head = specs[0].head_channels
    if head:
        hc = np.array([float(s.head_channels) for s in specs])
        acc.conv(c, hc, h, w, k=1)
        c = hc
    acc._write(c)  # pooling
    acc.linear(1.0, c, float(num_classes))
    close(acc, in_elems, np.full(n, float(num_classes)))

    names = ("stem",) + tuple(f"stage{i + 1}" for i in range(len(kinds))) + ("head",)
    ops = np.stack([totals[k] for k in OP_KINDS], axis=1)
    return CostTable(ops=ops, stages=np.stack(stage_rows, axis=1), stage_names=names)
