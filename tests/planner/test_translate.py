"""saycan/planner/translate.py: a request in another language is read in English first, and the trace keeps both."""

import pytest

from saycan.envs.symbolic import SymbolicEnv
from saycan.errors import ConfigError
from saycan.llm.openai_client import OpenAIScorer
from saycan.planner.translate import SHOTS_IN, Translator, detect, prompt
from tests.llm.completions_server import CompletionsServer
from tests.planners import make_planner
from tests.scorers import PreferenceScorer

CLEAN = ["find the sponge", "pick up the sponge", "go to the table", "wipe the spill", "done"]
ENGLISH = {"limpia el derrame": "clean the spill", "把海绵拿给我": ""}  # what the stand-in LLM writes for each


class Interpreter(PreferenceScorer):
    """Scores like `PreferenceScorer`; writes the English of the requests it knows, after the translation prompt."""

    def __init__(self, wishes):
        super().__init__(wishes)
        self.asked = []

    def encode(self, text):  # the server counts prompt tokens
        return text.split()

    def generate(self, prompt, max_tokens, stops):
        self.asked.append(prompt)
        request = prompt.rsplit("Request: ", 1)[1].split("\n")[0]
        return " " + ENGLISH[request] + ".\nRequest: more"


@pytest.mark.parametrize(
    ("text", "language"),
    [("bring me the apple", "en"), ("limpia el derrame", "es"), ("apporte-moi la pomme", "fr"),
     ("bring mir den Apfel", "de"), ("把苹果给我", "zh"), ("りんごを持ってきて", "ja")],
)  # fmt: skip
def test_the_language_of_a_short_request_is_detected(text, language):
    assert detect(text) == language


def test_a_spanish_request_is_planned_in_english_and_the_trace_keeps_what_was_typed(kitchen):
    scorer = Interpreter(CLEAN)
    planner = make_planner(scorer, translate="llm", max_steps=6)
    seen = []
    trace = planner.plan(
        "limpia el derrame", SymbolicEnv(kitchen), on_start=lambda t: seen.append(dict(t.meta)), on_step=seen.append
    )
    assert seen[0]["read_as"] == "clean the spill" and len(seen) == 1 + len(CLEAN)  # read before the first step
    assert trace.instruction == "limpia el derrame"
    assert trace.meta["language"] == "es" and trace.meta["read_as"] == "clean the spill"  # the model's line, cut
    assert trace.plan == CLEAN and "Human: clean the spill\n" in scorer.prompts[0]


def test_an_english_request_costs_no_translation(kitchen):
    scorer = Interpreter(CLEAN)
    trace = make_planner(scorer, translate="llm", max_steps=6).plan("clean the spill", SymbolicEnv(kitchen))
    assert scorer.asked == [] and "read_as" not in trace.meta and trace.plan == CLEAN


def test_an_empty_translation_reads_the_request_as_typed_with_a_warning(kitchen, capsys):
    trace = make_planner(Interpreter(CLEAN), translate="llm", max_steps=1).plan("把海绵拿给我", SymbolicEnv(kitchen))
    assert "read_as" not in trace.meta and "gave no English for '把海绵拿给我' (zh)" in capsys.readouterr().err


def test_translation_goes_through_an_openai_server_on_loopback():
    with CompletionsServer(Interpreter(CLEAN)) as server:
        scorer = OpenAIScorer(server.url, model="m", max_retries=0)
        assert Translator(scorer)("limpia el derrame") == ("es", "clean the spill")
    assert server.requests[0]["stop"] == ["\n"] and server.requests[0]["prompt"].startswith(prompt("es"))


def test_a_request_is_shown_examples_in_its_own_language_where_there_are_some():
    assert SHOTS_IN["es"][0] in prompt("es") and SHOTS_IN["ja"][0] not in prompt("es")
    assert all(shot not in prompt("it") for shots in SHOTS_IN.values() for shot in shots)  # the mixed examples


def test_an_llm_that_only_scores_cannot_translate_and_says_what_to_use():
    with pytest.raises(ConfigError, match="planner.translate=llm needs an LLM that writes text.*llm=embedded"):
        make_planner(PreferenceScorer(CLEAN), translate="llm")


def test_an_unknown_translate_setting_lists_the_choices():
    with pytest.raises(ConfigError, match="translate"):
        make_planner(PreferenceScorer(CLEAN), translate="deepl")
