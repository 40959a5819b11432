"""The DTMF test specification (shared/reference/dsp.md section 8) as seeded numpy signals.

Each case builds ``Condition``s: one signal, the keys it must decode to (``expected``), and whether
the condition is a MUST gate (``must``) or only reported. The tests and ``bench/dtmf_bench.py``
share these, so the scorecard and the gates always measure the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from appliance.audio import codecs
from appliance.audio.tones import KEYS, dtmf_burst, sine, to_int16, white_noise

RATE = 8000
CODECS = ("linear", "ulaw", "alaw")


@dataclass(frozen=True)
class Condition:
    """One row of a case: the signal, the keys expected from it, and whether it gates."""
    case: str
    label: str
    samples: np.ndarray
    expected: str
    must: bool = True
    noisy: bool = False          # scored as "at least 99.9 % found, nothing wrong"


def through(codec: str, samples: np.ndarray) -> np.ndarray:
    """The signal after a G.711 round trip (or unchanged for ``linear``)."""
    if codec == "ulaw":
        return codecs.ulaw_decode(codecs.ulaw_encode(samples))
    if codec == "alaw":
        return codecs.alaw_decode(codecs.alaw_encode(samples))
    return samples


def matched(decoded: str, expected: str) -> int:
    """How many expected keys were found, in order: the longest common subsequence."""
    want = np.frombuffer(expected.encode(), dtype=np.uint8)
    row = np.zeros(len(want) + 1, dtype=np.int32)
    for key in decoded.encode():
        best = np.maximum(row[1:], row[:-1] + (want == key))
        row[1:] = np.maximum.accumulate(best)
    return int(row[-1])


def passes(cond: Condition, decoded: str) -> bool:
    """The pass criterion of the specification for one condition."""
    if not cond.noisy:
        return decoded == cond.expected
    found = matched(decoded, cond.expected)
    return found == len(decoded) and found >= 0.999 * len(cond.expected)


def bursts(keys: str, on_s: float, off_s: float, rng: np.random.Generator, level: float = -10.0,
           twist_db: float = 0.0, offsets=(0.0, 0.0), lead_s: float = 0.06) -> np.ndarray:
    """Float samples of ``keys`` as tone bursts with random phases, separated by ``off_s``."""
    gap = np.zeros(int(round(off_s * RATE)))
    parts = [np.zeros(int(round(lead_s * RATE)))]
    for key in keys:
        parts += [dtmf_burst(key, on_s, level, RATE, twist_db, offsets, rng), gap]
    return np.concatenate(parts)


def _cond(case, label, x, expected, must=True, noisy=False) -> Condition:
    return Condition(case, label, to_int16(x), expected, must, noisy)


def d1(rng) -> list[Condition]:
    keys = KEYS * 10
    return [_cond("D1", "16 keys x 10, 50/50 ms, -10 dBm0", bursts(keys, 0.05, 0.05, rng), keys)]


def _offset_set(d: float) -> list[tuple[str, tuple[float, float]]]:
    return [(f"low {d:+.1%}", (d, 0.0)), (f"low {-d:+.1%}", (-d, 0.0)),
            (f"high {d:+.1%}", (0.0, d)), (f"high {-d:+.1%}", (0.0, -d))] + \
           [(f"both {a:+.1%}/{b:+.1%}", (a, b)) for a in (d, -d) for b in (d, -d)]


def d2(rng) -> list[Condition]:
    keys = KEYS * 2
    return [_cond("D2", f"accept {label}", bursts(keys, 0.05, 0.05, rng, -17.0, offsets=off), keys)
            for label, off in _offset_set(0.015)]


def d3(rng) -> list[Condition]:
    keys = KEYS * 2
    return [_cond("D3", f"reject {label}", bursts(keys, 0.05, 0.05, rng, -17.0, offsets=off), "")
            for d in (0.035, 0.04) for label, off in _offset_set(d)]


def d5(rng) -> list[Condition]:
    keys = KEYS * 2
    out = []
    for t in range(0, 10):
        out.append(_cond("D5", f"normal twist {t} dB", bursts(keys, 0.05, 0.05, rng, -6.0, t),
                         keys, must=t <= 8))
    for t in range(1, 6):
        out.append(_cond("D5", f"reverse twist {t} dB", bursts(keys, 0.05, 0.05, rng, -6.0, -t),
                         keys, must=t <= 4))
    return out


def d6(rng) -> list[Condition]:
    return [_cond("D6", f"level {lv} dBm0", bursts(KEYS, 0.05, 0.05, rng, float(lv)), KEYS)
            for lv in range(0, -26, -1)]


def d7(rng) -> list[Condition]:
    return [_cond("D7", f"level {lv} dBm0", bursts(KEYS * 2, 0.05, 0.05, rng, float(lv)), "")
            for lv in (-55, -60)]


def d8(rng) -> list[Condition]:
    out = []
    for ms in range(10, 51):
        expected = "" if ms <= 23 else "1" * 20
        out.append(_cond("D8", f"key 1, {ms} ms", bursts("1" * 20, ms / 1000, 0.06, rng),
                         expected, must=ms <= 23 or ms >= 40))
    out.append(_cond("D8", "all keys, 40 ms", bursts(KEYS * 2, 0.04, 0.06, rng), KEYS * 2))
    return out


def d9(rng) -> list[Condition]:
    keys = "".join(k + k for k in KEYS)
    return [_cond("D9", f"gap {ms} ms", bursts(keys, 0.06, ms / 1000, rng), keys, must=ms >= 40)
            for ms in range(5, 65, 5)]


def _holed(key: str, hole_ms: int, rng) -> np.ndarray:
    x = dtmf_burst(key, 0.1, -10.0, RATE, rng=rng)
    n = int(hole_ms * RATE / 1000)
    at = int(rng.integers(int(0.02 * RATE), int(0.08 * RATE) - n))
    x[at:at + n] = 0.0
    return np.concatenate((x, np.zeros(int(0.1 * RATE))))


def d10(rng) -> list[Condition]:
    out = []
    for ms in range(1, 11):
        keys = KEYS + KEYS[:4]
        x = np.concatenate([np.zeros(480)] + [_holed(k, ms, rng) for k in keys])
        out.append(_cond("D10", f"{ms} ms hole in 100 ms", x, keys))
    return out


def d11(rng) -> list[Condition]:
    out = []
    for on, off in ((0.04, 0.053), (0.05, 0.043)):
        keys = "".join(rng.choice(list(KEYS), 20))
        out.append(_cond("D11", f"20 keys {on * 1000:.0f}/{off * 1000:.0f} ms",
                         bursts(keys, on, off, rng), keys))
    return out


def _noisy(keys: str, snr_db: float, rng) -> np.ndarray:
    x = bursts(keys, 0.05, 0.05, rng)
    # Two tones at -10 dBm0 each: -6.99 dBm0 together.
    return x + white_noise(len(x), -6.99 - snr_db, rng)


def d12(rng) -> list[Condition]:
    return [_cond("D12", "key 1 x 1000, SNR 15 dB", _noisy("1" * 1000, 15.0, rng), "1" * 1000,
                  noisy=True),
            _cond("D12", "16 keys x 100, SNR 15 dB", _noisy(KEYS * 100, 15.0, rng), KEYS * 100,
                  noisy=True)]


def d12_sweep(rng, snrs=(12, 10, 8, 6)) -> list[Condition]:
    """Report only: the lowest SNR with every burst found (Mitel test 7, 200 bursts)."""
    return [_cond("D12", f"key 1 x 200, SNR {s} dB", _noisy("1" * 200, float(s), rng), "1" * 200,
                  must=False, noisy=True) for s in snrs]


def d13(rng) -> list[Condition]:
    out = []
    for lv in (-30, -25, -20, -15, -10):
        x = bursts(KEYS * 2, 0.05, 0.05, rng, -15.0)
        dial = sine(350.0, len(x), lv) + sine(440.0, len(x), lv)
        out.append(_cond("D13", f"dial tone {lv} dBm0 (DTMF -15)", x + dial, KEYS * 2, must=False))
    return out


def d19(rng) -> list[Condition]:
    keys = KEYS * 4
    return [_cond("D19", "DC +2000", bursts(keys, 0.05, 0.05, rng) + 2000.0, keys),
            _cond("D19", "+3 dBm0 per tone (clipped)", bursts(keys, 0.05, 0.05, rng, 3.0), keys,
                  must=False)]


CASES = {"D1": d1, "D2": d2, "D3": d3, "D5": d5, "D6": d6, "D7": d7, "D8": d8, "D9": d9,
         "D10": d10, "D11": d11, "D12": d12, "D13": d13, "D19": d19}


def build(case: str, seed: int = 1) -> list[Condition]:
    """The conditions of one case, from a fixed seed."""
    return CASES[case](np.random.default_rng(seed))
