"""The service bus: crosspoint row Y4 and its sound card, for talking to one desk phone alone.

The daemon uses it to whisper to an operator who lifts a ringing phone ("0161 496 0000, waited 3
minutes") before the caller is connected, and for the technician's handset test: a tone, then an
echo (the operator speaks and hears it back a second later), which proves the ringer's line card,
the crosspoint, the earpiece and the microphone in one go. The hold/transfer prompt of Step 7
plays here too.

``ServiceBus`` runs jobs one at a time on the card's own thread (its clock paces them); the card
is opened when a job starts and closed when none is left, so it is free for a technician's tools
in between. Each job ends with ``on_done(result)`` called on that thread: the handset bank hands
it to the event loop. A card that is missing ends the job at once with an error result, never an
exception, so a whisper that cannot be played simply connects the caller.

Example::

    bus = ServiceBus(card_opener("Service bus", "handsets.service_audio"))
    bus.say(pcm, on_done=lambda result: loop.call_soon(connect_caller))
    bus.echo(8.0, on_done=lambda result: print(result))   # {"ok": True, "heard_dbfs": -23.5}
"""
from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from typing import Callable

import numpy as np

from appliance.audio.dtmf import DtmfReceiver
from appliance.audio.tones import sine

FRAME = 160
FRAME_BYTES = 2 * FRAME
SILENCE = bytes(FRAME_BYTES)
ECHO_DELAY_S = 1.0
HEARD_DBFS = -45.0            # an operator speaking into the handset is well above this

log = logging.getLogger("appliance.handsets.service_bus")

Done = Callable[[dict], None]


class _Say:
    """Play ``pcm`` once."""

    def __init__(self, pcm: bytes, on_done: Done):
        self.pcm, self.on_done, self.offset = pcm, on_done, 0

    def step(self, heard: bytes) -> bytes | None:
        if self.offset >= len(self.pcm):
            return None
        frame = self.pcm[self.offset:self.offset + FRAME_BYTES].ljust(FRAME_BYTES, b"\0")
        self.offset += FRAME_BYTES
        return frame

    def result(self) -> dict:
        return {"ok": True, "played_s": self.offset / 16000}


class _Echo:
    """Send back what the handset's microphone gives, ``delay_s`` later, for ``seconds``; note
    the loudest 20 ms heard (the proof that the microphone works)."""

    def __init__(self, seconds: float, delay_s: float, on_done: Done):
        self.frames_left = int(seconds * 50)
        self.delay = deque([SILENCE] * int(delay_s * 50))
        self.on_done, self.loudest = on_done, float("-inf")

    def step(self, heard: bytes) -> bytes | None:
        if self.frames_left <= 0:
            return None
        self.frames_left -= 1
        samples = np.frombuffer(heard, dtype="<i2").astype(np.float64)
        rms = float(np.sqrt(np.mean(samples ** 2))) if len(samples) else 0.0
        if rms > 0:
            self.loudest = max(self.loudest, 20 * np.log10(rms / 32768.0))
        self.delay.append(heard)
        return self.delay.popleft()

    def result(self) -> dict:
        heard = self.loudest > HEARD_DBFS
        return {"ok": heard, "heard_dbfs": round(self.loudest, 1) if heard else None}


class _Hold:
    """Say ``pcm`` and hear the operator's keys, until cancelled (a caller on hold)."""

    def __init__(self, pcm: bytes, on_key: Callable[[str], None], on_done: Done):
        self.say, self.on_key, self.on_done = _Say(pcm, on_done), on_key, on_done
        self.receiver = DtmfReceiver(rate=8000)
        self.cancelled = False

    def step(self, heard: bytes) -> bytes | None:
        if self.cancelled:
            return None
        for event in self.receiver.feed(heard):
            if event.down:
                self.on_key(event.key)
        return self.say.step(heard) or SILENCE

    def result(self) -> dict:
        return {"ok": True}


