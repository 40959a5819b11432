"""Telephone audio formats without ``audioop``: G.711, linear PCM widths, resampling, and WAV files.

Everything lands as int16 numpy arrays at 8 kHz mono, the form the DTMF receiver, VAD and the
modems' PCM ports use. G.711 is table-driven and bit-exact with ITU-T G.711 (and with the
``audioop`` of Python 3.11, which Python 3.13 no longer has).

This is the one place that reads and writes WAV files (tests/test_layering.py keeps it so): the
converting reader for any WAV, a header reader for the prompt and upload checks, a reader of the
stored samples, and the writers, including the recorder's streaming one. Every damaged or odd
file is one clear :class:`AudioError`, never a traceback.

    >>> pcm = read_wav("keys.wav")                      # any rate, width, channels, or G.711 WAV
    >>> wav_info("greeting.wav").seconds                # the header only, nothing decoded
    >>> ulaw = ulaw_encode(pcm); back = ulaw_decode(ulaw)
    >>> narrow = resample(wideband, 16000, 8000)        # windowed-sinc low-pass, then decimation
"""
from __future__ import annotations

import io
import math
import struct
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from appliance.errors import AudioError

RATE = 8000
FULL_SCALE_DBM0 = 3.14
WAVE_PCM, WAVE_FLOAT, WAVE_ALAW, WAVE_ULAW, WAVE_EXTENSIBLE = 1, 3, 6, 7, 0xFFFE


# -- G.711 ---------------------------------------------------------------------------------------

def _ulaw_code(x: np.ndarray) -> np.ndarray:
    """μ-law of every 16-bit value (14-bit magnitude, bias 33), as in the ITU reference code."""
    v = x.astype(np.int32) >> 2
    mask = np.where(v < 0, 0x7F, 0xFF)
    mag = np.minimum(np.abs(v), 8159) + 33
    seg = np.searchsorted(np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]), mag)
    code = np.where(seg >= 8, 0x7F, (np.minimum(seg, 7) << 4) | ((mag >> (seg + 1)) & 0xF))
    return (code ^ mask).astype(np.uint8)


def _alaw_code(x: np.ndarray) -> np.ndarray:
    """A-law of every 16-bit value (13-bit magnitude, even bits inverted with 0x55)."""
    v = x.astype(np.int32) >> 3
    mask = np.where(v >= 0, 0xD5, 0x55)
    mag = np.where(v >= 0, v, -v - 1)
    seg = np.searchsorted(np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]), mag)
    shift = np.where(seg < 2, 1, seg)
    code = np.where(seg >= 8, 0x7F, (np.minimum(seg, 7) << 4) | ((mag >> shift) & 0xF))
    return (code ^ mask).astype(np.uint8)


def _ulaw_linear(code: np.ndarray) -> np.ndarray:
    u = ~code.astype(np.int32) & 0xFF
    t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
    return np.where(u & 0x80, 0x84 - t, t - 0x84).astype(np.int16)


def _alaw_linear(code: np.ndarray) -> np.ndarray:
    a = code.astype(np.int32) ^ 0x55
    seg = (a & 0x70) >> 4
    t = ((a & 0x0F) << 4) + np.where(seg == 0, 8, 0x108)
    t = t << np.maximum(seg - 1, 0)
    return np.where(a & 0x80, t, -t).astype(np.int16)


@lru_cache(maxsize=None)
def _tables() -> dict[str, np.ndarray]:
    every = np.arange(-32768, 32768, dtype=np.int32)
    codes = np.arange(256)
    # Encode tables are indexed by the sample's bit pattern read as uint16.
    order = np.argsort(every.astype(np.int16).view(np.uint16))
    return {"ulaw_enc": _ulaw_code(every)[order], "alaw_enc": _alaw_code(every)[order],
            "ulaw_dec": _ulaw_linear(codes), "alaw_dec": _alaw_linear(codes)}


