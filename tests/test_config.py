"""params.yaml validation: clear one-line errors, every key documented, nothing defaulted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from hytnas.config import Params, load_params, parse_params
from hytnas.errors import ConfigError


def test_repository_params_load(repo_root: Path) -> None:
    params = load_params(repo_root / "params.yaml")
    assert params.data.threshold == 0.005


def _keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    out = set()
    for name, field in model.model_fields.items():
        key = prefix + name
        out.add(key)
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out |= _keys(field.annotation, key + ".")
    return out


def _flatten(data: dict, model: type[BaseModel], prefix: str = "") -> set[str]:
    """Keys of ``data`` down to the fields of ``model``'s sections (a free-form mapping such as
    ``search.variants`` is one key)."""
    out = set()
    for key, value in data.items():
        out.add(prefix + key)
        field = model.model_fields.get(key)
        section = field.annotation if field is not None else None
        if isinstance(value, dict) and isinstance(section, type) and issubclass(section, BaseModel):
            out |= _flatten(value, section, prefix + key + ".")
    return out


def test_params_file_sets_every_key(repo_root: Path) -> None:
    data = yaml.safe_load((repo_root / "params.yaml").read_text())
    assert _flatten(data, Params) == _keys(Params)


def test_every_params_key_has_a_comment(repo_root: Path) -> None:
    for number, line in enumerate((repo_root / "params.yaml").read_text().splitlines(), 1):
        if re.match(r"^\s*[A-Za-z_]+:", line):
            assert "#" in line, f"params.yaml line {number} has no comment: {line.strip()}"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"proxy": {"epochz": 3}}, "params.yaml: unknown key 'proxy.epochz'"),
        ({"proxy": {"epochs": 0}}, "proxy.epochs = 0: expected greater than or equal to 1"),
        ({"data": {"threshold": 1.5}}, "data.threshold = 1.5: expected less than 1"),
        ({"data": {"threshold": 0}}, "data.threshold = 0: expected greater than 0"),
        ({"data": {"source": "cocoa"}}, "data.source = 'cocoa': expected 'synthetic' or 'coco'"),
        ({"sample": {"space": "foo"}}, "sample.space = 'foo': unknown space; expected one of released, table1"),
        ({"executor": {"kind": "ray"}}, "executor.kind = 'ray': expected 'local' or 'dask'"),
        ({"data": {"synthetic": {"person_height": [0.9, 0.5]}}}, "data.synthetic.person_height = [0.9, 0.5]: expected [lowest, highest] with 0 < lowest < highest"),
        ({"data": {"synthetic": {"person_height": [0.5]}}}, "data.synthetic.person_height = [0.5]: expected [lowest, highest]"),
        ({"data": {"synthetic": {"person_height": "0.1 0.5"}}}, "data.synthetic.person_height = '0.1 0.5': expected [lowest, highest]"),
        ({"bogus": 1}, "unknown key 'bogus'"),
        ([1, 2], "expected a mapping"),
    ],
)
def test_bad_values_give_one_line(data: object, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_params(data, "params.yaml")
    text = str(info.value)
    assert message in text
    assert "\n" not in text


def test_missing_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read params file"):
        load_params(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("data: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_params(bad)


def test_the_initial_design_default_is_declared_once(repo_root) -> None:
    """``search.initial``, the strategies' default and ``hytnas search``'s default agree."""
    import yaml

    from hytnas.config import INITIAL_DESIGN
    from hytnas.search import get_strategy

    assert parse_params({}).search.initial == INITIAL_DESIGN
    assert yaml.safe_load((repo_root / "params.yaml").read_text())["search"]["initial"] == INITIAL_DESIGN
    for name in ("hytnas", "gp-mobo", "qnehvi"):
        assert get_strategy(name).options["initial"] == INITIAL_DESIGN
