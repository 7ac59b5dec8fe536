"""Low-level policies by name (``tiny_vla``, ``openvla``, ``openvla_server``, ``openpi``): image + text -> actions."""

from saycan.policies.base import OPENVLA_PROMPT, Policy, PolicyError
from saycan.registry import Registry

registry: Registry[Policy] = Registry("policy")
registry.register("tiny_vla", "saycan.policies.tiny_vla:TinyVLAPolicy")
registry.register("openvla", "saycan.policies.openvla:OpenVLAPolicy")
registry.register("openvla_server", "saycan.policies.openvla_client:OpenVLAClient")
registry.register("openpi", "saycan.policies.openpi_client:OpenPIPolicy")
make = registry.make  # _target_: saycan.policies.make in conf/policy/*.yaml; weights load here, not at import

__all__ = ["OPENVLA_PROMPT", "Policy", "PolicyError", "make", "registry"]
