"""Handset bank drivers: the operators' desk phones (simulated, or the reference board's GPIO)."""
