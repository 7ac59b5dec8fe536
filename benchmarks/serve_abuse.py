"""`saycan.serve_policy` under abuse: what each hostile client costs a well-behaved one, and the server's memory.

    python benchmarks/serve_abuse.py [--seconds 8] [--load-clients 50] [--load-seconds 30] [--rounds 3] [--baseline REF]

For each server (REST, and openpi's websocket protocol) on 127.0.0.1 with the tiny VLA and default
limits: a well-behaved client (saycan's own, one connection) measures its latency idle, then again
while each probe of `abuse_probes.py` runs for ``--seconds`` (in a process of its own). Per probe it
prints the client's p99 against its idle p99, its worst single wait (the longest stall), its failures,
the server's RSS growth at the peak and a second after, and the tracebacks the probe put in the log.
Then ``--load-clients`` clients for ``--load-seconds`` (`serve_load.load`, in ``--rounds`` rounds);
with ``--baseline REF`` the server of git revision REF takes the same load in rounds interleaved with
this one's (noise on a shared machine hits both alike), and the medians are compared.
Targets (issue 40): p99 within 3x idle, RSS growth under 100 MiB, no traceback, load within 10%.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from abuse_probes import REST_PROBES, WS_PROBES
from serve_load import client_for, free_port, load, rss_mb, start_server

from saycan.policies.limits import DEFAULT_LIMITS

REPO = Path(__file__).resolve().parents[1]
PROTOCOLS = {"rest": ("http", REST_PROBES), "openpi": ("ws", WS_PROBES)}


def good_client(url: str, stop: threading.Event, ready: threading.Event) -> tuple[list[float], list[str]]:
    """Requests one after another until ``stop``: latencies (s) and failures. Connected (one request
    answered) before it sets ``ready``: a robot already at work, as a probe starts."""
    client, latencies, failures = client_for(url), [], []
    image = np.random.default_rng(0).integers(0, 256, (224, 224, 3), dtype=np.uint8)
    client.predict_action(image, "pick up the apple", "saycan_kitchen")
    ready.set()
    while not stop.is_set():
        start = time.perf_counter()
        try:
            client.predict_action(image, "pick up the apple", "saycan_kitchen")
            latencies.append(time.perf_counter() - start)
        except Exception as exc:  # every failure is counted and reported
            failures.append(f"{type(exc).__name__}: {str(exc)[:120]}")
    client.close()
    return latencies, failures


def attack(protocol: str, name: str, host: str, port: int, stop: Any, attempts: Any) -> None:
    """Run probe ``name`` until ``stop``, in a process of its own (its work must not slow the good client)."""
    attempts.value = PROTOCOLS[protocol][1][name](host, port, stop, DEFAULT_LIMITS.max_body_bytes)


def measure(url: str, pid: int, seconds: float, probe: tuple[str, str] | None, log: Path) -> dict:
    """The good client's latency and the server's RSS while ``probe`` ((protocol, name); None: nothing) runs."""
    spawn = multiprocessing.get_context("spawn")
    stop, ready, done, rss, out = spawn.Event(), threading.Event(), threading.Event(), [rss_mb(pid)], {}
    attempts = spawn.Value("i", 0)
    host, port = url.split("//")[1].split(":")[0], int(url.rsplit(":", 1)[1])
    tracebacks = log.read_text(errors="replace").count("Traceback")

    def sample() -> None:
        while not done.wait(0.05):
            rss.append(rss_mb(pid))

    def client() -> None:
        out["latencies"], out["failures"] = good_client(url, done, ready)

    threads = [threading.Thread(target=f) for f in (sample, client)]
    for t in threads:
        t.start()
    ready.wait()
    attacker = spawn.Process(target=attack, args=(*probe, host, port, stop, attempts)) if probe else None
    if attacker:
        attacker.start()
    time.sleep(seconds)
    stop.set()
    done.set()
    for t in threads:
        t.join()
    if attacker:
        attacker.join(60)
    time.sleep(1.0)
    ms = np.asarray(out["latencies"]) * 1000
    return {
        "attempts": attempts.value,
        "requests": len(ms),
        "failures": len(out["failures"]),
        "first_failure": out["failures"][0] if out["failures"] else "",
        "p99_ms": float(np.percentile(ms, 99)) if len(ms) else float("nan"),
        "worst_ms": float(ms.max()) if len(ms) else float("nan"),
        "rss_growth_mb": max(rss) - rss[0],
        "rss_after_mb": rss_mb(pid) - rss[0],
        "tracebacks": log.read_text(errors="replace").count("Traceback") - tracebacks,
    }


def run_protocol(protocol: str, seconds: float, only: set[str] | None) -> tuple[dict, subprocess.Popen, str]:
    """Idle and probe measurements; returns them with the still running server and its URL."""
    scheme, probes = PROTOCOLS[protocol]
    port = free_port()
    log = Path(tempfile.mkstemp(prefix=f"serve_abuse_{protocol}_", suffix=".log")[1])
    server = start_server("tiny_vla", port, f"protocol={protocol}", log=log.open("w"))
    url = f"{scheme}://127.0.0.1:{port}"
    report = {"idle": measure(url, server.pid, seconds, None, log), "probes": {}, "log": str(log)}
    for name in probes:
        if only is None or name in only:
            report["probes"][name] = measure(url, server.pid, seconds, (protocol, name), log)
    return report, server, url


@contextmanager
def baseline_server(ref: str, protocol: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """The server of git revision ``ref`` (from a temporary worktree) and its URL."""
    with tempfile.TemporaryDirectory(prefix="saycan-baseline-") as tree:
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", tree, ref], check=True,
                       capture_output=True)  # fmt: skip
        port = free_port()
        env = {**os.environ, "PYTHONPATH": tree}
        server = start_server("tiny_vla", port, f"protocol={protocol}", log=subprocess.DEVNULL, cwd=Path(tree),
                              env=env)  # fmt: skip
        try:
            yield server, f"{PROTOCOLS[protocol][0]}://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(10)
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", tree], capture_output=True)


def load_rounds(servers: dict[str, tuple[subprocess.Popen, str]], clients: int, seconds: float, rounds: int) -> dict:
    """Each server's load figures per round (rounds interleaved across servers) and their medians."""
    runs: dict[str, list[dict]] = {name: [] for name in servers}
    for _ in range(rounds):
        for name, (server, url) in servers.items():
            runs[name].append(load(url, server.pid, clients, seconds / rounds))
    return {
        name: {
            "rounds": rows,
            "requests_per_s": float(np.median([r["requests_per_s"] for r in rows])),
            "p99_ms": float(np.median([r["p99_ms"] for r in rows])),
            "failed": sum(r["failed"] for r in rows),
            "answered": sum(r["answered"] for r in rows),
        }
        for name, rows in runs.items()
    }


