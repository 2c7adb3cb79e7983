"""``hytnas.io.read_json``: the one reader of JSON input files, one DataError line per failure."""

from __future__ import annotations

import pytest

from hytnas.errors import DataError
from hytnas.io import read_json


def test_reads_any_json_value(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('[1, {"b": null}]', encoding="utf-8")
    assert read_json(path, "a list") == [1, {"b": None}]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"a\.json: not found; expected a thing$"),
        (b'{"a": 1,\n "b": }', r"a\.json: not valid JSON \(Expecting value at line 2, column 7\); expected a thing$"),
        (b"\xff\xfe{}", r"a\.json: not UTF-8 text; expected a thing$"),
    ],
)
def test_failures_are_one_line_naming_the_file(tmp_path, content, message):
    path = tmp_path / "a.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataError, match=message) as error:
        read_json(path, "a thing")
    assert "\n" not in str(error.value)


def test_a_folder_cannot_be_read(tmp_path):
    with pytest.raises(DataError, match=r"cannot be read \(Is a directory\); expected a thing$"):
        read_json(tmp_path, "a thing")


def test_shown_name_replaces_the_path(tmp_path):
    with pytest.raises(DataError, match=r"^reports/x\.json: not found"):
        read_json(tmp_path / "x.json", "a report", shown="reports/x.json")
