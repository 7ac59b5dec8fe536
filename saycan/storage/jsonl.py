"""JSON-lines files that survive a killed writer: read past a torn last line, append after cutting it off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from saycan.errors import ConfigError


def json_lines(path: Path) -> list[tuple[int, Any]]:
    """(line number, value) of each JSON line of ``path`` ([] if it does not exist).

    A last line without its newline that does not parse (a writer killed mid-line, maybe inside a
    multi-byte character) is skipped; any other line that is not UTF-8 JSON raises `ConfigError` naming
    the file and the line. The file is only read, never changed.
    """
    path = Path(path)
    if not path.exists():
        return []
    lines = path.read_bytes().split(b"\n")
    out = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            out.append((number, json.loads(raw.decode("utf-8"))))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            if number == len(lines):  # no newline after it: torn
                continue
            what = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else "not a JSON line"
            raise ConfigError(f"{path}:{number}: {what}; fix or remove that line (the file is left as it is)") from None
    return out


def read_rows(path: Path, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The complete JSON-object lines of ``path`` ([] if it does not exist), each holding the ``required``
    keys; a torn last line is skipped, any other bad line raises `ConfigError` naming it (`json_lines`)."""
    rows = []
    for number, row in json_lines(path):
        missing = [k for k in required if k not in row] if isinstance(row, dict) else list(required)
        if not isinstance(row, dict) or missing:
            need = f"an object with {', '.join(map(repr, required))}" if required else "an object"
            raise ConfigError(
                f"{path}:{number}: {json.dumps(row)[:80]} is not a row ({need}); fix or remove that line "
                "(the file is left as it is)"
            )
        rows.append(row)
    return rows


def open_for_append(path: Path) -> IO[str]:
    """Open ``path`` to append rows, first cutting a torn last line (no trailing newline) off.

    Without the cut, the next row would be glued to the fragment and lost with it.
    """
    path = Path(path)
    if path.exists():
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            with path.open("r+b") as f:
                f.truncate(data.rfind(b"\n") + 1)
    return path.open("a")
