"""Voice activity: is a 20 ms frame speech, when has a message ended, is that a person or a machine.

Built on webrtcvad (the ``webrtcvad-wheels`` build) at 8 kHz, 16-bit mono, 20 ms frames (320
bytes). A DTMF key is a loud steady tone that webrtcvad may call speech; a ``is_tone`` check (the
DTMF receiver's) gates such frames out, so a key pressed during a voicemail is not taken for
talking and "press 1" is never mistaken for "hello".

Example::

    vad = VoiceActivity()
    end = MessageEnd(vad, silence_end_s=5)
    for frame in frames:                      # 320-byte frames from the line
        if end.feed(frame):
            break                             # five seconds of silence after speech
"""
from __future__ import annotations

from typing import Callable

import _webrtcvad               # webrtcvad's C half (see VoiceActivity)

RATE = 8000
FRAME_S = 0.02
FRAME_BYTES = int(RATE * FRAME_S) * 2          # 160 samples, 16-bit
_SAMPLES = FRAME_BYTES // 2


class VoiceActivity:
    """Speech or not, frame by frame. ``aggressiveness`` 0 (lenient) to 3 (strict).

    It calls webrtcvad's C module as ``webrtcvad.Vad`` does, without that wrapper's own length
    check (this one checks the frame already): once per frame on every line, the wrapper cost a
    seventh of the VAD."""

    def __init__(self, aggressiveness: int = 2, is_tone: Callable[[bytes], bool] | None = None):
        self._vad = _webrtcvad.create()
        _webrtcvad.init(self._vad)
        _webrtcvad.set_mode(self._vad, aggressiveness)
        self._is_tone = is_tone or (lambda frame: False)

    def is_speech(self, frame: bytes) -> bool:
        """True when the 20 ms ``frame`` holds speech (and no key tone)."""
        if len(frame) != FRAME_BYTES:
            raise ValueError(f"a frame is {FRAME_BYTES} bytes (20 ms at 8 kHz), not {len(frame)}")
        return _webrtcvad.process(self._vad, RATE, frame, _SAMPLES) and not self._is_tone(frame)


class _Smoothed:
    """Speech runs and silence runs in seconds, with short blips (under ``hang_s``) ignored."""

    def __init__(self, vad: VoiceActivity, hang_s: float = 0.1):
        self.vad, self.hang = vad, round(hang_s / FRAME_S)
        self.speech_s = self.silence_s = self.total_speech_s = 0.0
        self._opposite = 0

    def feed(self, frame: bytes) -> bool:
        """Account one frame; returns whether the line counts as speaking now.

        Once per frame while a line records or judges an answer, so it is one call: the same
        float sums as ever (a message still ends on the same frame), fewer attribute trips."""
        speaking = self.speech_s > 0
        if self.vad.is_speech(frame) != speaking:
            self._opposite += 1
            if self._opposite > self.hang:
                self._flip(not speaking)
                speaking = self.speech_s > 0
        elif self._opposite:
            self._opposite = 0
        if speaking:
            self.speech_s += FRAME_S
            self.total_speech_s += FRAME_S
        else:
            self.silence_s += FRAME_S
        return speaking

    def _flip(self, speaking: bool) -> None:
        self._opposite = 0
        if speaking:
            self.speech_s, self.silence_s = self.hang * FRAME_S, 0.0
        else:
            self.silence_s, self.speech_s = self.hang * FRAME_S, 0.0


class MessageEnd:
    """A voicemail ends after ``silence_end_s`` of silence that follows some speech."""

    def __init__(self, vad: VoiceActivity, silence_end_s: float):
        self.runs, self.silence_end_s = _Smoothed(vad), silence_end_s

    def feed(self, frame: bytes) -> bool:
        """True once the caller has spoken and then been silent long enough."""
        runs = self.runs
        runs.feed(frame)
        return runs.total_speech_s > 0 and runs.silence_s >= self.silence_end_s


class AnswerKind:
    """Who picked up a dial-back: a person ("hello?", then silence), a machine (a long greeting),
    or nobody speaking. It only decides *when* to play "press 1": a person must still press it.

    ``feed`` returns None while undecided, then ``"person"``, ``"machine"`` or ``"silent"``.
    """

    PERSON_MAX_S = 2.0          # "Hello, Smith speaking" is shorter than this
    PAUSE_S = 0.8               # a person stops and waits for an answer
    MACHINE_MIN_S = 3.5         # an answering machine's greeting runs on
    SILENT_S = 3.0              # nobody says anything

    def __init__(self, vad: VoiceActivity):
        self.runs = _Smoothed(vad)
        self.heard_s = 0.0

    def feed(self, frame: bytes) -> str | None:
        """Account 20 ms of what the far end sends."""
        self.runs.feed(frame)
        self.heard_s += FRAME_S
        spoken = self.runs.total_speech_s
        if self.runs.speech_s >= self.MACHINE_MIN_S:
            return "machine"
        if spoken and self.runs.silence_s >= self.PAUSE_S:
            return "person" if spoken <= self.PERSON_MAX_S else "machine"
        if not spoken and self.heard_s >= self.SILENT_S:
            return "silent"
        return None


def trim(pcm: bytes, vad: VoiceActivity, keep_s: float = 0.2) -> bytes:
    """``pcm`` (8 kHz 16-bit mono) without its leading and trailing silence, ``keep_s`` left on
    each side so that words are not clipped. All silence: empty."""
    frames = [pcm[i:i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]
    voiced = [i for i, frame in enumerate(frames) if vad.is_speech(frame)]
    if not voiced:
        return b""
    pad = round(keep_s / FRAME_S)
    first, last = max(0, voiced[0] - pad), min(len(frames), voiced[-1] + 1 + pad)
    return pcm[first * FRAME_BYTES:last * FRAME_BYTES]
