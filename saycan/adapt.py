"""`python -m saycan.adapt scene=NAME out=DIR`: fit Pay, the prompt bank and the ask calibration to one scene.

Generates tasks in the scene, fine-tunes each of Pay's goal scorers on them from the shipped checkpoint
(or ``pay.checkpoint_path``) and refits Pay's step calibration; writes the scene's prompt bank; then, with
``calibration=true``, calibrates KnowNo's q_hat for the adapted planner on further generated tasks. It
prints the overrides that use all three. Tasks are never near a shipped suite's requests.
"""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from saycan.cli import Context, command

MISSING_OUT = "no out: pass the directory to write, e.g. python -m saycan.adapt scene=office out=adapted/office"


@command("adapt", text_keys=("out",), hints={"out": MISSING_OUT})
def main(cfg: DictConfig, ctx: Context) -> None:
    """Tasks for the scene, Pay fine-tuned and recalibrated, the bank, the q_hat; nothing in ``out`` overwritten."""
    import yaml

    from saycan import factory
    from saycan.calibrate import fit_calibration, run_settings
    from saycan.errors import ConfigError
    from saycan.pay import checkpoint
    from saycan.pay.data import goal_example
    from saycan.pay.model import TokenStates
    from saycan.pay.steps import calibrate, decisions
    from saycan.pay.train import fit, infer_goals
    from saycan.tasks.bank import recipe_of, scene_tasks
    from saycan.tasks.suite_file import tasks_for

    out = Path(cfg.out)
    if (out / "pay.safetensors").exists():
        raise ConfigError(f"{out} already holds an adapted Pay; pass another out=")
    if int(cfg.n) < 1 or int(cfg.epochs) < 1:
        raise ConfigError(f"n={cfg.n!r}, epochs={cfg.epochs!r}: need n >= 1 and epochs >= 1")
    out.mkdir(parents=True, exist_ok=True)
    scene = factory.scene(cfg)
    skills = {s.id: s for s in factory.skills(cfg)}
    tasks = tasks_for(None, out / "tasks.yaml", int(cfg.n), int(cfg.seed), "train", scene, skills)
    model, meta = checkpoint.load(cfg.pay.checkpoint_path)
    first = model.members[0]
    examples = [e for e in (goal_example(t, first.kinds, first.places_described) for t in tasks) if e]
    states = TokenStates()
    for i, member in enumerate(model.members):
        fit(member, examples, states, int(cfg.epochs), float(cfg.lr), int(cfg.batch), int(cfg.seed) + i)
        ctx.console.print(f"goal scorer {i + 1}/{len(model.members)} fine-tuned on {len(examples)} requests")
    model.eval()
    steps = decisions(tasks[: int(cfg.calibration_tasks)], skills,
                      lambda task: infer_goals(model, states, task.instruction, task.scene), int(cfg.seed))  # fmt: skip
    step_calibration = calibrate(steps)
    adapted = {"scene": scene.name, "n": len(tasks), "epochs": int(cfg.epochs), "lr": float(cfg.lr),
               "seed": int(cfg.seed), "from": meta.get("sha256")}  # fmt: skip
    meta = {
        **{k: v for k, v in meta.items() if k not in ("sha256", "format", "architecture")},
        "calibration": vars(step_calibration),
        "adapted": adapted,
        "training_requests": sorted({*meta.get("training_requests", []), *(t.instruction for t in tasks)}),
    }
    pay_path = checkpoint.save(model, out / "pay", meta).with_suffix("")
    recipe = recipe_of({"n": int(cfg.bank_n), "seed": int(cfg.seed) + 11}, "adapt")
    bank = {"name": "bank", "scene": scene.name, "generated": recipe, "tasks": scene_tasks(scene, skills, recipe)}
    (out / "bank.yaml").write_text(yaml.safe_dump(bank, sort_keys=False, allow_unicode=True, width=200))
    uses = [f"pay.checkpoint_path={pay_path}", f"prompt.bank_tasks=[{out / 'bank.yaml'}]"]
    if cfg.calibration:
        cfg.pay.checkpoint_path, cfg.prompt.bank_tasks = str(pay_path), [str(out / "bank.yaml")]
        n = int(cfg.n_calibration)
        more = tasks_for(None, out / "calibration.tasks.yaml", n + int(cfg.n_test), int(cfg.seed) + 3, "all", scene,
                         skills)  # fmt: skip
        planner = factory.planner(cfg, held_out=[t.instruction for t in more], holdout_similarity=0.85)
        settings = {**run_settings(cfg), "scene": scene.name, "seed": int(cfg.seed) + 3, "tasks": None}
        cal = fit_calibration(ctx, planner, more, n, float(cfg.epsilon), settings)
        cal.save(out / "conformal.json")
        uses.append(f"planner.calibration={out / 'conformal.json'}")
        ctx.console.print(f"q_hat {cal.qhat:.4f} (epsilon {cal.epsilon}), coverage {cal.coverage}", markup=False)
    ctx.console.print(
        f"Adapted to scene {scene.name!r}. Use it with:\n  {' '.join(uses)}", soft_wrap=True, markup=False
    )


if __name__ == "__main__":
    main()
