"""Playing prompts to a line at real pace, 20 ms at a time, stoppable within one frame.

One ``LinePlayer`` per line runs its own thread, so the engine never waits for audio. ``play``
replaces whatever is playing (as the engine's ``Play`` does); ``stop`` silences the line before
the next frame (barge-in); a looping play (hold music) repeats until replaced or stopped. When a
non-looping play reaches its end, ``on_done(play_id)`` is called (the line driver posts
``PromptDone``). The sink is where the frames go (anything with ``write(frame: bytes)``): a
``FrameOutbox`` a modem's clock empties, or the sound card of a SIM800 line (``CardPort``).

Example::

    player = LinePlayer(sink=FrameOutbox(), on_done=lambda pid: post(PromptDone("line1", pid)))
    player.play(play_id=7, pcm=render(items, "en"), loop=False)
    player.stop()                                # a key was pressed
"""
from __future__ import annotations

import threading
import time
from typing import Callable

FRAME_BYTES = 320               # 20 ms of 8 kHz 16-bit mono
FRAME_S = 0.02


class _Job:
    __slots__ = ("play_id", "pcm", "loop")

    def __init__(self, play_id: int, pcm: bytes, loop: bool):
        self.play_id, self.pcm, self.loop = play_id, pcm, loop


class LinePlayer:
    """Streams one line's prompts to ``sink`` on its own thread, paced by the monotonic clock."""

    def __init__(self, sink, on_done: Callable[[int], None], clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.sink, self.on_done = sink, on_done
        self._clock, self._sleep = clock, sleep
        self._job: _Job | None = None
        self._wake = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="line-player", daemon=True)
        self._thread.start()

    def play(self, play_id: int, pcm: bytes, loop: bool = False) -> None:
        """Start playing ``pcm`` (8 kHz 16-bit mono) now, replacing what plays."""
        with self._wake:
            self._job = _Job(play_id, pcm, loop)
            self._wake.notify()

    def stop(self) -> None:
        """Silence the line before the next frame; no ``on_done`` follows."""
        with self._wake:
            self._job = None

    def close(self) -> None:
        """Stop and end the thread (the line is going away)."""
        with self._wake:
            self._closed, self._job = True, None
            self._wake.notify()
        self._thread.join(timeout=2)

    @property
    def playing(self) -> bool:
        """True while something is being played."""
        return self._job is not None

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._job is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                job = self._job
            self._stream(job)

    def _stream(self, job: _Job) -> None:
        """Send ``job`` frame by frame until it ends or is replaced; deadlines keep real pace."""
        start, offset, sent = self._clock(), 0, 0
        while self._job is job:
            if offset >= len(job.pcm):
                if not job.loop:
                    self._finish(job)
                    return
                offset = 0
            frame = job.pcm[offset:offset + FRAME_BYTES].ljust(FRAME_BYTES, b"\0")
            self.sink.write(frame)
            offset, sent = offset + FRAME_BYTES, sent + 1
            ahead = start + sent * FRAME_S - self._clock()
            if ahead > 0:
                self._sleep(ahead)

    def _finish(self, job: _Job) -> None:
        with self._wake:
            if self._job is not job:
                return
            self._job = None
        self.on_done(job.play_id)
