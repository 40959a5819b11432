"""Audio crossing from one clock to another: a FIFO that holds a small delay and absorbs drift.

A modem's 8000 Hz and a USB sound card's 8000 Hz are two crystals: one runs a little fast (tens
of parts per million), so a plain queue between them either grows (delay creeps up, then frames
are dropped: a click) or runs dry (a gap: a click). ``ElasticBuffer`` watches the lowest fill it
had just before a take, over the last ``window`` takes (the low-water mark: jitter shows there),
and keeps that mark between ``low`` and ``high`` samples by *slipping one sample* at a time: a
take that finds the mark too high reads ``n + 1`` samples and squeezes them into ``n`` (linear
interpolation, a 0.6 % pitch change for 20 ms: inaudible); too low, it stretches ``n - 1`` into
``n``. After a slip the mark is measured afresh, so at most one slip happens per window (one
sample per 8 takes: ten times the drift of two ordinary crystals). Whole-frame losses are the
failures it exists to prevent, and it counts them: ``underruns`` (it ran dry: silence filled the
gap, then it refills to its start level before playing again) and ``overflows`` (more than
``limit`` samples waiting: cut back to the start level, newest kept).

Example::

    down = ElasticBuffer(take=80, put=160)   # modem frames in (160), card blocks out (80)
    down.put(modem_frame)                    # modem's thread, every 20 ms of its clock
    block = down.take()                      # card's thread, every 10 ms of its clock
    down.stats()["slips"], down.delay_s()
"""
from __future__ import annotations

import threading
from collections import deque

import numpy as np

RATE = 8000
MARGIN = 40                 # samples kept in hand beyond one take: 5 ms of jitter headroom


class ElasticBuffer:
    """Samples (int16, 8 kHz) put by one clock's thread and taken ``take`` at a time by another's."""

    def __init__(self, take: int = 160, put: int = 160, band: int = 40,
                 limit: int = 8 * 160, window: int = 8):
        self.size = take
        # The low-water mark steps down by one block when the two clocks' ticks change order
        # (one more take, or one fewer put, between two marks): keep that much in hand too.
        self.low = take + MARGIN + min(put, take)
        self.high = self.low + band
        self.start_level = (self.low + self.high) // 2
        self.limit, self.window = limit, window
        self._samples = np.zeros(0, dtype=np.int16)
        self._lock = threading.Lock()
        self._marks: deque[int] = deque(maxlen=window)
        self._playing = False
        self.underruns = self.overflows = self.slips = 0
        self.put_samples = self.taken_samples = 0

    def put(self, block: bytes | np.ndarray) -> None:
        """Add ``block`` (s16le bytes or int16 samples) at the far end."""
        samples = np.frombuffer(block, dtype="<i2") if isinstance(block, (bytes, bytearray)) \
            else np.asarray(block, dtype=np.int16)
        with self._lock:
            self.put_samples += len(samples)
            joined = np.concatenate((self._samples, samples))
            if len(joined) > self.limit:
                self.overflows += 1
                joined = joined[len(joined) - self.start_level:]   # back to the start level
                self._marks.clear()
            self._samples = joined

    def take(self) -> bytes:
        """The next ``take`` samples as s16le bytes; silence while (re)filling."""
        with self._lock:
            return self._take().astype("<i2").tobytes()

    def _take(self) -> np.ndarray:
        n, fill = self.size, len(self._samples)
        if not self._playing:
            if fill < self.start_level:
                return np.zeros(n, dtype=np.int16)
            self._playing = True
            self._marks.clear()
        if fill < n:
            self.underruns += 1
            self._playing = False
            out = np.concatenate((self._samples, np.zeros(n - fill, dtype=np.int16)))
            self._samples = self._samples[:0]
            self.taken_samples += fill
            return out
        self._marks.append(fill)
        used = n
        if len(self._marks) == self.window:
            mark = min(self._marks)
            if mark > self.high:
                used = n + 1
            elif mark < self.low:
                used = n - 1
        out = self._samples[:used]
        self._samples = self._samples[used:]
        self.taken_samples += used
        if used != n:
            self.slips += 1
            self._marks.clear()
            out = np.interp(np.linspace(0, used - 1, n), np.arange(used), out).round() \
                .astype(np.int16)
        return out

    def clear(self) -> None:
        """Forget what waits and start filling again (a new call, a reconnect)."""
        with self._lock:
            self._samples = self._samples[:0]
            self._playing = False
            self._marks.clear()

    @property
    def fill(self) -> int:
        """Samples waiting now."""
        return len(self._samples)

    def delay_s(self) -> float:
        """The delay this buffer adds right now, in seconds."""
        return len(self._samples) / RATE

    def stats(self) -> dict:
        """Counters for the console, the logs and the benchmark."""
        return {"fill": self.fill, "underruns": self.underruns, "overflows": self.overflows,
                "slips": self.slips, "put": self.put_samples, "taken": self.taken_samples}
