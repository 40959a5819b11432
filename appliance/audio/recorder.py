"""Recording a line to WAV as the audio arrives: conversations (stereo or mixed) and voicemail.

Files are 8 kHz 16-bit WAV under the data folder, written frame by frame (``codecs.WavWriter``,
the caller's bytes as they came when there is no operator side to add); the header is brought up
to date once a second (``HEADER_EVERY`` frames; every frame cost a seek and two writes, most of a
line's hearing path while it records), so a power cut leaves a playable file of what was said up
to a second before. A voicemail recorder also decides when the message is over (after
``silence_end_s`` of silence following speech, or at ``max_s``) and trims the silence off both
ends of the finished message.

Example::

    rec = VoicemailRecorder(data_dir / path, max_s=120, silence_end_s=5, vad=VoiceActivity())
    for frame in caller_frames:
        reason = rec.feed(frame)
        if reason:                            # "silence" or "max_length"
            post(RecordingDone(line, path, rec.close(), reason))
            break
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from appliance.audio import codecs
from appliance.audio.vad import FRAME_BYTES, FRAME_S, MessageEnd, VoiceActivity, trim

RATE = 8000
HEADER_EVERY = 50               # frames between header updates: one a second
_LOW, _HIGH = np.int32(-32768), np.int32(32767)     # numpy scalars: no type lookup per call


class CallRecorder:
    """Both directions of a conversation: caller left and operator right, or mixed to one."""

    def __init__(self, path: Path, stereo: bool = True):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.stereo = path, stereo
        self._wav = codecs.WavWriter(path, 2 if stereo else 1, RATE, HEADER_EVERY * FRAME_S)
        self._write = self._wav.write
        self.frames = 0

    def feed(self, caller: bytes, operator: bytes = b"") -> None:
        """Add 20 ms of each direction (a missing direction is silence)."""
        if len(caller) < FRAME_BYTES:
            caller = caller.ljust(FRAME_BYTES, b"\0")
        if not operator and not self.stereo:
            self._write(caller)                     # the caller alone, as it came: no numpy
        else:
            a = np.frombuffer(caller, dtype="<i2")
            b = np.frombuffer(operator.ljust(FRAME_BYTES, b"\0"), dtype="<i2")
            if self.stereo:
                out = np.empty(2 * len(a), dtype="<i2")        # interleaved, caller first
                out[0::2], out[1::2] = a, b
            else:
                out = np.clip(a.astype(np.int32) + b, _LOW, _HIGH).astype("<i2")
            self._write(out.tobytes())
        self.frames += 1

    def close(self) -> float:
        """Finish the file; returns its length in seconds."""
        self._wav.close()
        return self.frames * FRAME_S


class VoicemailRecorder(CallRecorder):
    """The caller's message only, ending by itself on silence or length."""

    def __init__(self, path: Path, max_s: float, silence_end_s: float, vad: VoiceActivity):
        super().__init__(path, stereo=False)
        self.max_s, self.vad = max_s, vad
        self._end = MessageEnd(vad, silence_end_s)
        self._over = self._end.feed

    def feed(self, caller: bytes, operator: bytes = b"") -> str | None:
        """Add 20 ms of the caller; returns ``"silence"`` or ``"max_length"`` when it is over.

        Once per frame on every line that takes a message, so it goes straight to the file and
        the VAD (the operator's side is no part of a message)."""
        if len(caller) < FRAME_BYTES:
            caller = caller.ljust(FRAME_BYTES, b"\0")
        self._write(caller)
        self.frames += 1
        if self._over(caller):
            return "silence"
        if self.frames * FRAME_S >= self.max_s:
            return "max_length"
        return None

    def close(self) -> float:
        """Finish the file with its leading and trailing silence trimmed; returns its length."""
        super().close()
        kept = trim(codecs.read_pcm(self.path)[1], self.vad)
        tmp = self.path.with_suffix(".tmp")
        codecs.write_wav(tmp, np.frombuffer(kept, dtype="<i2"), RATE)
        tmp.replace(self.path)
        return len(kept) / (2 * RATE)
