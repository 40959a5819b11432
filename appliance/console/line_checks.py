"""The technician's line checks: ``test line N`` and ``test dtmf N``.

``test line N`` gives one verdict from what the line's driver last reported (state, and for a GSM
module its registration, network, signal and SIM): the question on a first visit is "can this
line take calls?", and the answer names what to fix. An analog line (a V.253 voice modem) is
also tried for real: off hook, dial tone, on hook (analog_check.py). ``test dtmf N`` listens to
line N and prints every key the appliance hears on it the moment it is heard, until Ctrl-C or
SECONDS: call the box, press keys, and see whether each one arrives (a key heard twice, or not
at all, points at echo or level; see docs/troubleshooting.md).
"""
from __future__ import annotations

import queue
import threading
import time

from appliance.console import analog_check
from appliance.console.context import Context
from appliance.console.follow import HINT, Live, Say
from appliance.console.table import ConsoleError, count_arg
from appliance.events import DigitPressed
from appliance.line_states import SIM_WORDS, health_text

DTMF_DEFAULT_S = 20
DTMF_MAX_S = 120
WAKE_S = 0.2                # the key watch notices Ctrl-C within this
WEAK_DBM = -100             # below this a GSM call drops or sounds broken (about 1 bar of 5)


def _line(ctx: Context, number: str) -> dict:
    lines = ctx.snapshot()["lines"]
    index = count_arg(number, 1, "line number", high=max(1, len(lines)))
    if index > len(lines):
        raise ConsoleError(f"there is no line {index}: this appliance has {len(lines)}")
    return lines[index - 1]


def verdict(line: dict) -> str:
    """What ``test line`` says of one snapshot line row."""
    name, state, health = line["id"], line["state"], line.get("health") or {}
    seen = health_text(health)
    head = f"line {name} ({state}{', ' + seen if seen else ''})"
    if state == "down":
        why = line.get("warning") or health.get("last_error") or "out of service"
        return f"{head}: FAILED: {why}"
    if health.get("sim") not in (None, "ready"):
        what = SIM_WORDS.get(health["sim"]) or health["sim"]
        return f"{head}: FAILED: {what}: check the SIM is seated, and its PIN (lines[].pin)"
    registration = health.get("registration")
    if registration is not None and registration not in ("home", "roaming"):
        return f"{head}: FAILED: not registered on a network ({registration}): check the " \
               "antenna, the SIM's service and the signal"
    signal = health.get("signal_dbm")
    if signal is not None and signal < WEAK_DBM:
        return f"{head}: WEAK: signal {signal} dBm: calls may drop; move the antenna"
    if line.get("warning"):
        return f"{head}: WARNING: {line['warning']}"
    return f"{head}: OK: ready for calls"


def test_line(ctx: Context, args: list[str]) -> str:
    if len(args) != 1:
        raise ConsoleError("usage: test line N")
    line = _line(ctx, args[0])
    driver = ctx.lines.get(line["id"])
    if analog_check.can_check(driver) and line["state"] != "down":
        return analog_check.check(line, driver)
    return verdict(line)


def test_dtmf(ctx: Context, args: list[str]) -> Live:
    if not 1 <= len(args) <= 2:
        raise ConsoleError("usage: test dtmf N [SECONDS]")
    line = _line(ctx, args[0])["id"]
    seconds = count_arg(args[1] if len(args) > 1 else None, DTMF_DEFAULT_S, "SECONDS",
                        high=DTMF_MAX_S)
    return Live(lambda say, stopped: listen(ctx, line, seconds, say, stopped))


def listen(ctx: Context, line: str, seconds: int, say: Say, stopped: threading.Event) -> str:
    """The live body of ``test dtmf``: each key of ``line`` printed as the loop hears it."""
    heard: queue.SimpleQueue = queue.SimpleQueue()
    began = time.monotonic()
    unwatch = ctx.loop.watch(DigitPressed, lambda e: heard.put((time.monotonic(), e.key))
                             if e.line == line else None)
    say(f"line {line}: listening {seconds} s for keys {HINT}; call the line, wait for the "
        "menu, then press keys")
    keys = []
    try:
        while not stopped.is_set() and time.monotonic() - began < seconds:
            try:
                at, key = heard.get(timeout=min(WAKE_S, max(0.0, began + seconds -
                                                             time.monotonic())))
            except queue.Empty:
                continue
            keys.append(key)
            say(f"  {key}   at {at - began:.1f} s")
    finally:
        unwatch()
    spent = f"{min(time.monotonic() - began, seconds):.0f} s"
    if not keys:
        return (f"line {line}: no key heard in {spent}. If the menu plays but no key arrives, "
                "see docs/troubleshooting.md")
    return f"line {line}: heard {len(keys)} key{'s' if len(keys) > 1 else ''} in {spent}: " \
        + "".join(keys)
