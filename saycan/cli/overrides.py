"""Command lines before Hydra reads them: text quoted, a bare request as the instruction, bad overrides as one line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from saycan.errors import ConfigError, choices_hint
from saycan.storage.resources import conf_dir

# key=value with Hydra's optional +/++/~ prefix; the key is a dotted path (group@package allowed).
OVERRIDE = re.compile(r"^(?P<prefix>\+\+|\+|~)?(?P<key>[A-Za-z_][\w\-]*(?:[./@][\w\-]+)*)=(?P<value>.*)$", re.S)
MULTIRUN_FLAGS = ("-m", "--multirun")
# Hydra's flags that take a value as the next argument, which is then no word of the request.
VALUE_FLAGS = ("--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn", "--config-dir",
               "-cd", "--experimental-rerun")  # fmt: skip
INFO_CHOICES = ("all", "config", "defaults", "defaults-tree", "plugins", "searchpath")
# Maps a user may add keys to with +KEY=VALUE (e.g. "+scene.objects.soup=near counter"); any other
# added key would be read by nothing, so it is refused rather than silently ignored.
OPEN_MAPS = ("scene.objects", "scene.spills", "scene.attributes", "sim.force_failures")
# OmegaConf's type names, in a user's words.
TYPE_WORDS = {"Integer": "an integer", "Float": "a number", "Boolean": "true or false", "string": "text"}


def quote(text: str) -> str:
    """``text`` as a Hydra quoted value that composes back to exactly ``text``.

    OmegaConf reads ``${`` as an interpolation (``\\${`` is a literal one); Hydra's quoted strings
    escape only backslashes that precede a quote or the closing quote.
    """
    text = re.sub(r"(\\*)\$\{", lambda m: m.group(1) * 2 + "\\${", text)
    text = re.sub(r"(\\*)('|$)", lambda m: m.group(1) * 2 + ("\\'" if m.group(2) else ""), text)
    return "'" + text + "'"


def _already_quoted(value: str) -> bool:
    """The old workaround, ``instruction="\\"I'm thirsty\\""``: a value Hydra reads as one quoted string."""
    if len(value) < 2 or value[0] not in "'\"" or value[-1] != value[0]:
        return False
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    try:
        return isinstance(OverridesParser.create().parse_override(f"k={value}").value(), str)
    except HydraException:
        return False


def _takes(flag: str, following: str | None) -> bool:
    """Whether Hydra's ``flag`` takes ``following`` as its value (``--cfg job``; ``--info`` only a choice)."""
    if flag in VALUE_FLAGS:
        return following is not None
    return flag in ("--info", "-i") and following in INFO_CHOICES


def prepare(argv: Sequence[str], text_keys: Sequence[str], positional: str | None) -> list[str]:
    """``argv`` as Hydra must see it, so any text a shell passes reaches the config unchanged.

    ``scene=path/to/scene.yaml`` becomes ``scene_file=...`` (a scene group's choice is a name in conf/scene).
    Values of ``text_keys`` (instructions, goals, paths) are quoted for Hydra's grammar: apostrophes,
    commas, brackets, quotes, ``=`` and ``${`` stay text. Arguments that are not ``key=value``
    (``"I'm thirsty, can you help?"``) are joined into ``positional=...``. In a multirun (``-m``)
    values are left alone: their commas list the sweep's choices.

    Raises:
        ConfigError: bare words where the command takes none, or the positional key given twice.
    """
    multirun = any(arg in MULTIRUN_FLAGS for arg in argv)
    out: list[str] = []
    words: list[str] = []
    flag_value = False  # the previous argument was a Hydra flag and this one is its value (--cfg job)
    for i, arg in enumerate(argv):
        match = OVERRIDE.match(arg)
        if flag_value or arg.startswith("-") or (match is None and (arg.startswith("hydra") or multirun)):
            out.append(arg)
            flag_value = not flag_value and _takes(arg, argv[i + 1] if i + 1 < len(argv) else None)
        elif match is None:
            words.append(arg)
        elif match["key"] == "scene" and match["value"].endswith((".yaml", ".yml")) and not match["prefix"]:
            out.append(f"scene_file={quote(match['value'])}")  # a file of the user's own, not a conf/scene name
        elif match["key"] in text_keys and not multirun and not _already_quoted(match["value"]):
            out.append(f"{match['prefix'] or ''}{match['key']}={quote(match['value'])}")
        else:
            out.append(arg)
    if words:
        if positional is None:
            raise ConfigError(f"unexpected argument {words[0]!r}; this command takes key=value overrides only")
        if any((m := OVERRIDE.match(a)) and m["key"] == positional for a in out):
            raise ConfigError(f"the {positional} is given twice: as {' '.join(words)!r} and as {positional}=...")
        out.append(f"{positional}={quote(' '.join(words))}")
    return out


def _leaves(node: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, value) of every node of a config container, mappings included."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield f"{prefix}{key}", value
            yield from _leaves(value, f"{prefix}{key}.")


def _explain(exc: Exception, known: list[str]) -> str:
    """Hydra's multi-line report as one line naming the override and the valid choices."""
    text = str(exc)
    if m := re.search(r"Could not override '([^']+)'", text):
        return f"unknown key {m[1]!r}; {_close_key(m[1], known)}"
    if m := re.search(r"Could not find '([^'/]+)/([^']+)'", text):
        options = re.findall(r"^\t(\S+)$", text, re.M)
        return f"unknown choice {m[1]}={m[2]}; {choices_hint(m[2], options)}"
    if m := re.search(r"Could not delete from config. (?:The value of )?'?([\w.]+)", text):
        return f"cannot delete {m[1]!r}: it is not in the config"
    merging, cause = re.search(r"Error merging override ([^=]+=.*)", text), str(exc.__cause__ or "")
    kind = re.search(r"converted to (\w+)|Cannot convert '\w+' to (\w+)", cause)
    if merging and kind:  # a typed key (a structured config such as PlannerSettings's) given the wrong type
        return f"{merging[1]}: must be {TYPE_WORDS.get(kind[1] or kind[2], kind[1] or kind[2])}"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    detail = "; ".join(line for line in lines if not line.startswith(("provider=", "Config search path")))
    return "bad override: " + detail.replace(":; ", ": ").replace(".; ", ". ")


def _close_key(key: str, known: list[str]) -> str:
    """The keys beside ``key`` when its parent exists (``planner.foo``), else the closest key anywhere."""
    parent = key.rpartition(".")[0]
    if parent == "" or parent in known:
        siblings = [k for k in known if k.rpartition(".")[0] == parent and not k.rpartition(".")[2].startswith("_")]
        return choices_hint(key, siblings)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else "see the whole config with --cfg job"


def override_error(config_name: str, argv: Sequence[str], hints: Mapping[str, str] | None = None) -> str | None:
    """Why ``argv`` cannot run ``config_name``, on one line; None when it can.

    Checked: Hydra's own composition (unknown keys and group choices, syntax), keys added with
    ``+`` outside `OPEN_MAPS`, and ``???`` values left unset (``hints`` maps such a key to how to
    pass it). With Hydra's own flags (``--help``, ``--cfg``, ``-m``) Hydra checks and reports as usual.
    """
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from saycan.cli.schemas import register

    register()  # the structured configs conf/ builds on, before Hydra composes here or after
    if any(arg.startswith("-") for arg in argv):
        return None
    argv = [arg for arg in argv if not arg.lstrip("+~").startswith("hydra.")]

    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        # Keys are those of the groups as chosen here (pay=none has no checkpoint_path), else the defaults'.
        choices = [a for a in argv if (m := OVERRIDE.match(a)) and not m["prefix"] and (conf_dir() / m["key"]).is_dir()]
        try:
            base = compose(config_name, overrides=choices)
        except (HydraException, OmegaConfBaseException):
            choices, base = [], compose(config_name)
        known = sorted(key for key, _ in _leaves(OmegaConf.to_container(base, resolve=False)))
        try:
            cfg = compose(config_name, overrides=list(argv))
        except (HydraException, OmegaConfBaseException) as exc:
            message = _explain(exc, known)
            bad = re.match(r"unknown key '[^']+'", message)
            return f"{bad[0]} with {' '.join(choices)}{message[bad.end() :]}" if bad and choices else message
    for arg in argv:
        m = OVERRIDE.match(arg)
        if m and m["prefix"] in ("+", "++") and m["key"] not in known and m["key"].rpartition(".")[0] not in OPEN_MAPS:
            return f"unknown key {m['key']!r} (+ adds keys only under {', '.join(OPEN_MAPS)}); " + _close_key(
                m["key"], known
            )
    for key, value in _leaves(OmegaConf.to_container(cfg, resolve=False)):
        if value == "???":
            return (hints or {}).get(key) or f"{key} is required: pass {key}=..."
    return None
