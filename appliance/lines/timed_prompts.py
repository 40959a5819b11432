"""Prompts on a line with no audio path: each Play lasts its prompt's length, then PromptDone.

A control-only GSM line (SIM800, or a module without ``audio_port``) cannot send prompts as
audio, but the engine's menu flow waits for ``PromptDone``. ``TimedPrompts`` stands in for
``LineAudio`` there, with the same ``execute(command) -> bool``: a Play posts ``PromptDone`` after
the prompt library's length for it; StopPlayback, a newer Play or ``stop()`` cancel it; a
voicemail recording ends at once, empty (``RecordingDone``, reason silence).

Example::

    prompts = TimedPrompts("line1", loop.post)
    prompts.execute(Play("line1", 7, (("prompt", "greeting"),)))   # PromptDone(7) in ~1.6 s
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from appliance import commands as c
from appliance.events import PromptDone, RecordingDone

log = logging.getLogger("appliance.lines.timed_prompts")


def prompt_seconds(play: c.Play) -> float:
    """How long ``play`` lasts in the prompt library (8 kHz, 16-bit: 16000 bytes a second)."""
    from appliance.audio.prompts import PromptLibrary
    return len(PromptLibrary().pcm(play.items, play.language)) / 16000.0


class TimedPrompts:
    """The audio commands of one control-only line; ``post`` is called from timer threads."""

    def __init__(self, line: str, post: Callable,
                 length: Callable[[c.Play], float] = prompt_seconds):
        self.line, self.post, self.length = line, post, length
        self._token = 0
        self._closed = threading.Event()

    def execute(self, command) -> bool:
        """Carry out an audio command; False for commands that are not about audio."""
        handler = {c.Play: self._play, c.StopPlayback: lambda command: self.stop(),
                   c.StartRecording: self._record,
                   c.StopRecording: lambda command: None}.get(type(command))
        if handler is None:
            return False
        handler(command)
        return True

    def stop(self) -> None:
        """Cancel the prompt in progress: no PromptDone follows."""
        self._token += 1

    def close(self) -> None:
        """Cancel everything for good."""
        self._closed.set()

    def _play(self, play: c.Play) -> None:
        self.stop()
        if not play.loop:
            threading.Thread(target=self._done_after, args=(play, self._token), daemon=True).start()

    def _done_after(self, play: c.Play, token: int) -> None:
        if not self._closed.wait(self.length(play)) and token == self._token:
            self.post(PromptDone(self.line, play.play_id))

    def _record(self, command: c.StartRecording) -> None:
        log.warning("line %s has no audio path: %s records nothing", self.line, command.path)
        if command.kind == "voicemail":
            self.post(RecordingDone(self.line, command.path, 0.0, "silence"))
