"""Call-progress tones heard on a line: dial tone, ringback, busy, reorder, and long silence.

Used for disconnect supervision on analog lines (a busy or reorder tone, or a long silence, after
the caller hung up) and to follow an outbound dial-back where the modem does not report it.
Covers the North American plan (350+440 dial, 440+480 ringback 2 s/4 s, 480+620 busy 0.5/0.5 and
reorder 0.25/0.25) and the European ones (425 Hz: dial continuous, ringback 1/4, busy 0.5/0.5,
congestion 0.25/0.25; UK 400+450 ringback 0.4/0.2/0.4/2.0, 400 busy 0.375/0.375).

Method: each 20 ms frame is *tone* when it is loud enough and nearly all its energy lies in the
span of one plan's tone pair (a least-squares projection onto sines and cosines at those
frequencies, exact even for pairs as close as 440 and 480 Hz, which a 20 ms DFT cannot part); the
lengths of tone and gap runs then give the cadence.

    >>> detector = ProgressDetector()
    >>> for frame in frames:                  # 160 int16 samples
    ...     for kind in detector.feed(frame):  # "busy", "reorder", "ringback", "dial_tone", "silence"
    ...         ...
"""
from __future__ import annotations

import numpy as np

RATE = 8000
FRAME = 160
FRAME_S = FRAME / RATE
TONE_SETS = ((350.0, 440.0), (440.0, 480.0), (480.0, 620.0), (425.0,), (400.0, 450.0), (400.0,))
TONE_SHARE = 0.8            # share of a frame's energy explained by one plan's tones
MIN_LEVEL = 1e-5 * 32768 ** 2   # about -50 dBFS mean square: quieter is silence
SILENCE_S = 8.0             # this long without sound is reported as "silence"
DIAL_TONE_S = 3.0           # a steady tone longer than any ringback burst is a dial tone

# (kind, on seconds range, off seconds range): a cadence is a tone run followed by a gap run
CADENCES = (
    ("reorder", (0.15, 0.33), (0.15, 0.33)),
    ("busy", (0.33, 0.65), (0.3, 0.65)),
    ("ringback", (0.7, 2.4), (2.5, 4.6)),        # US 2/4, Europe 1/4
    ("ringback", (0.3, 0.5), (1.7, 2.3)),        # the UK double ring's second half
)


def _bases() -> list[np.ndarray]:
    """For each tone set, an orthonormal basis (rows) of the sines and cosines at its frequencies."""
    n = np.arange(FRAME)
    bases = []
    for freqs in TONE_SETS:
        waves = [fn(2 * np.pi * f * n / RATE) for f in freqs for fn in (np.sin, np.cos)]
        q, _ = np.linalg.qr(np.array(waves).T)
        bases.append(q.T)
    return bases


class ProgressDetector:
    """Feeds on 20 ms frames; reports each cadence once it has seen it twice in a row.
    ``last_tone`` / ``last_loud`` say what the last frame was (a voice modem driver tells a
    callee's voice from ringback with them)."""

    last_tone = last_loud = False

    def __init__(self):
        self._basis = np.vstack(_bases())
        self._sizes = np.cumsum([0] + [2 * len(freqs) for freqs in TONE_SETS])
        self._run_kind, self._run_s = "gap", 0.0
        self._quiet_s = 0.0
        self._last_on: float | None = None
        self._seen: list[str] = []
        self._reported_steady = False

    def feed(self, frame) -> list[str]:
        """Account one frame; returns what was recognised with it (usually nothing)."""
        samples = np.asarray(frame, dtype=np.float64)
        tone, loud = self._classify(samples)
        self.last_tone, self.last_loud = tone, loud
        found = self._silence(loud)
        kind = "tone" if tone else "gap"
        if kind == self._run_kind:
            self._run_s += FRAME_S
            return found + self._steady()
        found += self._run_ended()
        self._run_kind, self._run_s = kind, FRAME_S
        return found

    def _classify(self, samples: np.ndarray) -> tuple[bool, bool]:
        centred = samples - samples.mean()
        energy = float(np.dot(centred, centred))
        loud = energy / FRAME > MIN_LEVEL
        if not loud:
            return False, False
        parts = (self._basis @ centred) ** 2
        explained = max(parts[a:b].sum() for a, b in zip(self._sizes, self._sizes[1:]))
        return float(explained) >= TONE_SHARE * energy, True

    def _silence(self, loud: bool) -> list[str]:
        self._quiet_s = 0.0 if loud else self._quiet_s + FRAME_S
        return ["silence"] if abs(self._quiet_s - SILENCE_S) < FRAME_S / 2 else []

    def _steady(self) -> list[str]:
        if self._run_kind == "tone" and self._run_s >= DIAL_TONE_S and not self._reported_steady:
            self._reported_steady = True
            return ["dial_tone"]
        return []

    def _run_ended(self) -> list[str]:
        if self._run_kind == "tone":
            self._last_on, self._reported_steady = self._run_s, False
            return []
        if self._last_on is None:
            return []
        kind = _cadence(self._last_on, self._run_s)
        if kind is None:                     # e.g. the short gap inside the UK double ring
            return []
        self._seen = (self._seen + [kind])[-2:]
        return [kind] if self._seen == [kind, kind] else []


def _cadence(on_s: float, off_s: float) -> str | None:
    for kind, (on_lo, on_hi), (off_lo, off_hi) in CADENCES:
        if on_lo <= on_s <= on_hi and off_lo <= off_s <= off_hi:
            return kind
    return None
