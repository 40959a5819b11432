"""Owner-uploaded prompts made fit for the phone: a PCM WAV in, 8 kHz mono 16-bit WAV out.

The upload is checked with the standard library's ``wave`` (PCM WAV only, at most 5 MB and five
minutes), then converted with the appliance's own audio codecs (``appliance.audio.codecs``: mono
mix, windowed-sinc resampling), the same path the prompt library and DTMF detector use.

>>> out = to_phone_wav(make_wav([0, 1000, 2000, 3000] * 400, rate=16000))
>>> read_info(out)
(8000, 1, 2, 800)
"""
from __future__ import annotations

import io
import wave

import numpy as np

from appliance.audio import codecs
from appliance.errors import ApplianceError

RATE = codecs.RATE
MAX_BYTES = 5 * 1024 * 1024
MAX_SECONDS = 300


class AudioRejected(ApplianceError):
    """An upload that is not a usable prompt; the message tells the owner what to do."""


def read_info(data: bytes) -> tuple[int, int, int, int]:
    """``(rate, channels, sample width, frames)`` of a WAV file in ``data``."""
    with wave.open(io.BytesIO(data)) as reader:
        return reader.getframerate(), reader.getnchannels(), reader.getsampwidth(), reader.getnframes()


def make_wav(samples, rate: int = RATE) -> bytes:
    """A mono 16-bit WAV file of ``samples`` at ``rate``, as bytes."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return buffer.getvalue()


def _check(data: bytes) -> tuple[int, int, int, int]:
    if len(data) > MAX_BYTES:
        raise AudioRejected(f"The file is too large ({len(data) // 1024} KB); the limit is "
                            f"{MAX_BYTES // 2 ** 20} MB. Trim the recording.")
    try:
        info = read_info(data)
    except (wave.Error, EOFError, ValueError):
        raise AudioRejected("This is not a PCM WAV file. Save the recording as WAV (PCM) and "
                            "upload it again; MP3 and other formats are not accepted.") from None
    if info[3] == 0:
        raise AudioRejected("The WAV file holds no sound.")
    if info[3] / info[0] > MAX_SECONDS:
        raise AudioRejected(f"The recording is longer than {MAX_SECONDS // 60} minutes.")
    return info


def to_phone_wav(data: bytes) -> bytes:
    """Validate an uploaded WAV and return it as 8 kHz mono 16-bit; AudioRejected says why not."""
    rate, channels, width, frames = _check(data)
    with wave.open(io.BytesIO(data)) as reader:
        raw = reader.readframes(frames)
    try:
        pcm = codecs.to_mono(codecs.linear_to_int16(raw, width), channels)
    except ApplianceError as exc:
        raise AudioRejected(f"This WAV file cannot be used: {exc}.") from None
    return make_wav(codecs.resample(pcm, rate, RATE))
