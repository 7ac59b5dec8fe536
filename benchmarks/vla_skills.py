"""Success of the tiny VLA per skill, location and object in the sim, beside the scripted routine on the same states.

    python benchmarks/vla_skills.py --trials 40 [--path DIR] [--beside DIR [--chunk-steps K]] [--served]
                                    [--end-to-end] [--any-slot] [--crowded] [--attempts N] [--chained] [--json F]

Start states are drawn like the training demos' but from seeds the demos never used; ``--any-slot`` puts
the objects in any free slot of their surface, not the nearest (``train_vla any_slot=true``); ``--crowded``
moves other things to the skill's place until it holds 4-6 (``train_vla crowd_share=``). ``--attempts N``
counts a policy's skill as done if one of N tries succeeds, each retry from where the last left off, the
base re-docked as the shipped executor does (`PolicyExecutor`): a pick-up facing its thing (``--retry-face``),
then ``--retry-shift`` metres to one side and then the other. ``--served`` runs the policy through ``python -m
saycan.serve_policy`` on 127.0.0.1 and the openvla_server client, so the numbers include the network round
trip. ``--end-to-end`` also plans and executes "clean the spill" with ``saycan.run env=pybullet
executor=tiny_vla``. ``--beside DIR`` runs a second checkpoint (e.g. ``chunk=K``) on the same start states,
executing ``--chunk-steps`` actions of each chunk per query. ``--chained`` carries each thing picked up to
another place and has the same runner put it down from its own grasp, as most of a plan's put-downs start
(the others start held as a scripted pick leaves things). ``knocked off`` (policy/scripted): the share of
tries after which a thing beside the skill's own has left the place (a success detector passes that).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import yaml

import skills
from saycan.executors.policy_executor import PolicyExecutor
from saycan.policies import make as make_policy
from saycan.sim.kitchen import KitchenSim
from saycan.skill import ExecResult, Option
from saycan.storage.resources import conf_dir
from saycan.vla.episodes import DemoMix, start_episode
from saycan.world.scene import load_scene, scene_definition

HELD_OUT_SEED = 10_000  # demos use seed 0: episodes here are seeded (10000, trial)
CHAINED = "put_down after pick"

Results = dict[str, dict[str, list[float]]]
Policies = Mapping[str, tuple[object, int | None]]  # name -> (policy, actions of a chunk per query or None)
Retry = Mapping[str, float | bool] | None  # the executor's retry_shift and retry_face
Run = Callable[[str, str], ExecResult]  # (skill id, object) -> the outcome


def knocked_off(sim: KitchenSim, place: str | None, beside: list[str]) -> bool:
    """A thing that stood ``beside`` the skill's own at ``place`` is no longer there (on the floor, say).

    The skill's detector looks at its own thing only: a put-down that knocks the bottle beside it off the
    counter succeeds, and the plan's judge then counts the bottle on the floor against the request.
    """
    return any(sim.station_of(o) != place for o in beside)


def run_trials(
    policies: Policies,
    trials: int,
    any_slot: bool = False,
    crowded: bool = False,
    attempts: int = 1,
    retry: Retry = None,
    chained: bool = False,
) -> tuple[Results, Results, Results]:
    """Each policy (name -> (policy, chunk_steps)) and the scripted routine on the same held-out start states
    (``any_slot``: things in any free slot of their surface; ``crowded``: 4-6 things at the skill's place;
    `DemoMix`), each policy given ``attempts`` tries. ``chained``: each successful pick-up is carried to
    another place and put down by the same runner (rows `CHAINED`: ``n`` counts the scripted routine's).

    Returns:
        ``{skill: {runner: [success...], "runner:control_hz": [...], ...}}``, and the success lists per
        ``"skill @ location"`` (the place the robot is docked at) and per ``"skill : object"`` (a checkpoint
        can fail one thing, a rolling apple, that few states of a place show).
    """
    scene_def = scene_definition(load_scene(conf_dir() / "scene" / "kitchen.yaml"))
    results: Results = defaultdict(lambda: defaultdict(list))
    by_place: Results = defaultdict(lambda: defaultdict(list))
    by_object: Results = defaultdict(lambda: defaultdict(list))
    mix = DemoMix(any_slot=any_slot, crowd=float(crowded))  # crowd_draw=0 below: every state crowded if asked
    for trial in range(trials):
        for runner in (*policies, "scripted"):
            rng = np.random.default_rng([HELD_OUT_SEED, trial])
            env, skill, obj, _ = start_episode(scene_def, rng, mix, crowd_draw=0.0)
            place = env.sim.robot_station()
            beside = [o for o in env.sim.objects if o != obj and place and env.sim.station_of(o) == place]
            where = f"{skill} @ {place}"
            try:
                run = runner_for(runner, env, policies, attempts, retry)
                out = run(skill, obj)
                if runner in policies:
                    for key in ("control_hz", "policy_steps", "policy_queries"):
                        results[skill][f"{runner}:{key}"].append(out.info[key])
                results[skill][runner].append(float(out.success))
                results[skill][f"{runner}:knocked_off"].append(float(knocked_off(env.sim, place, beside)))
                by_place[where][runner].append(float(out.success))
                by_object[f"{skill} : {obj}"][runner].append(float(out.success))
                if chained and skill == "pick_up" and out.success:  # carried elsewhere, set down from its own grasp
                    dest_rng = np.random.default_rng([HELD_OUT_SEED, trial, 1])
                    dest = str(dest_rng.choice([loc for loc in env.scene.locations if loc != place]))
                    env.routine("go_to", location=dest)
                    put = float(run("put_down", obj).success)
                    for key in (f"{CHAINED} @ {dest}", f"{CHAINED} @ any place"):
                        by_place[key][runner].append(put)
                    by_object[f"{CHAINED} : {obj}"][runner].append(put)
            finally:
                env.close()
        done = {k: {n: f"{np.mean(v[n]):.0%}" for n in policies} for k, v in results.items()}
        print(f"  trial {trial + 1}/{trials}: success so far {done}", file=sys.stderr)
    return results, by_place, by_object


def runner_for(runner: str, env: object, policies: Policies, attempts: int, retry: Retry) -> Run:
    """``run(skill, obj)``: the skill on ``obj``, its template's text, by the policy (``attempts`` tries) or script."""
    executor = None
    if runner in policies:
        policy, chunk_steps = policies[runner]
        executor = PolicyExecutor(env, policy, unnorm_key="saycan_kitchen", chunk_steps=chunk_steps, **(retry or {}))

    def run(skill_id: str, obj: str) -> ExecResult:
        skill = skills.make(skill_id)
        option = Option(skill.template.format(object=obj), skill_id, (("object", obj),))
        if executor is None:
            return env.execute(skill, option)
        for _ in range(attempts):
            out = executor.execute(skill, option)
            if out.success:
                break
        return out

    return run


def per_group(group: Results, policies: Mapping[str, object]) -> dict[str, dict[str, float | None]]:
    """Per group ("skill @ location", "skill : object"): n and each runner's rate (None: it had no try)."""
    cols = {"scripted_success": "scripted", **{n: n for n in policies}}
    return {
        key: {"n": len(r["scripted"]), **{c: float(np.mean(r[k])) if r[k] else None for c, k in cols.items()}}
        for key, r in sorted(group.items())
    }


def print_groups(title: str, rates: Mapping[str, Mapping[str, float | None]], policies: Mapping[str, object]) -> None:
    """One row per group: its count, each policy's success, the scripted routine's ("-": no try)."""
    print(f"\n{title:36s} {'n':>4s} " + " ".join(f"{n[:20]:>20s}" for n in policies) + " scripted")
    for key, s in rates.items():
        cells = ["-" if s[c] is None else f"{s[c]:.0%}" for c in (*policies, "scripted_success")]
        print(f"{key:36s} {s['n']:4.0f} " + " ".join(f"{c:>20s}" for c in cells[:-1]) + f" {cells[-1]:>8s}")


def end_to_end(executor_args: list[str]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as out:
        cmd = [
            sys.executable, "-m", "saycan.run", "instruction=clean the spill", "env=pybullet",
            *executor_args, f"hydra.run.dir={out}",
        ]  # fmt: skip
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        lines = [json.loads(x) for x in (Path(out) / "trace.jsonl").read_text().splitlines()]
    end = next((x for x in lines if x["kind"] == "end"), {})
    steps = [x for x in lines if x["kind"] == "step"]
    return {
        "returncode": proc.returncode,
        "plan": end.get("plan"),
        "goal_reached": end.get("goal_reached"),
        "failed_steps": [s["chosen"] for s in steps if not s.get("success", True)],
        "seconds": round(seconds, 1),
    }


def serve(port: int, path_args: list[str]) -> subprocess.Popen:
    import httpx

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "saycan.serve_policy",
            "policy=tiny_vla",
            *path_args,
            f"port={port}",
            "log_level=warning",
        ]
    )
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("serve_policy did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--served", action="store_true", help="run the policy behind serve_policy on 127.0.0.1")
    parser.add_argument("--end-to-end", action="store_true", help='also run "clean the spill" with executor=tiny_vla')
    parser.add_argument("--path", type=Path, help="a checkpoint directory (default: the shipped tiny VLA)")
    parser.add_argument("--beside", type=Path, help="a second checkpoint run on the same start states (e.g. chunk=K)")
    parser.add_argument("--chunk-steps", type=int, default=None, help="actions of a chunk per query (default: all)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--any-slot", action="store_true", help="things in any free slot of a surface, not the nearest")
    parser.add_argument("--crowded", action="store_true", help="4-6 things at the skill's place (other things moved)")
    parser.add_argument("--attempts", type=int, default=1, help="tries a policy gets per start state")
    parser.add_argument("--chained", action="store_true", help="each pick-up carried elsewhere and put down")
    shipped = yaml.safe_load((conf_dir() / "executor" / "tiny_vla.yaml").read_text())
    parser.add_argument(
        "--retry-shift",
        type=float,
        default=shipped["retry_shift"],
        help=f"metres a retry re-docks aside (0: none; {shipped['retry_shift']} shipped)",
    )
    parser.add_argument(
        "--retry-face",
        action=argparse.BooleanOptionalAction,
        default=shipped["retry_face"],
        help=f"a pick-up's retry first re-docks facing the thing ({shipped['retry_face']} shipped)",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    path_args = [f"policy.path={args.path.resolve()}"] if args.path else []
    server = serve(args.port, path_args) if args.served else None
    try:
        url = f"http://127.0.0.1:{args.port}"
        name = "tiny VLA (served)" if server else "tiny VLA"
        first = make_policy("openvla_server", url=url) if server else make_policy("tiny_vla", path=args.path)
        policies = {name: (first, None)}
        if args.beside:
            chunked = make_policy("tiny_vla", path=args.beside)
            policies[f"{args.beside.name} (chunk {chunked.model.chunk})"] = (chunked, args.chunk_steps)
        results, by_place, by_object = run_trials(
            policies,
            args.trials,
            args.any_slot,
            args.crowded,
            args.attempts,
            {"retry_shift": args.retry_shift, "retry_face": args.retry_face},
            args.chained,
        )
        by_location, by_thing = (per_group(group, policies) for group in (by_place, by_object))
        summary = {
            skill: {
                "n": len(r["scripted"]),
                "scripted_success": float(np.mean(r["scripted"])),
                "scripted_knocked_off": float(np.mean(r["scripted:knocked_off"])),
                **{
                    n: {
                        "success": float(np.mean(r[n])),
                        "knocked_off": float(np.mean(r[f"{n}:knocked_off"])),
                        "actions": float(np.mean(r[f"{n}:policy_steps"])),
                        "queries": float(np.mean(r[f"{n}:policy_queries"])),
                        "control_hz": float(np.mean(r[f"{n}:control_hz"])),
                    }
                    for n in policies
                },
            }
            for skill, r in sorted(results.items())
        }
        print(f"\n{'skill':10s} {'policy':28s} {'n':>4s} {'success':>8s} {'scripted':>9s} {'knocked off':>12s} "
              f"{'actions':>8s} {'queries':>8s} {'control Hz':>11s}")  # fmt: skip
        for skill, s in summary.items():
            for n in policies:
                p = s[n]
                knocked = f"{p['knocked_off']:.0%}/{s['scripted_knocked_off']:.0%}"
                print(f"{skill:10s} {n:28s} {s['n']:4d} {p['success']:8.0%} {s['scripted_success']:9.0%} "
                      f"{knocked:>12s} {p['actions']:8.1f} {p['queries']:8.1f} {p['control_hz']:11.1f}")  # fmt: skip
        print_groups("skill @ location", by_location, policies)
        print_groups("skill : object", by_thing, policies)
        report: dict[str, object] = {
            "policies": list(policies),
            "skills": summary,
            "locations": by_location,
            "objects": by_thing,
        }
        if args.end_to_end:
            executor = ["executor=openvla_server", f"executor.url={url}"] if server else ["executor=tiny_vla"]
            if args.path and not server:
                executor.append(f"executor.path={args.path.resolve()}")
            report["clean_the_spill"] = end_to_end(executor)
            print(f'\n"clean the spill" with {" ".join(executor)}: {report["clean_the_spill"]}')
        if args.json:
            args.json.write_text(json.dumps(report, indent=2))
    finally:
        if server:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