def ulaw_encode(pcm) -> np.ndarray:
    """int16 samples -> G.711 μ-law bytes (uint8 array)."""
    return _tables()["ulaw_enc"][np.asarray(pcm, dtype=np.int16).view(np.uint16)]


def alaw_encode(pcm) -> np.ndarray:
    """int16 samples -> G.711 A-law bytes (uint8 array)."""
    return _tables()["alaw_enc"][np.asarray(pcm, dtype=np.int16).view(np.uint16)]


def ulaw_decode(data) -> np.ndarray:
    """G.711 μ-law bytes (``bytes`` or uint8 array) -> int16 samples."""
    return _tables()["ulaw_dec"][_as_bytes(data)]


def alaw_decode(data) -> np.ndarray:
    """G.711 A-law bytes (``bytes`` or uint8 array) -> int16 samples."""
    return _tables()["alaw_dec"][_as_bytes(data)]


def _as_bytes(data) -> np.ndarray:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return np.frombuffer(data, dtype=np.uint8)
    return np.asarray(data, dtype=np.uint8)


# -- linear PCM ----------------------------------------------------------------------------------

def linear_to_int16(data: bytes, width: int) -> np.ndarray:
    """Little-endian PCM of 1 (unsigned), 2, 3 or 4 bytes per sample -> int16 (top 16 bits); a
    file cut in the middle of a sample loses that half sample."""
    if width in (2, 4):
        data = data[:len(data) - len(data) % width]
    if width == 1:
        return ((np.frombuffer(data, dtype=np.uint8).astype(np.int16) - 128) << 8).astype(np.int16)
    if width == 2:
        return np.frombuffer(data, dtype="<i2").copy()
    if width == 3:
        b = np.frombuffer(data[:len(data) - len(data) % 3], dtype=np.uint8).reshape(-1, 3)
        return (b[:, 1].astype(np.uint16) | (b[:, 2].astype(np.uint16) << 8)).view(np.int16)
    if width == 4:
        return (np.frombuffer(data, dtype="<i4") >> 16).astype(np.int16)
    raise AudioError(f"unsupported sample width: {width * 8} bits")


def int16_to_linear(pcm, width: int) -> bytes:
    """int16 samples -> little-endian PCM of 1 (unsigned) or 2 bytes per sample."""
    x = np.asarray(pcm, dtype=np.int16)
    if width == 1:
        return ((x.astype(np.int32) >> 8) + 128).astype(np.uint8).tobytes()
    if width == 2:
        return x.astype("<i2").tobytes()
    raise AudioError(f"unsupported sample width: {width * 8} bits")


def float_to_int16(x) -> np.ndarray:
    """Float samples in [-1, 1] -> int16, rounded and clipped."""
    return np.clip(np.rint(np.asarray(x, dtype=np.float64) * 32768.0), -32768, 32767).astype(np.int16)


def to_mono(frames: np.ndarray, channels: int) -> np.ndarray:
    """Interleaved samples -> the mean of the channels (int16)."""
    if channels == 1:
        return frames
    usable = len(frames) - len(frames) % channels
    mixed = frames[:usable].reshape(-1, channels).astype(np.int32).mean(axis=1)
    return np.rint(mixed).astype(np.int16)


# -- resampling ----------------------------------------------------------------------------------

@lru_cache(maxsize=16)
def _lowpass(up: int, fc: float, tw: float) -> np.ndarray:
    """Kaiser-windowed sinc (about 80 dB stop band) at the upsampled rate, with DC gain ``up``.
    ``fc`` is the cutoff and ``tw`` the transition width, both in cycles per upsampled sample."""
    taps = int(math.ceil(72.0 / (2.285 * 2.0 * math.pi * tw)))
    taps += (-taps) % up                     # whole phases
    n = np.arange(taps) - (taps - 1) / 2.0
    h = 2.0 * fc * np.sinc(2.0 * fc * n) * np.kaiser(taps, 7.86)
    return h * up / h.sum()


