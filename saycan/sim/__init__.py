"""A PyBullet kitchen that executes SayCan skills with a mobile Franka Panda (headless by default)."""
