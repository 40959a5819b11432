"""The reference board's voice buses: crosspoint rows Y0-Y4 carrying audio in real time.

Each row is one analog bus (rows 0-3: a phone line's, through its hybrid; row 4: the service
bus). What is on a row is the sum of what every part on it puts there:

- **parts** are attached with ``attach(row, part)``: a part that talks has
  ``sample(t0, n) -> int16 array`` (a desk phone's mouth, a SIM800's speaker output) and a part
  that listens has ``hear(t0, block)`` (a desk phone's ear, a SIM800's microphone input). The
  board attaches a desk phone to a row while its crosspoint to that row is closed.
- **sources** are sound cards: ``play(row, t0, block, source)`` puts a card's output on the row,
  ``capture(row, t0, n, source)`` is what its input hears there. A card never hears its own
  output back (the 2-to-4-wire hybrid cancels it), and a listening part never hears itself.

Time is ``time.monotonic`` seconds; every row is sampled at 8000 Hz on one global grid (sample
``i`` is at ``i / 8000`` s), so a block handed in at ``t0`` lands on sample ``round(t0 * 8000)``.
Rows are passive: a span of a row is mixed and handed to its listeners when something samples
it (a card's ``capture``, or ``advance``), each sample once, in order. A row with a card open on
it is therefore carried continuously; a row with no card carries nothing between its parts until
``advance`` is called. Audio a card plays for a span the row has already carried is lost for its
listeners (this is how a card whose clock runs fast drops samples against the row), and two
cards on one row hear each other from their play history (unusual on the board; kept simple).

Example::

    buses = VoiceBuses()
    buses.attach(0, phone)                       # the board does this when (phone, Y0) closes
    buses.play(0, t, tone, source=card)          # the phone's ear gets the tone at t ...
    buses.capture(0, t, 160, source=card)        # ... and the card hears the phone's mouth
"""
from __future__ import annotations

import threading

import numpy as np

RATE = 8000
HISTORY_S = 4.0                 # how far back a capture may look (and a gap may be bridged)
BRIDGE_GAP_S = 0.5              # a row sampled again within this is carried through the gap


def grid_index(t: float) -> int:
    """The row sample at monotonic time ``t``."""
    return int(round(t * RATE))


def saturate(x: np.ndarray) -> np.ndarray:
    """A sum of int16 signals clipped back into int16, as an analog bus clips at the rails."""
    return np.clip(x, -32768, 32767).astype(np.int16)


class _Ring:
    """The last ``size`` samples of a signal on the grid, by absolute sample index."""

    def __init__(self, size: int, dtype) -> None:
        self.data = np.zeros(size, dtype=dtype)
        self.size = size
        self.start: int | None = None       # first index written since the last jump
        self.end: int | None = None         # one past the last index written

    def write(self, i0: int, values: np.ndarray) -> None:
        """Store ``values`` from ``i0`` on; a gap since the last write reads as silence."""
        n = len(values)
        if self.end is not None and (i0 - self.end >= self.size or i0 + n <= self.end - self.size):
            self.end = None                 # far from what is stored: start afresh
        if self.end is None:
            self.start = i0
        elif i0 > self.end:
            self._put(self.end, np.zeros(i0 - self.end, dtype=self.data.dtype))
        self._put(i0, values)
        self.start = min(self.start, i0)
        self.end = i0 + n if self.end is None else max(self.end, i0 + n)
        self.start = max(self.start, self.end - self.size)

    def read(self, i0: int, n: int) -> np.ndarray:
        """Samples ``i0 .. i0 + n - 1``, zeros where nothing (recent) was written."""
        out = np.zeros(n, dtype=np.int32)
        if self.end is None:
            return out
        lo, hi = max(i0, self.start), min(i0 + n, self.end)
        if hi > lo:
            first = lo % self.size
            split = min(hi - lo, self.size - first)      # up to the end of the buffer, then wrap
            out[lo - i0:lo - i0 + split] = self.data[first:first + split]
            out[lo - i0 + split:hi - i0] = self.data[:hi - lo - split]
        return out

    def _put(self, i0: int, values: np.ndarray) -> None:
        if len(values) > self.size:
            i0, values = i0 + len(values) - self.size, values[-self.size:]
        first = i0 % self.size
        split = min(len(values), self.size - first)
        self.data[first:first + split] = values[:split]
        self.data[:len(values) - split] = values[split:]


