"""Requests in another language (``planner.translate=llm``): detected with py3langid, read in English by the LLM.

The planner's prompt, its few-shot bank, Pay and retrieval all read English. A request detected as another
language is translated once, before anything else reads it, by the planner's own LLM continuing a
few-shot prompt; the trace keeps the request as typed (``instruction``) and records ``meta.language`` and
``meta.read_as``. English requests cost one detection (about 50 microseconds) and nothing else. The
embedded 270M model translates about half of the development suite's requests well enough
(docs/languages.md); a larger model served with ``llm=openai`` translates as well as it plans.
"""

from __future__ import annotations

import functools
from typing import Any

from saycan.errors import ConfigError, warn
from saycan.llm.base import Scorer, cut_at_stops

# Detection is restricted to these (ISO 639-1) languages: on short requests a choice among all 97 of
# py3langid's confuses more (none of the 208 English requests of the shipped suites is detected as another).
LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "sv", "pl", "ru", "tr", "ar", "hi", "zh", "ja", "ko")
# Written for these prompts, outside every suite and scene: one example per script the model meets, and
# for the languages the development suite covers, four in the request's own language (a towel, keys, an
# empty box and a blanket: things no suite mentions), so the model sees the structures it must carry over.
SHOTS = (
    ("¿Puedes abrir la ventana?", "can you open the window?"),
    ("Räum bitte die Schuhe weg.", "please put the shoes away."),
    ("请把书放在桌子上。", "put the book on the desk."),
)
ENGLISH = ("bring me the towel, please.", "put the keys in the drawer.", "throw the empty box in the trash.",
           "I'm cold, can you give me a blanket?")  # fmt: skip
SHOTS_IN = {
    "es": ("Tráeme la toalla, por favor.", "Pon las llaves en el cajón.", "Tira la caja vacía a la basura.",
           "Tengo frío, ¿me das una manta?"),
    "fr": ("Apporte-moi la serviette, s'il te plaît.", "Range les clés dans le tiroir.",
           "Jette la boîte vide à la poubelle.", "J'ai froid, tu peux me donner une couverture ?"),
    "de": ("Bring mir bitte das Handtuch.", "Leg die Schlüssel in die Schublade.",
           "Wirf die leere Schachtel in den Müll.", "Mir ist kalt, kannst du mir eine Decke geben?"),
    "zh": ("请把毛巾拿给我。", "把钥匙放进抽屉里。", "把空盒子扔进垃圾桶。",
           "我冷了，能给我一条毯子吗？"),  # noqa: RUF001 (Chinese punctuation)
    "ja": ("タオルを持ってきてください。", "鍵を引き出しに入れて。", "空の箱をゴミ箱に捨てて。",
           "寒いので、毛布をくれますか？"),  # noqa: RUF001 (Japanese punctuation)
    "pt": ("Traga-me a toalha, por favor.", "Coloque as chaves na gaveta.", "Jogue a caixa vazia no lixo.",
           "Estou com frio, pode me dar um cobertor?"),
}  # fmt: skip


def prompt(language: str) -> str:
    """The few-shot translation prompt for a request in ``language``: its own examples where it has them."""
    shots = tuple(zip(SHOTS_IN[language], ENGLISH, strict=True)) if language in SHOTS_IN else SHOTS
    return "Translate each request into English.\n" + "".join(f"Request: {a}\nEnglish: {b}\n" for a, b in shots)


MAX_TOKENS = 48


@functools.cache
def _identifier() -> Any:
    """py3langid's model (its own npz file, read without pickle), loaded once per process (about 1 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect(text: str) -> str:
    """The language ``text`` is written in: one of `LANGUAGES` (ISO 639-1)."""
    language, _ = _identifier().classify(text)
    return str(language)


class Translator:
    """Reads a request in English with ``scorer``'s greedy continuation of a few-shot prompt.

    Args:
        scorer: The planner's LLM; it must generate text (``llm=embedded``, ``hf`` or ``openai``).

    Raises:
        ConfigError: when ``scorer`` cannot generate.
    """

    def __init__(self, scorer: Scorer) -> None:
        if type(scorer).generate is Scorer.generate:
            raise ConfigError(
                f"planner.translate=llm needs an LLM that writes text; {type(scorer).__name__} only scores: "
                "use llm=embedded, hf or openai, or planner.translate=none"
            )
        self.scorer = scorer

    def __call__(self, request: str) -> tuple[str, str] | None:
        """(language, the request in English) for a request in another language; None for an English one.

        A translation that comes back empty is not used: the request is read as typed, with a warning.
        """
        language = detect(request)
        if language == "en":
            return None
        text = cut_at_stops(
            self.scorer.generate(f"{prompt(language)}Request: {request}\nEnglish:", MAX_TOKENS, ["\n"]), ["\n"]
        )
        english = " ".join(text.split()).rstrip(".")
        if not english:
            warn(f"planner.translate=llm: the LLM gave no English for {request!r} ({language}); reading it as typed")
            return None
        return language, english
