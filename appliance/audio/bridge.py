"""A PCM line's bridge sound card: the caller onto the line's crosspoint row, the row back.

On a SIM7600, EC25 or V.253 line the caller's voice arrives as 20 ms frames on the modem's clock,
and the operator's desk phone hangs on an analog row that only a sound card reaches (design.md,
"The voice path"). ``CardBridge`` pumps between the two while a handset is connected: the
modem's thread calls ``exchange(frame)`` with each caller frame and gets the row's frame to send
back; the card's own thread reads 10 ms blocks (its clock) and writes the caller's. Between the
clocks sit two ``ElasticBuffer``\\ s, which keep the added delay near 20-30 ms each way and slip
single samples as the crystals drift, so an hour's call neither creeps nor clicks.

The card is opened on ``connect`` (a handset was bridged) and closed on ``disconnect``, by the
card's thread, so the event loop never waits for PortAudio. A card that is missing or vanishes
is reported through ``on_problem`` (the line shows it); the call itself goes on (recording, keys).

Example::

    bridge = CardBridge(card_opener("USB Audio: line1", "lines[0].bridge_audio"), "line1")
    bridge.connect()                           # Bridge(line1, 9)
    uplink = bridge.exchange(caller_frame)     # modem thread: None until the card runs
    bridge.disconnect()                        # Unbridge, or the call ended
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from appliance.audio.elastic import ElasticBuffer
from appliance.audio.realtime import audio_thread

FRAME = 160                     # the modem side: 20 ms at 8 kHz
BLOCK = 80                      # the card side: 10 ms, so the card adds little delay

log = logging.getLogger("appliance.audio.bridge")


class CardBridge:
    """One line's bridge card; ``connect``/``disconnect`` from the loop, ``exchange`` from the
    modem's audio thread."""

    def __init__(self, opener: Callable[[], object], line: str, name: str = "", block: int = BLOCK,
                 on_problem: Callable[[str | None], None] = lambda problem: None):
        self.opener, self.line, self.name, self.block = opener, line, name, block
        self.on_problem = on_problem
        self.down = ElasticBuffer(take=block, put=FRAME)       # caller -> row
        self.up = ElasticBuffer(take=FRAME, put=block)         # row -> caller
        self.problem: str | None = None
        self.card = None
        self._lock = threading.Lock()
        self._wanted = False
        self._thread: threading.Thread | None = None     # the thread pumping (or opening)
        self._leaving: threading.Thread | None = None    # the last one started (maybe closing)
        self._live = False
        self.blocks = 0

    @property
    def connected(self) -> bool:
        """True while the card runs and frames are being exchanged."""
        return self._live

    def connect(self) -> None:
        """A handset is on this line's row: start pumping (the card opens on its own thread)."""
        with self._lock:
            self._wanted = True
            if self._thread is not None:        # pumping, or opening: it carries on
                return
            self._thread = threading.Thread(target=self._run, args=(self._leaving,),
                                            daemon=True, name=f"bridge-{self.line}")
            self._leaving = self._thread
            self._thread.start()

    def disconnect(self) -> None:
        """No handset on the row any more: stop within one block, close the card."""
        with self._lock:
            self._wanted = False

    def close(self, timeout: float = 1.0) -> None:
        """Disconnect and wait for the card to be closed (the line is going away)."""
        self.disconnect()
        thread = self._leaving
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def exchange(self, frame: bytes) -> bytes | None:
        """The caller's 20 ms in; the row's 20 ms to send them back (None while not pumping)."""
        if not self._live:
            return None
        self.down.put(frame)
        return self.up.take()

    def stats(self) -> dict:
        """Both directions' buffers, for the console and the benchmark."""
        return {"connected": self._live, "down": self.down.stats(), "up": self.up.stats(),
                "blocks": self.blocks, "problem": self.problem}

    # -- the card's thread ----------------------------------------------------------------------

    def _still_wanted(self) -> bool:
        """False once disconnected; from then on a ``connect`` starts a new thread."""
        with self._lock:
            if self._wanted:
                return True
            self._live = False
            self._thread = None
            return False

    def _run(self, previous: threading.Thread | None) -> None:
        audio_thread()
        if previous is not None:
            previous.join()                    # it is still closing the same card
        try:
            card = self.opener()
        except Exception as exc:              # noqa: BLE001 - any driver failure: say it, go on
            self._report(f"bridge card cannot be opened: {exc}")
            with self._lock:
                self._wanted, self._thread = False, None
            return
        self.card = card
        self.down.clear()
        self.up.clear()
        try:
            self._live = True
            self._report(None)
            while self._still_wanted():
                self.up.put(card.read_frame())
                card.write_frame(self.down.take())
                self.blocks += 1
        except Exception as exc:              # noqa: BLE001 - a card unplugged mid-call
            with self._lock:
                self._wanted, self._live, self._thread = False, False, None
            self._report(f"bridge card failed: {exc}")
        finally:
            self._live = False
            self.card = None
            _close_quietly(card)

    def _report(self, problem: str | None) -> None:
        if problem == self.problem:
            return
        self.problem = problem
        if problem is not None:
            log.error("line %s: %s; the caller and the operator cannot hear each other",
                      self.line, problem)
        else:
            log.info("line %s: bridge card running", self.line)
        self.on_problem(problem)


def _close_quietly(card) -> None:
    try:
        card.close()
    except Exception:                         # noqa: BLE001 - closing a vanished card
        pass


def wait_connected(bridge: CardBridge, timeout: float = 2.0) -> bool:
    """Wait until ``bridge`` pumps (tests and the console's voice check)."""
    deadline = time.monotonic() + timeout
    while not bridge.connected and time.monotonic() < deadline:
        time.sleep(0.005)
    return bridge.connected
