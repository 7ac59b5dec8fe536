"""Where saycan caches converted models on the user's machine."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$SAYCAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/saycan``, else ``~/.cache/saycan``."""
    if os.environ.get("SAYCAN_CACHE_DIR"):
        return Path(os.environ["SAYCAN_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "saycan"
