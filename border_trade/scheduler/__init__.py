"""Scheduler domain."""
