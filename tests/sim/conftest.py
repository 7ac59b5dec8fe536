import pytest

from saycan.scene import Scene
from saycan.sim.kitchen import KitchenSim


@pytest.fixture
def make_sim(kitchen: Scene):
    """Build headless kitchens (optionally from start-state overrides); all are closed after the test."""
    sims = []

    def make(init=None, scene=None, **kwargs) -> KitchenSim:
        sim = KitchenSim((scene or kitchen).with_init(init), **kwargs)
        sims.append(sim)
        return sim

    yield make
    for sim in sims:
        sim.close()
