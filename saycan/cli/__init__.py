"""How every saycan command starts: argv prepared and checked, one console pair, one error trap.

    @command("config", text_keys=("instruction", "goal"), positional="instruction")
    def main(cfg: DictConfig, ctx: Context) -> None: ...

    if __name__ == "__main__":
        main()

Before Hydra runs, text values are quoted and overrides are checked (`saycan.cli.overrides`); a bad
one is one line on stderr and exit code 2, before any model loads. Inside, our own errors
(`saycan.errors.user_error`) end the same way; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from omegaconf import DictConfig

from saycan.errors import ConfigError, user_error
from saycan.storage.resources import conf_dir

if TYPE_CHECKING:
    from rich.console import Console

USER_ERROR_EXIT = 2
# Hydra logs INFO: the HTTP clients (under openai 1-2 and 3) would print a line per request between the
# score tables, and openai one per retry, which its scorer's error counts instead.
QUIET_LOGGERS = ("httpx", "httpx2", "openai")


@dataclass
class Context:
    """What a command body gets besides its config.

    Attributes:
        console: Rich console on stdout (tables, results).
        err: Rich console on stderr (errors, warnings, progress).
        out: The run directory Hydra made (or the working directory for commands that make none).
    """

    console: Console
    err: Console
    out: Path

    def path(self, value: str) -> Path:
        """A path from config: as given when absolute, else inside the run directory."""
        return Path(value) if Path(value).is_absolute() else self.out / value


def fail(err: Console, message: object) -> NoReturn:
    """Print ``error: message`` as one line on ``err`` and exit with code 2."""
    from rich.markup import escape

    err.print(f"[red]error:[/] {escape(str(message))}", highlight=False, soft_wrap=True)
    sys.exit(USER_ERROR_EXIT)


def command(
    config_name: str,
    *,
    text_keys: Sequence[str] = (),
    positional: str | None = None,
    hints: Mapping[str, str] | None = None,
) -> Callable[[Callable[[DictConfig, Context], None]], Callable[[], None]]:
    """Turn ``body(cfg, ctx)`` into a command's ``main()`` on ``conf/<config_name>.yaml``.

    Args:
        config_name: The Hydra config the command composes.
        text_keys: Keys whose values are free text (quoted for Hydra, see `overrides.prepare`).
        positional: The key bare words on the command line fill (``"instruction"``).
        hints: ``???`` key -> the one-line message shown when it is left unset.
    """

    def wrap(body: Callable[[DictConfig, Context], None]) -> Callable[[], None]:
        import hydra
        from hydra.core.hydra_config import HydraConfig
        from rich.console import Console

        @hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name=config_name)
        def hydra_main(cfg: DictConfig) -> None:
            out = Path(HydraConfig.get().runtime.output_dir) if HydraConfig.initialized() else Path.cwd()
            for name in QUIET_LOGGERS:
                logging.getLogger(name).setLevel(logging.WARNING)
            ctx = Context(Console(), Console(stderr=True), out)
            try:
                body(cfg, ctx)
            except Exception as exc:  # only our own errors become one line; anything else is a bug
                shown = user_error(exc)
                if shown is None:
                    raise
                fail(ctx.err, shown)

        def main() -> None:
            from saycan.cli.overrides import override_error, prepare

            err = Console(stderr=True)
            try:
                argv = prepare(sys.argv[1:], text_keys, positional)
            except ConfigError as exc:
                fail(err, exc)
            problem = override_error(config_name, argv, hints)
            if problem:
                fail(err, problem)
            sys.argv = [sys.argv[0], *argv]
            hydra_main()

        main.__doc__ = body.__doc__
        return main

    return wrap
