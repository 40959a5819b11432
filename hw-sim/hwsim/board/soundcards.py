"""USB sound cards wired to the board's voice buses, behind a PyAudio-compatible module object.

``FakePyAudioModule(cards)`` stands where ``import pyaudio`` would: the production driver
(``appliance.audio.soundcard``) takes it as ``pyaudio_module``. It offers the subset of PyAudio
the driver uses: ``paInt16`` & co., ``get_sample_size``, ``PyAudio()`` with
``get_device_count``, ``get_device_info_by_index``, ``is_format_supported``, ``open`` and
``terminate``, and blocking streams (``read``, ``write``, latencies, start/stop/close).

Each card (``CardSpec``) is one mono channel in and out, wired to one crosspoint row
(``hwsim.board.voice``). A card runs on its own crystal: it claims the nominal rate but really
runs at ``rate * clock_hz / 8000`` (``clock_hz`` is its true rate when opened at 8000 Hz), so
the drift between a card and a modem is there to be corrected. Every open stream has one thread,
paced by ``time.monotonic`` on absolute deadlines at that true rate: each period
(``frames_per_buffer`` frames) it plays the next block of the output buffer onto the row (zeros
when the buffer has run dry: ``underruns``) and captures the period that just ended from the row
into the input buffer. Stream rates other than the row's 8000 Hz, and the card's own clock, are
converted by cubic (Catmull-Rom) interpolation at the true sample instants (bit exact at 8000 Hz
on a perfect clock; no anti-alias filter).

Timing, as the driver sees it:
- ``write`` queues its data and returns once the output buffer holds at most ``OUTPUT_PERIODS``
  (2) periods, so what is written is on the row within two periods: ``get_output_latency()``
  says ``2 * frames_per_buffer / rate``.
- ``read(n)`` returns as soon as ``n`` frames have been captured; a captured period is readable
  at its end: ``get_input_latency()`` says ``frames_per_buffer / rate``. More than
  ``OVERFLOW_S`` unread drops the oldest frames (``overflows``) and, once, raises
  ``OSError(-9981, 'Input overflowed')`` from a read with ``exception_on_overflow=True``.
- ``card.unplug()``: open streams raise ``OSError(-9999, 'Unanticipated host error')`` and the
  card is missing from every ``PyAudio()`` made afterwards (one made earlier still lists it, as
  PortAudio does until it is restarted); ``card.plug_in()`` brings it back for new streams.

Example::

    buses = VoiceBuses()
    pyaudio = FakePyAudioModule([CardSpec("Bridge line 1", row=0, buses=buses, clock_hz=8000.5)])
    pa = pyaudio.PyAudio()
    stream = pa.open(rate=8000, channels=1, format=pyaudio.paInt16, input=True, output=True,
                     input_device_index=0, output_device_index=0, frames_per_buffer=160)
    stream.write(frame)                  # onto row 0: the ears of the phones switched to it
    stream.read(160)                     # the next 20 ms the row carried
    pyaudio.cards[0].unplug()            # the next read raises OSError
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from hwsim.board.voice import RATE as ROW_RATE
from hwsim.board.voice import VoiceBuses, saturate

paFloat32, paInt32, paInt24, paInt16, paInt8, paUInt8 = 1, 2, 4, 8, 16, 32
paContinue, paComplete, paAbort = 0, 1, 2
SAMPLE_SIZES = {paFloat32: 4, paInt32: 4, paInt24: 3, paInt16: 2, paInt8: 1, paUInt8: 1}

# PortAudio's error codes (PaErrorCode) and texts, as PyAudio reports them
paUnanticipatedHostError = -9999
paInvalidChannelCount = -9998
paInvalidSampleRate = -9997
paInvalidDevice = -9996
paSampleFormatNotSupported = -9994
paBadIODeviceCombination = -9993
paBadStreamPtr = -9988
paDeviceUnavailable = -9985
paStreamIsStopped = -9983
paInputOverflowed = -9981
paCanNotReadFromAnOutputOnlyStream = -9975
paCanNotWriteToAnInputOnlyStream = -9974
TEXTS = {paUnanticipatedHostError: "Unanticipated host error",
         paInvalidChannelCount: "Invalid number of channels",
         paInvalidSampleRate: "Invalid sample rate", paInvalidDevice: "Invalid device",
         paSampleFormatNotSupported: "Sample format not supported",
         paBadIODeviceCombination: "Illegal combination of I/O devices",
         paBadStreamPtr: "Invalid stream pointer", paDeviceUnavailable: "Device unavailable",
         paStreamIsStopped: "Stream is stopped", paInputOverflowed: "Input overflowed"}

RATES = (8000, 16000, 44100, 48000)
OUTPUT_PERIODS = 2          # write() returns once the output buffer holds at most this many periods
OVERFLOW_S = 0.5            # unread input beyond this is dropped (an overflow)
RESYNC_S = 1.0              # a stream thread this late (machine suspended) skips ahead
HISTORY = 3                 # output samples kept for the interpolator across periods


def _oserror(code: int) -> OSError:
    """PyAudio's stream errors: IOError(code, text)."""
    return OSError(code, TEXTS[code])


