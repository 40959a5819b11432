"""The reference board, simulated: the chips and desk phones wired to the Pi's pins (design.md).

``board.gpio`` is the RPi.GPIO-compatible module object to hand to the GPIO driver. Behind it,
the ring pins drive a 74HC595 chain whose latched outputs ring the desk phones, the hook pins
read a 74HC165 chain whose inputs are the phones' hook contacts (with bounce), and the
crosspoint pins drive two MT8816s (chip A: handsets 1-16, chip B: 17-20; Y = line index).

Voice: ``board.voice`` holds the crosspoint rows as voice buses (rows 0-3: lines 1-4, row 4: the
service bus); a desk phone is on a row's bus while its crosspoint to that row is closed.
``board.sound_cards()`` makes the bridge cards wired to the rows, as a PyAudio module object for
the line drivers (``pyaudio_module``).

Example::

    board = ReferenceBoard(clock=loop, count=3, seed=0)
    bank = GpioHandsetBank(board.gpio, settings, clock=loop, scheduler=loop)
    bank.execute(RingHandset(2)); board.ringing()        # {2}
    board.phones[2].lift(loop.now())
    pyaudio = board.sound_cards(clock_hz={0: 8000.4})     # "Bridge line 1" .. "Service bus"
    bank.execute(Bridge("line1", 2))                      # phone 2's ear now gets row 0
"""
from __future__ import annotations

import random
from typing import Callable

from appliance.store.schema import DEFAULT_PINS
from hwsim.board.callerid_rx import CallerIdReceiver
from hwsim.board.chips import HC165Chain, HC595Chain, MT8816
from hwsim.board.fake_rpi_gpio import FakeRPiGPIO
from hwsim.board.handset import DeskPhone
from hwsim.board.soundcards import CardSpec, FakePyAudioModule
from hwsim.board.voice import VoiceBuses

CHIP_A_HANDSETS = 16
CHAIN_BITS = 24
SERVICE_ROW = 4                  # Y4: the service bus
CARD_NAMES = {0: "Bridge line 1", 1: "Bridge line 2", 2: "Bridge line 3", 3: "Bridge line 4",
              SERVICE_ROW: "Service bus"}


