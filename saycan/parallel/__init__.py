"""Where many seeded episodes or eval tasks run, by name: ``local`` (this machine) or ``ray`` (a Ray cluster)."""

from saycan.registry import Registry

registry: Registry = Registry("parallel")
registry.register("local", "saycan.parallel.local:LocalPool")
registry.register("ray", "saycan.parallel.ray_pool:RayPool")
make = registry.make  # _target_: saycan.parallel.make in conf/parallel/*.yaml

__all__ = ["make", "registry"]
