"""`python -m saycan.train_lora`: fit a LoRA adapter for the planner's LM on plans solved in the symbolic world."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from saycan.cli import Context, command


@command("train_lora", text_keys=("suite",))
def main(cfg: DictConfig, ctx: Context) -> None:
    """Fill the prompt bank, leave the suite's instructions out, train a LoRA adapter, optionally install it."""
    from hydra.utils import instantiate

    from saycan import factory
    from saycan.cli.progress import progress_bar
    from saycan.embed import shared_embedder
    from saycan.errors import ConfigError
    from saycan.llm.lora import SHIPPED_ADAPTERS, sequences, train_adapter
    from saycan.planner.prompt import PromptTemplate, plan_texts
    from saycan.planner.retrieval import expand_bank
    from saycan.storage.resources import suites_dir
    from saycan.text import NearCopies, name_masker
    from saycan.world.state import SymbolicWorld
    from saycan.world.suite import load_suite

    console, out = ctx.console, ctx.out
    if cfg.llm.get("adapter"):
        raise ConfigError("train_lora trains on the base model: leave llm.adapter=null")
    scene = factory.scene(cfg)
    template = PromptTemplate.from_config(OmegaConf.to_container(cfg.prompt, resolve=True))
    world = SymbolicWorld(scene)
    skills = {s.id: s for s in factory.skills(cfg)}
    texts = {o.text for s in skills.values() for o in s.options(world)}
    generated = [ex for bank in template.bank_tasks for ex in bank.for_scene(scene, skills)]
    bank, _, _ = expand_bank([*template.bank, *generated], world, texts)
    suite = load_suite(Path(cfg.suite) if cfg.suite else suites_dir() / f"{scene.name}.yaml", {scene.name: scene})
    # The suite's requests and their near-copies are no training data (saycan.text).
    mask = name_masker([*world.objects, *world.locations, *world.spills])
    copies = NearCopies([t.instruction for t in suite.tasks], shared_embedder(), mask, cfg.holdout_similarity)
    near = copies.near([ex.instruction for ex in bank])
    plans = [ex for ex, drop in zip(bank, near, strict=True) if not drop]
    if not plans:
        raise ConfigError("no training plans: prompt.bank is empty or every entry is near a suite instruction")
    scorer = instantiate(cfg.llm)
    data = sequences(scorer.tokenizer, [(t.prompt, t.completion) for t in plan_texts(template, plans)])
    console.print(f"{len(plans)} training plans ({len(bank) - len(plans)} left out: near suite instructions)")
    losses: list[float] = []
    with progress_bar(console) as progress:
        task = progress.add_task("training (sequences)", total=len(data) * cfg.epochs)

        def on_step(loss: float) -> None:
            losses.append(loss)
            recent = losses[-len(data) :]
            progress.update(task, advance=1, description=f"training (loss {sum(recent) / len(recent):.3f})")

        model = train_adapter(
            scorer.model, data, rank=cfg.rank, alpha=cfg.alpha, epochs=cfg.epochs, lr=cfg.lr,
            accumulate=cfg.accumulate, seed=cfg.seed, on_step=on_step,
        )  # fmt: skip
    adapter = out / "adapter"
    model.save_pretrained(adapter, safe_serialization=True)
    first, last = losses[: len(data)], losses[-len(data) :]
    metrics = {
        "plans": len(plans),
        "left_out": len(bank) - len(plans),
        "first_epoch_loss": sum(first) / len(first),
        "last_epoch_loss": sum(last) / len(last),
    }
    (adapter / "saycan_training.json").write_text(json.dumps({**metrics, **OmegaConf.to_container(cfg)}, indent=2))
    console.print(f"loss {metrics['first_epoch_loss']:.3f} -> {metrics['last_epoch_loss']:.3f}. Adapter: {adapter}")
    if cfg.install:
        target = SHIPPED_ADAPTERS / scene.name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(adapter, target)
        console.print(f"Installed: llm.adapter={scene.name} now loads {target}")


if __name__ == "__main__":
    main()