@dataclass(eq=False)
class CardSpec:
    """One USB sound card channel wired to crosspoint ``row`` of ``buses``.

    ``clock_hz`` is its true sample rate at a nominal 8000 Hz (a crystal a little off), ``rates``
    the rates it accepts; ``plugged`` is False between ``unplug`` and ``plug_in``."""
    name: str
    row: int
    buses: VoiceBuses
    clock_hz: float = 8000.0
    rates: tuple[int, ...] = RATES
    plugged: bool = True
    streams: list = field(default_factory=list, repr=False)      # open streams on this card

    @property
    def speed(self) -> float:
        """True rate over nominal rate (1.0000625 for a card at 8000.5 Hz)."""
        return self.clock_hz / ROW_RATE

    def unplug(self) -> None:
        """Pull the USB plug: open streams fail, and new ``PyAudio()`` instances do not list it."""
        self.plugged = False
        for stream in list(self.streams):
            stream._lost()
        self.buses.forget(self)

    def plug_in(self) -> None:
        """Plug it back: listed by new ``PyAudio()`` instances; old streams stay dead."""
        self.plugged = True

    def info(self, index: int) -> dict:
        """The device's entry in PortAudio's list, as ``get_device_info_by_index`` gives it."""
        return {"index": index, "structVersion": 2, "name": self.name, "hostApi": 0,
                "maxInputChannels": 1, "maxOutputChannels": 1,
                "defaultLowInputLatency": 0.008707, "defaultLowOutputLatency": 0.008707,
                "defaultHighInputLatency": 0.034830, "defaultHighOutputLatency": 0.034830,
                "defaultSampleRate": 48000.0 if 48000 in self.rates else float(self.rates[0])}


class FakePyAudioModule:
    """The ``pyaudio`` module for simulated cards; ``cards`` in PortAudio's listing order."""

    paFloat32, paInt32, paInt24, paInt16, paInt8, paUInt8 = (paFloat32, paInt32, paInt24,
                                                             paInt16, paInt8, paUInt8)
    paContinue, paComplete, paAbort = paContinue, paComplete, paAbort
    paInputOverflowed, paUnanticipatedHostError = paInputOverflowed, paUnanticipatedHostError

    def __init__(self, cards: list[CardSpec]) -> None:
        self.cards = list(cards)

    def get_sample_size(self, format: int) -> int:
        """Bytes per sample of a PortAudio format."""
        if format not in SAMPLE_SIZES:
            raise ValueError("Invalid sample format", -9994)
        return SAMPLE_SIZES[format]

    def PyAudio(self) -> FakePyAudio:
        """Start "PortAudio": it lists the cards plugged in now."""
        return FakePyAudio(self)

    def card(self, name: str) -> CardSpec:
        """The card called ``name`` (for tests: to unplug it)."""
        (card,) = [c for c in self.cards if c.name == name]
        return card


