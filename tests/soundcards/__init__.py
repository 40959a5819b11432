"""The production sound-card driver (appliance/audio/soundcard.py): pure tests against a small fake
PyAudio module (below), and real ones through PortAudio on JACK at real pace (jack_rig.py)."""
from __future__ import annotations

import types

import numpy as np


def device(index: int, name: str, inputs: int = 2, outputs: int = 2, rate: float = 44100.0) -> dict:
    """One device as PyAudio describes it."""
    return {"index": index, "name": name, "maxInputChannels": inputs, "maxOutputChannels": outputs,
            "defaultSampleRate": rate, "hostApi": 0}


class FakeStream:
    """A blocking full-duplex stream: reads give ``signal`` (int16 at the stream's rate), writes
    are kept; ``fail`` (an exception) is raised by the next read or write (a card pulled out)."""

    def __init__(self, rate: int, signal: np.ndarray | None):
        self.rate, self.signal = rate, signal
        self.written: list[bytes] = []
        self.read_sizes: list[int] = []
        self.fail: Exception | None = None
        self._pos = 0
        self.stopped = self.closed = False

    def read(self, n: int, exception_on_overflow: bool = True) -> bytes:
        assert exception_on_overflow is False, "a late read must not raise"
        if self.fail:
            raise self.fail
        self.read_sizes.append(n)
        if self.signal is None:
            return bytes(2 * n)
        chunk = np.take(self.signal, range(self._pos, self._pos + n), mode="wrap")
        self._pos += n
        return chunk.astype("<i2").tobytes()

    def write(self, data: bytes) -> None:
        if self.fail:
            raise self.fail
        self.written.append(bytes(data))

    def get_input_latency(self) -> float:
        return 0.03

    def get_output_latency(self) -> float:
        return 0.05

    def stop_stream(self) -> None:
        if self.closed:
            raise OSError(-9988, "Stream closed")
        self.stopped = True

    def close(self) -> None:
        if self.closed:
            raise OSError(-9988, "Stream closed")
        self.closed = True


def fake_pyaudio(devices: list[dict], rates: tuple[int, ...] = (8000,), open_fails: tuple[int, ...] = (),
                 signal: np.ndarray | None = None) -> types.ModuleType:
    """A pyaudio module whose devices all run at ``rates`` only (``is_format_supported`` raises
    ValueError like PyAudio for others); ``open`` raises OSError at ``open_fails`` rates. The module
    records ``instances`` (PyAudio() calls), ``checked`` rates, ``opened`` keyword sets and ``streams``."""
    module = types.ModuleType("fake_pyaudio")
    module.paInt16 = 8
    module.instances, module.checked, module.opened, module.streams = [], [], [], []

    class PyAudio:
        def __init__(self):
            module.instances.append(self)

        def get_device_count(self) -> int:
            return len(devices)

        def get_device_info_by_index(self, i: int) -> dict:
            return dict(devices[i])

        def get_sample_size(self, fmt: int) -> int:
            return 2

        def is_format_supported(self, rate, input_device=None, input_channels=None, input_format=None,
                                output_device=None, output_channels=None, output_format=None):
            module.checked.append(rate)
            assert (input_channels, output_channels) == (1, 1)
            assert input_format == output_format == module.paInt16
            if rate not in rates:
                raise ValueError("Invalid sample rate", -9997)
            return True

        def open(self, **kw):
            module.opened.append(kw)
            if kw["rate"] in open_fails:
                raise OSError(-9985, "Device unavailable")
            stream = FakeStream(kw["rate"], signal)
            module.streams.append(stream)
            return stream

        def terminate(self) -> None:
            pass

    module.PyAudio = PyAudio
    return module


def tone(hz: float, n: int, rate: int, dbfs: float = -10.0) -> np.ndarray:
    """``n`` samples of a sine whose RMS is ``dbfs`` below full scale (``rms_dbfs`` reads it back), int16."""
    amp = 32767 * 10 ** (dbfs / 20) * np.sqrt(2)
    return np.round(amp * np.sin(2 * np.pi * hz * np.arange(n) / rate)).astype(np.int16)


def rms_dbfs(samples) -> float:
    """RMS in dB re full scale (a full-scale sine reads -3 dB)."""
    x = np.asarray(samples, dtype=np.float64) / 32767
    power = float(np.mean(x * x))
    return 10 * np.log10(power) if power > 0 else float("-inf")
