"""The whole appliance at real pace with voice: a modem model on its ptys (the caller's end), the
real line driver with its bridge card, the real engine and loop, and the gpio handset driver on
the simulated reference board, whose crosspoint rows carry audio between the sound cards and
the desk phones' ears and mouths. Used by the end-to-end voice tests and bench/voice_path."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from appliance import drivers
from appliance.audio.prompts import PromptLibrary
from appliance.audio.tones import dtmf_sequence
from appliance.clock import RealClock
from appliance.engine import Engine
from appliance.events import ShutdownRequested
from appliance.handsets.gpio import GpioHandsetBank
from appliance.lines.dialects import DIALECTS
from appliance.loop import Loop
from appliance.store import schema
from hwsim.board.reference import ReferenceBoard
from hwsim.modems.model import ModemModel
from hwsim.modems.v253 import VoiceModemModel

CALLER = "+447700900123"
HANDSET = 9                         # X8 on chip A: AX code 1010, not binary 1000
RATE = 8000
KINDS = ("sim800", "sim7600", "ec25", "v253")


def wait_until(predicate, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        time.sleep(0.01)


def tone(hz: float, seconds: float, dbfs: float = -12.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (10 ** (dbfs / 20) * 32767 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def level_at(samples: np.ndarray, hz: float, band_hz: float = 25.0) -> float:
    """The level of the tone near ``hz`` as its peak amplitude in dB of full scale (a full-scale
    sine: 0): the energy within ``band_hz`` of ``hz``. A band, not one frequency, because the
    bridge's elastic buffers slip a sample now and then (up to 0.16 % faster or slower for a
    while, inaudible): at exactly 1000 Hz over half a second that reads up to 12 dB low."""
    if len(samples) == 0:
        return float("-inf")
    x = samples.astype(np.float64)
    spectrum = np.fft.rfft(x)
    near = np.abs(np.fft.rfftfreq(len(x), 1 / RATE) - hz) <= band_hz
    amp = 2 * np.sqrt(np.sum(np.abs(spectrum[near]) ** 2)) / len(x)
    return 20 * np.log10(amp / 32767) if amp > 0 else float("-inf")


def onset(samples: np.ndarray, threshold: int = 2000) -> int | None:
    """The first sample louder than ``threshold`` (a -12 dBFS tone peaks at 8200; the row is
    otherwise quiet once the caller is connected), or None."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    return int(loud[0]) if len(loud) else None


class Log:
    """The call log: records by id."""

    def __init__(self):
        self.records: dict[str, dict] = {}

    def write(self, record: dict) -> None:
        self.records[record["id"]] = dict(record)

    def close(self) -> None:
        pass


