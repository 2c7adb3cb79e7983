"""Stage kinds are registered once: class, builder, analytic cost and batch cost, all by kind."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from dataclasses import dataclass
from typing import ClassVar, Iterator

import pytest
import torch

from hytnas.archspec import STAGE_KINDS, ArchSpec, MV2Stage, StemSpec, check_int, check_kernel, stage_kind
from hytnas.archspec import validate_spec
from hytnas.cost import STAGE_COST_MODELS, Tally, cost_model, stage_costs, summarize
from hytnas.errors import DataError, SpaceError
from hytnas.nn import build_model, count_macs, count_params
from hytnas.nn.blocks import ConvBNAct
from hytnas.nn.builder import STAGE_BUILDERS, stage_builder
from hytnas.predictors.costs import BATCH_COST_MODELS, STAGE_FIELDS, BatchStage, BatchTally, batch_cost_model
from hytnas.predictors.costs import compute_costs

TOY = "toyconv"
REGISTRIES = (STAGE_KINDS, STAGE_BUILDERS, STAGE_COST_MODELS, BATCH_COST_MODELS)


pytestmark = pytest.mark.usefixtures("one_thread")


def test_cost_model_and_archspec_import_no_torch() -> None:
    code = "import sys, hytnas.cost, hytnas.archspec; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_every_registered_kind_has_a_builder_and_both_cost_models() -> None:
    kinds = list(STAGE_KINDS)
    assert kinds == ["mv2", "dwsep", "mobilevit"]
    for registry in (STAGE_BUILDERS, STAGE_COST_MODELS, BATCH_COST_MODELS):
        assert set(registry) == set(kinds), registry.what
    assert all(cls.kind == kind for kind, cls in STAGE_KINDS.items())


# --- a toy kind: plain k x k ConvBNAct layers ---------------------------------------------------


@dataclass(frozen=True)
class ConvStage:
    """``blocks`` plain ``kernel x kernel`` ConvBNAct layers, the first with the stride."""

    kind: ClassVar[str] = TOY
    blocks: int
    out_channels: int
    kernel: int = 3
    stride: int = 1

    def validate(self, where: str) -> None:
        check_int(where, "blocks", self.blocks, 1)
        check_int(where, "out_channels", self.out_channels, 1)
        check_kernel(where, self.kernel)
        check_int(where, "stride", self.stride, 1)


def _build_conv(stage: ConvStage, in_channels: int, act: str) -> list[torch.nn.Module]:
    return [
        ConvBNAct(
            in_channels if j == 0 else stage.out_channels,
            stage.out_channels,
            stage.kernel,
            stage.stride if j == 0 else 1,
            act=act,
        )
        for j in range(stage.blocks)
    ]


def _cost_conv(stage: ConvStage, tally: Tally) -> None:
    for j in range(stage.blocks):
        tally.conv(stage.out_channels, stage.kernel, stage.stride if j == 0 else 1)


def _batch_conv(st: BatchStage) -> None:
    cout, blocks = st.field("out_channels"), st.field("blocks")
    kernel, stride = st.layout("kernel"), st.layout("stride")
    h, w = st.h, st.w
    for b in range(int(blocks.max())):
        s = stride if b == 0 else 1
        ho, wo = math.ceil(h / s), math.ceil(w / s)
        sub = BatchTally(st.n)
        sub.conv(st.c if b == 0 else cout, cout, ho, wo, k=kernel)
        st.acc.add(sub, blocks > b)
        if b == 0:
            h, w = ho, wo
    st.c, st.h, st.w = cout, h, w


@pytest.fixture
def toy_kind() -> Iterator[type]:
    """The toy kind registered everywhere for one test, then unregistered."""
    try:
        stage_kind(ConvStage)
        stage_builder(TOY)(_build_conv)
        cost_model(TOY)(_cost_conv)
        batch_cost_model(TOY)(_batch_conv)
        yield ConvStage
    finally:
        for registry in REGISTRIES:
            registry.unregister(TOY)


LAST_TOY = ConvStage(blocks=1, out_channels=32, kernel=5, stride=2)


def _toy_spec(*toys: ConvStage) -> ArchSpec:
    return ArchSpec(
        stem=StemSpec(out_channels=16),
        stages=(toys[0], MV2Stage(blocks=2, expand=2.0, out_channels=24, stride=2), *toys[1:]),
        head_channels=64,
        name="toy",
    )


def test_toy_kind_builds_and_analytic_costs_match_measured(toy_kind: type) -> None:
    spec = _toy_spec(ConvStage(blocks=2, out_channels=24, stride=2), LAST_TOY)
    model = build_model(spec, num_classes=3)
    assert count_params(model) == summarize(spec, 224, num_classes=3)["params"]
    for resolution in (33, 64, 97):
        assert count_macs(model, resolution) == summarize(spec, resolution, num_classes=3)["macs"]
    costs = stage_costs(spec, 64, num_classes=3)
    assert [c.kind for c in costs] == ["stem", TOY, "mv2", TOY, "head"]
    assert [c.params for c in costs[:-1]] == [count_params(model.stem)] + [count_params(s) for s in model.stages]
    assert (costs[3].out_channels, costs[3].out_height) == (32, 4)
    with torch.inference_mode():
        assert model.eval()(torch.randn(2, 3, 64, 64)).shape == (2, 3)


def test_toy_kind_batch_costs_agree_with_analytic(toy_kind: type) -> None:
    specs = [
        _toy_spec(ConvStage(blocks=b, out_channels=c, stride=2), LAST_TOY)
        for b, c in [(1, 16), (2, 24), (3, 8)]
    ]
    table = compute_costs(specs, 64)
    for i, spec in enumerate(specs):
        ours = table.stages[i]
        theirs = stage_costs(spec, 64)
        for part in (0, 1, 3, 4):  # all but the mv2 stage, whose batch model rounds channels its own way
            assert ours[part, STAGE_FIELDS.index("params")] == theirs[part].params
            assert ours[part, STAGE_FIELDS.index("macs")] == theirs[part].macs
            out = theirs[part]
            assert ours[part, STAGE_FIELDS.index("out_elems")] == out.out_channels * out.out_height * out.out_width


def test_toy_kind_validates_itself_and_roundtrips(toy_kind: type) -> None:
    spec = _toy_spec(ConvStage(blocks=1, out_channels=8, kernel=3))
    assert ArchSpec.from_json(spec.to_json()) == spec
    with pytest.raises(SpaceError, match=r"^stage 0 \(toyconv\): kernel = 4, expected an odd integer >= 1$"):
        validate_spec(dataclasses.replace(spec, stages=(ConvStage(blocks=1, out_channels=8, kernel=4),)))


def test_toy_kind_is_gone_after_the_fixture() -> None:
    assert all(TOY not in registry for registry in REGISTRIES)
    with pytest.raises(SpaceError) as err:
        validate_spec(_toy_spec(ConvStage(blocks=1, out_channels=8)))
    assert str(err.value) == "stage 0: unknown stage type ConvStage, expected mv2, dwsep or mobilevit"


def test_a_kind_without_builder_or_cost_models_is_one_line() -> None:
    """Registered as a stage class only: each consumer names the kind and the kinds it knows."""
    spec = _toy_spec(ConvStage(blocks=1, out_channels=8))
    try:
        stage_kind(ConvStage)
        known = "known kinds: mv2, dwsep, mobilevit"
        with pytest.raises(SpaceError, match=f"^stage kind 'toyconv' has no builder; {known}$"):
            build_model(spec)
        with pytest.raises(SpaceError, match=f"^stage kind 'toyconv' has no analytic cost model; {known}$"):
            summarize(spec, 224)
        with pytest.raises(DataError, match=f"^stage kind 'toyconv' has no batch cost model; {known}$"):
            compute_costs([spec], 224)
    finally:
        STAGE_KINDS.unregister(TOY)


def test_a_kind_registers_once() -> None:
    with pytest.raises(ValueError, match="already registered"):
        cost_model("mv2")(_cost_conv)
    with pytest.raises(TypeError, match="needs a non-empty `kind"):
        stage_kind(StemSpec)
    assert list(STAGE_KINDS) == ["mv2", "dwsep", "mobilevit"]


def test_unknown_kind_in_json_names_the_known_ones() -> None:
    data = {"stem": {"out_channels": 8}, "stages": [{"kind": "conv", "blocks": 1}]}
    with pytest.raises(ValueError, match=r"unknown kind 'conv', expected one of \['dwsep', 'mobilevit', 'mv2'\]"):
        ArchSpec.from_dict(data)

