"""Analytic costs agree with the builder's own per-stage accounting."""

from __future__ import annotations

import numpy as np
import pytest

from hytnas.cost import summarize
from hytnas.errors import DataError
from hytnas.predictors.costs import OP_KINDS, STAGE_FIELDS, compute_costs
from hytnas.space import get_space, list_spaces


@pytest.mark.parametrize("space_name", list_spaces())
def test_shapes_and_totals(space_name: str) -> None:
    space = get_space(space_name)
    specs = space.specs(space.sample(30, seed=1))
    table = compute_costs(specs, 224)
    n_parts = len(specs[0].stages) + 2
    assert table.ops.shape == (30, len(OP_KINDS))
    assert table.stages.shape == (30, n_parts, len(STAGE_FIELDS))
    macs_by_kind = table.ops[:, [OP_KINDS.index(k) for k in OP_KINDS if k.endswith("_macs")]].sum(1)
    np.testing.assert_allclose(macs_by_kind, table.stages[:, :, 0].sum(1), rtol=1e-9)
    assert (table.ops >= 0).all()


@pytest.mark.parametrize("space_name", list_spaces())
def test_agrees_with_analytic_cost_model(space_name: str) -> None:
    space = get_space(space_name)
    specs = space.specs(space.sample(40, seed=2))
    table = compute_costs(specs, 224)
    ours_macs, ours_params = table.stages[:, :, 0].sum(1), table.stages[:, :, 1].sum(1)
    theirs = [summarize(s, 224) for s in specs]
    np.testing.assert_allclose(ours_macs, [t["macs"] for t in theirs], rtol=0.01)
    np.testing.assert_allclose(ours_params, [t["params"] for t in theirs], rtol=0.02)


def test_bigger_patches_mean_fewer_tokens() -> None:
    space = get_space("released")
    g = list(space.sample(1, seed=3)[0])
    patch_dim = space.dim_names.index("att1.patch")
    specs = []
    for i in range(3):
        g[patch_dim] = i
        specs.append(space.to_spec(g))
    tokens = compute_costs(specs, 224).stages[:, 3, STAGE_FIELDS.index("tokens")]
    assert tokens[0] > tokens[1] > tokens[2]


def test_mixed_layouts_are_refused() -> None:
    a = get_space("table1").to_spec((0,) * 18)
    b = get_space("released").to_spec((0,) * 23)
    from dataclasses import replace

    c = replace(b, stages=b.stages[:-1])
    with pytest.raises(DataError, match="one layout per batch"):
        compute_costs([a, c], 224)