class _Row:
    """One bus: its parts, what its talkers put on it, and what each card played onto it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.parts: list = []
        self.talk = _Ring(int(HISTORY_S * RATE), np.int32)
        self.played: dict[object, _Ring] = {}
        self.carried_to: int | None = None  # the row has been mixed and heard up to here


class VoiceBuses:
    """The crosspoint rows as voice buses (see the module docstring); ``rows`` of them."""

    def __init__(self, rows: int = 5) -> None:
        self.rows = rows
        self._rows = [_Row() for _ in range(rows)]

    # -- membership ---------------------------------------------------------------------------

    def attach(self, row: int, part) -> None:
        """Put ``part`` (with ``sample`` and/or ``hear``) on ``row``; twice is once."""
        bus = self._rows[row]
        with bus.lock:
            if not any(p is part for p in bus.parts):
                bus.parts.append(part)

    def detach(self, row: int, part) -> None:
        """Take ``part`` off ``row`` (nothing if it was not on it)."""
        bus = self._rows[row]
        with bus.lock:
            bus.parts = [p for p in bus.parts if p is not part]

    def parts(self, row: int) -> list:
        """The parts on ``row`` now."""
        with self._rows[row].lock:
            return list(self._rows[row].parts)

    def forget(self, source) -> None:
        """A card stopped playing (closed, unplugged): drop its play history on every row."""
        for bus in self._rows:
            with bus.lock:
                bus.played.pop(source, None)

    # -- what the sound cards do -------------------------------------------------------------

    def play(self, row: int, t0: float, block, source) -> None:
        """``source`` puts ``block`` (int16, 8 kHz) on ``row`` from ``t0``: every listener on the
        row hears it as the row is carried; ``source`` itself never does."""
        block = np.asarray(block, dtype=np.int16)
        bus = self._rows[row]
        with bus.lock:
            ring = bus.played.get(source)
            if ring is None:
                ring = bus.played[source] = _Ring(int(HISTORY_S * RATE), np.int16)
            ring.write(grid_index(t0), block)

    def capture(self, row: int, t0: float, n: int, source=None) -> np.ndarray:
        """What ``row`` carries for ``n`` samples from ``t0`` as ``source`` hears it: the talking
        parts plus what any *other* source played (saturating int16)."""
        i0 = grid_index(t0)
        bus = self._rows[row]
        with bus.lock:
            self._carry(bus, i0, i0 + n)
            total = bus.talk.read(i0, n)
            for other, ring in bus.played.items():
                if other is not source:
                    total += ring.read(i0, n)
        return saturate(total)

    def advance(self, row: int, t: float) -> None:
        """Carry ``row`` up to monotonic time ``t`` (its listeners hear it) without a card on it."""
        end = grid_index(t)
        bus = self._rows[row]
        with bus.lock:
            self._carry(bus, end - 1, end)

    # -- the mixing ---------------------------------------------------------------------------

    def _carry(self, bus: _Row, i0: int, i1: int) -> None:
        """Mix ``bus`` from where it was last carried up to ``i1`` and hand it to its listeners.

        A row not carried for a while restarts at ``i0`` (nobody sampled it: nothing to hear)."""
        if bus.carried_to is None or i0 - bus.carried_to > BRIDGE_GAP_S * RATE:
            bus.carried_to = i0
        bus.carried_to = max(bus.carried_to, i1 - bus.talk.size)
        if i1 <= bus.carried_to:
            return
        a, n = bus.carried_to, i1 - bus.carried_to
        t0 = a / RATE
        talk = np.zeros(n, dtype=np.int32)
        spoken: dict[int, np.ndarray] = {}
        for part in bus.parts:
            if hasattr(part, "sample"):
                said = _fit(part.sample(t0, n), n)
                talk += said
                spoken[id(part)] = said
        bus.talk.write(a, talk)
        bus.carried_to = i1
        listeners = [part for part in bus.parts if hasattr(part, "hear")]
        if not listeners:
            return
        on_row = talk
        for ring in bus.played.values():
            on_row = on_row + ring.read(a, n)
        for part in listeners:
            own = spoken.get(id(part))
            part.hear(t0, saturate(on_row if own is None else on_row - own))


def _fit(samples, n: int) -> np.ndarray:
    """A part's samples as exactly ``n`` int32 values (short: padded with silence)."""
    x = np.asarray(samples, dtype=np.int16)[:n].astype(np.int32)
    return x if len(x) == n else np.concatenate((x, np.zeros(n - len(x), dtype=np.int32)))
