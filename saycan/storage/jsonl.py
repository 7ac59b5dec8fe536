"""JSON-lines files that survive a killed writer: read past a torn last line, append after cutting it off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The complete JSON lines of ``path`` ([] if it does not exist); a torn line is skipped."""
    path = Path(path)
    rows = []
    for line in path.read_text().splitlines() if path.exists() else []:
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
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
