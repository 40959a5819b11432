"""The reference board's handset driver: ring bits, hook sense and audio crosspoints over RPi.GPIO.

The driver takes the GPIO module as an argument (style lesson 4): the real ``RPi.GPIO`` (or the
``rpi-lgpio`` shim on a Pi 5), or ``hwsim.board`` 's fake wired to simulated chips. Nothing here
imports ``RPi.GPIO`` at import time; ``load_rpi_gpio()`` does, when the daemon asks for it.

Timing runs on the event loop's own timers (``scheduler.call_later``), not on a thread: every
``POLL_S`` the loop reads the hook chain, debounces it (``hook.HookFilter``) and refreshes the
ring bits by cadence. So ring state, hook state and the commands that change them all live on
the loop thread with no lock, and the same driver runs on simulated time for tests and
``sim --fast``. The price: if the loop stalls, hook polling and cadence stall with it (the
systemd watchdog restarts a stalled loop).

Example::

    import RPi.GPIO as GPIO                       # or: board = ReferenceBoard(loop); board.gpio
    bank = GpioHandsetBank(GPIO, settings, clock=loop, scheduler=loop)
    loop.connect(lines=lines, handsets=bank, calllog=log)     # calls bank.start(loop.post)
    bank.execute(RingHandset(3))                  # handset 3 rings at settings' cadence
    bank.execute(Bridge("line1", 3))              # line1's audio reaches handset 3
    bank.close()                                  # silent, crosspoints open, pins released

With a service bus (``handsets.service_audio``; ``service_bus.ServiceBus``), a Bridge that
carries a whisper first joins the handset to row Y4 and says it there; only when it is said
does the handset move to the line's row (an Unbridge meanwhile cancels that). ``test_handset``
is the technician's check: a handset on hook first rings for ``TEST_RING_S`` (the same ring bits
and ring trip as a call's), then a lifted one hears a tone, then an echo of what is said into it.
"""
from __future__ import annotations

from appliance import commands as c
from appliance.errors import DriverError
from appliance.events import HandsetOffHook, OperatorKey
from appliance.handsets.base import HandsetBank, Post
from appliance.handsets.caller_display import CallerDisplay
from appliance.handsets.hook import DEBOUNCE_S, HookFilter
from appliance.handsets.shiftchain import (CHAIN_BITS, Crosspoint, address_bits, crosspoint,
                                           off_hook_from_bits, ring_bit_on, ring_sequence,
                                           service_crosspoint)
from appliance.store.schema import DEFAULT_PINS

POLL_S = 0.01
HOOK_INPUT = "hook_data"
RING_OE = "ring_oe"          # 74HC595 output enable, active low, pulled up on the board
TEST_RING_S = 2.0            # the handset test's ring: one US burst, one UK double ring
TEST_LIFT_WAIT_S = 4.0       # after it: time to reach the phone before "nobody lifted it"
TEST_SETTLE_S = DEBOUNCE_S + 0.1     # a lift just before the test is reported by then
PI5_HINT = ("on a Raspberry Pi 5 use the rpi-lgpio shim: sudo apt remove python3-rpi.gpio; "
            "pip install rpi-lgpio")


def load_rpi_gpio():
    """Import the real ``RPi.GPIO``, or raise a one-line DriverError saying why it cannot be."""
    try:
        import RPi.GPIO as gpio
    except (ImportError, RuntimeError) as exc:
        raise DriverError(f"RPi.GPIO could not be loaded (not a Raspberry Pi?): {exc}; "
                          f"{PI5_HINT}; to try the gpio driver on the simulated board set "
                          "IVR_GPIO=sim") from None
    return gpio


def board_pins(overrides: dict[str, int]) -> dict[str, int]:
    """Signal name -> BCM pin: the design's defaults with ``handsets.pins`` laid over them."""
    return {**DEFAULT_PINS, **overrides}


