import socket
import time

import pytest

from saycan.errors import ConfigError
from saycan.llm.base import LLMError
from saycan.llm.openai_client import OpenAIScorer
from tests.llm.completions_server import CompletionsServer

PROMPT = "Human: How would you clean the spill?\nRobot: 1. find the sponge, 2."
OPTIONS = [" pick up the sponge", " done", " go to the table", " wipe the spill"]


def test_scores_equal_in_process_model_over_http(tiny_scorer):
    with CompletionsServer(tiny_scorer) as server:
        scorer = OpenAIScorer(server.url, model="tiny", max_retries=0)
        remote = scorer.score(PROMPT, OPTIONS)
    local = tiny_scorer.score(PROMPT, OPTIONS)
    assert remote.n_tokens == local.n_tokens
    assert remote.logprobs == pytest.approx(local.logprobs, abs=1e-4)


def test_one_batched_request_per_step_with_echo_and_one_token(tiny_scorer):
    with CompletionsServer(tiny_scorer) as server:
        OpenAIScorer(server.url, model="tiny", max_retries=0).score(PROMPT, OPTIONS)
    assert len(server.requests) == 1
    body = server.requests[0]
    assert body["echo"] is True and body["logprobs"] == 1 and body["max_tokens"] == 1
    assert body["prompt"] == [PROMPT + o for o in OPTIONS]


def test_more_options_than_a_batch_go_out_concurrently_and_score_the_same(tiny_scorer):
    with CompletionsServer(tiny_scorer, delay=0.3) as server:
        split = OpenAIScorer(server.url, model="tiny", max_retries=0, batch_size=1, max_concurrency=3).score(
            PROMPT, OPTIONS
        )
    assert [len(r["prompt"]) for r in server.requests] == [1, 1, 1, 1]  # 4 options
    assert server.max_in_flight == 3  # bounded: never all 4 at once
    whole = tiny_scorer.score(PROMPT, OPTIONS)
    assert split.logprobs == pytest.approx(whole.logprobs, abs=1e-4)
    # Tokens evaluated are the server's own count (usage.prompt_tokens), prompt included.
    assert split.tokens_evaluated == sum(len(tiny_scorer.encode(PROMPT + o)) for o in OPTIONS)


def test_the_scorer_builds_against_the_installed_openai_with_its_timeouts():
    # The real client of whatever openai release is installed (1.x-2.x run on httpx, 3.x on httpx2):
    # the timeout must be a type that release accepts.
    scorer = OpenAIScorer("http://127.0.0.1:9/v1", model="m", timeout=30.0, max_retries=1)
    assert (scorer.client.timeout.read, scorer.client.timeout.connect) == (30.0, 10.0)
    assert scorer.client.max_retries == 1
    scorer.close()


@pytest.mark.parametrize("key", ["batch_size", "max_concurrency"])
def test_bad_batch_settings_name_the_key(key):
    with pytest.raises(ConfigError, match=f"llm.{key}"):
        OpenAIScorer("http://127.0.0.1:9/v1", model="tiny", **{key: 0})


def test_server_without_prompt_logprobs_fails_clearly(tiny_scorer):
    with CompletionsServer(tiny_scorer, mode="no_prompt_logprobs") as server:
        scorer = OpenAIScorer(server.url, model="tiny", max_retries=0)
        with pytest.raises(LLMError, match="did not return prompt logprobs"):
            scorer.score(PROMPT, OPTIONS)


def test_refused_connection_names_the_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    scorer = OpenAIScorer(url, model="m", max_retries=1, timeout=2)
    with pytest.raises(LLMError, match=f"cannot reach the LLM server at {url} \\(.*, 2 tries\\); is it running"):
        scorer.score(PROMPT, OPTIONS)


def test_api_key_comes_from_the_named_environment_variable(monkeypatch):
    monkeypatch.setenv("MY_LLM_KEY", "sk-test-123")
    assert OpenAIScorer("http://127.0.0.1:1/v1", model="m", api_key_env="MY_LLM_KEY").client.api_key == "sk-test-123"


def test_generate_over_http_equals_in_process_and_sends_the_stops(tiny_scorer):
    with CompletionsServer(tiny_scorer) as server:
        written = OpenAIScorer(server.url, model="tiny", max_retries=0).generate(PROMPT, 8, [",", "\n"])
    assert written == tiny_scorer.generate(PROMPT, 8, [",", "\n"])
    body = server.requests[0]
    assert body["stop"] == [",", "\n"] and body["max_tokens"] == 8 and not body.get("echo")


@pytest.mark.parametrize("fault", ["429", "429-retry-after", "500", "truncated"])
def test_one_transient_fault_is_retried_and_scores_stay_exact(tiny_scorer, fault):
    with CompletionsServer(tiny_scorer, faults=(fault,)) as server:
        scores = OpenAIScorer(server.url, model="tiny", max_retries=2).score(PROMPT, OPTIONS)
    assert len(server.requests) == 2  # the fault, then one retry
    assert scores.logprobs == pytest.approx(tiny_scorer.score(PROMPT, OPTIONS).logprobs, abs=1e-4)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("500", "answered HTTP 500"),
        ("429", "answered HTTP 429"),
        ("stall", "did not answer in time .* in 3 tries"),
        ("truncated", "unreadable reply"),
    ],
)
def test_a_fault_that_persists_stops_after_the_retry_bound_with_a_clear_error(tiny_scorer, fault, message):
    with CompletionsServer(tiny_scorer, faults=(fault,) * 3) as server:
        scorer = OpenAIScorer(server.url, model="tiny", max_retries=2, timeout=1.0)
        start = time.monotonic()
        with pytest.raises(LLMError, match=message) as err:
            scorer.score(PROMPT, OPTIONS)
        seconds = time.monotonic() - start
    assert server.url in str(err.value)
    assert len(server.requests) == 3  # max_retries=2: three tries, no more
    assert seconds < 15  # bounded: timeouts and backoff, never a hang


@pytest.mark.parametrize(("fault", "message"), [("nan", "no finite logprob"), ("no-logprobs", "prompt logprobs")])
def test_bad_logprobs_are_an_error_never_a_score(tiny_scorer, fault, message):
    with CompletionsServer(tiny_scorer, faults=(fault,)) as server:
        with pytest.raises(LLMError, match=message):
            OpenAIScorer(server.url, model="tiny", max_retries=2).score(PROMPT, OPTIONS)
    assert len(server.requests) == 1  # a wrong answer is not retried into a different one