class FakePyAudio:
    """``pyaudio.PyAudio()``: the device list as it was when it started, and ``open``."""

    def __init__(self, module: FakePyAudioModule) -> None:
        self._module = module
        self._devices = [card for card in module.cards if card.plugged]
        self._streams: set[FakeStream] = set()

    def get_device_count(self) -> int:
        """How many devices PortAudio listed when this instance started."""
        return len(self._devices)

    def get_device_info_by_index(self, device_index: int) -> dict:
        """Device ``device_index``'s info dict (PortAudio's ``PaDeviceInfo`` fields)."""
        return self._device(device_index, OSError).info(device_index)

    def get_default_input_device_info(self) -> dict:
        """The first card (PortAudio's default device here)."""
        return self.get_device_info_by_index(0)

    def get_default_output_device_info(self) -> dict:
        """The first card (PortAudio's default device here)."""
        return self.get_device_info_by_index(0)

    def is_format_supported(self, rate, input_device=None, input_channels=None, input_format=None,
                            output_device=None, output_channels=None, output_format=None) -> bool:
        """True, or ValueError((text, code)) as PyAudio raises it ("Invalid sample rate", ...)."""
        if input_device is None and output_device is None:
            raise ValueError("Must specify stream format for input, output, or both", paInvalidDevice)
        for device, channels, fmt in ((input_device, input_channels, input_format),
                                      (output_device, output_channels, output_format)):
            if device is not None:
                code = self._refusal(rate, device, channels, fmt)
                if code:
                    raise ValueError(TEXTS[code], code)
        return True

    def open(self, rate, channels, format, input=False, output=False, input_device_index=None,
             output_device_index=None, frames_per_buffer=1024, start=True,
             input_host_api_specific_stream_info=None, output_host_api_specific_stream_info=None,
             stream_callback=None) -> FakeStream:
        """A blocking stream on one card (input, output or both); OSError(code, text) if refused."""
        if not input and not output:
            raise ValueError("Must specify an input or output stream.")
        if stream_callback is not None:
            raise NotImplementedError("the simulated cards run blocking streams only")
        devices = [index if index is not None else 0 for index, used in
                   ((input_device_index, input), (output_device_index, output)) if used]
        if len(set(devices)) > 1:
            raise _oserror(paBadIODeviceCombination)
        code = self._refusal(rate, devices[0], channels, format)
        if code:
            raise _oserror(code)
        card = self._devices[devices[0]]
        busy = [s for s in card.streams if (input and s.is_input) or (output and s.is_output)]
        if busy:
            raise _oserror(paDeviceUnavailable)   # ALSA hw devices open once per direction
        stream = FakeStream(self, card, int(rate), frames_per_buffer or 1024, bool(input),
                            bool(output))
        self._streams.add(stream)
        if start:
            stream.start_stream()
        return stream

    def terminate(self) -> None:
        """Close every stream this instance opened."""
        for stream in list(self._streams):
            stream.close()

    def _device(self, index, error) -> CardSpec:
        if not isinstance(index, int) or not 0 <= index < len(self._devices):
            raise error(paInvalidDevice, "Invalid device index")
        return self._devices[index]

    def _refusal(self, rate, device, channels, fmt) -> int:
        """PortAudio's error code for this configuration, or 0."""
        if not isinstance(device, int) or not 0 <= device < len(self._devices):
            return paInvalidDevice
        card = self._devices[device]
        if not card.plugged:
            return paUnanticipatedHostError
        if channels != 1:
            return paInvalidChannelCount
        if fmt != paInt16:
            return paSampleFormatNotSupported
        if rate not in card.rates:
            return paInvalidSampleRate
        return 0


