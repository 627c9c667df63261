"""Gates domain."""
