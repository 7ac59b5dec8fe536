"""Evaluation over task suites, the way the SayCan paper measured: plan and execution success per family."""
