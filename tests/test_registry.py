import pytest

from saycan.errors import ConfigError
from saycan.registry import Registry, load_entry_point


def test_register_make_and_lazy_entry_point():
    reg = Registry("widget")
    reg.register("counter", "collections:Counter", a=1)
    assert reg.make("counter") == {"a": 1}
    assert reg.make("counter", a=2, b=3) == {"a": 2, "b": 3}
    assert "counter" in reg and list(reg) == ["counter"]


def test_duplicate_raises_unless_override():
    reg = Registry("widget")
    reg.register("x", dict)
    with pytest.raises(ValueError, match="already registered"):
        reg.register("x", list)
    reg.register("x", list, override=True)
    assert reg.make("x") == []


def test_unknown_id_lists_known_ones_and_suggests():
    reg = Registry("widget")
    reg.register("embedded", dict)
    reg.register("openai", dict)
    with pytest.raises(
        ConfigError, match=r"unknown widget 'embeded'; valid: 'embedded', 'openai'. Did you mean 'embedded'"
    ):
        reg.make("embeded")
    with pytest.raises(ConfigError, match=r"no widget id given; valid: 'embedded', 'openai'"):
        reg.make()
    assert reg.make(id="openai", a=1) == {"a": 1}  # config passes the id as a key (_target_: ...make)


def test_bad_entry_points_name_the_problem():
    with pytest.raises(ValueError, match="must look like"):
        load_entry_point("no_colon")
    with pytest.raises(ValueError, match="has no attribute"):
        load_entry_point("collections:Nope")
    assert load_entry_point("saycan.llm.hf:HFScorer.from_path").__name__ == "from_path"
