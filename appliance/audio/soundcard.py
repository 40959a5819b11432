"""A sound card channel as 20 ms frames of 8 kHz s16le mono, through PyAudio.

A line's bridge card (settings ``lines[i].bridge_audio``, ``handsets.service_audio``) is a
full-duplex card wired to one row of the crosspoint: what the daemon writes goes out on the row,
what the row carries comes back in. ``SoundCard`` opens it once, as *one* full-duplex blocking
stream, so the input and output run on the card's own crystal and ``read_frame`` is the clock a
line's audio pump runs by. Telephone audio is 8 kHz; a card that cannot run at 8 kHz (many USB
cards only do 44.1/48 kHz) is run at 16, 48 or 44.1 kHz and resampled here, frame by frame, with
the filter state carried across frames (no clicks at frame edges).

Cards are named the way people see them: the PortAudio name PyAudio lists, or a piece of it that
matches exactly one card (``find_device``), so a USB card that comes back as ``hw:2`` instead of
``hw:1`` after a replug is still found. PortAudio scans every device when it starts (slow on a Pi),
so one ``PyAudio()`` is shared by all cards of the process; the list it has is the one it saw
then: a card plugged in later needs the daemon restarted.

Example::

    card = SoundCard("USB Audio Device", setting="lines[1].bridge_audio")
    card.device_name, card.rate, card.resampled      # 'USB Audio Device: - (hw:1,0)', 48000, True
    frame = card.read_frame()                        # 320 bytes: the next 20 ms the row carried
    card.write_frame(prompt_frame)                   # 320 bytes onto the row
    card.close()
    reopen = card_opener("USB Audio", "lines[1].bridge_audio")   # for the driver's restarts
"""
from __future__ import annotations

import math
import threading
from typing import Callable

import numpy as np

from appliance.audio.codecs import _lowpass, float_to_int16
from appliance.errors import DriverError

RATE = 8000
FRAME_SAMPLES = 160             # 20 ms at 8 kHz
FRAME_BYTES = 320               # s16le mono
FALLBACK_RATES = (16000, 48000, 44100)   # tried in this order when the card refuses 8000 Hz
# Silence written at open. Input and output start together, so the output plays one frame while
# the first frame is captured; the second is the cushion: a pump that writes a frame for each frame
# it reads may then be up to 20 ms late before the output runs dry (a click on a real card).
PRIME_FRAMES = 2


class SoundCardError(DriverError):
    """A sound card is missing, ambiguous, refuses the format, or vanished; the message says what to check."""


# -- the shared PortAudio instance ---------------------------------------------------------------

_shared: dict[int, tuple[object, object]] = {}     # id(pyaudio module) -> (module, PyAudio())
# PortAudio is not thread-safe for opening, closing and listing: line drivers start on their own
# threads, so those calls go one at a time. Reading and writing streams need no lock.
_pa_lock = threading.RLock()


def _module(pyaudio_module):
    """The pyaudio module to use: the one passed in (tests, the simulator) or the real one."""
    if pyaudio_module is not None:
        return pyaudio_module
    try:
        import pyaudio
    except ImportError as e:
        raise SoundCardError(f"pyaudio is not installed ({e}); install it with"
                             " 'pip install pyaudio' (it needs apt's portaudio19-dev)") from e
    return pyaudio


def _pyaudio(module):
    """The process's one ``PyAudio()`` for ``module``: PortAudio's start scans all devices (slow)."""
    with _pa_lock:
        entry = _shared.get(id(module))
        if entry is None or entry[0] is not module:     # the module is kept, so its id stays unique
            entry = _shared[id(module)] = (module, module.PyAudio())
        return entry[1]


def list_devices(pyaudio_module=None) -> list[dict]:
    """Every device PortAudio lists, as PyAudio's info dicts (``name``, ``index``, channel counts...)."""
    pa = _pyaudio(_module(pyaudio_module))
    with _pa_lock:
        infos = [pa.get_device_info_by_index(i) for i in range(pa.get_device_count())]
    return [{**info, "index": info.get("index", i)} for i, info in enumerate(infos)]


def _duplex(device: dict) -> bool:
    return device.get("maxInputChannels", 0) >= 1 and device.get("maxOutputChannels", 0) >= 1