class FakeStream:
    """One open stream: blocking ``read``/``write`` against buffers a card thread empties and
    fills at the card's true rate (see the module docstring)."""

    def __init__(self, pa: FakePyAudio, card: CardSpec, rate: int, frames_per_buffer: int,
                 is_input: bool, is_output: bool) -> None:
        self._pa, self.card, self.rate = pa, card, rate
        self.frames_per_buffer = frames_per_buffer
        self.is_input, self.is_output = is_input, is_output
        self.underruns = 0                   # periods played short since the first write
        self.overflows = 0                   # times unread input was dropped
        self.period_s = frames_per_buffer / (rate * card.speed)    # true duration of a period
        self._ratio = rate * card.speed / ROW_RATE     # stream samples per row sample
        self._cv = threading.Condition()
        self._in, self._out = bytearray(), bytearray()
        self._overflowed = self._primed = False
        self._running = self._closed = self._gone = False
        self._epoch = 0
        self._start_at, self._k = 0.0, 0
        self._fresh = True
        self._m_next, self._history = 0, np.zeros(HISTORY)
        card.streams.append(self)
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"card-{card.name}")
        self._thread.start()

    # -- PyAudio's Stream API ----------------------------------------------------------------

    def read(self, num_frames: int, exception_on_overflow: bool = True) -> bytes:
        """The next ``num_frames`` frames captured (s16le); blocks until they have been."""
        if not self.is_input:
            raise OSError("Not input stream", paCanNotReadFromAnOutputOnlyStream)
        need = int(num_frames) * 2
        with self._cv:
            while True:
                self._check()
                if self._overflowed:
                    self._overflowed = False
                    if exception_on_overflow:
                        raise _oserror(paInputOverflowed)
                if len(self._in) >= need:
                    data = bytes(self._in[:need])
                    del self._in[:need]
                    return data
                self._cv.wait(0.2)

    def write(self, frames, num_frames: int | None = None,
              exception_on_underflow: bool = False) -> None:
        """Queue ``frames`` (s16le) for the card; blocks while more than two periods are queued."""
        if not self.is_output:
            raise OSError("Not output stream", paCanNotWriteToAnInputOnlyStream)
        data = bytes(frames)
        if num_frames is not None:
            data = data[:int(num_frames) * 2]
        limit = OUTPUT_PERIODS * self.frames_per_buffer * 2
        with self._cv:
            self._check()
            self._out += data[:len(data) - len(data) % 2]
            self._primed = True
            while len(self._out) > limit:
                self._cv.wait(0.2)
                self._check()

    def get_input_latency(self) -> float:
        """Seconds from the row to ``read``: one period (a period is readable when it ends)."""
        return self.frames_per_buffer / self.rate if self.is_input else 0.0

    def get_output_latency(self) -> float:
        """Seconds from ``write`` returning to the row: the two periods the buffer may hold."""
        return OUTPUT_PERIODS * self.frames_per_buffer / self.rate if self.is_output else 0.0

    def get_read_available(self) -> int:
        """Frames ``read`` would return without waiting."""
        with self._cv:
            return len(self._in) // 2

    def get_write_available(self) -> int:
        """Frames ``write`` would take without waiting."""
        with self._cv:
            return max(0, OUTPUT_PERIODS * self.frames_per_buffer - len(self._out) // 2)

    def is_active(self) -> bool:
        """True while the stream runs (started, not stopped, closed or unplugged)."""
        return self._running and not self._closed and not self._gone

    def is_stopped(self) -> bool:
        """True unless the stream runs."""
        return not self._running

    def start_stream(self) -> None:
        """Start (or restart) the card's clock for this stream; empty buffers, fresh periods."""
        with self._cv:
            self._check_open()
            if self._running:
                return
            self._in.clear()
            self._out.clear()
            self._overflowed = self._primed = False
            self._start_at = math.ceil(time.monotonic() * ROW_RATE) / ROW_RATE   # on the row's grid
            self._k, self._fresh, self._running = 0, True, True
            self._epoch += 1
            self._cv.notify_all()

    def stop_stream(self) -> None:
        """Let what was written play out (Pa_StopStream), then stop; unread input is dropped."""
        with self._cv:
            deadline = time.monotonic() + 1.0
            while self._running and self._out and not self._gone and time.monotonic() < deadline:
                self._cv.wait(0.05)
            self._running = False
            self._in.clear()
            self._out.clear()
            self._cv.notify_all()
        if self.is_output:
            self.card.buses.forget(self.card)

    def close(self) -> None:
        """Close the stream (no more audio either way); safe to call twice."""
        with self._cv:
            if self._closed:
                return
            self._closed, self._running = True, False
            self._cv.notify_all()
        if self in self.card.streams:
            self.card.streams.remove(self)
        self._pa._streams.discard(self)
        if self.is_output and not any(s.is_output for s in self.card.streams):
            self.card.buses.forget(self.card)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=1.0)

    # -- the card --------------------------------------------------------------------------

    def _lost(self) -> None:
        """The card left the USB bus under this stream."""
        with self._cv:
            self._gone = True
            self._cv.notify_all()
        if self in self.card.streams:
            self.card.streams.remove(self)

    def _check_open(self) -> None:
        if self._gone:
            raise _oserror(paUnanticipatedHostError)
        if self._closed:
            raise _oserror(paBadStreamPtr)

    def _check(self) -> None:
        self._check_open()
        if not self._running:
            raise _oserror(paStreamIsStopped)

    def _run(self) -> None:
        """One period at a time, on absolute deadlines of the card's own clock."""
        late = 0.0
        while True:
            if late < 0:
                time.sleep(min(-late, 0.05))     # not on the condition: reads and writes notify it
            with self._cv:
                if self._closed or self._gone:
                    return
                if not self._running:
                    self._cv.wait()
                    late = 0.0
                    continue
                due = self._start_at + self._k * self.period_s
                late = time.monotonic() - due
                if late < 0:
                    continue
                if late > RESYNC_S:              # suspended: the card's buffers were lost anyway
                    self._k += int(late / self.period_s)
                    self._fresh = True
                    continue
                if self._fresh:
                    self._fresh = False
                    self._m_next = math.ceil((self._k * self.frames_per_buffer - 2) / self._ratio)
                    self._history = np.zeros(HISTORY)
                k, start_at, epoch = self._k, self._start_at, self._epoch
                self._k += 1
                block = self._take_output() if self.is_output else None
                self._cv.notify_all()
            if block is not None:
                self._play(k, start_at, block)
            captured = self._capture(k - 1, start_at) if self.is_input and k > 0 else None
            if captured is not None:
                self._give_input(captured, epoch)

    def _take_output(self) -> np.ndarray:
        """The next period from the output buffer, padded with silence if it ran dry."""
        need = self.frames_per_buffer * 2
        data = bytes(self._out[:need])
        del self._out[:need]
        if len(data) < need:
            if self._primed:
                self.underruns += 1
            data = data.ljust(need, b"\0")
        return np.frombuffer(data, dtype="<i2")

    def _play(self, k: int, start_at: float, block: np.ndarray) -> None:
        """Period ``k`` of the output onto the row, at the row samples its true instants cover."""
        values = np.concatenate((self._history, block.astype(np.float64)))
        base = k * self.frames_per_buffer - HISTORY          # stream sample of values[0]
        limit = (k + 1) * self.frames_per_buffer - 2          # the interpolator needs 2 ahead
        m_end = math.ceil(limit / self._ratio)
        self._history = values[-HISTORY:]
        if m_end <= self._m_next:
            return
        rows = np.arange(self._m_next, m_end)
        out = _cubic(values, rows * self._ratio - base, whole=self._ratio == 1.0)
        self.card.buses.play(self.card.row, start_at + self._m_next / ROW_RATE, out, self.card)
        self._m_next = m_end

    def _capture(self, k: int, start_at: float) -> np.ndarray:
        """Period ``k`` of the input: the row sampled at this card's true instants."""
        first = k * self.frames_per_buffer
        positions = np.arange(first, first + self.frames_per_buffer) / self._ratio
        lo = math.floor(positions[0]) - 1
        hi = math.floor(positions[-1]) + 2
        row = self.card.buses.capture(self.card.row, start_at + lo / ROW_RATE, hi - lo + 1,
                                      self.card)
        return _cubic(row.astype(np.float64), positions - lo, whole=self._ratio == 1.0)

    def _give_input(self, samples: np.ndarray, epoch: int) -> None:
        with self._cv:
            if epoch != self._epoch or not self._running:
                return                                   # stopped meanwhile: dropped
            self._in += samples.astype("<i2").tobytes()
            keep = int(self.rate * OVERFLOW_S) * 2
            if len(self._in) > keep:
                del self._in[:len(self._in) - keep]
                self._overflowed = True
                self.overflows += 1
            self._cv.notify_all()


# Catmull-Rom as a matrix: row k holds the weights of p0..p3 for t**k
CATMULL_ROM = 0.5 * np.array([[0.0, 2.0, 0.0, 0.0], [-1.0, 0.0, 1.0, 0.0],
                              [2.0, -5.0, 4.0, -1.0], [-1.0, 3.0, -3.0, 1.0]])
NEIGHBOURS = np.array([-1, 0, 1, 2])


def _cubic(values: np.ndarray, positions: np.ndarray, whole: bool = False) -> np.ndarray:
    """Catmull-Rom interpolation of evenly spaced ``values`` at fractional ``positions`` (each
    with one value before and two after it), as int16; exact at whole positions (``whole``: all
    are, so just pick them)."""
    i = np.floor(positions).astype(np.int64)
    if whole:
        return saturate(values[i])
    weights = np.vander(positions - i, 4, increasing=True) @ CATMULL_ROM
    out = np.einsum("ij,ij->i", weights, values[i[:, None] + NEIGHBOURS])
    return saturate(np.rint(out, out=out))
