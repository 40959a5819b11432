"""A desk phone on a line card: a ringer that counts rings, a bouncing hook switch, an audio path.

The ring bit from the board makes the ringer sound; bursts closer than ``RING_GAP_S`` belong to
one ring (the UK double burst is one ring), so ``rings`` counts rings the way a person hears
them. The hook switch bounces for a few milliseconds on every lift and put-down (seeded), as
real contacts do, so the driver's debouncing is exercised; ``off_hook_raw(now)`` is what the
74HC165 sees. ``lines`` holds the line indices whose crosspoint to this phone is closed.

The handset has a mouth and an ear on the voice bus of every row it is switched to (see
``hwsim.board.voice``), both indexed by monotonic time rather than consumed, so a test can say
what the operator says from a given instant and later look at what reached the ear, when:
``say(pcm, at)`` and ``mouth(t0, n)``; ``ear`` holds ``(t0, block)`` as the buses deliver them
(silent blocks left out, the last ``EAR_KEEP_S`` kept) and ``heard(since)`` lays them out.

Example::

    phone = DeskPhone(3, random.Random(0))
    phone.lift(now=10.0)
    phone.off_hook_raw(10.001)     # may still read on hook: the contact is bouncing
    phone.off_hook_raw(10.05)      # True
    phone.say(hello_pcm, at=time.monotonic())
    start, samples = phone.heard(since=t)      # what reached the ear since t, gaps as silence
"""
from __future__ import annotations

import bisect
import collections
import random
import threading
from typing import Callable

import numpy as np

RING_GAP_S = 1.0           # silence longer than this between bursts starts a new ring
BOUNCE_S = 0.012           # contacts settle within 12 ms
FLASH_DOWN_S = 0.3         # a hook flash keeps the handset down this long
VOICE_RATE = 8000          # the voice buses' sample rate
EAR_KEEP_S = 120.0         # the ear remembers this much (and the mouth what was said this recently)


