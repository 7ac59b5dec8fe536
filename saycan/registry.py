"""A gymnasium-style registry: specs registered by name, built lazily with `make`."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from saycan.errors import ConfigError, choices_hint

T = TypeVar("T")


@dataclass(frozen=True)
class Spec:
    """How to build one registered thing.

    Attributes:
        id: Unique name, e.g. ``"embedded"`` or ``"pick_up"``.
        entry_point: A callable, or a ``"package.module:Attr"`` string imported only
            when `make` is called, so registering never loads heavy dependencies.
        kwargs: Default keyword arguments; `make` overrides them.
    """

    id: str
    entry_point: str | Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)


def load_entry_point(entry_point: str | Callable[..., Any]) -> Callable[..., Any]:
    """Resolve ``"module:Attr"`` to the object it names (callables pass through)."""
    if callable(entry_point):
        return entry_point
    module_name, sep, attr = entry_point.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(f"entry_point {entry_point!r} must look like 'package.module:Attr'")
    target: Any = importlib.import_module(module_name)
    for part in attr.split("."):  # "module:Class.classmethod" is allowed
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ConfigError(f"entry_point {entry_point!r}: {module_name!r} has no attribute {attr!r}") from None
    return target


class Registry(Generic[T]):
    """Named specs of one kind of part (skills, LLM scorers, ...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._specs: dict[str, Spec] = {}

    def register(
        self, id: str, entry_point: str | Callable[..., T], /, *, override: bool = False, **kwargs: Any
    ) -> Spec:
        """Add a spec; a duplicate id raises unless ``override=True``."""
        if not isinstance(id, str) or not id.strip():
            raise ConfigError(f"{self.kind} id must be a non-empty string, got {id!r}")
        if id in self._specs and not override:
            raise ConfigError(f"{self.kind} {id!r} is already registered; pass override=True to replace it")
        spec = Spec(id=id, entry_point=entry_point, kwargs=dict(kwargs))
        self._specs[id] = spec
        return spec

    def unregister(self, id: str) -> None:
        self.spec(id)
        del self._specs[id]

    def spec(self, id: str) -> Spec:
        """The spec registered as ``id``.

        Raises:
            ConfigError: an unknown id, listing the known ones (with "did you mean").
        """
        try:
            return self._specs[id]
        except (KeyError, TypeError):
            raise ConfigError(f"unknown {self.kind} {id!r}; {choices_hint(str(id), self._specs)}") from None

    def make(self, id: str | None = None, /, **kwargs: Any) -> T:
        """Build the part registered as ``id``, with ``kwargs`` over the spec's defaults.

        Config passes the id as a key (``_target_: saycan.llm.make``, ``id: embedded``), so a
        missing positional id is taken from ``kwargs["id"]``.
        """
        if id is None:
            if "id" not in kwargs:
                raise ConfigError(f"no {self.kind} id given; {choices_hint('', self._specs)}")
            id = kwargs.pop("id")
        spec = self.spec(id)
        factory = load_entry_point(spec.entry_point)
        return factory(**{**spec.kwargs, **kwargs})

    def __contains__(self, id: object) -> bool:
        return id in self._specs

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._specs))

    def __len__(self) -> int:
        return len(self._specs)
