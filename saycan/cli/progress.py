"""The progress bar every saycan CLI shows: description, bar, done/total, time left."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

T = TypeVar("T")


def progress_bar(console: Console) -> Progress:
    """A rich `Progress` with saycan's columns; use it as a context manager."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    return Progress(*columns, console=console)


def track(console: Console, description: str, items: Iterable[T], total: int, completed: int = 0) -> list[T]:
    """Consume ``items`` (e.g. episodes finishing in worker processes) under one bar; returns them."""
    done = []
    with progress_bar(console) as progress:
        task = progress.add_task(description, total=total, completed=completed)
        for item in items:
            done.append(item)
            progress.advance(task)
    return done
