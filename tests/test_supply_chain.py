"""Supply chain: nothing is unpickled, remote code runs only when asked, secrets stay out of records."""

import ast
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for d in ("saycan", "skills", "benchmarks", "examples") for p in (REPO / d).rglob("*.py"))


def calls(path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            yield ast.unparse(node.func), {k.arg: ast.unparse(k.value) for k in node.keywords}, node.lineno


def test_no_code_path_can_unpickle():
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] in ("pickle", "dill", "cloudpickle", "joblib") for n in names):
                    found.append(f"{path}:{node.lineno} imports a pickle library")
        for func, kwargs, line in calls(path):
            if func.endswith("torch.load") and kwargs.get("weights_only") != "True":
                found.append(f"{path}:{line} torch.load without weights_only=True")
            if func.endswith("np.load") and kwargs.get("allow_pickle") != "False":
                found.append(f"{path}:{line} np.load without allow_pickle=False")
            safe = path == REPO / "saycan/storage/yaml_safe.py" and kwargs.get("Loader") == "LOADER"
            if (func.endswith("yaml.load") and not safe) or func.endswith("yaml.unsafe_load"):
                found.append(f"{path}:{line} {func}: use saycan.storage.yaml_safe.safe_load")
    assert not found, found


def test_the_one_yaml_loader_is_a_safe_one():
    from saycan.storage.yaml_safe import LOADER

    assert LOADER in (getattr(yaml, "CSafeLoader", None), yaml.SafeLoader)


def test_remote_code_is_off_unless_the_user_turns_it_on():
    for path in SOURCES:
        for func, kwargs, line in calls(path):
            assert kwargs.get("trust_remote_code") not in ("True", "1"), f"{path}:{line} {func}"
    for path in (REPO / "conf").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text()) or {}
        assert data.get("trust_remote_code", False) is False, path


def test_the_api_key_never_reaches_the_trace_or_the_output(tmp_path, tiny_scorer):
    from tests.llm.completions_server import CompletionsServer

    secret = "sk-test-0123456789abcdef"
    env = {"PATH": "/usr/bin:/bin", "MY_KEY": secret, "HOME": str(Path.home())}
    with CompletionsServer(tiny_scorer) as server:
        out = subprocess.run(
            [sys.executable, "-m", "saycan.run", f"hydra.run.dir={tmp_path}", "instruction=clean the spill",
             "llm=openai", f"llm.base_url={server.url}", "llm.model=tiny", "llm.api_key_env=MY_KEY",
             "planner.max_steps=2"],
            capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env,
        )  # fmt: skip
    assert out.returncode == 1, out.stdout + out.stderr  # ran; clean(spill) is not reached in 2 steps
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "trace.jsonl" for p in written)
    for text in [out.stdout, out.stderr, *(p.read_text(errors="replace") for p in written)]:
        assert secret not in text
