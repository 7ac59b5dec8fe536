"""saycan/storage/jsonl.py: rows survive a writer killed mid-line."""

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
