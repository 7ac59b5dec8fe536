"""`saycan.serve_policy` under load from a second process: latency percentiles, failures and server memory.

    python benchmarks/serve_load.py [--clients 8] [--seconds 60] [--policy tiny_vla] [--json PATH]

Starts ``python -m saycan.serve_policy`` on 127.0.0.1, then runs ``--clients`` concurrent clients
(saycan's own OpenVLA REST client, one thread and connection each; `load` takes a ``ws://`` URL too)
sending 224x224 frames for
``--seconds``. Prints requests answered, failures, p50/p99 latency and the server's resident memory
idle, after a 10 s warm-up and at the end (sampled every second): growth after the warm-up is a leak.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import numpy as np

from saycan.policies.openpi_client import OpenPIPolicy
from saycan.policies.openvla_client import OpenVLAClient


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(policy: str, port: int, *args: str, log=None, cwd: Path | None = None,
                 env: dict | None = None) -> subprocess.Popen:  # fmt: skip
    """``python -m saycan.serve_policy`` (with ``args``) on ``port``, once it answers its health check.

    Args:
        log: File the server's output goes to (None: this terminal).
        cwd, env: Where and with what environment it runs (another checkout, to compare with).
    """
    cmd = [sys.executable, "-m", "saycan.serve_policy", f"policy={policy}", f"port={port}", "log_level=warning", *args]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT if log else None, cwd=cwd, env=env)
    health = "/healthz" if "protocol=openpi" in args else "/health"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{health}", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"serve_policy policy={policy} {' '.join(args)} did not come up on port {port}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


WARMUP_S = 10  # seconds before the server's memory counts as warm (thread arenas, first batches)


def client_for(url: str) -> OpenVLAClient | OpenPIPolicy:
    """saycan's own client for the server at ``url``: REST for ``http://``, openpi for ``ws://``."""
    return OpenPIPolicy(url, max_retries=0) if url.startswith("ws") else OpenVLAClient(url, max_retries=0)


def load(url: str, pid: int, clients: int, seconds: float, unnorm_key: str = "saycan_kitchen") -> dict[str, float]:
    """Run the load; returns counts, latency percentiles (ms) and server RSS (MB) at start, end and peak."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = np.random.default_rng(seed)
        policy = client_for(url)
        while time.monotonic() < stop:
            image = rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)
            t0 = time.perf_counter()
            try:
                action = policy.predict_action(image, "pick up the apple", unnorm_key)
                ok = action.shape[-1] == 7 and action.ndim <= 2 and bool(np.all(np.isfinite(action)))  # (7,) or (K, 7)
                error = None if ok else f"bad action {action!r}"
            except Exception as exc:  # every failure is counted and reported, none is lost
                error = f"{type(exc).__name__}: {exc}"
            with lock:
                (failures.append(error) if error else latencies.append(time.perf_counter() - t0))
        policy.close()  # else its connection stays open on the server until limits.idle_timeout

    memory = [rss_mb(pid)]
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(1.0)
        memory.append(rss_mb(pid))
    for t in threads:
        t.join()
    ms = np.asarray(latencies) * 1000
    return {
        "clients": clients,
        "seconds": seconds,
        "answered": len(latencies),
        "failed": len(failures),
        "first_failures": failures[:3],
        "p50_ms": float(np.percentile(ms, 50)) if len(ms) else float("nan"),
        "p99_ms": float(np.percentile(ms, 99)) if len(ms) else float("nan"),
        "requests_per_s": len(latencies) / seconds,
        "rss_start_mb": memory[0],
        "rss_warm_mb": memory[min(WARMUP_S, len(memory) - 1)],
        "rss_end_mb": memory[-1],
        "rss_peak_mb": max(memory),
        "rss_mb_per_s": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--policy", default="tiny_vla")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    port = free_port()
    server = start_server(args.policy, port)
    try:
        report = load(f"http://127.0.0.1:{port}", server.pid, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(10)
    print(
        f"{report['clients']} clients x {report['seconds']:.0f} s: {report['answered']} answered, "
        f"{report['failed']} failed, {report['requests_per_s']:.1f} req/s, "
        f"p50 {report['p50_ms']:.0f} ms, p99 {report['p99_ms']:.0f} ms; server RSS {report['rss_start_mb']:.0f} MB "
        f"idle, {report['rss_warm_mb']:.0f} MB after {WARMUP_S} s, {report['rss_end_mb']:.0f} MB at the end "
        f"(peak {report['rss_peak_mb']:.0f})"
    )
    for failure in report["first_failures"]:
        print(f"  failure: {failure}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
