"""The technician's checks: ``test handset N`` here (it uses the service bus), ``test line N``
and ``test dtmf N`` in line_checks.py.

The handset is joined to the service bus (crosspoint row Y4), hears a one-second tone, then for
eight seconds hears back what is said into it a second later; the verdict says whether its
microphone was heard. Run it with the handset lifted (and nobody calling it): it proves the
crosspoint, the line card's earpiece and microphone paths and the service bus card in one go.
"""
from __future__ import annotations

import concurrent.futures

from appliance.console import line_checks
from appliance.console.context import Context
from appliance.console.table import ConsoleError, count_arg, expect

ECHO_S = 8.0
EXTRA_WAIT_S = 10.0


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
        return verdict.result(ECHO_S + EXTRA_WAIT_S)
    except concurrent.futures.TimeoutError:
        raise ConsoleError(f"handset {handset}: the test did not finish within "
                           f"{ECHO_S + EXTRA_WAIT_S:.0f} s; see 'notices'") from None


COMMANDS = [
    ("test", cmd_test, "handset N: lift it, hear a tone and your echo (8 s); line N: can it take "
     "calls?; dtmf N: the keys heard on line N for 20 s",
     "test handset N | test line N | test dtmf N [SECONDS]"),
]