def resample(pcm, rate_in: int, rate_out: int = RATE) -> np.ndarray:
    """int16 samples at ``rate_in`` -> int16 at ``rate_out`` (rational polyphase, linear phase).

    The low-pass passes up to 0.43 x the lower rate flat (3.44 kHz for 8 kHz) and stops
    everything above half of it (4 kHz) by about 80 dB, so nothing folds into the band.
    """
    if rate_in == rate_out or not len(pcm):
        return np.asarray(pcm, dtype=np.int16)
    if rate_in < 1 or rate_out < 1:
        raise AudioError(f"cannot resample from {rate_in} Hz to {rate_out} Hz")
    g = math.gcd(rate_in, rate_out)
    up, down = rate_out // g, rate_in // g
    fs_up, low = rate_in * up, min(rate_in, rate_out)
    h = _lowpass(up, 0.465 * low / fs_up, 0.07 * low / fs_up)
    return float_to_int16(_polyphase(np.asarray(pcm, dtype=np.float64), h, up, down) / 32768.0)


def _polyphase(x: np.ndarray, h: np.ndarray, up: int, down: int) -> np.ndarray:
    # Output m uses filter phase (m * down + delay) % up, so the outputs m = r, r + up, ...
    # share one phase and read input windows ``down`` samples apart: one matrix-vector product
    # per phase (in bounded chunks) instead of a gather per output sample.
    per_phase = len(h) // up
    reversed_phases = h.reshape(per_phase, up).T[:, ::-1].copy()
    delay = (len(h) - 1) // 2
    n_out = (len(x) * up) // down
    pad = np.concatenate((np.zeros(per_phase), x, np.zeros(2 * per_phase + 2)))
    windows = sliding_window_view(pad, per_phase)
    out = np.empty(n_out)
    for r in range(min(up, n_out)):
        pos = r * down + delay
        rows = windows[pos // up + 1::down][:len(range(r, n_out, up))]
        taps = reversed_phases[pos % up]
        for s in range(0, len(rows), 2048):          # bounded memory on a Pi Zero
            chunk = rows[s:s + 2048]
            out[r + s * up::up][:len(chunk)] = chunk @ taps
    return out


# -- levels --------------------------------------------------------------------------------------

def level_dbm0(pcm) -> float:
    """RMS level of int16 samples in dBm0 (a full-scale sine is +3.14 dBm0); -inf for silence."""
    x = np.asarray(pcm, dtype=np.float64)
    power = float(np.mean(x * x)) if len(x) else 0.0
    ref = (32767.0 * 10.0 ** (-FULL_SCALE_DBM0 / 20.0)) ** 2 / 2.0
    return 10.0 * math.log10(power / ref) if power > 0 else -math.inf


def normalise(pcm, target_dbm0: float = -15.0, peak_dbfs: float = -1.0) -> np.ndarray:
    """Scale to an RMS level of ``target_dbm0``, but never let peaks pass ``peak_dbfs``.

    Used to bring test corpora and prompts to a known speech level (-15 dBm0 is the mean
    talker level of ITU talk-off tests)."""
    x = np.asarray(pcm, dtype=np.float64)
    level = level_dbm0(x)
    if not math.isfinite(level):
        return np.asarray(pcm, dtype=np.int16)
    gain = 10.0 ** ((target_dbm0 - level) / 20.0)
    peak = float(np.max(np.abs(x))) * gain
    limit = 32767.0 * 10.0 ** (peak_dbfs / 20.0)
    if peak > limit:
        gain *= limit / peak
    return np.clip(np.rint(x * gain), -32768, 32767).astype(np.int16)


# -- WAV files: reading ----------------------------------------------------------------------------

def read_wav(path, rate: int = RATE) -> np.ndarray:
    """A WAV file as int16 mono at ``rate``: PCM 8/16/24/32-bit, float, μ-law or A-law, any rate
    and channel count. Raises :class:`AudioError` with the reason for anything else."""
    samples, file_rate = read_wav_native(path)
    return resample(samples, file_rate, rate)


RATES = (4000, 384000)          # sample rates a real recording has; others are a damaged header


def read_wav_native(path) -> tuple[np.ndarray, int]:
    """A WAV file as int16 mono at its own rate: (samples, rate). A damaged file (cut short, an
    absurd rate or chunk size) is an AudioError saying so, never a traceback or a huge
    allocation."""
    path = Path(path)
    try:
        with wave.open(str(path), "rb") as w:
            _check_rate(path, w.getframerate())
            data = w.readframes(w.getnframes())
            pcm = linear_to_int16(data, w.getsampwidth())
            return to_mono(pcm, w.getnchannels()), w.getframerate()
    except AudioError:
        raise
    except (wave.Error, EOFError, struct.error, RuntimeError) as exc:
        return _read_riff(path, str(exc) or type(exc).__name__)
    except OSError as exc:
        raise AudioError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (ValueError, MemoryError) as exc:
        raise AudioError(f"{path}: damaged WAV file ({exc})") from None


def _check_rate(path: Path, rate: int) -> None:
    if not RATES[0] <= rate <= RATES[1]:
        raise AudioError(f"{path}: the WAV header says {rate} Hz, not a rate a recording has "
                         f"({RATES[0]}-{RATES[1]} Hz): the file is damaged")


def _read_riff(path: Path, why: str) -> tuple[np.ndarray, int]:
    """The RIFF walk for what ``wave`` refuses: G.711 (tags 6, 7), float (3), extensible."""
    blob = path.read_bytes()
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise AudioError(f"{path} is not a WAV file")
    chunks = _chunks(blob)
    if b"fmt " not in chunks or b"data" not in chunks:
        raise AudioError(f"{path}: WAV file without fmt or data chunk ({why})")
    fmt = chunks[b"fmt "]
    if len(fmt) < 16:
        raise AudioError(f"{path}: WAV fmt chunk too short")
    tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", fmt[:16])
    if tag == WAVE_EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack("<H", fmt[24:26])[0]
    if channels < 1 or rate < 1:
        raise AudioError(f"{path}: WAV header says {channels} channels at {rate} Hz")
    _check_rate(path, rate)
    try:
        return to_mono(_decode(chunks[b"data"], tag, bits, path), channels), rate
    except AudioError:
        raise
    except (ValueError, MemoryError) as exc:
        raise AudioError(f"{path}: damaged WAV file ({exc})") from None


def _chunks(blob: bytes) -> dict[bytes, bytes]:
    found, pos = {}, 12
    while pos + 8 <= len(blob):
        cid, size = blob[pos:pos + 4], struct.unpack("<I", blob[pos + 4:pos + 8])[0]
        found.setdefault(cid, blob[pos + 8:pos + 8 + size])
        pos += 8 + size + (size & 1)
    return found


def _decode(data: bytes, tag: int, bits: int, path: Path) -> np.ndarray:
    if tag == WAVE_ULAW:
        return ulaw_decode(data)
    if tag == WAVE_ALAW:
        return alaw_decode(data)
    if tag == WAVE_PCM and bits in (8, 16, 24, 32):
        return linear_to_int16(data, bits // 8)
    if tag == WAVE_FLOAT and bits in (32, 64):
        x = np.frombuffer(data[:len(data) - len(data) % (bits // 8)], dtype=f"<f{bits // 8}")
        return float_to_int16(x)
    raise AudioError(f"{path}: unsupported WAV encoding (format tag {tag}, {bits} bits)")


@dataclass(frozen=True)
class WavInfo:
    """What a PCM WAV file's header says: enough to check a prompt or an upload without decoding."""
    rate: int
    channels: int
    width: int                  # bytes per sample
    frames: int                 # samples per channel

    @property
    def seconds(self) -> float:
        return self.frames / self.rate if self.rate else 0.0


class WavDamaged(AudioError):
    """A WAV header that contradicts itself (a chunk running past the end of the file): the file
    was cut or corrupted, rather than being in another format; an upload says so differently."""


def wav_info(source) -> WavInfo:
    """The format and length of a PCM WAV (a path, or the file's bytes) from its header alone.

    Not a PCM WAV file: :class:`AudioError`; a self-contradicting header: :class:`WavDamaged`;
    a file that cannot be opened: ``OSError``. The rate is as the header says (callers judge it).
    """
    return _read_pcm(source, sound=False)[0]


def read_pcm(source) -> tuple[WavInfo, bytes]:
    """A PCM WAV (a path, or the file's bytes) as its header and its samples exactly as stored
    (little-endian, interleaved, whole frames: a file cut mid-frame loses that frame), for
    callers that want that one format and check it themselves. Errors as :func:`wav_info`."""
    return _read_pcm(source, sound=True)


def _read_pcm(source, sound: bool) -> tuple[WavInfo, bytes]:
    given = isinstance(source, (bytes, bytearray, memoryview))
    name = "the WAV data" if given else str(source)
    try:
        with wave.open(io.BytesIO(source) if given else str(source), "rb") as w:
            info = WavInfo(w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes())
            data = w.readframes(info.frames) if sound else b""
    except (wave.Error, EOFError, ValueError) as exc:
        raise AudioError(f"{name} is not a PCM WAV file ({str(exc) or type(exc).__name__})") \
            from None
    except (struct.error, RuntimeError, ZeroDivisionError, OverflowError, MemoryError) as exc:
        raise WavDamaged(f"{name}: damaged WAV header ({str(exc) or type(exc).__name__})") \
            from None
    block = info.channels * info.width
    return info, data[:len(data) - len(data) % block] if block else data


# -- WAV files: writing ----------------------------------------------------------------------------

def _header(channels: int, rate: int, data_bytes: int, width: int = 2) -> bytes:
    """The 44-byte header of a PCM WAV holding ``data_bytes`` of sound (what ``wave`` writes)."""
    block = channels * width
    return struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16,
                       WAVE_PCM, channels, rate, rate * block, block, 8 * width, b"data",
                       data_bytes)


def wav_bytes(pcm, rate: int = RATE) -> bytes:
    """int16 mono samples -> a 16-bit PCM WAV file, as bytes (a converted upload, tests)."""
    data = np.asarray(pcm, dtype="<i2").tobytes()
    return _header(1, rate, len(data)) + data


def write_wav(path, pcm, rate: int = RATE) -> None:
    """int16 mono samples -> a 16-bit PCM WAV file (for recordings, tests and diagnostics)."""
    Path(path).write_bytes(wav_bytes(pcm, rate))


class WavWriter:
    """A 16-bit PCM WAV written as the sound arrives (a call or a voicemail being recorded).

    The header is brought up to date after every ``refresh_s`` of sound, not on every write (a
    seek and two writes each time cost more than the rest of a line's hearing path), so a power
    cut leaves a playable file of all that was said up to ``refresh_s`` before. The seek back
    to the end also hands everything buffered to the OS.
    """

    def __init__(self, path, channels: int = 1, rate: int = RATE, refresh_s: float = 1.0):
        self.path, self.channels, self.rate = Path(path), channels, rate
        self.bytes = 0
        self._every = max(2, round(refresh_s * rate * channels * 2))
        self._next = self._every
        self._file = open(path, "wb")
        self._file.write(_header(channels, rate, 0))

    def write(self, data: bytes) -> None:
        """Append sound: little-endian 16-bit samples, interleaved, whole frames."""
        self._file.write(data)
        self.bytes += len(data)
        if self.bytes >= self._next:
            self._next = self.bytes - self.bytes % self._every + self._every
            self.refresh()

    def refresh(self) -> None:
        """Make the header say how much sound the file holds now."""
        f = self._file
        f.seek(4)
        f.write(struct.pack("<I", 36 + self.bytes))
        f.seek(40)
        f.write(struct.pack("<I", self.bytes))
        f.seek(0, 2)

    def close(self) -> None:
        """Finish the file (a second close does nothing)."""
        if not self._file.closed:
            self.refresh()
            self._file.close()
