"""A real OpenAI-compatible Completions server on 127.0.0.1, backed by an in-process HF model.

It answers ``echo=True, logprobs=1, max_tokens=1`` the way vLLM does: per-token text,
``text_offset`` and ``token_logprobs`` (None for the first token), then one generated token.
``mode="no_prompt_logprobs"`` answers like llama.cpp's server: logprobs of the generated token only.
``faults`` misbehaves on the next requests, one fault each (see `FAULTS`), then answers normally.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import torch

from tests.http_reply import send

FAULTS = ("429", "429-retry-after", "500", "stall", "truncated", "nan", "no-logprobs")


class CompletionsServer:
    def __init__(self, scorer, mode: str = "vllm", delay: float = 0.0, faults: tuple[str, ...] = ()) -> None:
        self.scorer, self.mode, self.requests, self.delay = scorer, mode, [], delay
        self.faults = list(faults)
        self.in_flight = self.max_in_flight = 0  # concurrent requests, now and at most
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with outer.lock:
                    outer.requests.append(body)
                    outer.in_flight += 1
                    outer.max_in_flight = max(outer.max_in_flight, outer.in_flight)
                with outer.lock:
                    fault = outer.faults.pop(0) if outer.faults else None
                if fault in ("429", "429-retry-after", "500"):
                    with outer.lock:
                        outer.in_flight -= 1
                    headers = {"Retry-After": "0.1"} if fault == "429-retry-after" else {}
                    send(self, int(fault[:3]), b'{"error": {"message": "busy"}}', headers)
                    return
                if fault == "stall":
                    time.sleep(3.0)  # past the client's timeout; the reply below is never read
                time.sleep(outer.delay)
                prompts = body["prompt"] if isinstance(body["prompt"], list) else [body["prompt"]]
                with outer.lock:  # one model, one forward at a time
                    choices = [outer._choice(i, p, body) for i, p in enumerate(prompts)]
                    outer.in_flight -= 1
                n_prompt = sum(len(outer.scorer.encode(p)) for p in prompts)
                reply = {
                    "id": "cmpl-1",
                    "object": "text_completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": choices,
                    "usage": {"prompt_tokens": n_prompt, "completion_tokens": len(prompts), "total_tokens": n_prompt},
                }
                if fault == "nan":
                    choices[0]["logprobs"]["token_logprobs"][-2] = float("nan")
                if fault == "no-logprobs":
                    choices[0]["logprobs"] = None
                body = json.dumps(reply).encode()
                try:
                    send(self, 200, body[: len(body) // 2] if fault == "truncated" else body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (stall)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @torch.inference_mode()
    def _choice(self, index: int, text: str, body: dict) -> dict:
        if not body.get("echo"):  # plain generation, cut at the request's stop strings
            written = self.scorer.generate(text, body["max_tokens"], body.get("stop") or [])
            return {"index": index, "text": written, "finish_reason": "stop", "logprobs": None}
        # Offsets into the text as sent, as vLLM gives them: each prompt token spans from its start to the
        # next one's (the tokenizer's offset mapping), so the pieces tile the text even where the tiny
        # vocabulary has no token for a character (decoding would say "<unk>" and shift every offset after).
        enc = self.scorer.tokenizer(text, return_offsets_mapping=True)
        ids, starts = enc["input_ids"], [start for start, _ in enc["offset_mapping"][1:]]  # skip BOS
        logps = torch.log_softmax(self.scorer.model(torch.tensor([ids])).logits[0].float(), -1)
        nxt = int(logps[-1].argmax())
        ends = [*starts[1:], len(text)]
        tokens = [text[a:b] for a, b in zip(starts, ends, strict=True)] + [self.scorer.tokenizer.decode([nxt])]
        offsets = [*starts, len(text)]
        # Token i's logprob comes from position i - 1; the first echoed token has none, as in vLLM.
        values = [None, *(float(logps[i - 1, ids[i]]) for i in range(2, len(ids))), float(logps[-1, nxt])]
        if self.mode == "no_prompt_logprobs":
            tokens, offsets, values = tokens[-1:], offsets[-1:], values[-1:]
        return {
            "index": index,
            "text": text + tokens[-1],
            "finish_reason": "length",
            "logprobs": {"tokens": tokens, "token_logprobs": values, "text_offset": offsets, "top_logprobs": None},
        }

    def __enter__(self) -> CompletionsServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
