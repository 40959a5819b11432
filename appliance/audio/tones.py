"""DTMF and call-progress tones as int16 sample arrays, at calibrated telephone levels (dBm0).

The level scale follows spandsp and G.711: a full-scale sine is +3.14 dBm0, so a tone at ``L`` dBm0
has peak amplitude ``32767 * 10 ** ((L - 3.14) / 20)``. Tests, benches and the simulator build their
signals here so that "-25 dBm0" means the same thing everywhere.

    >>> burst = dtmf_burst("5", 0.05, level_dbm0=-10.0)      # 50 ms of key 5 at 8 kHz
    >>> seq = dtmf_sequence("4711#", on_s=0.05, off_s=0.05)  # keys with gaps, ready to decode
"""
from __future__ import annotations

import numpy as np

ROWS = (697.0, 770.0, 852.0, 941.0)
COLS = (1209.0, 1336.0, 1477.0, 1633.0)
KEYPAD = ("123A", "456B", "789C", "*0#D")
KEYS = "".join(KEYPAD)
FULL_SCALE_DBM0 = 3.14


def key_frequencies(key: str) -> tuple[float, float]:
    """(row, column) frequencies in Hz of a DTMF key; ``ValueError`` for anything else."""
    for r, keys in enumerate(KEYPAD):
        if key in keys and len(key) == 1:
            return ROWS[r], COLS[keys.index(key)]
    raise ValueError(f"not a DTMF key: {key!r}")


def amplitude(level_dbm0: float) -> float:
    """Peak amplitude (16-bit scale) of a sine at ``level_dbm0``."""
    return 32767.0 * 10.0 ** ((level_dbm0 - FULL_SCALE_DBM0) / 20.0)


def sine(freq: float, n: int, level_dbm0: float, rate: int = 8000, phase: float = 0.0,
         start: int = 0) -> np.ndarray:
    """``n`` float samples of one sine; ``start`` continues the phase of an earlier piece."""
    t = np.arange(start, start + n) / rate
    return amplitude(level_dbm0) * np.sin(2.0 * np.pi * freq * t + phase)


def to_int16(x: np.ndarray) -> np.ndarray:
    """Round and clip float samples to int16 (clipping is what a real codec does too)."""
    return np.clip(np.rint(x), -32768, 32767).astype(np.int16)


def dual_tone(f_low: float, f_high: float, n: int, low_dbm0: float, high_dbm0: float,
              rate: int = 8000, rng: np.random.Generator | None = None) -> np.ndarray:
    """Float samples of two sines with random start phases (when ``rng`` is given)."""
    p1, p2 = (rng.uniform(0, 2 * np.pi, 2) if rng is not None else (0.0, 0.0))
    return sine(f_low, n, low_dbm0, rate, p1) + sine(f_high, n, high_dbm0, rate, p2)


def dtmf_burst(key: str, seconds: float, level_dbm0: float = -10.0, rate: int = 8000,
               twist_db: float = 0.0, offsets: tuple[float, float] = (0.0, 0.0),
               rng: np.random.Generator | None = None) -> np.ndarray:
    """Float samples of one key. ``twist_db`` > 0 makes the high tone weaker (normal twist),
    < 0 stronger (reverse); the stronger tone sits at ``level_dbm0``. ``offsets`` are relative
    frequency errors of the (row, column) tones, e.g. (0.015, -0.015)."""
    row, col = key_frequencies(key)
    low = level_dbm0 - max(0.0, -twist_db)
    high = level_dbm0 - max(0.0, twist_db)
    n = int(round(seconds * rate))
    return dual_tone(row * (1 + offsets[0]), col * (1 + offsets[1]), n, low, high, rate, rng)


def dtmf_sequence(keys: str, on_s: float = 0.05, off_s: float = 0.05, level_dbm0: float = -10.0,
                  rate: int = 8000, lead_s: float = 0.05, seed: int | None = 0) -> np.ndarray:
    """int16 samples of ``keys`` as bursts with gaps, starting after ``lead_s`` of silence."""
    rng = np.random.default_rng(seed) if seed is not None else None
    gap = np.zeros(int(round(off_s * rate)))
    parts = [np.zeros(int(round(lead_s * rate)))]
    for key in keys:
        parts += [dtmf_burst(key, on_s, level_dbm0, rate, rng=rng), gap]
    return to_int16(np.concatenate(parts))


def white_noise(n: int, level_dbm0: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise whose total power (0 to rate/2) is ``level_dbm0``."""
    sigma = amplitude(level_dbm0) / np.sqrt(2.0)
    return rng.normal(0.0, sigma, n)


def ringback(seconds: float, rate: int = 8000, level_dbm0: float = -19.0) -> np.ndarray:
    """North-American ringback (440 + 480 Hz, 2 s on, 4 s off) as int16, for tests and the line sim."""
    n = int(round(seconds * rate))
    tone = sine(440.0, n, level_dbm0, rate) + sine(480.0, n, level_dbm0, rate)
    on = (np.arange(n) % (6 * rate)) < 2 * rate
    return to_int16(tone * on)
