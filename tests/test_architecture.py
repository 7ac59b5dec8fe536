"""docs/architecture.md's layers hold: no module imports one from a higher layer, and no imports run in a cycle."""

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENTRY_POINT = re.compile(r"^((?:saycan|skills)(?:\.\w+)*):\w+$")  # a registry's lazy "module:Attr"


def layers() -> dict[str, int]:
    """Module prefix -> layer number, from the table under "## Layers" in docs/architecture.md."""
    text = (REPO / "docs" / "architecture.md").read_text()
    table = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    found = {}
    for number, modules in re.findall(r"^\| (\d+) [^|]*\| ([^|]*) \|", table, re.M):
        for name in re.findall(r"`([\w.]+)`", modules):
            found[name if name in ("saycan", "skills") else f"saycan.{name}"] = int(number)
    return found


def modules() -> dict[str, Path]:
    found = {}
    for package in ("saycan", "skills"):
        for path in (REPO / package).rglob("*.py"):
            found[".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")] = path
    return found


def layer_of(module: str, table: dict[str, int]) -> int | None:
    while module:
        if module in table:
            return table[module]
        module = module.rpartition(".")[0]
    return None


def imported(path: Path, known: dict[str, Path]) -> set[str]:
    """The project's modules ``path`` imports, at its top or inside functions, or names as an entry point."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known]
            names.update(subs or [node.module])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and ENTRY_POINT.match(node.value):
            names.add(ENTRY_POINT.match(node.value)[1])
    resolved = set()
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            resolved.add(name)
    return resolved


def test_every_module_has_a_layer():
    table = layers()
    assert table, "docs/architecture.md has no layer table"
    assert [m for m in modules() if layer_of(m, table) is None] == []


def test_no_module_imports_one_from_a_higher_layer():
    table, known = layers(), modules()
    upward = []
    for module, path in known.items():
        for target in imported(path, known):
            if layer_of(target, table) > layer_of(module, table):
                upward.append(
                    f"{module} (layer {layer_of(module, table)}) imports {target} ({layer_of(target, table)})"
                )
    assert upward == []


def test_the_library_never_imports_the_skill_library():
    known = modules()
    assert [m for m, path in known.items() if m.startswith("saycan") and any(
        t == "skills" or t.startswith("skills.") for t in imported(path, known)
    )] == []  # fmt: skip


def test_no_imports_run_in_a_cycle():
    known = modules()
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        graph[module] = set()
        for target in imported(path, known) - {module}:
            # Importing a module runs its packages' __init__ first, except the importer's own packages'.
            parts = target.split(".")
            chain = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
            graph[module] |= {m for m in chain if m in known and m != module and not module.startswith(m + ".")}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path, module, target]
            if state.get(target) is None and (cycle := visit(target, [*path, module])):
                return cycle
        state[module] = 2
        return None

    cycles = [c for m in sorted(graph) if state.get(m) is None and (c := visit(m, []))]
    assert cycles == []
