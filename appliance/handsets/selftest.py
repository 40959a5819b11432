"""The wiring self-test: ring each handset once, report the hook changes seen, without callers.

A technician runs it on the appliance (stop the daemon first: both would drive the same pins)::

    sudo systemctl stop ivr-appliance
    python -m appliance.handsets.gpio --selftest --data-dir /var/lib/ivr-appliance
    IVR_GPIO=sim python -m appliance.handsets.gpio --selftest     # on the simulated board

Each handset rings for one cadence cycle and a bit; lift it while it rings, then put it down
(the self-test bridges line 1 to it for a second, then cuts it). One line per handset says what
was seen; the exit status is 0 only if every handset was lifted and put down again.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from appliance import commands as c
from appliance.events import HandsetOffHook, HandsetOnHook, HookFlash
from appliance.handsets.shiftchain import cadence_period

EXTRA_RING_S = 2.0
HANG_UP_WAIT_S = 10.0


class HookLog:
    """Stands in for the engine: notes every hook event with its time and commands nothing."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, object]] = []

    def handle(self, event, now: float) -> list:
        """Note ``event``."""
        self.seen.append((now, event))
        return []

    def is_idle(self) -> bool:
        """Always idle: there are no calls."""
        return True


def check_handset(loop, bank, log: HookLog, handset: int, line: str, ring_s: float) -> str:
    """Ring ``handset`` for ``ring_s``, bridge ``line`` to it once lifted; one line of report."""
    began = loop.now()
    bank.execute(c.RingHandset(handset))
    _run_until(loop, lambda: _lifted(log, handset, began), began + ring_s)
    bank.execute(c.StopRing(handset))
    if _lifted(log, handset, began):
        bank.execute(c.Bridge(line, handset))
        _run_until(loop, lambda: False, loop.now() + 1.0)
        bank.execute(c.Unbridge(line, handset))
        _run_until(loop, lambda: _put_down(log, handset, began), loop.now() + HANG_UP_WAIT_S)
    return _report(handset, log, began, ring_s)


def _lifted(log: HookLog, handset: int, since: float) -> bool:
    return any(isinstance(e, HandsetOffHook) and e.handset == handset and t >= since
               for t, e in log.seen)


def _put_down(log: HookLog, handset: int, since: float) -> bool:
    return any(isinstance(e, HandsetOnHook) and e.handset == handset and t >= since
               for t, e in log.seen)


def _run_until(loop, done, until: float) -> None:
    loop.call_at(until, lambda: None)
    loop.run_until(lambda: done() or loop.now() >= until)


def _report(handset: int, log: HookLog, began: float, ring_s: float) -> str:
    seen = [f"{_name(e)} at {t - began:.1f} s" for t, e in log.seen
            if t >= began and getattr(e, "handset", None) == handset]
    if not seen:
        return (f"handset {handset}: rang {ring_s:.0f} s; no hook change seen "
                "(not lifted, or see docs/wiring.md 'Off hook not seen')")
    return f"handset {handset}: rang; " + ", ".join(seen)


def _name(event) -> str:
    return {HandsetOffHook: "off hook", HandsetOnHook: "on hook", HookFlash: "hook flash"}[type(event)]


def run(loop, bank, log: HookLog, settings: dict) -> tuple[list[str], bool]:
    """Check every fitted handset in turn; the report lines and whether all went up and down."""
    ring_s = cadence_period(settings["handsets"]["cadence"]) + EXTRA_RING_S
    line = settings["lines"][0]["id"]
    lines, passed = [], True
    for handset in range(1, settings["handsets"]["count"] + 1):
        began = loop.now()
        lines.append(check_handset(loop, bank, log, handset, line, ring_s))
        passed = passed and _lifted(log, handset, began) and _put_down(log, handset, began)
    return lines, passed


def main(argv: list[str] | None = None) -> int:
    """``python -m appliance.handsets.gpio --selftest [--data-dir DIR]``."""
    from appliance import drivers
    from appliance.clock import RealClock
    from appliance.errors import ApplianceError
    from appliance.loop import Loop
    from appliance.store.settings import SettingsStore
    parser = argparse.ArgumentParser(prog="python -m appliance.handsets.gpio",
                                     description="Ring each handset once and report hook changes.")
    parser.add_argument("--selftest", action="store_true", required=True)
    parser.add_argument("--data-dir", type=Path, default=Path("/var/lib/ivr-appliance"))
    args = parser.parse_args(argv)
    log = HookLog()
    loop = Loop(log, RealClock())
    try:
        settings = SettingsStore(args.data_dir).load()
        settings["handsets"]["driver"] = "gpio"
        bank = drivers.build_handsets(settings, loop)
    except ApplianceError as exc:
        print(f"selftest: error: {exc}")
        return 2
    loop.connect(handsets=bank)
    try:
        report, passed = run(loop, bank, log, settings)
    finally:
        bank.close()
    print("\n".join(report))
    return 0 if passed else 1
