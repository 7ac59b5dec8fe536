"""saycan commands run inside the test process as a shell would run them: argv in; exit code, stdout, stderr out.

A fresh interpreter per command spends most of its time importing torch and transformers and loading
MiniLM; in-process, a test worker pays that once. Tests of what only a real process shows (a SIGKILL,
a terminal on stdin, the module entry point itself) still start one.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import signal
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finished:
    """What the command left: its exit code and everything it printed."""

    returncode: int
    stdout: str
    stderr: str


def _too_long(signum: int, frame: object) -> None:
    raise TimeoutError("the command ran past its timeout")


def run_command(module: str, argv: Sequence[str], cwd: Path, timeout: int = 600) -> Finished:
    """``python -m module *argv`` in ``cwd``, in this process (``module``: the one holding ``main``, e.g.
    ``saycan.eval.__main__``); warnings are ignored as PYTHONWARNINGS=ignore does. A command still running
    after ``timeout`` seconds raises TimeoutError, as ``subprocess.run(timeout=...)`` would."""
    main = importlib.import_module(module).main
    out, err = io.StringIO(), io.StringIO()
    saved_argv, saved_cwd, code = sys.argv, Path.cwd(), 0
    sys.argv = [module, *argv]
    os.chdir(cwd)
    saved_handler = signal.signal(signal.SIGALRM, _too_long)  # tests run in the main thread, as xdist's do
    signal.alarm(timeout)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                main()
            except SystemExit as exc:  # what the process would have exited with
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, saved_handler)
        sys.argv = saved_argv
        os.chdir(saved_cwd)
    return Finished(code, out.getvalue(), err.getvalue())
