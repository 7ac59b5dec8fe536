"""saycan/storage/jsonl.py: rows survive a writer killed mid-line."""

import re

import pytest

from saycan.errors import ConfigError
from saycan.storage.jsonl import open_for_append, read_rows


def test_a_torn_last_line_is_skipped_when_read(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"id": 1}\n{"id": 2}\n{"id": 3, "pla')
    assert read_rows(path) == [{"id": 1}, {"id": 2}]


def test_a_missing_file_has_no_rows(tmp_path):
    assert read_rows(tmp_path / "none.jsonl") == []


def test_appending_after_a_torn_line_cuts_it_off_so_the_next_row_is_whole(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"id": 1}\n{"id": 2, "pla')
    with open_for_append(path) as f:
        f.write('{"id": 2}\n')
    assert path.read_text() == '{"id": 1}\n{"id": 2}\n'
    assert read_rows(path) == [{"id": 1}, {"id": 2}]


def test_appending_to_a_whole_file_keeps_every_row(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"id": 1}\n')
    with open_for_append(path) as f:
        f.write('{"id": 2}\n')
    assert read_rows(path) == [{"id": 1}, {"id": 2}]


@pytest.mark.parametrize(
    ("line", "says"),
    [(b"{}", "{} is not a row (an object with 'id')"), (b"123", "123 is not a row"),
     (b"\xff\xfe oops", "not UTF-8"), (b'{"id": 2, "pla', "not a JSON line")],
)  # fmt: skip
def test_a_bad_complete_line_is_a_one_line_error_naming_it_and_the_file_is_kept(tmp_path, line, says):
    path = tmp_path / "rows.jsonl"
    data = b'{"id": 1}\n' + line + b'\n{"id": 3}\n'
    path.write_bytes(data)
    with pytest.raises(ConfigError, match=f"rows.jsonl:2: {re.escape(says)}"):
        read_rows(path, ("id",))
    assert path.read_bytes() == data


def test_a_last_line_torn_inside_a_multibyte_character_is_skipped(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"id": 1}\n' + '{"id": "café'.encode()[:-1])
    assert read_rows(path) == [{"id": 1}]
