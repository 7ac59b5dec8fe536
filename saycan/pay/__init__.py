"""Pay, the third factor of SayCanPay: ``learned`` (default) or ``none`` (SayCan's say x can alone)."""

from saycan.registry import Registry

registry: Registry = Registry("pay")
registry.register("learned", "saycan.pay.pay:LearnedPay")
registry.register("none", "saycan.pay.pay:NoPay")
make = registry.make  # _target_: saycan.pay.make in conf/pay/*.yaml

__all__ = ["make", "registry"]
