"""A line whose audio is a sound card (SIM800: the module's MIC/SPK on the line's crosspoint row).

The card's clock paces this line's audio: its own thread reads 20 ms of the row (the caller, and
the operator once connected, mixed) for ``LineAudio.hear`` (keys, voice activity, voicemail,
the recording) and writes 20 ms of the prompt playing, which the player put here at its own
pace (an ``ElasticBuffer`` absorbs the two clocks). The row's input is never played back to its
output: that would howl (contracts.md, ``bridge_audio``).

A card that is missing or unplugged does not take the line out of service: the caller and the
operator still hear each other on the analog row; prompts are silent and keys come from the
module's own detector until the card is back. The port reports it through ``on_problem``
(shown with the line's health) and tries again every ``retry_s``.

Example::

    port = CardPort(card_opener("USB Audio: line1", "lines[0].bridge_audio"), "line1")
    audio = LineAudio("line1", loop.post, port, PromptLibrary(), data_dir)
    port.open(audio)                  # the card's thread starts; prompts now reach the caller
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from appliance.audio.elastic import ElasticBuffer
from appliance.audio.realtime import audio_thread

FRAME = 160
RETRY_S = 5.0

log = logging.getLogger("appliance.lines.card_port")


class CardPort:
    """The card behind a SIM800 line; the same ``open``/``close``/``write`` as ``PcmLink``."""

    def __init__(self, opener: Callable[[], object], line: str, retry_s: float = RETRY_S,
                 on_problem: Callable[[str | None], None] = lambda problem: None):
        self.opener, self.line, self.retry_s = opener, line, retry_s
        self.on_problem = on_problem
        self.out = ElasticBuffer(take=FRAME, put=FRAME)
        self.problem: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def open(self, audio, on_fail: Callable[[str], None] = lambda reason: None) -> None:
        """Start the card's thread: it hears for ``audio`` and plays what ``write`` gets.
        ``on_fail`` is never called: a card problem is not the module's (see module doc)."""
        self.close()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(audio, self._stop), daemon=True,
                                        name=f"card-{self.line}")
        self._thread.start()

    def write(self, frame: bytes) -> None:
        """20 ms of prompt from the player (its thread)."""
        self.out.put(frame)

    def close(self) -> None:
        """Stop the thread; it closes the card within one frame."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)
        self._thread = None

    def _run(self, audio, stop: threading.Event) -> None:
        audio_thread()
        while not stop.is_set():
            try:
                card = self.opener()
            except Exception as exc:         # noqa: BLE001 - missing card: say so, retry
                self._report(f"sound card cannot be opened: {exc}")
                stop.wait(self.retry_s)
                continue
            self._report(None)
            try:
                self._serve(card, audio, stop)
            except Exception as exc:         # noqa: BLE001 - unplugged mid-call
                self._report(f"sound card failed: {exc}")
                stop.wait(self.retry_s)
            finally:
                try:
                    card.close()
                except Exception:            # noqa: BLE001 - closing a vanished card
                    pass

    def _serve(self, card, audio, stop: threading.Event) -> None:
        self.out.clear()
        while not stop.is_set():
            audio.hear(card.read_frame())
            card.write_frame(self.out.take())

    def _report(self, problem: str | None) -> None:
        if problem == self.problem:
            return
        self.problem = problem
        if problem is None:
            log.info("line %s: sound card running", self.line)
        else:
            log.error("line %s: %s; prompts are silent until it is back (retrying every %g s)",
                      self.line, problem, self.retry_s)
        self.on_problem(problem)
