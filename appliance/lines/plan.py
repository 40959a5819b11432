"""A module's init as a probe: required steps must work, optional ones decide the line's plan.

The same module family ships with firmware that refuses commands its manual documents (an EC25
answers ERROR to ``AT+CLCC=1``, a SIM7600E-H to ``AT+DDET``, some firmware to ``AT+QURCCFG``).
Treating every command as required keeps such a line out of service for ever; instead each
optional step names what it decides and what the line does without it, and the line logs the
plan it ended up with once.

Example::

    plan = run_steps(channel_send, EC25.steps)     # {"call state": "ccinfo", "keys": ...}
    log.info(describe("line2", EC25, plan, has_audio=True, audio_port="/dev/ivr-line2-audio"))
"""
from __future__ import annotations

import logging
from typing import Callable

from appliance.errors import CmeError, CommandRejected
from appliance.lines.dialects.base import Dialect, Step

log = logging.getLogger("appliance.lines.plan")

NO_KEYS = "none (the module does not report them and the line has no audio path)"


def run_steps(send: Callable[[str], list[str]], steps: tuple[Step, ...],
              line: str = "?") -> dict[str, str]:
    """Send each step; a refused optional step takes its fallback. A refused required step
    raises (CmeError / CommandRejected); timeouts and a lost port always raise."""
    plan: dict[str, str] = {}
    for step in steps:
        try:
            send(step.command)
        except (CmeError, CommandRejected) as exc:
            if step.required:
                raise
            log.info("line %s: %s refused (%s): %s %s", line, step.command, exc, step.feature,
                     step.otherwise)
            plan[step.feature] = step.otherwise
        else:
            if step.feature:
                plan[step.feature] = step.means
    return plan


def settle(dialect: Dialect, plan: dict[str, str], has_audio: bool) -> dict[str, str]:
    """The plan with what the steps alone cannot say: call state by the family's own reports,
    and in-band keys only where there is audio to hear them in."""
    final = dict(plan)
    if dialect.call_state == "urc":
        final.setdefault("call state", "the module's call reports")
    if final.get("keys") == "in-band" and not has_audio:
        final["keys"] = NO_KEYS
    if dialect.pcm_steps and not has_audio:
        final["audio"] = "none (no audio_port: control only, prompts timed)"
    elif not dialect.pcm_steps:
        final["audio"] = "analog, on the module's audio pins"
    return final


def describe(line: str, dialect: Dialect, plan: dict[str, str], audio_port: str | None = None,
             voice: str | None = None) -> str:
    """One log line: ``line2 ec25: call state by ccinfo, keys by QTONEDET, audio ... on
    /dev/ivr-line2-audio, desk phones through bridge card 'USB Audio: line2'``."""
    parts = [f"{feature} {'by ' if feature in ('call state', 'keys') else ''}{value}"
             for feature, value in plan.items()]
    pcm = plan.get("audio", "").startswith(("CPCMREG", "QPCMV"))
    where = f" on {audio_port}" if audio_port and pcm else ""
    desks = f", desk phones through {voice}" if voice else ""
    return f"{line} {dialect.name}: {', '.join(parts)}{where}{desks}"


def polls_calls(plan: dict[str, str]) -> bool:
    """True when the line must ask ``AT+CLCC`` while a call is up (no reports of its own)."""
    return plan.get("call state", "").startswith("AT+CLCC")
