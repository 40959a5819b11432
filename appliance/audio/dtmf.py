"""In-band DTMF receiver: overlapping DFT blocks, a phase-based frequency check, and debounce.

Method (docs/audio.md has the figures). Every 5 ms a 15 ms block is transformed at the eight DTMF
frequencies with one matrix product per 20 ms frame. A block is a *hit* for a key when

- the strongest row and column tones are each above ``threshold_dbm0``,
- their frequencies, measured from the phase advance between consecutive blocks, are within
  ``tolerance`` of nominal (this is what rejects 3.5 % off while accepting 1.5 %: a 15 ms block's
  magnitudes alone cannot tell those apart),
- the twist (high tone vs low tone, after undoing the loss a frequency error causes) is within
  ``normal_twist_db`` / ``reverse_twist_db``,
- every other tone of each group is ``peak_ratio_db`` weaker,
- the two tones hold at least ``fraction_db`` of the block's energy above ``low_cut_hz`` (speech
  and music do not; a block only partly filled with tone does not either, which is what makes
  the timing sharp), and
- the column tone is not the octave of the row tone (a musical note and its harmonic).

A key goes down after ``hits_to_begin`` consecutive hits (about 30 ms of tone: 23 ms bursts are
refused, 40 ms accepted) and up after ``misses_to_end`` blocks without it (10 ms holes are
bridged, 40 ms pauses separate digits). Each block has its mean removed, so DC does not matter.

    >>> rx = DtmfReceiver(rate=8000)
    >>> for frame in frames:                 # 20 ms of int16 samples each (any size works)
    ...     for ev in rx.feed(frame):
    ...         if ev.down:
    ...             loop.post(DigitPressed(line_id, ev.key))
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from appliance.audio.tones import COLS, FULL_SCALE_DBM0, KEYPAD, ROWS
from appliance.errors import AudioError

FREQS = ROWS + COLS
BLOCK_S = 0.015
HOP_S = 0.005
FRAME_S = 0.020


@dataclass(frozen=True, slots=True)
class KeyEvent:
    """A key went down (``down=True``) or up. ``sample`` is where the tone began (down) or ended
    (up), counted from the first sample fed; ``duration_s`` is set on key-up."""
    key: str
    down: bool
    sample: int
    seconds: float
    level_dbm0: float
    duration_s: float | None = None


@dataclass(frozen=True, slots=True)
class DtmfParams:
    """Acceptance limits; the defaults meet ITU-T Q.24 (AT&T column) with margin."""
    threshold_dbm0: float = -38.0
    tolerance: float = 0.025
    normal_twist_db: float = 10.0
    reverse_twist_db: float = 6.0
    peak_ratio_db: float = 6.0
    fraction_db: float = -1.0
    hits_to_begin: int = 4
    misses_to_end: int = 6
    low_cut_hz: float = 300.0
    octave_guard: float = 0.006


class _Bank:
    """Per-rate constant matrices: the DFT of every block of a frame as one matrix product."""

    def __init__(self, rate: int, params: DtmfParams):
        self.rate, self.params = rate, params
        self.frame, self.hop, self.n = int(rate * FRAME_S), int(rate * HOP_S), int(rate * BLOCK_S)
        self.blocks = self.frame // self.hop
        self.ext = self.n + self.frame          # previous block + the new frame
        self.sums = (self.blocks + 1) * 16      # first column of the DC and low-band part
        self.low_bins = int(params.low_cut_hz * self.n / rate)
        self.per_block = 1 + 2 * self.low_bins
        fraction = 10.0 ** (params.fraction_db / 10.0) * self.n / 2.0
        # float32 halves the matrix product's time; its 24-bit mantissa is ample for 16-bit audio.
        self.matrix = np.zeros((self.ext, self.sums + (self.blocks + 1) * self.per_block),
                               dtype=np.float32)
        # Block 0 (the previous frame's last block) only lends its phase: no energy, no gate.
        self.energy = np.zeros((self.ext, self.blocks), dtype=np.float32)
        self.left_out = np.zeros((self.matrix.shape[1], self.blocks), dtype=np.float32)
        w = 2.0 * np.pi * np.array(FREQS) / rate
        for j in range(self.blocks + 1):
            self._block_columns(j, w, fraction)
        self._limits(params)

    def _block_columns(self, j: int, w: np.ndarray, fraction: float) -> None:
        # The DFT basis has its block mean removed, so the bins ignore DC. The energy matrix
        # carries the minimum share of the block's energy the two tones must hold; the block sum
        # and the block's own DFT bins below low_cut_hz are scaled so that their squares are the
        # energy of DC and of the low band, which the fraction test leaves out (Parseval).
        rows = slice(j * self.hop, j * self.hop + self.n)
        phase = np.outer(np.arange(self.ext)[rows], w)
        cos, sin = np.cos(phase), -np.sin(phase)
        self.matrix[rows, j * 16:j * 16 + 8] = cos - cos.mean(axis=0)
        self.matrix[rows, j * 16 + 8:j * 16 + 16] = sin - sin.mean(axis=0)
        first = self.sums + j * self.per_block
        self.matrix[rows, first] = math.sqrt(fraction / self.n)
        grid = 2.0 * np.pi * np.outer(np.arange(self.n), np.arange(1, self.low_bins + 1)) / self.n
        scale = math.sqrt(2.0 * fraction / self.n)
        self.matrix[rows, first + 1:first + self.per_block:2] = np.cos(grid) * scale
        self.matrix[rows, first + 2:first + self.per_block:2] = np.sin(grid) * scale
        if j:
            self.energy[rows, j - 1] = fraction
            self.left_out[first:first + self.per_block, j - 1] = 1.0

    def _limits(self, p: DtmfParams) -> None:
        amp = 32767.0 * 10.0 ** ((p.threshold_dbm0 - FULL_SCALE_DBM0) / 20.0)
        self.threshold = (self.n * amp / 2.0) ** 2
        self.normal = 10.0 ** (-p.normal_twist_db / 10.0)
        self.reverse = 10.0 ** (p.reverse_twist_db / 10.0)
        self.peak = 10.0 ** (p.peak_ratio_db / 10.0)
        self.max_turn = [2.0 * math.pi * p.tolerance * f * self.hop / self.rate for f in FREQS]
        # Gate: a hit needs r + c >= max(energy, 2 * threshold), hence 2 (r + c) >= energy +
        # 2 * threshold, and r + c <= sum of every bin times the largest correction it can get;
        # energy = block energy - left out, so the left-out squares join the gate with weight 1.
        worst = [2.0 / self.loss(p.tolerance * f) for f in FREQS] * 2
        self.gate = self.left_out.copy()
        for j in range(1, self.blocks + 1):
            self.gate[j * 16:j * 16 + 16, j - 1] = worst
        self.gate_floor = 2.0 * self.threshold

    def loss(self, df: float) -> float:
        """Power gain of a block's DFT bin for a tone ``df`` Hz off its centre (1 at 0 Hz)."""
        x = math.pi * df / self.rate
        if abs(x) < 1e-12:
            return 1.0
        return (math.sin(x * self.n) / (self.n * math.sin(x))) ** 2


