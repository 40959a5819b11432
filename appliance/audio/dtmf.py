"""In-band DTMF receiver: overlapping DFT blocks, a phase-based frequency check, and debounce.

Method (docs/audio.md has the figures). Every 5 ms a 15 ms block is transformed at the eight DTMF
frequencies, the four blocks of a 20 ms frame in one matrix product. A block is a *hit* for a
key when

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

Cost (docs/benchmarks.md). Three shortcuts, each exact: it skips only work whose outcome is
already known, so the events are the same as without them (tests/audio/test_dtmf_fast_path.py).

- *Idle frames.* While no key is down and no run of hits is open (nearly always), a frame can
  change nothing unless its last block is a hit: a key needs four hits in a row, and a run
  carries into the next frame only through its last block. So only that block is transformed
  and gated; only if it passes are all four.
- *Quiet blocks.* Below an energy no block can pass the gate (its largest eigenvalue), so a
  quiet frame costs one dot product.
- *The gate.* The squares of the DFT and of the samples give, in one more product, three upper
  bounds per block: of its best possible tone share, of its strongest row tone and of its
  strongest column tone. A block is past the gate only if the first reaches the block's energy
  and the other two the threshold; on speech and music that is under 4 % of the frames, and
  only those reach the per-block tests in Python.

    >>> rx = DtmfReceiver(rate=8000)
    >>> for frame in frames:                 # 20 ms of int16 samples each (any size works)
    ...     for ev in rx.feed(frame):
    ...         if ev.down:
    ...             loop.post(DigitPressed(line_id, ev.key))
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from appliance.audio.tones import COLS, FULL_SCALE_DBM0, KEYPAD, ROWS
from appliance.errors import AudioError

FREQS = ROWS + COLS
BLOCK_S = 0.015
HOP_S = 0.005
FRAME_S = 0.020
GATE_MARGIN = 1e-3      # the gate's sums are rounded up by this much, far beyond float32 error


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
    """Per-rate constant matrices, shared by every receiver of that rate and parameters.

    Every block is transformed in its own time (sample 0 = the block's first sample), so the
    four new blocks of a frame share one basis: their DFT is one (4 x n) @ (n x 25) product
    (a fifth faster for OpenBLAS than the transposed way round), a third of the multiplications
    of one product over the whole buffer, and twice as fast. The phase advance between blocks
    is then measured against the tone's own nominal advance.
    """

    def __init__(self, rate: int, params: DtmfParams):
        self.rate, self.params = rate, params
        self.frame, self.hop, self.n = int(rate * FRAME_S), int(rate * HOP_S), int(rate * BLOCK_S)
        self.blocks = self.frame // self.hop     # 4 at every rate: the frame code relies on it
        self.ext = self.n + self.frame          # previous block + the new frame
        self.low_bins = int(params.low_cut_hz * self.n / rate)
        self.per_block = 1 + 2 * self.low_bins
        self.width = 16 + self.per_block        # a block's bins: 16 DFT, then the low band
        self.cols = self.blocks * self.width
        fraction = 10.0 ** (params.fraction_db / 10.0) * self.n / 2.0
        w = 2.0 * np.pi * np.array(FREQS) / rate
        basis = self._basis(w, fraction)
        # float32 halves the matrix product's time; its 24-bit mantissa is ample for 16-bit audio.
        self.basis = np.ascontiguousarray(basis, dtype=np.float32)          # samples x bins
        self.first = np.ascontiguousarray(basis[:, :16], dtype=np.float32)  # block 0, on demand
        # The DFT comes out block by block (bin c of block j at 25 j + c). Squares of [DFT |
        # buffer] -> the gate: per block its tone share, then its row-group and its column-group
        # power (see _limits), then the energy of the blocks' samples (which decides whether the
        # next frame is worth the quiet test); and, for the frames past the gate only, per block
        # the energy share. The idle gate is the same for the last block alone, from the squares
        # of [its samples | its DFT].
        self.idle_gate = np.zeros((4, self.n + self.width), dtype=np.float32)
        self.idle_gate[0, self.n + 16:] = 1.0 + GATE_MARGIN
        self.idle_gate[0, :self.n] = -fraction * (1.0 - GATE_MARGIN)
        self.idle_gate[3, :self.n] = 1.0
        self.gate_matrix = np.zeros((3 * self.blocks + 1, self.cols + self.ext), dtype=np.float32)
        self.gate_matrix[3 * self.blocks, self.cols + self.hop:] = 1.0
        self.energy_matrix = np.zeros((self.blocks, self.cols + self.ext), dtype=np.float32)
        for j in range(self.blocks):
            low = slice(j * self.width + 16, (j + 1) * self.width)
            self.gate_matrix[j, low] = 1.0 + GATE_MARGIN
            self.energy_matrix[j, low] = -1.0
            samples = slice(self.cols + (j + 1) * self.hop, self.cols + (j + 1) * self.hop + self.n)
            self.gate_matrix[j, samples] = -fraction * (1.0 - GATE_MARGIN)
            self.energy_matrix[j, samples] = fraction
        self.advance = [float(v) * self.hop % (2.0 * math.pi) for v in w]
        self._limits(params)
        self.skip_below = self._skip_level(self.basis.astype(np.float64),
                                           fraction * (1.0 - GATE_MARGIN))
        for shared in (self.basis, self.gate_matrix, self.idle_gate, self.energy_matrix,
                       self.first):
            shared.flags.writeable = False      # one bank serves every receiver of its rate

    def _basis(self, w: np.ndarray, fraction: float) -> np.ndarray:
        # The DFT basis has its block mean removed, so the bins ignore DC. The block sum and the
        # block's own DFT bins below low_cut_hz are scaled so that their squares are the energy
        # of DC and of the low band times the minimum share of the block's energy the two tones
        # must hold; the fraction test leaves that energy out (Parseval).
        phase = np.outer(np.arange(self.n), w)
        cos, sin = np.cos(phase), -np.sin(phase)
        basis = np.zeros((self.n, 16 + self.per_block))
        basis[:, :8], basis[:, 8:16] = cos - cos.mean(axis=0), sin - sin.mean(axis=0)
        basis[:, 16] = math.sqrt(fraction / self.n)
        grid = 2.0 * np.pi * np.outer(np.arange(self.n), np.arange(1, self.low_bins + 1)) / self.n
        scale = math.sqrt(2.0 * fraction / self.n)
        basis[:, 17::2], basis[:, 18::2] = np.cos(grid) * scale, np.sin(grid) * scale
        return basis

    def _limits(self, p: DtmfParams) -> None:
        amp = 32767.0 * 10.0 ** ((p.threshold_dbm0 - FULL_SCALE_DBM0) / 20.0)
        self.threshold = (self.n * amp / 2.0) ** 2
        self.normal = 10.0 ** (-p.normal_twist_db / 10.0)
        self.reverse = 10.0 ** (p.reverse_twist_db / 10.0)
        self.peak = 10.0 ** (p.peak_ratio_db / 10.0)
        self.max_turn = [2.0 * math.pi * p.tolerance * f * self.hop / self.rate for f in FREQS]
        # Gate: a hit needs r + c >= energy, r >= threshold and c >= threshold (r, c: the row
        # and column tone with their loss undone), and r <= the sum over the row group of each
        # tone's power times the largest correction it can get (c likewise). So per block
        # three linear functions of the squares must all reach their limits: the tone share
        # (every tone bin, the left-out squares with weight 1 since energy = block energy - left
        # out, minus the energy), the row group and the column group. Each is rounded up by
        # GATE_MARGIN (float32 sums are good to about 1e-5 of their terms).
        bound = [(1.0 + GATE_MARGIN) / self.loss(p.tolerance * f) for f in FREQS] * 2
        # The largest loss correction a tone within tolerance gets (a hair more, for rounding;
        # the loss falls steadily up to tolerance, as the gate assumes too).
        self.most = [1.000001 / self.loss(p.tolerance * f) for f in FREQS]
        rows = [b if k % 8 < 4 else 0.0 for k, b in enumerate(bound)]
        cols = [b if k % 8 >= 4 else 0.0 for k, b in enumerate(bound)]
        for j in range(self.blocks):
            tones = slice(j * self.width, j * self.width + 16)
            self.gate_matrix[j, tones] = bound
            self.gate_matrix[self.blocks + j, tones] = rows
            self.gate_matrix[2 * self.blocks + j, tones] = cols
        for row, weights in enumerate((bound, rows, cols)):
            self.idle_gate[row, self.n:self.n + 16] = weights
        # For the quiet test: share + row group + column group - 2 threshold, a bound of them all.
        self.weights = np.array([2.0 * b for b in bound] + [1.0 + GATE_MARGIN] * self.per_block)
        self.gate_floor = 2.0 * self.threshold
        self.low = self.threshold * 0.2

    def _skip_level(self, basis: np.ndarray, fraction: float) -> float:
        """Buffer energy below which no block can pass the gate, so the frame needs no product.

        A block past the gate has share + row group + column group >= 2 threshold; that sum is
        x' Q x with Q = B W B' - fraction I (B: the block's columns, W: their weights), at most
        the largest eigenvalue of Q times the block's energy, and a block's energy is at most
        the buffer's. The eigenvalue is that of W^1/2 B'B W^1/2 less the fraction. A 10 % margin
        covers float32 rounding of both sides."""
        root = np.sqrt(self.weights)
        top = float(np.linalg.eigvalsh((basis * root).T @ (basis * root))[-1]) - fraction
        return 0.9 * self.gate_floor / top if top > 0 else math.inf

    def loss(self, df: float) -> float:
        """Power gain of a block's DFT bin for a tone ``df`` Hz off its centre (1 at 0 Hz)."""
        x = math.pi * df / self.rate
        if abs(x) < 1e-12:
            return 1.0
        return (math.sin(x * self.n) / (self.n * math.sin(x))) ** 2


@lru_cache(maxsize=16)
def _bank(rate: int, params: DtmfParams) -> _Bank:
    """One bank per rate and parameters: building one takes milliseconds, and ``decode`` makes
    a receiver per call."""
    return _Bank(rate, params)


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
        self._bank = bank = _bank(rate, self.params)
        # One buffer [DFT columns | previous block + frame | the last block's DFT], so that one
        # multiply squares the DFT and the samples: the first two parts for all four blocks, the
        # last two for the last block alone.
        self._buf = np.zeros(bank.cols + bank.ext + bank.width, dtype=np.float32)
        self._squares = np.zeros_like(self._buf)
        self._gate = np.zeros(3 * bank.blocks + 1, dtype=np.float32)
        self._idle_gate = np.zeros(4, dtype=np.float32)
        self._y = self._buf[:bank.cols]
        self._ext = self._buf[bank.cols:bank.cols + bank.ext]
        self._tail = self._ext[bank.hop:]
        self._new = self._ext[bank.n:]
        self._kept, self._last = self._ext[:bank.n], self._ext[bank.frame:]
        four, one = slice(0, bank.cols + bank.ext), slice(bank.cols + bank.frame, None)
        # The four new blocks, copied out of the buffer so that the product gets a plain matrix.
        self._windows = sliding_window_view(self._tail, bank.n)[::bank.hop]
        self._block_rows = np.zeros((bank.blocks, bank.n), dtype=np.float32)
        self._dft = self._y.reshape(bank.blocks, bank.width)[:, :16]
        self._four_squares = self._squares[four]
        # Bound methods and memoryviews: each saves a look-up or numpy's overlap check.
        self._arrays = (self._new, self._last.dot, self._last, bank.skip_below, bank.basis,
                        self._buf[bank.cols + bank.ext:], np.square, self._buf[one],
                        self._squares[one], bank.idle_gate.dot, self._idle_gate, bank.threshold,
                        memoryview(self._kept), memoryview(self._last), 2.0 * bank.skip_below)
        self._four = (self._tail.dot, self._tail, bank.skip_below, self._block_rows,
                      self._windows, self._block_rows.dot, bank.basis,
                      self._y.reshape(bank.blocks, bank.width), np.square, self._buf[four],
                      self._squares[four], bank.gate_matrix.dot, self._gate, bank.threshold,
                      2.0 * bank.skip_below)
        self._shape = (bank.frame,)
        self._pending = np.zeros(0, dtype=np.int16)
        self._frames = 0
        self._loud = False          # the last frame was far above the quiet level
        self._state = _Debounce(bank)

    def feed(self, samples) -> list[KeyEvent]:
        """Process more samples; returns the events completed by them (usually none)."""
        if type(samples) is np.ndarray and samples.shape == self._shape and not self._pending.size:
            return self._frame(samples)          # the usual case: one frame, nothing held over
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
        # While no key is down and no run of hits is open (nearly always), a frame can change
        # nothing unless its last block is a hit: a key needs four hits in a row, and a run
        # carries into the next frame only through the last block. So only the last block is
        # transformed and gated (one dot product for a quiet block); only if it passes are all
        # four. The arrays come as one tuple, for fewer attribute look-ups in a 3 us path.
        (new, energy_of, last, skip, basis, y, square, buf, squares, gate_of, gate, t, kept,
         last_view, loud) = self._arrays
        new[:] = x
        self._frames += 1
        state = self._state
        if state.run or state.key is not None:
            events = self._four_blocks()
        elif self._loud or energy_of(last) >= skip:
            last.dot(basis, y)              # the methods skip np.dot's dispatch: 0.2 us each
            square(buf, squares)
            share, row, col, energy = gate_of(squares, gate).tolist()
            self._loud = energy > loud
            events = self._four_blocks() if share > 0.0 and row >= t and col >= t else []
        else:
            events = []
        kept[:] = last_view
        return events

    def _four_blocks(self) -> list[KeyEvent]:
        """Transform and gate the frame's four blocks; those past the gate go on to the tests."""
        # The common case costs one dot product (a quiet frame) or two matrix products and a
        # square (no block past the gate). Both shortcuts are exact: they skip only frames whose
        # every block would be a miss.
        (energy_of, tail, skip, blocks, windows, dft, basis, y, square, buf, squares, gate_of,
         gate, t, loud) = self._four
        if self._loud or energy_of(tail) >= skip:
            blocks[...] = windows
            dft(basis, y)
            square(buf, squares)
            g = gate_of(squares, gate).tolist()
            s0, s1, s2, s3, r0, r1, r2, r3, c0, c1, c2, c3, energy = g
            self._loud = energy > loud
            # A block is past the gate when its share, row group and column group all are.
            if (s0 > 0.0 and r0 >= t and c0 >= t or s1 > 0.0 and r1 >= t and c1 >= t
                    or s2 > 0.0 and r2 >= t and c2 >= t or s3 > 0.0 and r3 >= t and c3 >= t):
                return self._blocks(g, (self._frames - 1) * self._bank.frame - self._bank.n)
        state = self._state
        if state.run or state.key is not None:      # else four misses change nothing
            return state.misses(4)
        return []

    def _blocks(self, gate: list[float], base: int) -> list[KeyEvent]:
        """Classify the blocks past the gate; the others are misses."""
        bank, state, t, events = self._bank, self._state, self._bank.threshold, []
        y = self._dft.tolist()          # four lists of 16
        energies = None                 # most blocks past the gate fail before they are needed
        for j in range(4):
            if gate[j] <= 0.0 or gate[4 + j] < t or gate[8 + j] < t:
                events += state.misses(1)
                continue
            cur = y[j]
            pair = _screen(bank, cur)
            if pair is not None:
                if energies is None:
                    energies = bank.energy_matrix.dot(self._four_squares).tolist()
                energy = energies[j]
                r, c, top_r, top_c = pair
                if top_r * bank.most[r] + top_c * bank.most[c] < energy:
                    pair = None
            if pair is None:
                events += state.misses(1)
                continue
            if j:
                prev = y[j - 1]
            else:           # the previous frame's last block, computed again
                prev = self._kept.dot(bank.first).tolist()
            hit, level = _classify(bank, prev, cur, pair, energy)
            events += state.block(hit, level, base + (j + 1) * bank.hop)
        return events


def _screen(bank: _Bank, cur: list[float]) -> tuple[int, int, float, float] | None:
    """The strongest row and column tone and their powers, if the block passes the tests on
    raw powers (level, relative peak); None otherwise. The caller then tests the energy share
    with the largest loss correction any tone within tolerance gets.

    These are conditions a hit must meet, checked before the phase measurement only because
    they are cheaper and stop most speech and music blocks (the relative peak two in three)."""
    # Spelt out: three times faster than a comprehension, and this runs for every block.
    a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7 = cur
    rows = [a0 * a0 + b0 * b0, a1 * a1 + b1 * b1, a2 * a2 + b2 * b2, a3 * a3 + b3 * b3]
    cols = [a4 * a4 + b4 * b4, a5 * a5 + b5 * b5, a6 * a6 + b6 * b6, a7 * a7 + b7 * b7]
    top_r, top_c = max(rows), max(cols)
    if top_r < bank.low or top_c < bank.low:
        return None
    r, c = rows.index(top_r), cols.index(top_c)          # the first of equals, as before
    del rows[r], cols[c]
    if max(rows) * bank.peak > top_r or max(cols) * bank.peak > top_c:
        return None
    return r, c + 4, top_r, top_c


def _classify(bank: _Bank, prev: list[float], cur: list[float],
              pair: tuple[int, int, float, float], energy: float) -> tuple[int, float]:
    """The key index (0..15) this screened block is a clean hit for, or -1; and the weaker
    tone's level."""
    r, c, top_r, top_c = pair
    pr, fr = _corrected(bank, prev, cur, top_r, r)
    if pr < bank.threshold:
        return -1, 0.0
    pc, fc = _corrected(bank, prev, cur, top_c, c)
    if pc < bank.threshold:
        return -1, 0.0
    if abs(fc - 2.0 * fr) < bank.params.octave_guard * fc:
        return -1, 0.0              # a note and its octave: keys within 1.5 % stay 1.1 % off 2:1
    if not bank.normal * pr <= pc <= bank.reverse * pr:
        return -1, 0.0
    if pr + pc < energy:
        return -1, 0.0
    return r * 4 + c - 4, min(pr, pc)


def _corrected(bank: _Bank, prev: list[float], cur: list[float], power: float,
               k: int) -> tuple[float, float]:
    """Power of tone ``k`` with its frequency-error loss undone, and its measured frequency;
    (0, 0) when the frequency error is beyond tolerance."""
    a, b, c, d = cur[k], cur[k + 8], prev[k], prev[k + 8]
    # Each block is transformed in its own time: the nominal advance is the tone's own.
    turn = math.remainder(math.atan2(b * c - a * d, a * c + b * d) - bank.advance[k], math.tau)
    if abs(turn) > bank.max_turn[k]:
        return 0.0, 0.0
    df = turn * bank.rate / (2.0 * math.pi * bank.hop)
    x = math.pi * df / bank.rate
    if abs(x) < 1e-12:
        return power, FREQS[k] + df
    loss = math.sin(x * bank.n) / (bank.n * math.sin(x))       # bank.loss, inlined
    return power / loss ** 2, FREQS[k] + df


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