class GpioHandsetBank(HandsetBank):
    """Handsets 1..``handsets.count`` on the reference board; see the module docstring."""

    def __init__(self, gpio, settings: dict, clock, scheduler, poll_s: float = POLL_S,
                 service=None, library=None, names=None) -> None:
        cfg = settings["handsets"]
        self.service, self.library = service, library     # the service bus and its prompts
        self.display = CallerDisplay(settings, service, self._switch, self._bus_free, scheduler,
                                     clock, names)
        self._whispering: dict[int, c.Bridge] = {}        # handset -> the Bridge it waits for
        self._held: int | None = None             # the handset on hold on the service bus
        self.count, self.cadence, self.poll_s = cfg["count"], cfg["cadence"], poll_s
        self.pins = board_pins(cfg["pins"])
        self.line_ids = [line["id"] for line in settings["lines"]]
        self._gpio, self._clock, self._scheduler = gpio, clock, scheduler
        self._hooks = HookFilter(self.count)
        self._ringing: dict[int, float] = {}      # handset -> when its cadence began
        self._test_rings: dict[int, float] = {}   # rung by test_handset, not for a call
        self._test_progress: dict = {}            # handset -> progress(step) of its test
        self._latched: list[int] | None = None
        self._post: Post | None = None
        self._timer = None
        self._closed = False
        self._setup_pins()                        # ring_oe high: ring outputs off
        self._write_ring([0] * CHAIN_BITS)        # whatever a crash or power-up left latched
        self._pulse("xp_reset")
        self._gpio.output(self.pins[RING_OE], 0)  # only now: a known, silent frame is latched

    # -- HandsetBank interface -------------------------------------------------------------------

    def start(self, post: Post) -> None:
        """Begin polling the hook chain every ``poll_s`` and posting hook events."""
        self._post = post
        self._timer = self._scheduler.call_later(self.poll_s, self._tick)

    def execute(self, command: c.Command) -> None:
        """Carry out RingHandset, StopRing, Bridge or Unbridge at once."""
        {c.RingHandset: self._ring, c.StopRing: self._stop_ring, c.Bridge: self._bridge,
         c.Unbridge: self._unbridge, c.Hold: self._hold}[type(command)](command)

    def close(self) -> None:
        """Silence every ringer, open every crosspoint and release this driver's pins."""
        if self._closed:
            return
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        self._ringing.clear()
        self._test_rings.clear()
        self._whispering.clear()
        self.display.close()
        if self.service is not None:
            self.service.close()
        self._write_ring([0] * CHAIN_BITS)
        self._pulse("xp_reset")
        self._gpio.output(self.pins[RING_OE], 1)
        self._gpio.cleanup(sorted(self.pins.values()))   # the board's pull-up keeps OE off

    # -- state, for the simulator and the self-test -----------------------------------------------

    def off_hook(self) -> set[int]:
        """Handsets reported off hook (debounced), as the engine knows them."""
        return set(self._hooks.reported)

    def ringing(self) -> set[int]:
        """Handsets being rung (their cadence may be in a silent part)."""
        return set(self._ringing)

    # -- commands ----------------------------------------------------------------------------------

    def _ring(self, command: c.RingHandset) -> None:
        self._test_rings.pop(command.handset, None)       # a call's ring outlasts a test's
        if command.handset in self._hooks.reported or command.handset in self._ringing:
            return                               # never ring a lifted handset; keep the cadence
        self._check_handset(command.handset)
        self._ringing[command.handset] = self._clock.now()
        self._refresh_ring(self._clock.now())
        self.display.ringing(command.handset, command.caller)

    def _stop_ring(self, command: c.StopRing) -> None:
        self.display.stopped(command.handset)
        if self._ringing.pop(command.handset, None) is not None:
            self._refresh_ring(self._clock.now())

    def _bridge(self, command: c.Bridge) -> None:
        xp = self._crosspoint(command)
        self._leave_hold(command.handset)
        if self.service is None or not command.whisper or self.library is None:
            self._switch(xp, close=True)
            return
        self._whispering[command.handset] = command
        self._switch(service_crosspoint(command.handset), close=True)
        self.service.say(self._whisper_pcm(command), on_done=lambda result: (
            self._scheduler.call_soon(lambda: self._whispered(command))))

    def _whisper_pcm(self, command: c.Bridge) -> bytes:
        """The whisper's items as audio; a queue with no recorded name is simply not named."""
        items = [item for item in command.whisper if item[0] != "prompt"
                 or self.library.find(item[1], command.language) is not None]
        return self.library.pcm(items, command.language)

    def _whispered(self, command: c.Bridge) -> None:
        """The whisper is over (or could not be played): the handset joins the caller."""
        if self._whispering.get(command.handset) is not command or self._closed:
            return
        del self._whispering[command.handset]
        self._switch(service_crosspoint(command.handset), close=False)
        self._switch(self._crosspoint(command), close=True)

    def _unbridge(self, command: c.Unbridge) -> None:
        self._leave_hold(command.handset)
        if self._whispering.pop(command.handset, None) is not None:
            self._switch(service_crosspoint(command.handset), close=False)
        self._switch(self._crosspoint(command), close=False)

    def _hold(self, command: c.Hold) -> None:
        """Off the caller's row; onto the service bus with the hold prompt and key detection,
        if the bus is free (it carries one operator at a time: a second one on hold hears
        silence and can only flash back or hang up)."""
        self._switch(self._crosspoint(command), close=False)
        if self.service is None or self.library is None or self._held is not None:
            return
        self._held = command.handset
        self._switch(service_crosspoint(command.handset), close=True)
        handset = command.handset
        self.service.hold(self.library.pcm(list(command.items), command.language),
                          on_key=lambda key: self._scheduler.call_soon(
                              lambda: self._key(handset, key)))

    def _bus_free(self, handset: int | None = None) -> bool:
        """No whisper or hold on the service bus (of ``handset``'s, if given)."""
        if handset is None:
            return not self._whispering and self._held is None
        return handset not in self._whispering and self._held != handset

    def _key(self, handset: int, key: str) -> None:
        if self._held == handset and self._post is not None:
            self._post(OperatorKey(handset, key))

    def _leave_hold(self, handset: int) -> None:
        if self._held != handset:
            return
        self._held = None
        self.service.release()
        self._switch(service_crosspoint(handset), close=False)

    # -- the technician's handset test ------------------------------------------------------------

    def test_handset(self, handset: int, report, seconds: float = 8.0,
                     ring_s: float = TEST_RING_S, lift_wait_s: float = TEST_LIFT_WAIT_S,
                     progress=None) -> None:
        """On hook, ``handset`` first rings ``ring_s`` and has ``lift_wait_s`` more to be lifted
        (no lift: the verdict says so and there is no echo, which would prove nothing). Lifted,
        it joins the service bus, hears a tone, then what is said into it for ``seconds``.
        ``report(text)`` gets the verdict, step by step, on the loop thread; ``progress(step)``,
        if given, hears each step as it begins ("ring", "tone", "echo") for a live console."""
        self._test_progress[handset] = progress
        if not 1 <= handset <= self.count:
            report(f"handset {handset} is not fitted (handsets.count is {self.count})")
            return
        if self.service is None:
            report(f"handset {handset}: no service bus card (handsets.service_audio) to test with")
            return
        self._scheduler.call_later(TEST_SETTLE_S, lambda: self._begin_test(
            handset, report, seconds, ring_s, lift_wait_s))

    def _begin_test(self, handset: int, report, seconds: float, ring_s: float,
                    lift_wait_s: float) -> None:
        """Once a handset lifted just before the test is debounced: ring it only if it is down."""
        if self._closed:
            return
        if handset in self._hooks.reported:
            self._tone_and_echo(handset, report, seconds, [])
        elif handset in self._ringing:
            report(f"handset {handset} is ringing for a call: test it once it is free")
        else:
            self._test_ring(handset, report, seconds, ring_s, lift_wait_s)

    def _test_ring(self, handset: int, report, seconds: float, ring_s: float,
                   lift_wait_s: float) -> None:
        """Ring by the bank's own ring bits; a lift stops it (ring trip, in ``_tick``)."""
        self._step(handset, "ring")
        began = self._clock.now()
        self._ringing[handset] = self._test_rings[handset] = began
        self._refresh_ring(began)
        ended = False                                   # the test's ring is over (stopped by us)

        def watch() -> None:                            # loop thread, every 50 ms
            nonlocal ended
            if self._closed:
                return
            now, lifted = self._clock.now(), handset in self._hooks.reported
            if not ended and self._test_rings.get(handset) != began:
                report(f"handset {handset}: a call rang it during the test; test it once it is "
                       "free")                          # the call's ring and answer go on
                return
            if not ended and (lifted or now - began >= ring_s):
                ended = True
                del self._test_rings[handset]
                if self._ringing.pop(handset, None) is not None:
                    self._refresh_ring(now)
            if lifted:
                steps = ["rang: yes", f"lifted: yes, after {now - began:.1f} s"]
                self._tone_and_echo(handset, report, seconds, steps)
            elif now - began >= ring_s + lift_wait_s:
                report(f"handset {handset}: rang {ring_s:g} s, nobody lifted it: check the ringer "
                       "and the line card")
            else:
                self._scheduler.call_later(max(self.poll_s, 0.05), watch)

        self._scheduler.call_later(max(self.poll_s, 0.05), watch)

    def _tone_and_echo(self, handset: int, report, seconds: float, steps: list[str]) -> None:
        """Join the lifted ``handset`` to the service bus: a tone, then the echo test."""
        xp = service_crosspoint(handset)
        self._switch(xp, close=True)

        def finished(result: dict) -> None:             # loop thread
            self._switch(xp, close=False)
            report(handset_verdict(handset, result, steps))

        def echoed(result: dict) -> None:               # the service bus's thread
            self._scheduler.call_soon(lambda: finished(result))

        def toned(result: dict) -> None:
            if result.get("ok"):
                self._step(handset, "echo")
                self.service.echo(seconds, on_done=echoed)
            else:
                echoed(result)

        self._step(handset, "tone")
        self.service.tone(1.0, on_done=toned)

    def _step(self, handset: int, step: str) -> None:
        progress = self._test_progress.get(handset)
        if progress is not None:
            progress(step)

    def _crosspoint(self, command: c.Bridge | c.Unbridge) -> Crosspoint:
        if command.line not in self.line_ids:
            raise DriverError(f"no line '{command.line}' in settings (lines: "
                              f"{', '.join(self.line_ids)}); cannot reach handset {command.handset}")
        self._check_handset(command.handset)
        return crosspoint(command.handset, self.line_ids.index(command.line))

    def _check_handset(self, handset: int) -> None:
        if not 1 <= handset <= self.count:
            raise DriverError(f"handset {handset} is not fitted (handsets.count is {self.count})")

    # -- the poll ----------------------------------------------------------------------------------

    def _tick(self) -> None:
        now = self._clock.now()
        for event in self._hooks.feed(self._read_hooks(), now):
            if isinstance(event, HandsetOffHook):
                self._ringing.pop(event.handset, None)        # ring trip
                self.display.stopped(event.handset)
            self._post(event)
        self._refresh_ring(now)
        self._timer = self._scheduler.call_later(self.poll_s, self._tick)

    def _refresh_ring(self, now: float) -> None:
        """Shift and latch the ring chain if the cadence changed any bit."""
        on = {h for h, began in self._ringing.items() if ring_bit_on(self.cadence, now - began)}
        bits = ring_sequence(on)
        if bits != self._latched:
            self._write_ring(bits)

    # -- pin protocols -----------------------------------------------------------------------------

    def _setup_pins(self) -> None:
        g = self._gpio
        g.setmode(g.BCM)
        for signal, pin in self.pins.items():
            if signal == HOOK_INPUT:
                g.setup(pin, g.IN, pull_up_down=g.PUD_DOWN)   # unplugged chain reads on hook
            else:
                g.setup(pin, g.OUT, initial=int(signal in ("hook_load", RING_OE)))

    def _write_ring(self, bits: list[int]) -> None:
        """74HC595: each bit on a rising clock, handset 24's first; then a latch pulse."""
        out, data, clock = self._gpio.output, self.pins["ring_data"], self.pins["ring_clock"]
        for bit in bits:
            out(data, bit)
            out(clock, 1)
            out(clock, 0)
        self._pulse("ring_latch")
        self._latched = list(bits)

    def _read_hooks(self) -> set[int]:
        """74HC165: load low then high, then a bit per rising clock edge, handset 1's first."""
        out, clock = self._gpio.output, self.pins["hook_clock"]
        out(self.pins["hook_load"], 0)
        out(self.pins["hook_load"], 1)
        bits = []
        for _ in range(CHAIN_BITS):
            bits.append(1 if self._gpio.input(self.pins[HOOK_INPUT]) else 0)
            out(clock, 1)
            out(clock, 0)
        return {h for h in off_hook_from_bits(bits) if h <= self.count}

    def _switch(self, xp: Crosspoint, close: bool) -> None:
        """MT8816: address and data first, then a strobe pulse with the chip selected."""
        out = self._gpio.output
        for bit, level in enumerate(address_bits(xp.ax, 4)):
            out(self.pins[f"xp_ax{bit}"], level)
        for bit, level in enumerate(address_bits(xp.ay, 3)):
            out(self.pins[f"xp_ay{bit}"], level)
        out(self.pins["xp_data"], int(close))
        out(self.pins[f"xp_cs_{xp.chip}"], 1)
        self._pulse("xp_strobe")
        out(self.pins[f"xp_cs_{xp.chip}"], 0)

    def _pulse(self, signal: str) -> None:
        self._gpio.output(self.pins[signal], 1)
        self._gpio.output(self.pins[signal], 0)


def handset_verdict(handset: int, result: dict, steps: list[str] | tuple = ()) -> str:
    """The handset test's result in a technician's words, after the ``steps`` before it (the
    ring, the lift) when there were any."""
    head = f"handset {handset}: " + "".join(f"{step}; " for step in steps)
    if result.get("error"):
        return f"{head}FAILED: {result['error']}"
    if result.get("ok"):
        return f"{head}OK: tone played, voice heard at {result['heard_dbfs']} dBFS and echoed back"
    return (f"{head}tone played, but nothing was heard from its microphone: check the handset "
            "cord and its line card's VX wiring (docs/troubleshooting.md)")


def open_bank(gpio, settings: dict, clock, scheduler, service=None,
              library=None, names=None) -> GpioHandsetBank:
    """A GpioHandsetBank, with RPi.GPIO's set-up failures (a Pi 5's) turned into a DriverError."""
    try:
        return GpioHandsetBank(gpio, settings, clock, scheduler, service=service, library=library,
                               names=names)
    except RuntimeError as exc:
        raise DriverError(f"the GPIO pins could not be set up: {exc}; {PI5_HINT}") from None


if __name__ == "__main__":
    from appliance.handsets.selftest import main
    raise SystemExit(main())
