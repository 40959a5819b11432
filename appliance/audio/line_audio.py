"""The audio half of a line driver: plays what the engine asks, hears keys, records.

A GSM module with PCM over serial, a voice modem, or a USB sound card each give a line two audio
streams: what the caller says (20 ms frames arriving on the driver's reader thread) and what the
appliance plays (frames written to a sink). ``LineAudio`` turns the engine's ``Play``,
``StopPlayback``, ``StartRecording`` and ``StopRecording`` into audio, and the caller's audio into
``DigitPressed`` (in-band DTMF) and ``RecordingDone`` (a voicemail that ended on silence or
length). A module's own DTMF reports (``+DTMF: 5``, V.253 ``<DLE>5``) come in through
``module_key`` and feed the same event; a key heard both ways within ``SAME_KEY_S`` counts once.

On a line whose modem paces the audio (the sink is a ``FrameOutbox``), the driver calls
``exchange(frame)`` for every frame heard and sends back what it returns: the prompt playing,
mixed with the operator from the line's bridge card (``bridge``, a ``CardBridge``) while the
engine has a handset bridged. The recording then holds both directions, mixed.

Example::

    audio = LineAudio("line1", loop.post, sink, PromptLibrary(data_dir=d), d)
    audio.execute(Play("line1", 7, (("prompt", "greeting"),), "en"))   # from the loop
    audio.hear(frame)                                                   # from the reader thread
    uplink = audio.exchange(frame)        # a modem-paced line: hear one frame, send one back
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np

from appliance import commands as cmd
from appliance.audio.dtmf import DtmfReceiver
from appliance.audio.player import LinePlayer
from appliance.audio.recorder import CallRecorder, VoicemailRecorder
from appliance.audio.vad import AnswerKind, VoiceActivity
from appliance.events import CalleeHeard, DigitPressed, PromptDone, RecordingDone

SAME_KEY_S = 0.15


class LineAudio:
    """One line's prompts, keys and recordings. ``execute`` runs on the loop thread, ``hear``
    and ``module_key`` on the driver's reader thread."""

    def __init__(self, line: str, post: Callable, sink, library, data_dir: Path,
                 clock: Callable[[], float] = time.monotonic, bridge=None):
        self.line, self.post, self.library, self.data_dir = line, post, library, data_dir
        self.clock, self.sink, self.bridge = clock, sink, bridge
        self.player = LinePlayer(sink, lambda play_id: post(PromptDone(line, play_id)))
        self.receiver = DtmfReceiver(rate=8000)
        self.vad = VoiceActivity(is_tone=lambda frame: self.receiver.key_down is not None)
        self._lock = threading.Lock()
        self._recorder: CallRecorder | None = None
        self._recording: cmd.StartRecording | None = None
        self._last_key: dict[str, tuple[str, float]] = {}     # source -> (key, when)
        self._callee: AnswerKind | None = None

    # -- commands from the engine (loop thread) -------------------------------------------------

    def execute(self, command) -> bool:
        """Carry out an audio command; False for commands that are not about audio."""
        handler = {cmd.Play: self._play, cmd.StopPlayback: self._stop,
                   cmd.StartRecording: self._start_recording,
                   cmd.StopRecording: self._stop_recording,
                   cmd.Bridge: self._bridge, cmd.Unbridge: self._unbridge,
                   cmd.Hold: self._unbridge}.get(type(command))
        if handler is None:
            return False
        handler(command)
        return True

    def _play(self, command: cmd.Play) -> None:
        pcm = self.library.pcm(command.items, command.language)
        self.player.play(command.play_id, pcm, command.loop)

    def _stop(self, command: cmd.StopPlayback) -> None:
        self.player.stop()

    def _bridge(self, command: cmd.Bridge) -> None:
        if self.bridge is not None:
            self.bridge.connect()

    def _unbridge(self, command: cmd.Unbridge) -> None:
        self.call_over()

    def call_over(self) -> None:
        """No operator on the line any more (Unbridge, or the call ended): stop the bridge card."""
        if self.bridge is not None:
            self.bridge.disconnect()

    def _start_recording(self, command: cmd.StartRecording) -> None:
        path = self.data_dir / command.path
        with self._lock:
            self._close_recorder()
            if command.kind == "voicemail":
                self._recorder = VoicemailRecorder(path, command.max_s, command.silence_end_s, self.vad)
            else:
                self._recorder = CallRecorder(path, command.stereo)
            self._recording = command

    def _stop_recording(self, command: cmd.StopRecording) -> None:
        with self._lock:
            self._close_recorder()

    def _close_recorder(self) -> float:
        seconds = self._recorder.close() if self._recorder is not None else 0.0
        self._recorder, self._recording = None, None
        return seconds

    # -- audio from the line (reader thread) ----------------------------------------------------

    def callee_answered(self) -> None:
        """The number we dialled picked up (the driver saw it): judge who it is from what they
        say, and post CalleeHeard once it is clear."""
        self._callee = AnswerKind(self.vad)

    def hear(self, caller: bytes, operator: bytes = b"") -> None:
        """20 ms of the far end (and, where the appliance carries it, of the operator)."""
        for event in self.receiver.feed(caller):
            if event.down:
                self._key(event.key, "in-band")
        if self._callee is not None:
            verdict = self._callee.feed(caller)
            if verdict:
                self._callee = None
                self.post(CalleeHeard(self.line, verdict))
        with self._lock:
            if self._recorder is None:
                return
            reason = self._recorder.feed(caller, operator)
            if reason:
                path = self._recording.path
                self.post(RecordingDone(self.line, path, self._close_recorder(), reason))

    def exchange(self, caller: bytes) -> bytes:
        """A modem-paced line: hear 20 ms of the caller, return the 20 ms to send them (the
        prompt playing, the operator from the bridge card, mixed; silence when neither)."""
        operator = self.bridge.exchange(caller) if self.bridge is not None else None
        self.hear(caller, operator or b"")
        return mix(self.sink.take(), operator)

    def module_key(self, key: str) -> None:
        """A key the module itself detected (its own DTMF report)."""
        self._key(key, "module")

    def _key(self, key: str, source: str) -> None:
        """Post the key, unless the *other* source just reported the same press."""
        now = self.clock()
        other = "module" if source == "in-band" else "in-band"
        with self._lock:
            seen = self._last_key.pop(other, None)
            if seen is not None and seen[0] == key and now - seen[1] < SAME_KEY_S:
                return
            self._last_key[source] = (key, now)
        self.post(DigitPressed(self.line, key))

    def close(self) -> None:
        """The line is going away: stop playing, close any recording and the bridge card."""
        self.player.close()
        if self.bridge is not None:
            self.bridge.close()
        with self._lock:
            self._close_recorder()


SILENCE = bytes(320)


def mix(a: bytes | None, b: bytes | None) -> bytes:
    """Two 20 ms frames (either may be None) added, saturating; silence when both are None."""
    if not a or not b:
        return a or b or SILENCE
    total = np.frombuffer(a, dtype="<i2").astype(np.int32) + np.frombuffer(b, dtype="<i2")
    return np.clip(total, -32768, 32767).astype("<i2").tobytes()
