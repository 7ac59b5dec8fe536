"""Command-line overrides checked before Hydra runs a CLI, so a bad one is one line, not Hydra's report."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from saycan.resources import conf_dir


def override_error(config_name: str, argv: Sequence[str]) -> str | None:
    """Why the overrides in ``argv`` cannot compose ``config_name``, on one line; None when they can.

    Only plain ``key=value`` runs are checked here: with Hydra's own flags (``-m``, ``--cfg``,
    ``--help``), Hydra checks and reports as usual. ``hydra.*`` keys are Hydra's to check.
    """
    if any(arg.startswith("-") for arg in argv):
        return None
    argv = [arg for arg in argv if not arg.lstrip("+~").startswith("hydra.")]
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    try:
        with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
            compose(config_name, overrides=list(argv))
    except (HydraException, OmegaConfBaseException) as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        detail = "; ".join(line for line in lines if not line.startswith(("provider=", "Config search path")))
        return "bad override: " + detail.replace(":; ", ": ").replace(".; ", ". ")
    return None


def check_overrides(config_name: str) -> None:
    """Exit with code 2 and one line on stdout when this process's overrides cannot compose ``config_name``."""
    error = override_error(config_name, sys.argv[1:])
    if error:
        print(f"error: {error}")
        sys.exit(2)
