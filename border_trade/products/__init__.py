"""Products domain."""
