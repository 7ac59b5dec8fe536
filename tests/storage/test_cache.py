"""saycan/storage/cache.py, resources.py and splits.py: where files are, and seeded hold-out splits."""

from pathlib import Path

from saycan.storage.cache import cache_dir
from saycan.storage.resources import conf_dir, suites_dir
from saycan.storage.splits import held_out


def test_the_cache_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SAYCAN_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("SAYCAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "saycan"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "saycan"


def test_the_shipped_configs_and_suites_are_found():
    assert (conf_dir() / "config.yaml").is_file() and (suites_dir() / "kitchen.yaml").is_file()


def test_held_out_episodes_are_seeded_and_never_empty():
    episodes = list(range(100))
    assert held_out(episodes, 0.2, seed=1) == held_out(episodes, 0.2, seed=1) != held_out(episodes, 0.2, seed=2)
    assert len(held_out(episodes, 0.2, seed=1)) == 20 and held_out([5, 6], 0.1, seed=0) <= {5, 6}
    assert len(held_out([5, 6], 0.1, seed=0)) == 1
