"""LLM scorers by name: ``embedded`` (default), ``hf`` (local model), ``openai`` (a server)."""

from typing import Any

from saycan.llm.base import LLMError, OptionScores, Scorer
from saycan.registry import Registry

registry: Registry[Scorer] = Registry("llm")
registry.register("embedded", "saycan.llm.embedded:load_embedded")
registry.register("hf", "saycan.llm.hf:HFScorer.from_path")
registry.register("openai", "saycan.llm.openai_server:OpenAIScorer")


def make(id: str, **kwargs: Any) -> Scorer:
    """Build the scorer registered as ``id``; models load here, not at import."""
    return registry.make(id, **kwargs)


__all__ = ["LLMError", "OptionScores", "Scorer", "make", "registry"]
