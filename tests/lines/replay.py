"""Play a recorded AT session through the real AtChannel: what each command got, which URCs came."""
from __future__ import annotations

import time

from appliance.errors import ModemError
from appliance.lines.at import AtChannel
from appliance.lines.dialects import DIALECTS
from hwsim.transcripts import ReplayPort, load


def replay(name: str, timeout: float = 0.3) -> tuple[list[tuple[str, str]], list[tuple[str, object]], ReplayPort]:
    """``(outcomes, urcs, port)``: per command ``(command, 'OK' | error class)``, then every URC
    as ``(kind, value)``, for the session ``name`` (its dialect is the file name's first word)."""
    port = ReplayPort(load(name))
    urcs: list[tuple[str, object]] = []
    channel = AtChannel(port, DIALECTS[name.split("-")[0]].urcs,
                        lambda urc: urcs.append((urc.kind, urc.value)), name=name)
    channel.start()
    outcomes = []
    for command in port.pending_host_steps:
        try:
            channel.command(command, timeout)
            outcomes.append((command, "OK"))
        except ModemError as exc:
            outcomes.append((command, f"{type(exc).__name__}{_code(exc)}"))
    time.sleep(0.15)                      # the last lines are read after the last command
    channel.close()
    return outcomes, urcs, port


def _code(exc: ModemError) -> str:
    code = getattr(exc, "code", None) or getattr(exc, "final", None)
    return f"({code})" if code is not None else ""
