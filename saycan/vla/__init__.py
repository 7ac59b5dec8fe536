"""Vision-language-action policies with OpenVLA's interface: the tiny VLA, its demos and training, action tokens."""
