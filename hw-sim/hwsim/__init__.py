"""The simulator: lines, handsets, callers, operators and traffic that stand in for the real world."""
