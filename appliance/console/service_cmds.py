"""The technician's checks: ``test handset N`` here (it uses the service bus), ``test line N``
and ``test dtmf N`` in line_checks.py.

A handset on hook first rings for two seconds, and the technician lifts it (during the ring or
within four seconds after): that proves the ringer, the ring bit and the hook sense. A handset
nobody lifts ends the test there (an echo test of a handset on hook would prove nothing). The
lifted handset is joined to the service bus (crosspoint row Y4), hears a one-second tone, then
for eight seconds hears back what is said into it a second later; the verdict lists each step
and says whether its microphone was heard: the crosspoint, the line card's earpiece and
microphone paths and the service bus card in one go. A handset already lifted is not rung.

The console shows the test live (follow.py): each step as it begins and every hook change of
the handset the moment it is sensed, then the verdict. Ctrl-C stops the watching; the test
itself then ends on its own (the ring within two seconds, the bus after the echo).
"""
from __future__ import annotations

import queue
import threading
import time

from appliance.console import line_checks
from appliance.console.context import Context
from appliance.console.follow import HINT, Live, Say
from appliance.console.table import ConsoleError, count_arg, expect
from appliance.events import HandsetOffHook, HandsetOnHook
from appliance.handsets.gpio import TEST_LIFT_WAIT_S, TEST_RING_S

ECHO_S = 8.0
EXTRA_WAIT_S = 10.0
TONE_S = 1.0
WAIT_S = TEST_RING_S + TEST_LIFT_WAIT_S + TONE_S + ECHO_S + EXTRA_WAIT_S
WAKE_S = 0.2                # the watch notices Ctrl-C within this
STEPS = {"ring": f"ringing {TEST_RING_S:g} s: lift the handset",
         "tone": f"tone on the service bus ({TONE_S:g} s): you should hear it",
         "echo": f"echo test ({ECHO_S:g} s): speak, and hear yourself a second later"}


def cmd_test(ctx: Context, args: list[str]) -> str | Live:
    usage = "test handset N | test line N | test dtmf N [SECONDS]"
    if args and args[0] == "line":
        return line_checks.test_line(ctx, args[1:])
    if args and args[0] == "dtmf":
        return line_checks.test_dtmf(ctx, args[1:])
    expect(args, usage, 2)
    if args[0] != "handset":
        raise ConsoleError(f"usage: {usage}")
    bank = ctx.handsets
    if bank is None or not hasattr(bank, "test_handset"):
        raise ConsoleError("the handset test needs the board's handsets (handsets.driver gpio) "
                           "and a service bus card (handsets.service_audio)")
    handset = count_arg(args[1], 1, "handset", high=20)
    return Live(lambda say, stopped: watch_test(ctx, bank, handset, say, stopped))


def watch_test(ctx: Context, bank, handset: int, say: Say, stopped: threading.Event) -> str:
    """The live body of ``test handset``: steps and hook changes as they come, then the verdict."""
    news: queue.SimpleQueue = queue.SimpleQueue()       # (kind, text), from the loop's threads
    began = time.monotonic()

    def hook(event) -> None:
        if event.handset == handset:
            word = "lifted" if isinstance(event, HandsetOffHook) else "put down"
            news.put(("hook", f"  hook: {word} at {time.monotonic() - began:.1f} s"))

    unwatch = [ctx.loop.watch(kind, hook) for kind in (HandsetOffHook, HandsetOnHook)]
    try:
        say(f"handset {handset}: test started {HINT}")
        ctx.on_loop(lambda: bank.test_handset(
            handset, lambda text: news.put(("verdict", text)), ECHO_S,
            progress=lambda step: news.put(("step", f"  {STEPS.get(step, step)}"))))
        while not stopped.is_set() and time.monotonic() - began < WAIT_S:
            try:
                kind, text = news.get(timeout=WAKE_S)
            except queue.Empty:
                continue
            if kind == "verdict":
                return text
            say(text)
    finally:
        for stop in unwatch:
            stop()
    if stopped.is_set():
        return (f"handset {handset}: stopped watching; the test ends by itself (the ring within "
                f"{TEST_RING_S:g} s, the service bus after the echo)")
    return (f"error: handset {handset}: the test did not finish within {WAIT_S:.0f} s; "
            "see 'notices'")


COMMANDS = [
    ("test", cmd_test, "handset N: it rings 2 s, lift it (hook shown live), hear a tone and your "
     "echo (8 s); line N: can it take calls? (analog: off hook, dial tone, on hook); dtmf N: "
     "each key heard on line N as it comes (20 s or SECONDS; Ctrl-C stops)",
     "test handset N | test line N | test dtmf N [SECONDS]"),
]
