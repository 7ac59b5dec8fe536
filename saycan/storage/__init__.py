"""Files on disk: JSON lines, checked safetensors weights, safe YAML, the user's cache, shipped configs and suites."""
