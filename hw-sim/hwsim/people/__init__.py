"""Simulated people: callers who listen and press keys, operators who answer and talk."""
