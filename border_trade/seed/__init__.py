"""Reference data and the demo world."""
