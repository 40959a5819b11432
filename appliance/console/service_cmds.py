"""The technician's checks: ``test handset N`` here (it uses the service bus), ``test line N``
and ``test dtmf N`` in line_checks.py.

A handset on hook first rings for two seconds, and the technician lifts it (during the ring or
within four seconds after): that proves the ringer, the ring bit and the hook sense. A handset
nobody lifts ends the test there (an echo test of a handset on hook would prove nothing). The
lifted handset is joined to the service bus (crosspoint row Y4), hears a one-second tone, then
for eight seconds hears back what is said into it a second later; the verdict lists each step
and says whether its microphone was heard: the crosspoint, the line card's earpiece and
microphone paths and the service bus card in one go. A handset already lifted is not rung.
"""
from __future__ import annotations

import concurrent.futures

from appliance.console import line_checks
from appliance.console.context import Context
from appliance.console.table import ConsoleError, count_arg, expect
from appliance.handsets.gpio import TEST_LIFT_WAIT_S, TEST_RING_S

ECHO_S = 8.0
EXTRA_WAIT_S = 10.0
TONE_S = 1.0
WAIT_S = TEST_RING_S + TEST_LIFT_WAIT_S + TONE_S + ECHO_S + EXTRA_WAIT_S


def cmd_test(ctx: Context, args: list[str]) -> str:
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
    verdict: concurrent.futures.Future = concurrent.futures.Future()
    ctx.on_loop(lambda: bank.test_handset(handset, verdict.set_result, ECHO_S))
    try:
        return verdict.result(WAIT_S)
    except concurrent.futures.TimeoutError:
        raise ConsoleError(f"handset {handset}: the test did not finish within "
                           f"{WAIT_S:.0f} s; see 'notices'") from None


COMMANDS = [
    ("test", cmd_test, "handset N: it rings 2 s, lift it, hear a tone and your echo (8 s); line "
     "N: can it take calls?; dtmf N: the keys heard on line N for 20 s",
     "test handset N | test line N | test dtmf N [SECONDS]"),
]
