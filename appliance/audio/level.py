"""How loud a prompt is and whether its sound suits a phone line: one measure, build and tests.

The loudness of a prompt is its *active level*: the RMS, in dBFS, of the 20 ms frames that are no
more than ``GATE_DB`` below the loudest frame, so the pauses between words do not make a slow
prompt count as quieter (the idea of ITU-T P.56's active speech level, simplified). A full-scale
sine measures -3 dBFS.

>>> import math
>>> tone = [int(16384 * math.sin(i / 3)) for i in range(8000)]
>>> round(active_level_dbfs(tone), 1)
-9.0
"""
from __future__ import annotations

import math
from typing import Sequence

RATE = 8000
FULL_SCALE = 32768
FRAME_S = 0.02
GATE_DB = 30.0
EDGE_THRESHOLD_DBFS = -60.0     # low enough to keep the quiet, band-limited "s" of "six"
CLIP = 32767


def _ints(samples: Sequence[int]) -> Sequence[int]:
    """Python ints: the int16 array ``codecs`` reads a file into would wrap round in ``s * s``."""
    return samples.tolist() if hasattr(samples, "tolist") else samples


def frame_levels(samples: Sequence[int], rate: int = RATE) -> list[float]:
    """Mean square of each 20 ms frame (the last, partial frame included)."""
    size, samples = max(1, int(rate * FRAME_S)), _ints(samples)
    return [sum(s * s for s in samples[i:i + size]) / len(samples[i:i + size])
            for i in range(0, len(samples), size)]


def dbfs(mean_square: float) -> float:
    """A mean square as dBFS (full-scale sine = -3); -inf for digital silence."""
    return 10 * math.log10(mean_square / FULL_SCALE ** 2) if mean_square > 0 else -math.inf


def active_level_dbfs(samples: Sequence[int], rate: int = RATE) -> float:
    """The active level (see the module docstring) of ``samples``; -inf for silence."""
    levels = frame_levels(samples, rate)
    loudest = max(levels, default=0.0)
    if loudest <= 0:
        return -math.inf
    active = [m for m in levels if m >= loudest * 10 ** (-GATE_DB / 10)]
    return dbfs(sum(active) / len(active))


def edge_silence_s(samples: Sequence[int], rate: int = RATE) -> tuple[float, float]:
    """Seconds before the first and after the last sample above ``EDGE_THRESHOLD_DBFS``."""
    limit, samples = FULL_SCALE * 10 ** (EDGE_THRESHOLD_DBFS / 20), _ints(samples)
    loud = [i for i, s in enumerate(samples) if abs(s) > limit]
    if not loud:
        return len(samples) / rate, len(samples) / rate
    return loud[0] / rate, (len(samples) - 1 - loud[-1]) / rate


def clipped(samples: Sequence[int]) -> int:
    """How many samples sit at full scale (a sign of clipping)."""
    return sum(1 for s in _ints(samples) if s >= CLIP or s <= -CLIP)
