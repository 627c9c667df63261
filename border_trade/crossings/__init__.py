"""Crossings domain."""
