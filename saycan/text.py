"""Text similarity for hold-outs: near-copies of measured requests, and scene names masked to compare shapes.

Near-copies are found so they can be held out of the prompt and of training data. A bank entry or a
training request is near a measured request when their MiniLM cosine is at least the threshold on the
plain text or on the text with scene names masked (its shape), or when, once case, punctuation,
articles and prepositions are dropped, it holds the measured request's words in a row: the same text
("put the sponge in the trash can" and "put sponge on trash can") or the request wrapped in more words
("When you have a moment, throw away the water bottle" holds "throw away the water bottle", though
their cosine is 0.85 less a hair).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

# Words dropped before comparing texts literally: articles, prepositions, particles.
FILLER = frozenset(
    "a an the some to in on at of for from into onto off out up down with by over under near back "
    "towards toward inside onto upon".split()
)
DEFAULT_THRESHOLD = 0.85
# Scene names are replaced by this word to compare requests by their structure alone.
NAME_MASK = "something"


def name_pattern(names: Sequence[str]) -> re.Pattern[str]:
    """Matches any of ``names`` as whole words, ignoring case, the longest first.

    Compiled once per scene: ``name_pattern(names).sub(NAME_MASK, text)`` masks a text.
    """
    alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def name_said(name: str, *, plural: bool = True, after: str = "") -> str:
    """The regex for ``name`` said in a request: the whole name (also as a plural, "apples", unless not
    ``plural``), never part of a hyphenated word ("lemon-lime"), right after the regex ``after`` if given
    ("(?:the|a) " for a name that must follow an article)."""
    return rf"(?<![-\w]){after}{re.escape(name)}{'(?:e?s)?' if plural else ''}(?![-\w])"


def claim_names(text: str, names: Iterable[str], regex: Callable[[str], str]) -> Iterator[tuple[str, re.Match[str]]]:
    """(name, its first match) for each of ``names`` that ``regex(name)`` finds in ``text``, longest names
    first; each match is blanked before shorter names are looked for, so "the coffee mug" is not also "mug".
    A match's ``string`` is the text as searched (earlier matches blanked)."""
    for name in sorted(names, key=len, reverse=True):
        match = re.search(regex(name), text)
        if match is not None:
            yield name, match
            text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def name_masker(names: Sequence[str]) -> Callable[[str], str]:
    """text -> the text with every one of ``names`` replaced by `NAME_MASK` (its shape)."""
    pattern = name_pattern(names)
    return lambda text: pattern.sub(NAME_MASK, text)


def plain_words(text: str) -> str:
    """``text`` lower-cased, without punctuation, articles and prepositions."""
    words = re.findall(r"[\w'-]+", text.lower())
    return " ".join(w for w in words if w not in FILLER)


class NearCopies:
    """The measured requests, and how near any other text comes to them.

    Args:
        requests: The texts that must not be answered by a copy (an evaluation's instructions).
        embed: texts -> (n, d) unit vectors.
        mask: text -> the text with scene names masked (its shape); None compares plain texts only.
        threshold: Cosine at or above which a text is near.
    """

    def __init__(
        self,
        requests: Sequence[str],
        embed: Callable[[Sequence[str]], np.ndarray],
        mask: Callable[[str], str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.requests, self.embed, self.mask, self.threshold = list(requests), embed, mask, float(threshold)
        self._plain = embed(self.requests)
        self._masked = embed([mask(r) for r in self.requests]) if mask else None
        self._literal = {f" {plain_words(r)} ": i for i, r in enumerate(self.requests) if plain_words(r)}

    def similarity(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """For each text: its highest similarity to a request, and that request's index.

        Returns:
            ((n,) similarity in [-1, 1], 1 for a text holding a request's words in a row; (n,) request index).
        """
        if not texts or not self.requests:
            return np.zeros(len(texts)), np.zeros(len(texts), dtype=int)
        sims = self._cosines(texts)
        best, index = sims.max(axis=1), sims.argmax(axis=1)
        for i, text in enumerate(texts):
            words = f" {plain_words(text)} "
            held = next((j for literal, j in self._literal.items() if literal in words), None)
            if held is not None:
                best[i], index[i] = 1.0, held
        return best, index

    def nearest_to(self, text: str) -> tuple[int, float]:
        """The request nearest to ``text`` seen the other way round: (its index, the similarity with which
        ``text`` would hold it out: cosine, or 1.0 when the request holds ``text``'s words in a row)."""
        if not self.requests:
            return 0, 0.0
        sims = self._cosines([text])[0]
        words = f" {plain_words(text)} "
        for padded, j in self._literal.items():
            if words.strip() and words in padded:
                sims[j] = 1.0
        best = int(np.argmax(sims))
        return best, float(sims[best])

    def _cosines(self, texts: Sequence[str]) -> np.ndarray:
        """(n_texts, n_requests) MiniLM cosine, the higher of plain and name-masked."""
        sims = self.embed(list(texts)) @ self._plain.T
        if self._masked is not None:
            assert self.mask is not None
            sims = np.maximum(sims, self.embed([self.mask(t) for t in texts]) @ self._masked.T)
        return sims

    def near(self, texts: Sequence[str]) -> np.ndarray:
        """(n,) bool: which texts are near a request."""
        return self.similarity(texts)[0] >= self.threshold
