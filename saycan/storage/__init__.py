"""Files on disk: JSON lines, checked safetensors weights, the user's cache, the shipped configs and suites."""
