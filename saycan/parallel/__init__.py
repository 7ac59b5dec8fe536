"""Running many seeded episodes or tasks at once: local worker processes."""
