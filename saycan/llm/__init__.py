"""LLM scorers by name: ``embedded`` (default), ``hf`` (local model), ``openai`` (a server)."""

from saycan.llm.base import LLMError, OptionScores, Scorer
from saycan.registry import Registry

registry: Registry[Scorer] = Registry("llm")
registry.register("embedded", "saycan.llm.embedded:load_embedded")
registry.register("hf", "saycan.llm.hf:HFScorer.from_path")
registry.register("openai", "saycan.llm.openai_client:OpenAIScorer")
make = registry.make  # _target_: saycan.llm.make in conf/llm/*.yaml; models load here, not at import

__all__ = ["LLMError", "OptionScores", "Scorer", "make", "registry"]
