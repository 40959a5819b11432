"""Owner-uploaded prompts made fit for the phone: a PCM WAV in, 8 kHz mono 16-bit WAV out.

The upload is read and checked with the appliance's one WAV codec (``appliance.audio.codecs``:
PCM WAV only, at most 5 MB and five minutes), then converted with it (mono mix, windowed-sinc
resampling), the same path the prompt library and DTMF detector use.

>>> out = to_phone_wav(make_wav([0, 1000, 2000, 3000] * 400, rate=16000))
>>> read_info(out)
(8000, 1, 2, 800)
"""
from __future__ import annotations

from appliance.audio import codecs
from appliance.errors import ApplianceError, AudioError

RATE = codecs.RATE
MAX_BYTES = 5 * 1024 * 1024
MAX_SECONDS = 300


class AudioRejected(ApplianceError):
    """An upload that is not a usable prompt; the message tells the owner what to do."""


def read_info(data: bytes) -> tuple[int, int, int, int]:
    """``(rate, channels, sample width, frames)`` of a WAV file in ``data`` (header only);
    AudioError for anything but PCM WAV, ``codecs.WavDamaged`` for a damaged header."""
    info = codecs.wav_info(data)
    return info.rate, info.channels, info.width, info.frames


def make_wav(samples, rate: int = RATE) -> bytes:
    """A mono 16-bit WAV file of ``samples`` at ``rate``, as bytes."""
    return codecs.wav_bytes(samples, rate)


def _read(data: bytes) -> tuple[codecs.WavInfo, bytes]:
    if len(data) > MAX_BYTES:
        raise AudioRejected(f"The file is too large ({len(data) // 1024} KB); the limit is "
                            f"{MAX_BYTES // 2 ** 20} MB. Trim the recording.")
    try:
        info, raw = codecs.read_pcm(data)
    except codecs.WavDamaged:
        raise                               # the web page says the header is damaged
    except AudioError:
        raise AudioRejected("This is not a PCM WAV file. Save the recording as WAV (PCM) and "
                            "upload it again; MP3 and other formats are not accepted.") from None
    if info.frames == 0:
        raise AudioRejected("The WAV file holds no sound.")
    if info.frames / info.rate > MAX_SECONDS:
        raise AudioRejected(f"The recording is longer than {MAX_SECONDS // 60} minutes.")
    return info, raw


def to_phone_wav(data: bytes) -> bytes:
    """Validate an uploaded WAV and return it as 8 kHz mono 16-bit; AudioRejected says why not."""
    info, raw = _read(data)
    try:
        pcm = codecs.to_mono(codecs.linear_to_int16(raw, info.width), info.channels)
    except ApplianceError as exc:
        raise AudioRejected(f"This WAV file cannot be used: {exc}.") from None
    return make_wav(codecs.resample(pcm, info.rate, RATE))