class VoiceDesk:
    """One line of ``kind`` bridged through the board to handset 9, at real pace."""

    def __init__(self, tmp_path: Path, kind: str, card_hz: float = 8000.0,
                 modem_hz: float = 8000.0, whisper: bool = False, record: bool = True,
                 count: int = 12, support_handset: int | None = None,
                 caller_id: str = "off"):
        self.kind, self.data_dir = kind, tmp_path
        if kind == "v253":
            self.modem = VoiceModemModel(path=tmp_path / "modem", clock_hz=modem_hz).start()
        else:
            self.modem = ModemModel(DIALECTS[kind], path=tmp_path / "modem", ring_every_s=0.5,
                                    clock_hz=modem_hz).start()
        line = {"id": "line1", "driver": kind, "port": str(self.modem.path),
                "bridge_audio": "Bridge line 1"}
        if kind in ("sim7600", "ec25"):
            line["audio_port"] = str(self.modem.audio_path)
        doc = schema.defaults()
        doc["lines"] = [line]
        doc["handsets"].update(driver="gpio", count=count, caller_id=caller_id,
                               service_audio="Service bus" if whisper else None)
        doc["operators"] = [{"id": "ann", "name": "Ann", "handset": HANDSET, "queues": ["sales"]}]
        doc["menu"]["root"]["options"] = {"1": {"action": "queue", "queue": "sales"}}
        if support_handset is not None:         # someone to transfer to: the menu's 2
            doc["operators"].append({"id": "bob", "name": "Bob", "handset": support_handset,
                                     "queues": ["support"]})
            doc["menu"]["root"]["options"]["2"] = {"action": "queue", "queue": "support"}
        doc["queues"]["sales"].update(announce_position=False, announce_wait=False)
        doc["recording"].update(enabled=record, stereo=False)
        self.settings = schema.validate(doc)
        self.engine = Engine(self.settings, seed=1)
        self.loop = Loop(self.engine, RealClock())
        self.board = ReferenceBoard(self.loop, count=count, seed=3)
        if caller_id != "off":
            self.board.fit_displays(caller_id)
        self.cards = self.board.sound_cards(clock_hz={0: card_hz})
        if kind == "sim800":
            self.board.voice.attach(0, self.modem.analog_part())
        self.line = drivers.build_line(self.settings, 0, self.loop, tmp_path, self.cards)
        service = drivers.service_bus(self.settings, self.cards)
        self.bank = GpioHandsetBank(self.board.gpio, self.settings, self.loop, self.loop,
                                    service=service, library=PromptLibrary(data_dir=tmp_path),
                                    names=drivers.phone_book_names(tmp_path))
        self.log = Log()
        self.loop.connect(lines=[self.line], handsets=self.bank, calllog=self.log)
        self.loop.start()
        self.phone = self.board.phones[HANDSET]

    def line_state(self) -> str:
        return self.loop.snapshot()["lines"][0]["state"]

    def call_in(self) -> None:
        """A caller rings, the appliance answers, the caller presses 1 for sales."""
        wait_until(lambda: self.line.state.value == "idle" and self.line_state() == "idle",
                   "the line in service", 15)
        if self.kind == "v253":
            self.modem.incoming_call("5551234567", "CALLER")
        else:
            self.modem.incoming_call(CALLER)
        wait_until(lambda: self.line_state() not in ("idle", "ringing"), "the call answered")
        time.sleep(0.5)
        if self.kind == "sim800":               # in-band, through the row and the sound card
            self.modem.say(dtmf_sequence("1", on_s=0.1, off_s=0.1).astype("<i2").tobytes())
        else:
            self.modem.press("1")

    def answer(self, timeout: float = 15.0) -> float:
        """Lift handset 9 when it rings; returns when its crosspoint to line 1 is closed."""
        wait_until(lambda: HANDSET in self.board.ringing() or HANDSET in self.bank.ringing(),
                   "handset 9 ringing", timeout)
        self.phone.lift(self.loop.now())
        wait_until(lambda: (HANDSET, 0) in self.board.crosspoints(), "handset 9 on line 1's row",
                   timeout)
        return time.monotonic()

    def caller_heard(self, since: float) -> np.ndarray:
        """What reached the caller since monotonic ``since``."""
        log = list(self.modem.heard_log)
        if self.kind == "v253":                   # (time, samples) against ``heard``
            before = sum(count for at, count in log if at < since)
            heard = bytes(self.modem.heard)
            return np.frombuffer(heard[2 * before:len(heard) // 2 * 2], dtype="<i2")
        raw = b"".join(data for at, data in log if at >= since)
        return np.frombuffer(raw[:len(raw) // 2 * 2], dtype="<i2")

    def first_said(self, since: float) -> float | None:
        """When the modem sent the first loud sample of the caller's voice (monotonic)."""
        for at, frame in list(self.modem.said):
            first = onset(np.frombuffer(frame, dtype="<i2")) if at >= since else None
            if first is not None:
                return at + first / RATE
        return None

    def close(self) -> None:
        try:
            self.loop.post(ShutdownRequested("test over"))
            self.loop.call_soon(self.loop.stop)
            self.loop.join(timeout=5)
        finally:
            self.loop.close_drivers()
            self.modem.stop()