class DeskPhone:
    """Handset ``number`` (1-20); ``on_ring(phone, on, now)`` hears each ring-bit change."""

    def __init__(self, number: int, rng: random.Random) -> None:
        self.number = number
        self.rng = rng
        self.ringing = False
        self.rings = 0                     # rings heard since the handset was last moved
        self.last_ring_end: float | None = None
        self.lines: set[int] = set()
        self.on_ring: Callable[[DeskPhone, bool, float], None] | None = None
        self._times: list[float] = [float("-inf")]
        self._states: list[bool] = [False]
        self.ear: collections.deque[tuple[float, np.ndarray]] = collections.deque()
        self._speech: list[tuple[int, np.ndarray]] = []      # (first grid sample, samples)
        self._voice_lock = threading.Lock()
        self.display = None                # a CallerIdReceiver on a phone with a display
        self.shown: list[tuple[float, dict]] = []      # (when, caller ID message) displayed

    # -- ringer -----------------------------------------------------------------------------------

    def set_ring(self, on: bool, now: float) -> None:
        """The line card's ring bit changed (the board latched new ring outputs)."""
        if on == self.ringing:
            return
        if on and (self.last_ring_end is None or now - self.last_ring_end > RING_GAP_S):
            self.rings += 1
        if not on:
            self.last_ring_end = now
        self.ringing = on
        if self.on_ring is not None:
            self.on_ring(self, on, now)

    # -- hook switch ------------------------------------------------------------------------------

    @property
    def off_hook(self) -> bool:
        """Where the hook is going: the state once the contacts have settled."""
        return self._states[-1]

    def off_hook_raw(self, now: float) -> bool:
        """The contact as it reads at ``now``, bounces included."""
        return self._states[bisect.bisect_right(self._times, now) - 1]

    def lift(self, now: float) -> None:
        """Pick the handset up (the contacts bounce on the way)."""
        self._move(True, now)

    def put_down(self, now: float) -> None:
        """Put the handset back on its cradle."""
        self._move(False, now)

    def flash(self, now: float, down_s: float = FLASH_DOWN_S) -> None:
        """Press the cradle briefly: down at ``now``, up again ``down_s`` later."""
        self._move(False, now)
        self._move(True, now + down_s)

    def _move(self, off_hook: bool, at: float) -> None:
        if off_hook == self.off_hook:
            return
        self.rings = 0
        at = max(at, self._times[-1])           # after a flash still under way
        self._forget_before(at)
        for when, state in self._bounces(off_hook, at):
            self._times.append(when)
            self._states.append(state)

    def _bounces(self, target: bool, at: float) -> list[tuple[float, bool]]:
        """The contact's moves: ``target`` at ``at``, then a few seeded chatters that end on it."""
        chatters = sorted(self.rng.uniform(0.0005, BOUNCE_S) for _ in range(2 * self.rng.randint(1, 3)))
        moves = [(at, target)]
        for index, offset in enumerate(chatters):
            moves.append((at + offset, target if index % 2 else not target))
        return moves

    def _forget_before(self, at: float) -> None:
        """Drop moves older than a second before ``at`` (the last one before it stays)."""
        keep = max(0, bisect.bisect_right(self._times, at - 1.0) - 1)
        del self._times[:keep], self._states[:keep]

    # -- handset audio ----------------------------------------------------------------------------

    def say(self, pcm, at: float) -> None:
        """The operator says ``pcm`` (8 kHz s16le bytes or int16 samples) from monotonic ``at``."""
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.int16) \
            if isinstance(pcm, (bytes, bytearray, memoryview)) else np.asarray(pcm, dtype=np.int16)
        start = _index(at)
        with self._voice_lock:
            keep_from = start - int(EAR_KEEP_S * VOICE_RATE)
            self._speech = [(i, x) for i, x in self._speech if i + len(x) > keep_from]
            self._speech.append((start, samples.copy()))

    def mouth(self, t0: float, n: int) -> np.ndarray:
        """What the microphone gives for ``n`` samples from ``t0``: silence outside what was said."""
        i0 = _index(t0)
        out = np.zeros(n, dtype=np.int32)
        with self._voice_lock:
            speech = list(self._speech)
        for start, samples in speech:
            lo, hi = max(i0, start), min(i0 + n, start + len(samples))
            if hi > lo:
                out[lo - i0:hi - i0] += samples[lo - start:hi - start]
        return np.clip(out, -32768, 32767).astype(np.int16)

    def sample(self, t0: float, n: int) -> np.ndarray:
        """The voice bus's word for the mouth (a talking part)."""
        return self.mouth(t0, n)

    def hear(self, t0: float, block: np.ndarray) -> None:
        """A voice bus delivers ``block`` to the earpiece from ``t0`` (a listening part); on hook,
        a phone with a display reads caller ID from it."""
        if self.display is not None and not self.off_hook:
            for message in self.display.feed(np.asarray(block, dtype="<i2").tobytes()):
                self.shown.append((t0, message))
        if not np.any(block):
            return                                  # silence: heard() fills it in anyway
        with self._voice_lock:
            self.ear.append((t0, np.array(block, dtype=np.int16)))
            while self.ear and self.ear[0][0] < t0 - EAR_KEEP_S:
                self.ear.popleft()

    def heard(self, since: float | None = None) -> tuple[float, np.ndarray]:
        """``(start, samples)``: what reached the ear from ``since`` (or the first block kept) to
        the end of the last block, summed where the rows overlap, silence where nothing came."""
        with self._voice_lock:
            blocks = [(_index(t0), x) for t0, x in self.ear]
        first = _index(since) if since is not None else (blocks[0][0] if blocks else 0)
        blocks = [(i, x) for i, x in blocks if i + len(x) > first]
        end = max((i + len(x) for i, x in blocks), default=first)
        out = np.zeros(max(0, end - first), dtype=np.int32)
        for i, x in blocks:
            lo = max(i, first)
            out[lo - first:i + len(x) - first] += x[lo - i:]
        return first / VOICE_RATE, np.clip(out, -32768, 32767).astype(np.int16)


def _index(t: float) -> int:
    """The voice bus sample at monotonic time ``t``."""
    return int(round(t * VOICE_RATE))
