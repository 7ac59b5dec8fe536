"""saycan: ground a language model in what a robot can do (SayCan), with OpenVLA-style executors.

Importing this package loads no model; LLMs, simulators and policies load when built.
"""

__version__ = "0.1.0"
