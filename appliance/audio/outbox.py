"""Prompt frames waiting for a modem's clock to take them.

A line whose modem paces the audio (SIM7600 / EC25 PCM port, a V.253 stream) sends one frame for
every frame it hears; the prompt player makes frames on its own (monotonic) pace. ``FrameOutbox``
sits between: the player writes, the modem's thread takes one per frame heard, and a stall never
adds delay (at most ``limit`` frames wait; the oldest go first).

Example::

    outbox = FrameOutbox()
    player = LinePlayer(outbox, on_done)       # writes 20 ms frames
    outbox.take()                               # the modem's thread: a frame, or None
"""
from __future__ import annotations

import threading
from collections import deque


class FrameOutbox:
    """``LineAudio``'s sink: the 20 ms frames its player writes, until the port thread sends
    them. Holds at most ``limit`` frames (the oldest go first) so a stalled stream adds no delay."""

    def __init__(self, limit: int = 25):
        self._frames: deque[bytes] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def write(self, frame: bytes) -> None:
        """One frame of s16le 8 kHz from the player (its thread)."""
        with self._lock:
            self._frames.append(frame)

    def take(self) -> bytes | None:
        """The oldest frame, or None."""
        with self._lock:
            return self._frames.popleft() if self._frames else None

    def take_all(self) -> list[bytes]:
        """Every frame waiting."""
        with self._lock:
            frames = list(self._frames)
            self._frames.clear()
        return frames

    def clear(self) -> None:
        """Drop what waits (barge-in, or no call to send it to)."""
        with self._lock:
            self._frames.clear()

    def __len__(self) -> int:
        return len(self._frames)
