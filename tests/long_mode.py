"""The suite's long mode (``IVR_LONG=1 ./dev.sh test``) and what it adds.

The default suite tests every capability at least once and stays under 10 minutes on two cores
(CI runs it). The long mode also runs the tests marked ``long``: the rest of a matrix whose
every row the default already covers for another dialect or variant, more kill -9 trials, the
second standard of a real-time test. Mark a test long only when a default test already checks
the same behaviour on the same code; say which in the test.

    @pytest.mark.parametrize("dialect,fault", rotated(DIALECTS, FAULTS))   # every fault once,
    def test_...(dialect, fault): ...                                      # dialects in turn
"""
from __future__ import annotations

import os
from itertools import product
from typing import Iterable

import pytest

LONG = os.environ.get("IVR_LONG") == "1"


def long(*values, id: str | None = None):
    """One parametrize row that runs only in the long mode."""
    return pytest.param(*values, marks=pytest.mark.long, id=id)


def rotated(variants: Iterable, *cases: Iterable, turn: int = 0) -> list:
    """Rows ``(variant, *case)`` for every variant and every combination of ``cases``; by default
    each combination runs with one variant, taken in turn (from the ``turn``-th), so every
    variant and every case is tested; the long mode runs them all. With no ``cases``: the
    variants alone, the ``turn``-th by default (several tests each take another)."""
    variants = list(variants)
    rows = []
    for index, case in enumerate(product(*cases)):
        for offset, variant in enumerate(variants):
            row = (variant, *case)
            chosen = offset == (index + turn) % len(variants)
            rows.append((row if len(row) > 1 else variant) if chosen else long(*row))
    return rows
