"""Vision-language-action policies with OpenVLA's interface: action tokens, normalisation statistics."""
