"""`python -m saycan.train_lora`: fit a LoRA adapter for the planner's LM on plans solved in the symbolic world."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from saycan.resources import conf_dir


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="train_lora")
def main(cfg: DictConfig) -> None:
    from hydra.utils import instantiate
    from rich.console import Console

    import skills
    from saycan.errors import ConfigError, exit_on_user_error
    from saycan.llm.lora import SHIPPED_ADAPTERS, plan_texts, sequences, train_adapter
    from saycan.progress import progress_bar
    from saycan.prompt import PromptTemplate
    from saycan.resources import suites_dir
    from saycan.retrieval import expand_bank
    from saycan.scene import scene_from_dict
    from saycan.suite import load_suite
    from saycan.world import SymbolicWorld

    console = Console()
    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        if cfg.llm.get("adapter"):
            raise ConfigError("train_lora trains on the base model: leave llm.adapter=null")
        scene = scene_from_dict(OmegaConf.to_container(cfg.scene, resolve=True), source="conf/scene")
        template = PromptTemplate.from_config(OmegaConf.to_container(cfg.prompt, resolve=True))
        world = SymbolicWorld(scene)
        texts = {o.text for s in skills.make_library(cfg.skills.names) for o in s.options(world)}
        bank, _ = expand_bank(template.bank, world, texts)
        suite = load_suite(Path(cfg.suite) if cfg.suite else suites_dir() / f"{scene.name}.yaml", {scene.name: scene})
        held_out = {t.instruction.strip().lower() for t in suite.tasks}
        plans = [ex for ex in bank if ex.instruction.strip().lower() not in held_out]
        if not plans:
            raise ConfigError("no training plans: prompt.bank is empty or every instruction is in the suite")
        scorer = instantiate(cfg.llm)
        data = sequences(scorer.tokenizer, plan_texts(template, plans))
        console.print(f"{len(plans)} training plans ({len(bank) - len(plans)} left out: they are suite instructions)")
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
    except Exception as exc:  # only our own errors are shown as one line; anything else is a bug
        exit_on_user_error(console, exc)


if __name__ == "__main__":
    main()