class ReferenceBoard:
    """Chips, desk phones 1..count and the pin wiring; ``clock`` has ``now()``."""

    def __init__(self, clock, count: int = 20, pins: dict[str, int] | None = None,
                 seed: int = 0) -> None:
        self.clock = clock
        rng = random.Random(seed)
        self.phones = {n: DeskPhone(n, random.Random(rng.random())) for n in range(1, count + 1)}
        self.pins = {**DEFAULT_PINS, **(pins or {})}
        self.on_crosspoint: Callable[[int, int, bool], None] | None = None
        self.voice = VoiceBuses(rows=SERVICE_ROW + 1)
        self._cards: FakePyAudioModule | None = None
        garbage = [rng.randint(0, 1) for _ in range(CHAIN_BITS)]          # power-up contents
        self.ring_chain = HC595Chain(on_latch=self._latched, power_up=garbage)
        self.hook_chain = HC165Chain(inputs=self._hook_inputs)
        self.xp = {"a": MT8816(lambda x, y, c: self._switched(x + 1, y, c)),
                   "b": MT8816(lambda x, y, c: self._switched(x + 1 + CHIP_A_HANDSETS, y, c))}
        self.gpio = FakeRPiGPIO(self._sinks(), {self.pins["hook_data"]: self.hook_chain.qh},
                                pull_ups={self.pins["ring_oe"]: 1})

    # -- what a technician with a meter would see --------------------------------------------------

    def ringing(self) -> set[int]:
        """Handsets whose ring bit is latched on."""
        return {index + 1 for index, bit in enumerate(self.ring_chain.outputs) if bit}

    def crosspoints(self) -> set[tuple[int, int]]:
        """Closed crosspoints as ``(handset, line_index)``."""
        return ({(x + 1, y) for x, y in self.xp["a"].closed}
                | {(x + 1 + CHIP_A_HANDSETS, y) for x, y in self.xp["b"].closed})

    def fit_displays(self, standard: str, handsets=()) -> None:
        """Caller-ID displays (``standard`` bell202 or v23) on ``handsets`` (empty: every phone)."""
        for number in handsets or self.phones:
            if number in self.phones:
                self.phones[number].display = CallerIdReceiver(standard)

    def sound_cards(self, spec: dict[int, str] | None = None,
                    clock_hz: dict[int, float] | None = None) -> FakePyAudioModule:
        """The USB sound cards wired to the rows, as the ``pyaudio`` module the drivers open.

        ``spec`` maps row -> card name for the cards fitted (default: all five, "Bridge line 1"
        .. "Bridge line 4" on rows 0-3 and "Service bus" on row 4); ``clock_hz`` gives a card's
        true rate at a nominal 8000 Hz (default exactly 8000). The board has one set of cards:
        called again with no arguments, it returns the set made last (so every driver of the
        process sees the same cards); with arguments, it fits a new set."""
        if spec is None and clock_hz is None and self._cards is not None:
            return self._cards
        names = CARD_NAMES if spec is None else spec
        clocks = clock_hz or {}
        self._cards = FakePyAudioModule([CardSpec(name, row, self.voice,
                                                  float(clocks.get(row, 8000.0)))
                                         for row, name in sorted(names.items())])
        return self._cards

    # -- wiring -------------------------------------------------------------------------------------

    def _sinks(self) -> dict[int, Callable[[int], None]]:
        """Pi output pin -> the chip inputs it drives (shared crosspoint lines go to both)."""
        p, a, b = self.pins, self.xp["a"], self.xp["b"]
        wires = {"ring_data": [self.ring_chain.ser], "ring_clock": [self.ring_chain.srclk],
                 "ring_latch": [self.ring_chain.rclk], "ring_oe": [self.ring_chain.oe],
                 "hook_clock": [self.hook_chain.clk],
                 "hook_load": [self.hook_chain.sh_ld], "xp_data": [a.data, b.data],
                 "xp_strobe": [a.strobe, b.strobe], "xp_reset": [a.reset, b.reset],
                 "xp_cs_a": [a.cs], "xp_cs_b": [b.cs]}
        for bit in range(4):
            wires[f"xp_ax{bit}"] = [_bound(chip.ax, bit) for chip in (a, b)]
        for bit in range(3):
            wires[f"xp_ay{bit}"] = [_bound(chip.ay, bit) for chip in (a, b)]
        return {p[signal]: _fan_out(targets) for signal, targets in wires.items()}

    def _hook_inputs(self) -> list[int]:
        now = self.clock.now()
        return [int(self.phones[n].off_hook_raw(now)) if n in self.phones else 0
                for n in range(1, CHAIN_BITS + 1)]

    def _latched(self, outputs: list[int]) -> None:
        now = self.clock.now()
        for number, phone in self.phones.items():
            phone.set_ring(bool(outputs[number - 1]), now)

    def _switched(self, handset: int, line_index: int, closed: bool) -> None:
        phone = self.phones.get(handset)
        if phone is not None:
            (phone.lines.add if closed else phone.lines.discard)(line_index)
            if line_index < self.voice.rows:            # Y5-Y7 are not wired to anything
                (self.voice.attach if closed else self.voice.detach)(line_index, phone)
        if self.on_crosspoint is not None:
            self.on_crosspoint(handset, line_index, closed)


def _bound(method: Callable[[int, int], None], bit: int) -> Callable[[int], None]:
    return lambda level: method(bit, level)


def _fan_out(targets: list[Callable[[int], None]]) -> Callable[[int], None]:
    if len(targets) == 1:
        return targets[0]
    return lambda level: [target(level) for target in targets]
