"""Real HTTP servers on 127.0.0.1 for the policy client and server tests."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from saycan.policies.limits import DEFAULT_LIMITS
from saycan.policies.rest_protocol import uvicorn_config
from tests.http_reply import send


class StubPolicy:
    """Returns a fixed action; records what it was asked."""

    unnorm_keys = ("saycan_kitchen", "bridge_orig")

    def __init__(self, action=(0.01, 0.0, -0.02, 0.0, 0.0, 0.1, 1.0)) -> None:
        self.action, self.calls = np.asarray(action, float), []

    def predict_action(self, image, instruction, unnorm_key=None):
        self.calls.append((image.shape, instruction, unnorm_key))
        if instruction == "crash":
            raise RuntimeError("model exploded")
        return self.action


class UvicornThread:
    """Serve `saycan.serve_policy`'s app with uvicorn on a free loopback port, in a thread, as ``main`` does
    (its protocol under ``limits``; https with a certificate and key)."""

    def __init__(self, app, limits=DEFAULT_LIMITS, certfile=None, keyfile=None) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"{'https' if certfile else 'http'}://127.0.0.1:{self.port}"
        config = uvicorn_config(app, "127.0.0.1", self.port, limits, "warning", certfile, keyfile)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> UvicornThread:
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(5)


class ScriptedServer:
    """An HTTP server whose n-th POST /act is answered by ``script[n]`` (the last entry repeats).

    Each entry: ``"drop"`` (close the connection without a reply), ``"stall"`` (sleep 2 s first),
    or ``(status, body_bytes, headers)``.
    """

    def __init__(self, script: list) -> None:
        self.script, self.requests = script, 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                entry = outer.script[min(outer.requests, len(outer.script) - 1)]
                outer.requests += 1
                if entry == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if entry == "stall":
                    time.sleep(2)
                    return
                send(self, *entry)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def action_reply(action=(0.0, 0.0, 0.01, 0.0, 0.0, 0.0, 1.0)) -> tuple[int, bytes, dict]:
    import json_numpy

    return 200, json_numpy.dumps(np.asarray(action, np.float64)).encode(), {}


def json_reply(status: int, value, headers: dict | None = None) -> tuple[int, bytes, dict]:
    return status, json.dumps(value).encode(), headers or {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def spawn_serve_policy(args: list[str], answers: Callable[[int], bool]) -> tuple[subprocess.Popen, int]:
    """`python -m saycan.serve_policy policy=tiny_vla ARGS` on a free port, once ``answers(port)`` is true."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "saycan.serve_policy", "policy=tiny_vla", *args, f"port={port}"])
    up = wait_for(lambda: proc.poll() is not None or answers(port), 120)
    assert up and proc.poll() is None, f"serve_policy {' '.join(args)} did not start"
    return proc, port


def put_down_the_apple(kitchen, executor: str, **settings):
    """Run "put down the apple" at the table with ``executor``; checks the world, returns the `ExecResult`."""
    import skills
    from saycan import executors
    from saycan.envs.pybullet import KitchenEnv
    from saycan.skill import Option

    sim = KitchenEnv(kitchen.with_init({"robot_at": "table", "holding": "apple"}), seed=0)
    env = executors.make(executor, sim, **settings)
    try:
        option = Option("put down the apple", "put_down", (("object", "apple"),))
        result = env.execute(skills.make("put_down"), option)
        assert result.success, result.message
        assert env.world.holding is None and env.world.location_of("apple") == "table"
        return result
    finally:
        env.close()


def self_signed(directory) -> tuple[str, str, str]:
    """A certificate for 127.0.0.1, its key and the CA that signed it, as PEM files in ``directory``
    (made now by trustme: no certificate is stored in the repository)."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    paths = [str(directory / name) for name in ("cert.pem", "key.pem", "ca.pem")]
    cert.cert_chain_pems[0].write_to_path(paths[0])
    cert.private_key_pem.write_to_path(paths[1])
    ca.cert_pem.write_to_path(paths[2])
    return paths[0], paths[1], paths[2]
