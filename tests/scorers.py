"""LLM stand-ins for tests of the planner and the harnesses built on it."""

from saycan.llm.base import OptionScores, Scorer


class PreferenceScorer(Scorer):
    """An LLM stand-in that prefers, at step t, the t-th text of `wishes`, cycling (log p = 0 vs -5);
    a tuple of texts is several equally preferred ones."""

    def __init__(self, wishes):
        self.wishes, self.prompts = wishes, []

    def score(self, prompt, options):
        self.prompts.append(prompt)
        last = prompt.splitlines()[-1]
        step = last.count(",") + 1 if "1. " in last else 1
        wish = self.wishes[(step - 1) % len(self.wishes)]
        wanted = {wish} if isinstance(wish, str) else set(wish)
        return OptionScores([0.0 if o.strip() in wanted else -5.0 for o in options], [1] * len(options))