def print_report(protocol: str, report: dict) -> None:
    idle = report["idle"]
    print(
        f"\n{protocol}: idle p99 {idle['p99_ms']:.0f} ms, worst {idle['worst_ms']:.0f} ms ({idle['requests']} requests)"
    )
    print(f"{'probe':22s} {'attempts':>8s} {'p99 ms':>7s} {'x idle':>6s} {'worst ms':>8s} {'fails':>5s} "
          f"{'RSS peak':>8s} {'RSS after':>9s} {'tracebacks':>10s}")  # fmt: skip
    for name, row in report["probes"].items():
        print(f"{name:22s} {row['attempts']:8d} {row['p99_ms']:7.0f} {row['p99_ms'] / idle['p99_ms']:6.1f} "
              f"{row['worst_ms']:8.0f} {row['failures']:5d} {row['rss_growth_mb']:+7.0f}M {row['rss_after_mb']:+8.0f}M "
              f"{row['tracebacks']:10d}")  # fmt: skip
        if row["first_failure"]:
            print(f"  first failure: {row['first_failure']}")


def load_line(label: str, row: dict) -> str:
    return (f"{label}: {row['requests_per_s']:.0f} req/s, p99 {row['p99_ms']:.0f} ms (medians of rounds), "
            f"{row['failed']} failed of {row['answered'] + row['failed']}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0, help="each probe's duration (and the idle window)")
    parser.add_argument("--load-clients", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=30.0, help="0: no load phase")
    parser.add_argument("--rounds", type=int, default=3, help="the load phase in this many rounds")
    parser.add_argument("--baseline", help="git revision whose server gets the same load, for comparison")
    parser.add_argument("--protocols", default="rest,openpi")
    parser.add_argument("--probes", help="comma-separated probe names (default: all)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    only = set(args.probes.split(",")) if args.probes else None
    reports = {}
    for protocol in args.protocols.split(","):
        report, server, url = run_protocol(protocol, args.seconds, only)
        reports[protocol] = report
        try:
            print_report(protocol, report)
            if args.load_seconds > 0:
                with ExitStack() as stack:
                    servers = {"this revision": (server, url)}
                    if args.baseline:
                        servers[args.baseline] = stack.enter_context(baseline_server(args.baseline, protocol))
                    report["load"] = load_rounds(servers, args.load_clients, args.load_seconds, args.rounds)
                label = f"{args.load_clients} clients x {args.load_seconds:.0f} s"
                for name, row in report["load"].items():
                    print(load_line(f"{label}, {name}", row))
                if args.baseline:
                    rows = report["load"]
                    change = rows["this revision"]["requests_per_s"] / rows[args.baseline]["requests_per_s"] - 1
                    print(f"this revision against {args.baseline}: {change:+.0%} req/s")
        finally:
            server.terminate()
            server.wait(10)
        sys.stdout.flush()
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2))


if __name__ == "__main__":
    main()
