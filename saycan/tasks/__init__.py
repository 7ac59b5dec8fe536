"""Generated kitchen tasks: references resolved through scene attributes, seven families, gold plans by search."""
