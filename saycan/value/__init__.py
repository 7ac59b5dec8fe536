"""Learned value functions: p(success | state, skill text), trained on sim rollouts."""