class ServiceBus:
    """The service bus card; ``say`` and ``echo`` queue jobs, played in order on its thread."""

    def __init__(self, opener: Callable[[], object], name: str = "service bus"):
        self.opener, self.name = opener, name
        self.problem: str | None = None
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._holds: list[_Hold] = []
        self._closed = False

    def say(self, pcm: bytes, on_done: Done = lambda result: None) -> None:
        """Play ``pcm`` (8 kHz s16le) on the bus, then ``on_done({"ok": ...})``."""
        self._add(_Say(pcm, on_done))

    def tone(self, seconds: float = 1.0, hz: float = 1000.0, on_done: Done = lambda r: None) -> None:
        """A test tone at -10 dBm0."""
        self.say(sine(hz, int(seconds * 8000), -10.0).astype("<i2").tobytes(), on_done)

    def echo(self, seconds: float, on_done: Done = lambda result: None,
             delay_s: float = ECHO_DELAY_S) -> None:
        """Play back what the bus hears, ``delay_s`` later, for ``seconds``; ``on_done`` gets
        ``{"ok": True, "heard_dbfs": -23.5}`` if someone spoke, ``{"ok": False, ...}`` if not."""
        self._add(_Echo(seconds, delay_s, on_done))

    def hold(self, pcm: bytes, on_key: Callable[[str], None]) -> None:
        """Say ``pcm`` to the operator on hold, then keep hearing their keys (``on_key(key)``,
        on the bus's thread) until ``release``."""
        self._add(_Hold(pcm, on_key, lambda result: None))

    def release(self) -> None:
        """End a hold: the operator went back to the caller, or let them go."""
        self._current_hold_cancel()

    def _current_hold_cancel(self) -> None:
        with self._lock:
            for job in self._holds:
                job.cancelled = True
            self._holds.clear()

    def close(self) -> None:
        """No more jobs; the thread finishes the one in hand and closes the card."""
        self._closed = True
        self._jobs.put(None)

    def _add(self, job) -> None:
        if self._closed:
            job.on_done({"ok": False, "error": "the appliance is stopping"})
            return
        with self._lock:
            if isinstance(job, _Hold):
                self._holds.append(job)
            self._jobs.put(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="service-bus")
                self._thread.start()

    def _next(self, wait_s: float):
        """The next job, or None once none came within ``wait_s`` (the thread then ends)."""
        try:
            return self._jobs.get(timeout=wait_s)
        except queue.Empty:
            with self._lock:
                if self._jobs.empty():
                    self._thread = None
                    return None
            return self._jobs.get()

    def _run(self) -> None:
        card = None
        try:
            while True:
                job = self._next(0.01 if card is None else 2.0)
                if job is None:
                    return
                if card is None:
                    card = self._open(job)
                    if card is None:
                        continue
                card = self._play(card, job)
        except Exception:                           # noqa: BLE001 - a bug must not stop the bus
            log.exception("the service bus thread failed; the next job starts it afresh")
            with self._lock:
                self._thread = None
        finally:
            if card is not None:
                _close(card)

    def _open(self, job):
        try:
            card = self.opener()
        except Exception as exc:                    # noqa: BLE001 - a missing card
            self.problem = f"{self.name} card cannot be opened: {exc}"
            log.error("%s", self.problem)
            job.on_done({"ok": False, "error": self.problem})
            return None
        self.problem = None
        return card

    def _play(self, card, job):
        """Run ``job`` to its end; returns the card, or None if it failed (closed)."""
        try:
            while True:
                out = job.step(card.read_frame())
                if out is None:
                    break
                card.write_frame(out)
        except Exception as exc:                    # noqa: BLE001 - unplugged mid-job
            self.problem = f"{self.name} card failed: {exc}"
            log.error("%s", self.problem)
            _close(card)
            job.on_done({"ok": False, "error": self.problem})
            return None
        job.on_done(job.result())
        return card


def _close(card) -> None:
    try:
        card.close()
    except Exception:                               # noqa: BLE001 - a vanished card
        pass