def find_device(devices: list[dict], name: str, setting: str) -> dict:
    """The one full-duplex device ``name`` designates: its full name, or a piece of exactly one name.

    A full name wins over pieces of longer names ("USB Audio" is a card even when "USB Audio 2" is
    there too). A piece is matched case-sensitively first, then, only if that finds nothing,
    ignoring case. Only cards with both input and output count: a bridge card is full duplex.
    """
    duplex = [d for d in devices if _duplex(d)]
    if not name:
        raise SoundCardError(f"{setting} is empty; give the sound card's name"
                             f" ({_names(duplex)})")
    exact = [d for d in duplex if d["name"] == name]
    matches = exact or [d for d in duplex if name in d["name"]] \
        or [d for d in duplex if name.lower() in d["name"].lower()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise SoundCardError(f"{setting} {name!r} matches {len(matches)} sound cards"
                             f" ({', '.join(d['name'] for d in matches)}); give more of the name")
    half = [d for d in devices if not _duplex(d) and name.lower() in d["name"].lower()]
    if half:
        raise SoundCardError(f"{setting} {name!r} names {', '.join(_describe(d) for d in half)}:"
                             " a bridge card needs both input and output"
                             f" (full-duplex cards here: {_names(duplex)})")
    raise SoundCardError(f"{setting} {name!r} matches no sound card with input and output"
                         f" ({_names(duplex)}); check that the card is plugged in and give one of"
                         " those names or a piece of one")


def _names(devices: list[dict]) -> str:
    if not devices:
        return "there are none: is the USB sound card plugged in? 'arecord -l' lists the cards"
    return "there are: " + ", ".join(d["name"] for d in devices)


def _describe(device: dict) -> str:
    kind = "output-only" if device.get("maxOutputChannels", 0) else "input-only"
    return f"{device['name']!r} ({kind})"


# -- resampling, one frame at a time ---------------------------------------------------------------

class _Resampler:
    """Rational polyphase resampler with its state carried from call to call (no edge clicks).

    Same windowed-sinc design as ``codecs.resample``: flat to 0.43 x 8 kHz, about 80 dB down from
    4 kHz, so decimating 48 kHz to 8 kHz first removes everything that would fold into the band.
    Twenty ms of input always gives exactly 20 ms of output (all the rates here divide into 50).
    """

    def __init__(self, rate_in: int, rate_out: int):
        g = math.gcd(rate_in, rate_out)
        self.up, self.down = rate_out // g, rate_in // g
        low, fs_up = min(rate_in, rate_out), rate_in * self.up
        h = _lowpass(self.up, 0.465 * low / fs_up, 0.07 * low / fs_up)
        self.taps = len(h) // self.up                            # input samples per output
        # phase p, reversed, so that a window of input samples (oldest first) dots with it
        self._phases = h.reshape(self.taps, self.up).T[:, ::-1].copy()
        self._history = np.zeros(self.taps - 1)
        self._next = 0          # upsampled position of the next output, from the next call's first input
        self.delay_s = (len(h) - 1) / 2.0 / fs_up                # the linear-phase filter's delay

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        """int16 samples in -> int16 samples out, continuing the previous call's signal."""
        buf = np.concatenate((self._history, samples.astype(np.float64)))
        end = len(samples) * self.up
        positions = np.arange(self._next, end, self.down)
        windows = np.lib.stride_tricks.sliding_window_view(buf, self.taps)[positions // self.up]
        out = np.einsum("ij,ij->i", windows, self._phases[positions % self.up])
        self._next = (int(positions[-1]) + self.down - end) if len(positions) else self._next - end
        self._history = buf[len(buf) - (self.taps - 1):]
        return float_to_int16(out / 32768.0)


# -- the card --------------------------------------------------------------------------------------

class SoundCard:
    """One full-duplex card; read_frame paces by the card's own clock.

    Use it as a pump, on one thread: read a frame, write a frame (silence when there is nothing to
    say). Both directions run from open to close: a side left idle overflows (input) or runs dry
    (output), and PortAudio restarts the stream, a click on a real card. The output starts with
    ``PRIME_FRAMES`` of silence, so the pump needs no cushion of its own. ``close`` only after the
    pump has stopped.
    """

    def __init__(self, name: str, *, setting: str = "bridge_audio", pyaudio_module=None,
                 block: int = FRAME_SAMPLES):
        if block <= 0 or block % 80:
            raise ValueError(f"a block is a multiple of 10 ms (80 samples at 8 kHz), not {block}")
        self.block, self._frame_bytes = block, 2 * block
        module = _module(pyaudio_module)
        pa = _pyaudio(module)
        device = find_device(list_devices(module), name, setting)
        self.device_name: str = device["name"]
        self.setting = setting
        self._stream = None
        index, fmt = device["index"], module.paInt16
        refused = []
        for rate in (RATE, *FALLBACK_RATES):
            try:
                with _pa_lock:
                    pa.is_format_supported(rate, input_device=index, input_channels=1,
                                           input_format=fmt, output_device=index,
                                           output_channels=1, output_format=fmt)
                    self._stream = pa.open(rate=rate, channels=1, format=fmt, input=True,
                                           output=True, input_device_index=index,
                                           output_device_index=index,
                                           frames_per_buffer=rate * block // RATE)
            except (ValueError, OSError) as e:          # OSError covers IOError
                refused.append(f"{rate} Hz: {_why(e)}")
                continue
            break
        if self._stream is None:
            raise SoundCardError(f"{setting}: sound card {self.device_name!r} cannot run 16-bit mono"
                                 f" with input and output at once ({'; '.join(refused)}); check that"
                                 " no other program holds it and that it is a full-duplex card")
        self.rate: int = rate
        self.resampled: bool = rate != RATE
        self._block = rate * block // RATE            # device samples per block
        self._down = _Resampler(rate, RATE) if self.resampled else None
        self._up = _Resampler(RATE, rate) if self.resampled else None
        self._closed = False
        try:
            for _ in range(PRIME_FRAMES):
                self.write_frame(bytes(self._frame_bytes))
        except SoundCardError:
            self.close()
            raise

    def read_frame(self) -> bytes:
        """The next block the card captured (``block`` samples at 8 kHz: 320 bytes for the default
        20 ms); blocks until it has arrived."""
        stream = self._live()
        try:
            data = stream.read(self._block, exception_on_overflow=False)
        except OSError as e:
            raise self._vanished("reading", e) from e
        if self._down is None:
            return data
        return self._down(np.frombuffer(data, dtype="<i2")).astype("<i2").tobytes()

    def write_frame(self, frame: bytes) -> None:
        """Send one block (``block`` samples of 8 kHz s16le) to the card's output; blocks while its
        buffer is full."""
        if len(frame) != self._frame_bytes:
            raise ValueError(f"a block is {self._frame_bytes} bytes ({self.block // 8} ms at 8 kHz),"
                             f" not {len(frame)}")
        stream = self._live()
        data = frame if self._up is None \
            else self._up(np.frombuffer(frame, dtype="<i2")).astype("<i2").tobytes()
        try:
            stream.write(data)
        except OSError as e:
            raise self._vanished("writing", e) from e

    def latency_s(self) -> tuple[float, float]:
        """(input, output) delay in seconds as PortAudio reports it, plus any resampling filter's."""
        stream = self._live()
        extra_in = self._down.delay_s if self._down else 0.0
        extra_out = self._up.delay_s if self._up else 0.0
        return stream.get_input_latency() + extra_in, stream.get_output_latency() + extra_out

    def close(self) -> None:
        """Release the card; safe to call twice, and never raises (the card may already be gone)."""
        if self._closed or self._stream is None:
            self._closed = True
            return
        self._closed = True
        stream, self._stream = self._stream, None
        with _pa_lock:
            for step in (stream.stop_stream, stream.close):
                try:
                    step()
                except Exception:       # a vanished card fails here too; closing must not
                    pass

    def _live(self):
        if self._closed:
            raise SoundCardError(f"{self.setting}: sound card {self.device_name!r} is closed")
        return self._stream

    def _vanished(self, doing: str, e: OSError) -> SoundCardError:
        return SoundCardError(f"{self.setting}: sound card {self.device_name!r} failed while {doing}"
                              f" ({_why(e)}); check that it is still plugged in (a USB card plugged"
                              " back in may need the daemon restarted to be seen again)")

    def __repr__(self) -> str:
        return f"SoundCard({self.device_name!r}, rate={self.rate})"


def _why(e: Exception) -> str:
    """PyAudio's errors carry PortAudio's (code, text) in either order; show the text."""
    texts = [a for a in e.args if isinstance(a, str)]
    return texts[0] if texts else str(e) or type(e).__name__


def card_opener(name: str, setting: str, pyaudio_module=None,
                block: int = FRAME_SAMPLES) -> Callable[[], SoundCard]:
    """A function that opens the card named ``name`` afresh: what a line driver keeps to reopen it.
    ``block``: samples per read and write (the bridge uses 80, 10 ms, for less delay)."""
    def open_card() -> SoundCard:
        return SoundCard(name, setting=setting, pyaudio_module=pyaudio_module, block=block)
    open_card.__doc__ = f"Open {setting} ({name!r})."
    return open_card
