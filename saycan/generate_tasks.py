"""`python -m saycan.generate_tasks out=PATH n=N seed=S`: kitchen tasks in all seven families, with gold plans."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from saycan.cli import Context, command


@command("generate_tasks", text_keys=("out",))
def main(cfg: DictConfig, ctx: Context) -> None:
    """Generate ``cfg.n`` tasks and write them as a suite file (``saycan.eval suite=PATH`` runs them)."""
    from collections import Counter

    import yaml

    from saycan import factory
    from saycan.errors import ConfigError
    from saycan.tasks.families import generate
    from saycan.tasks.family_weights import check_weights
    from saycan.tasks.generator import TaskGenerator
    from saycan.tasks.phrase_split import SPLITS
    from saycan.tasks.suite_file import suite_requests

    if cfg.split not in SPLITS:
        raise ConfigError(f"split={cfg.split!r}; valid: {', '.join(SPLITS)}")
    if int(cfg.n) < 1:
        raise ConfigError(f"n={cfg.n!r}: generate at least one task")
    weights = check_weights(cfg.family_weights)
    scene = factory.scene(cfg)
    gen = TaskGenerator(scene, {s.id: s for s in factory.skills(cfg)}, seed=int(cfg.seed), split=cfg.split)
    avoid = suite_requests(cfg.avoid, scene, float(cfg.avoid_similarity))
    rows = generate(gen, int(cfg.n), avoid, weights=weights)
    out = Path(cfg.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    header = {"name": out.stem, "scene": scene.name, "generated": {"n": len(rows), "seed": int(cfg.seed),
              "split": cfg.split, "avoid_similarity": float(cfg.avoid_similarity),
              "family_weights": weights}}  # fmt: skip
    out.write_text(yaml.safe_dump({**header, "tasks": rows}, sort_keys=False, allow_unicode=True, width=200))
    families = Counter(r["family"] for r in rows)
    ctx.console.print(f"{len(rows)} tasks -> {out} ({', '.join(f'{f} {n}' for f, n in families.items())})")


if __name__ == "__main__":
    main()
