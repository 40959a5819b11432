"""Prompts on a line with no audio path: each Play lasts its prompt's length, then PromptDone.

A control-only GSM line (SIM800, or a module without ``audio_port``) cannot send prompts as
audio, but the engine's menu flow waits for ``PromptDone``. ``TimedPrompts`` stands in for
``LineAudio`` there, with the same ``execute(command) -> bool``: a Play sets a deadline of the
prompt library's length for it; StopPlayback or a newer Play cancel it; a voicemail recording
ends at once, empty (``RecordingDone``, reason silence). No thread of its own: the line's worker
asks ``due(now)`` at ``deadline`` (and ``wake`` tells it a new deadline was set).

Example::

    prompts = TimedPrompts("line1", loop.post)
    prompts.execute(Play("line1", 7, (("prompt", "greeting"),)))   # deadline in ~1.6 s
    prompts.due(time.monotonic() + 2)                                # posts PromptDone(7)
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from appliance import commands as c
from appliance.events import PromptDone, RecordingDone

log = logging.getLogger("appliance.lines.timed_prompts")


def prompt_seconds(play: c.Play) -> float:
    """How long ``play`` lasts in the prompt library (8 kHz, 16-bit: 16000 bytes a second)."""
    from appliance.audio.prompts import PromptLibrary
    return len(PromptLibrary().pcm(play.items, play.language)) / 16000.0


class TimedPrompts:
    """The audio commands of one control-only line. ``execute`` runs on the loop thread,
    ``due`` on the line's worker; ``wake()`` is called after a new deadline is set."""

    def __init__(self, line: str, post: Callable,
                 length: Callable[[c.Play], float] = prompt_seconds,
                 clock: Callable[[], float] = time.monotonic, wake: Callable[[], None] = lambda: None):
        self.line, self.post, self.length, self.clock, self.wake = line, post, length, clock, wake
        self._lock = threading.Lock()
        self._playing: tuple[int, float] | None = None       # (play_id, when it is done)

    @property
    def deadline(self) -> float | None:
        """When the prompt playing now is done, or None."""
        playing = self._playing
        return playing[1] if playing else None

    def execute(self, command) -> bool:
        """Carry out an audio command; False for commands that are not about audio."""
        handler = {c.Play: self._play, c.StopPlayback: lambda command: self.stop(),
                   c.StartRecording: self._record,
                   c.StopRecording: lambda command: None}.get(type(command))
        if handler is None:
            return False
        handler(command)
        return True

    def due(self, now: float) -> None:
        """Post PromptDone for a prompt whose time is up."""
        with self._lock:
            playing = self._playing
            if playing is None or now < playing[1]:
                return
            self._playing = None
        self.post(PromptDone(self.line, playing[0]))

    def stop(self) -> None:
        """Cancel the prompt in progress: no PromptDone follows."""
        with self._lock:
            self._playing = None

    def _play(self, play: c.Play) -> None:
        seconds = None if play.loop else self.length(play)
        with self._lock:
            self._playing = None if seconds is None else (play.play_id, self.clock() + seconds)
        self.wake()

    def _record(self, command: c.StartRecording) -> None:
        log.warning("line %s has no audio path: %s records nothing", self.line, command.path)
        if command.kind == "voicemail":
            self.post(RecordingDone(self.line, command.path, 0.0, "silence"))
