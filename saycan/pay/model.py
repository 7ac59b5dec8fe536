"""`GoalScorer`: which goal a request asks for, read as a small semantic parse over MiniLM's token vectors.

MiniLM (all-MiniLM-L6-v2, offline, frozen) turns the request and each object's and place's description
into contextual token vectors, each computed once. Small trained heads then read:

- the request as a whole: which kinds of goal it asks for (bring, trash, place, put down, hold, go,
  clean) and how many (one or two);
- each object's description attending over the request's tokens: whether the request refers to it
  ("isn't" before "soda" reaches the coke through the token "soda");
- each place's name the same way.

Before any head reads the request, a small bidirectional GRU over its token vectors adds what scope
each token is in, so "soda" after "isn't" reads differently from "a soda". While training, dropout on the
request's token vectors keeps the heads from leaning on one word of the generator's phrase lists (dev
goal top-1 over training seeds 0-2: 90.2% with it, 88.4% without).

A goal's score adds its parts' log-probabilities (`saycan.pay.goal_scores`); a two-object goal whose
objects attend to the same words pays a penalty, and with ``contrast`` so does one whose second-named
object also fits the words the first one read ("a fruit and a snack": the snack is not a second fruit).
Only the GRU and the heads are trained (`saycan.pay.train`) and saved: about 1.2 M parameters, 0.67 M of
them the GRU.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

from saycan.errors import ConfigError
from saycan.pay.goals import KINDS, MAX_PARTS, OLD_KINDS

DIM = 384  # MiniLM's token vectors
MAX_TOKENS = 64
# What a new checkpoint is trained with (`saycan.train_pay`): doors, goals of up to three parts, the alike head,
# and objects described with where they are.
ARCHITECTURE: dict[str, Any] = {
    "contrast": True, "kinds": list(KINDS), "parts": MAX_PARTS, "alike": True, "places_described": True,
}  # fmt: skip


class TokenStates:
    """Contextual MiniLM token vectors of texts, each text computed once (frozen, no training)."""

    def __init__(self) -> None:
        from saycan.embed import shared_embedder

        embedder = shared_embedder()
        self.tokenizer, self.model = embedder.tokenizer, embedder.model
        self._cache: dict[str, torch.Tensor] = {}

    @torch.no_grad()  # not inference_mode: the small network trains on these tensors
    def __call__(self, texts: Sequence[str]) -> list[torch.Tensor]:
        """One (tokens, 384) tensor per text (special tokens dropped)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        for start in range(0, len(missing), 64):
            part = missing[start : start + 64]
            batch = self.tokenizer(part, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            hidden = self.model(**batch).last_hidden_state
            for i, text in enumerate(part):
                n = int(batch["attention_mask"][i].sum())
                self._cache[text] = hidden[i, 1 : n - 1].clone()  # without [CLS] and [SEP]
        return [self._cache[t] for t in texts]


class Refer(nn.Module):
    """How much a request refers to a thing: the thing's description attends over the request's tokens."""

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads, self.width = heads, width
        self.query, self.key, self.value = nn.Linear(DIM, width), nn.Linear(DIM, width), nn.Linear(DIM, width)
        self.describe = nn.Linear(DIM, width)
        self.mlp = nn.Sequential(nn.Linear(3 * width, width), nn.ReLU(), nn.Linear(width, 1))

    def forward(
        self, request: torch.Tensor, things: Sequence[torch.Tensor]
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """((T,) logits, (T, n) attention over the request's n tokens, (T, width) what each thing read there,
        (T, width) each thing's description) for T things' token tensors."""
        desc = torch.stack([t.mean(0) for t in things])  # (T, 384)
        h, d = self.heads, self.width // self.heads
        q = self.query(desc).view(-1, h, d)  # (T, h, d)
        k, v = self.key(request).view(-1, h, d), self.value(request).view(-1, h, d)  # (n, h, d)
        attention = torch.einsum("thd,nhd->thn", q, k).div(d**0.5).softmax(-1)  # (T, h, n)
        context = torch.einsum("thn,nhd->thd", attention, v).reshape(len(things), -1)
        described = self.describe(desc)
        return self.fits(context, described), attention.mean(1), context, described

    def fits(self, context: torch.Tensor, described: torch.Tensor) -> torch.Tensor:
        """(...,) logits that a thing (``described``, (..., width)) is what words (``context``) refer to."""
        return self.mlp(torch.cat([context, described, context * described], -1)).squeeze(-1)


def check_dropout(dropout: object) -> None:
    """Refuse a dropout that is not a number in [0, 1), naming the setting and a valid value.

    Raises:
        ConfigError: ``dropout`` is a bool, not a number, or outside [0, 1).
    """
    if isinstance(dropout, bool) or not isinstance(dropout, int | float) or not 0 <= dropout < 1:
        raise ConfigError(f"dropout={dropout!r}: must be a number in [0, 1), e.g. dropout=0.1 (0 turns it off)")


class GoalScorer(nn.Module):
    """The heads of the parse (see the module doc). The defaults build the checkpoints made before doors, sets
    and scenes other than the kitchen; `ARCHITECTURE` holds what new ones are trained with.

    Args:
        width: Width of every head.
        heads: Attention heads of `Refer`.
        dropout: Dropout on the request's token vectors while training (in [0, 1)); none at inference.
        contrast: Add the contrast penalty (one more weight).
        kinds: The kinds of goal it reads (`saycan.pay.goals.KINDS`; older checkpoints: the first seven).
        parts: Most parts of a goal (its count head has this many classes).
        alike: A head that reads whether the request asks for several things of one kind ("two snacks",
            "every drink"), which lifts the contrast penalty.
        places_described: Objects are described with where they are ("... in the fridge").
    """

    def __init__(
        self,
        width: int = 128,
        heads: int = 4,
        dropout: float = 0.1,
        contrast: bool = False,
        kinds: Sequence[str] | None = None,
        parts: int = 2,
        alike: bool = False,
        places_described: bool = False,
    ) -> None:
        super().__init__()
        check_dropout(dropout)
        self.width, self.heads, self.dropout, self.contrast = width, heads, dropout, contrast
        self.kinds, self.parts, self.alike = tuple(kinds or OLD_KINDS), int(parts), bool(alike)
        self.places_described = bool(places_described)
        self.drop = nn.Dropout(dropout)
        self.read = nn.Sequential(nn.Linear(DIM, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU())
        self.kind = nn.Linear(width, len(self.kinds))  # each kind asked for or not (a request may join two)
        self.object_kind = nn.Linear(2 * width, len(self.kinds))  # the kind asked of one object, from its phrase
        self.count = nn.Linear(width, self.parts)  # one part, two, (three)
        if self.alike:
            self.alike_head = nn.Linear(width, 1)
        self.objects, self.places = Refer(width, heads), Refer(width, heads)
        # Each request token's scope (see the module doc); its output is added back to the frozen vectors.
        self.scope = nn.GRU(DIM, DIM // 2, batch_first=True, bidirectional=True)
        self.overlap = nn.Parameter(torch.tensor(1.0))  # penalty weight (softplus) for two parts on one phrase
        self.distance = nn.Parameter(torch.tensor(1.0))  # weight (softplus) of an object's distance to its place
        if contrast:  # weight (softplus) for a second object that also fits the first one's words
            self.contrasting = nn.Parameter(torch.tensor(1.0))

    @property
    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"width": self.width, "heads": self.heads, "dropout": self.dropout}
        if self.contrast:  # older checkpoints: no key
            config["contrast"] = True
        if self.alike:  # checkpoints made before doors and sets: none of these keys
            config.update(kinds=list(self.kinds), parts=self.parts, alike=True, places_described=self.places_described)
        return config

    def forward(
        self,
        requests: Sequence[torch.Tensor],
        objects: Sequence[Sequence[torch.Tensor]],
        places: Sequence[Sequence[torch.Tensor]],
    ) -> list[Parse]:
        """Read requests (each its (n_i, 384) tokens) against their scenes' objects and places (token tensors,
        one list per request). The scope GRU reads the whole batch at once, packed so that no request sees
        another's padding; run per request, its many small steps were most of an epoch's time."""
        requests = [self.drop(r) for r in requests]  # identity in eval mode
        scoped, _ = self.scope(pack_sequence(requests, enforce_sorted=False))
        scoped, _ = pad_packed_sequence(scoped, batch_first=True)
        return [
            self.parse(r + scoped[i, : len(r)], o, p)
            for i, (r, o, p) in enumerate(zip(requests, objects, places, strict=True))
        ]

    def parse(self, request: torch.Tensor, objects: Sequence[torch.Tensor], places: Sequence[torch.Tensor]) -> Parse:
        """The heads' reading of one request's scoped (n, 384) tokens against a scene's objects and places."""
        hidden = self.read(request.mean(0))
        obj, obj_focus, obj_context, obj_described = self.objects(request, objects)
        place, place_focus, _, _ = self.places(request, places)
        position = torch.linspace(0, 1, len(request))  # where in the request each token is
        where = obj_focus @ position  # (n_objects,) where in the request each object looks
        alike = self.alike_head(hidden).squeeze(-1) if self.alike else torch.tensor(-20.0)
        if self.contrast:  # (n_objects, n_objects): object j fits the words object i read
            n = len(objects)
            cross = self.objects.fits(obj_context[:, None].expand(-1, n, -1), obj_described[None].expand(n, -1, -1))
            contrast = nn.functional.softplus(self.contrasting) * torch.sigmoid(cross) * torch.sigmoid(-alike)
        else:
            contrast = torch.zeros(len(objects), len(objects))
        return Parse(
            kind=self.kind(hidden),
            object_kinds=self.object_kind(torch.cat([obj_context, hidden.expand(len(objects), -1)], -1)),
            count=self.count(hidden).log_softmax(-1),
            objects=obj,
            object_focus=obj_focus,
            places=place,
            apart=where[:, None].sub(place_focus @ position).abs(),
            where=where,
            contrast=contrast,
            alike=alike,
            overlap=nn.functional.softplus(self.overlap),
            distance=nn.functional.softplus(self.distance),
        )


@dataclass
class Parse:
    """One request read against a scene: log p(kind asked), log p(how many parts), and per object and place
    the logit that the request refers to it (with where in the request each object looks)."""

    kind: torch.Tensor  # (n_kinds,) logits: kinds asked of the request as a whole (goals with no object)
    object_kinds: torch.Tensor  # (n_objects, n_kinds) logits: the kind asked of each object
    count: torch.Tensor  # (parts,) log-probabilities of one part, two, (three)
    objects: torch.Tensor  # (n_objects,) logits
    object_focus: torch.Tensor  # (n_objects, n_tokens) attention
    places: torch.Tensor  # (n_places,) logits
    apart: torch.Tensor  # (n_objects, n_places) how far apart in the request an object's and a place's words are
    overlap: torch.Tensor  # () penalty weight
    distance: torch.Tensor  # () weight of ``apart`` for a place goal
    where: torch.Tensor  # (n_objects,) where in the request each object looks, 0 (start) to 1 (end)
    contrast: torch.Tensor  # (n_objects, n_objects) penalty when object j, named second, fits object i's words
    alike: torch.Tensor  # () logit that the request asks for several things of one kind