def _argmax4(p: list[float], base: int) -> int:
    best = base
    for k in range(base + 1, base + 4):
        if p[k] > p[best]:
            best = k
    return best


class DtmfReceiver:
    """Streaming DTMF receiver for one line: feed samples, get key-down/key-up events.

    Feed int16 samples (numpy array, sequence, or 16-bit little-endian ``bytes``) in chunks of any
    size; the receiver works in 20 ms frames internally, so the events do not depend on chunking.
    """

    def __init__(self, rate: int = 8000, params: DtmfParams | None = None):
        if rate % 200 or not 8000 <= rate <= 48000:
            raise AudioError(f"DTMF receiver needs a sample rate of 8000 to 48000 Hz in steps of "
                             f"200 Hz, not {rate}")
        self.rate = rate
        self.params = params or DtmfParams()
        self._bank = _Bank(rate, self.params)
        self._ext = np.zeros(self._bank.ext, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.int16)
        self._frames = 0
        self._state = _Debounce(self._bank)

    def feed(self, samples) -> list[KeyEvent]:
        """Process more samples; returns the events completed by them (usually none)."""
        x = samples if type(samples) is np.ndarray and samples.ndim == 1 else _samples(samples)
        frame = self._bank.frame
        if len(x) == frame and not len(self._pending):
            return self._frame(x)
        if len(self._pending):
            x = np.concatenate((self._pending, x))
        events: list[KeyEvent] = []
        whole = len(x) - len(x) % frame
        for start in range(0, whole, frame):
            events += self._frame(x[start:start + frame])
        self._pending = x[whole:].copy()
        return events

    def flush(self) -> list[KeyEvent]:
        """End of audio: pad with silence so that a key still down is released."""
        pad = self._bank.frame * (2 + self.params.misses_to_end // self._bank.blocks)
        events = self.feed(np.zeros(pad - len(self._pending), dtype=np.int16))
        return events + self._state.release()

    @property
    def key_down(self) -> str | None:
        """The key currently held, if any (for gating barge-in and VAD decisions)."""
        return self._state.key

    def _frame(self, x: np.ndarray) -> list[KeyEvent]:
        bank, ext = self._bank, self._ext
        ext[bank.n:] = x
        y = ext @ bank.matrix
        yy = y * y
        energy = (ext * ext) @ bank.energy
        ext[:bank.n] = ext[bank.frame:]
        base = self._frames * bank.frame - bank.n
        self._frames += 1
        if (yy @ bank.gate - energy).max() <= bank.gate_floor:
            return self._state.misses(bank.blocks)
        energy -= yy @ bank.left_out
        dft = y[:bank.sums].reshape(bank.blocks + 1, 16)
        return self._blocks(dft.tolist(), energy.tolist(), base)

    def _blocks(self, y: list, energy: list, base: int) -> list[KeyEvent]:
        events: list[KeyEvent] = []
        for j in range(1, self._bank.blocks + 1):
            hit, level = _classify(self._bank, y[j - 1], y[j], energy[j - 1])
            events += self._state.block(hit, level, base + j * self._bank.hop)
        return events


def _classify(bank: _Bank, prev: list[float], cur: list[float], energy: float) -> tuple[int, float]:
    """The key index (0..15) this block is a clean hit for, or -1; and the weaker tone's level.
    ``energy`` is the block's energy already scaled to the power the two tones must reach."""
    p = [cur[k] * cur[k] + cur[k + 8] * cur[k + 8] for k in range(8)]
    r, c = _argmax4(p, 0), _argmax4(p, 4)
    if p[r] < bank.threshold * 0.2 or p[c] < bank.threshold * 0.2:
        return -1, 0.0
    (pr, fr), (pc, fc) = _corrected(bank, prev, cur, p, r), _corrected(bank, prev, cur, p, c)
    if pr < bank.threshold or pc < bank.threshold:
        return -1, 0.0
    if abs(fc - 2.0 * fr) < bank.params.octave_guard * fc:
        return -1, 0.0              # a note and its octave: keys within 1.5 % stay 1.1 % off 2:1
    if not bank.normal * pr <= pc <= bank.reverse * pr:
        return -1, 0.0
    if any(p[k] * bank.peak > p[r] for k in range(4) if k != r):
        return -1, 0.0
    if any(p[k] * bank.peak > p[c] for k in range(4, 8) if k != c):
        return -1, 0.0
    if pr + pc < energy:
        return -1, 0.0
    return r * 4 + c - 4, min(pr, pc)


def _corrected(bank: _Bank, prev: list[float], cur: list[float], p: list[float],
               k: int) -> tuple[float, float]:
    """Power of tone ``k`` with its frequency-error loss undone, and its measured frequency;
    (0, 0) when the frequency error is beyond tolerance."""
    a, b, c, d = cur[k], cur[k + 8], prev[k], prev[k + 8]
    turn = math.atan2(b * c - a * d, a * c + b * d)
    if abs(turn) > bank.max_turn[k]:
        return 0.0, 0.0
    df = turn * bank.rate / (2.0 * math.pi * bank.hop)
    return p[k] / bank.loss(df), FREQS[k] + df


class _Debounce:
    """Turns per-block hits into key-down/key-up events with Q.24 timing."""

    def __init__(self, bank: _Bank):
        self.bank, self.rate = bank, bank.rate
        self.begin, self.end = bank.params.hits_to_begin, bank.params.misses_to_end
        self.key: str | None = None
        self.cand, self.run, self.run_start, self.missed = -1, 0, 0, 0
        self.down_at, self.last_hit, self.level = 0, 0, 0.0

    def misses(self, count: int) -> list[KeyEvent]:
        """Fast path: ``count`` blocks with no hit at all."""
        self.cand, self.run = -1, 0
        if self.key is None:
            return []
        self.missed += count
        return self._up() if self.missed >= self.end else []

    def block(self, hit: int, level: float, start: int) -> list[KeyEvent]:
        """One block's verdict; ``start`` is the block's first sample."""
        if hit < 0:
            return self.misses(1)
        if hit != self.cand:
            self.cand, self.run, self.run_start = hit, 0, start
        self.run += 1
        if self.key == _KEYS[hit]:
            self.missed, self.last_hit = 0, start
            self.level = max(self.level, level)
            return []
        events: list[KeyEvent] = []
        if self.key is not None:
            self.missed += 1
            if self.run < self.begin and self.missed < self.end:
                return []
            events = self._up()
        if self.run >= self.begin:
            events.append(self._down(hit, level, start))
        return events

    def release(self) -> list[KeyEvent]:
        """Force the held key up (end of audio)."""
        return self._up() if self.key is not None else []

    def _down(self, hit: int, level: float, start: int) -> KeyEvent:
        self.key, self.missed, self.last_hit, self.level = _KEYS[hit], 0, start, level
        self.down_at = self.run_start
        return KeyEvent(self.key, True, self.down_at, self.down_at / self.rate, self._dbm0(level))

    def _up(self) -> list[KeyEvent]:
        end = self.last_hit + self.bank.n - self.bank.hop // 8
        key, self.key, self.missed = self.key, None, 0
        dur = (end - self.down_at) / self.rate
        return [KeyEvent(key, False, end, end / self.rate, self._dbm0(self.level), dur)]

    def _dbm0(self, power: float) -> float:
        amp = 2.0 * math.sqrt(max(power, 1e-9)) / self.bank.n
        return round(20.0 * math.log10(amp / 32767.0) + FULL_SCALE_DBM0, 1)


_KEYS = "".join(KEYPAD)


def _samples(samples) -> np.ndarray:
    if isinstance(samples, (bytes, bytearray, memoryview)):
        if len(samples) % 2:
            raise AudioError("16-bit PCM needs an even number of bytes")
        return np.frombuffer(samples, dtype="<i2")
    return np.asarray(samples).reshape(-1)


def decode(samples, rate: int = 8000, params: DtmfParams | None = None) -> str:
    """All keys in a recording, in order, e.g. ``"4711#"``."""
    return "".join(ev.key for ev in decode_events(samples, rate, params) if ev.down)


def decode_events(samples, rate: int = 8000, params: DtmfParams | None = None) -> list[KeyEvent]:
    """Every key-down and key-up event of a whole recording."""
    rx = DtmfReceiver(rate, params)
    return rx.feed(samples) + rx.flush()
