"""Generic space behaviour, checked for every registered space."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hytnas.archspec import ArchSpec, MobileViTStage
from hytnas.errors import SpaceError
from hytnas.space import get_space, list_spaces

SPACES = list_spaces()


def test_registry_lists_both_spaces() -> None:
    assert {"table1", "released"} <= set(SPACES)


def test_unknown_space_names_the_known_ones() -> None:
    with pytest.raises(SpaceError, match="unknown space 'nope'.*released, table1"):
        get_space("nope")


def test_table1_size_is_the_papers() -> None:
    assert get_space("table1").size() == 48**2 * 81**3 == 1_224_440_064


def test_released_size_counts_23_dimensions() -> None:
    space = get_space("released")
    assert space.n_dims == 23
    assert space.size() == 4 * 4**3 * 3**5 * 4 * 3**4 * 3**3 * 3**3 * 3**3


@pytest.mark.parametrize("name", SPACES)
def test_arch_id_round_trips(name: str) -> None:
    space = get_space(name)
    genomes = space.sample(500, seed=3)
    ids = [space.arch_id(g) for g in genomes]
    assert len(set(ids)) == 500
    for genome, arch_id in zip(genomes, ids):
        assert space.parse_arch_id(arch_id) == tuple(genome)


@pytest.mark.parametrize("name", SPACES)
def test_encode_values_round_trip(name: str) -> None:
    space = get_space(name)
    for genome in space.sample(50, seed=1):
        assert space.encode(space.values(genome)) == tuple(genome)


@pytest.mark.parametrize("name", SPACES)
@pytest.mark.parametrize("method", ["uniform", "lhs"])
def test_sampling_is_seeded_distinct_and_in_range(name: str, method: str) -> None:
    space = get_space(name)
    a = space.sample(200, seed=(7, 1), method=method)
    b = space.sample(200, seed=(7, 1), method=method)
    c = space.sample(200, seed=(8, 1), method=method)
    assert a.shape == (200, space.n_dims)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert len({tuple(g) for g in a}) == 200
    assert (a >= 0).all() and (a < space.cardinalities).all()


def test_lhs_covers_every_choice_evenly() -> None:
    space = get_space("table1")
    genomes = space.sample_lhs(120, seed=0)
    for j, k in enumerate(space.cardinalities):
        counts = np.bincount(genomes[:, j], minlength=k)
        assert counts.max() - counts.min() <= 1, space.dims[j].name


@pytest.mark.parametrize(
    "arch_id, message",
    [
        ("b2e4c16", "1 stage"),
        ("b2e4c16-b3e2c24-e2m1.5h2f2-e4m2h4f1-e1m1h1x1.5", "stage att3"),
        ("b2e4c16-b3e2c24-e2m1.5h2f2-e4m2h4f1-e1m1h1f3", "att3.ffn = 3 is not allowed"),
        ("b9e4c16-b3e2c24-e2m1.5h2f2-e4m2h4f1-e1m1h1f1", "conv1.blocks = 9"),
        ("", "0 stage"),
    ],
)
def test_malformed_arch_ids_raise_one_clear_error(arch_id: str, message: str) -> None:
    with pytest.raises(SpaceError, match=message):
        get_space("table1").parse_arch_id(arch_id)


def test_validate_rejects_bad_genomes() -> None:
    space = get_space("table1")
    with pytest.raises(SpaceError, match="expected 18"):
        space.validate((0,) * 3)
    with pytest.raises(SpaceError, match="conv1.blocks: index 4"):
        space.validate((4,) + (0,) * 17)


@pytest.mark.parametrize("name", SPACES)
def test_specs_are_json_serializable_and_consistent(name: str) -> None:
    space = get_space(name)
    for genome in space.sample(100, seed=5):
        spec = space.to_spec(genome)
        assert ArchSpec.from_json(json.dumps(spec.to_dict())) == spec
        for stage in spec.stages:
            if isinstance(stage, MobileViTStage):
                assert stage.width % stage.heads == 0
                assert stage.width <= stage.out_channels < 2 * stage.width
        assert spec.head_channels == 4 * spec.stages[-1].out_channels


def test_table1_fixes_mobilevit_choices() -> None:
    space = get_space("table1")
    spec = space.to_spec(space.parse_arch_id("b2e4c16-b3e2c24-e2m1.5h2f2-e4m2h4f1-e1m1h1f1.5"))
    conv1, conv2, att1, att2, att3 = spec.stages
    assert (conv1.blocks, conv1.expand, conv1.out_channels, conv1.stride) == (2, 4.0, 16, 1)
    assert (conv2.blocks, conv2.stride) == (3, 2)
    assert [s.depth for s in (att1, att2, att3)] == [2, 4, 3]
    assert {s.patch for s in (att1, att2, att3)} == {2}
    assert [s.out_channels for s in (att1, att2, att3)] == [36, 72, 72]
    assert [s.width for s in (att1, att2, att3)] == [32, 64, 64]
    assert [s.ffn_dim for s in (att1, att2, att3)] == [64, 64, 96]
    assert spec.stem.out_channels == 16 and spec.head_channels == 288
