"""Fault switches by name, so a scenario can throw them at a chosen second (style lesson 6).

Each switch acts on a line (``drop_call``, ``unplug``, ``plug_in``) or on a handset and the
operator sitting there (``lift``, ``put_down``, ``walk_away``, ``come_back``). Tests call the
same methods on ``SimLine`` / ``SimHandsets`` directly; a scenario lists them under ``faults``:

    {"faults": [{"at_s": 90, "do": "drop_call", "line": "line1"},
                {"at_s": 300, "do": "walk_away", "handset": 2}]}

A line on a simulated module (``hwsim.modemline``, live ``sim`` only) also takes the module's
own switches (``MODEM_SWITCHES``: ``restart``, ``stall``, ``noreg`` ...; on an analog ``v253``
line the far end's hang-up signals ``loop_break``, ``busy_tone``, ``busy_dle``, ``dial_tone``,
``silence``), thrown once each (a count of 1; ``cme`` answers code 100, "unknown"); the world
refuses them on a plain line, and on a modem line that lacks the switch.
"""
from __future__ import annotations

from dataclasses import dataclass

from appliance.errors import ScenarioError

LINE_SWITCHES = {
    "drop_call": lambda line: line.drop_call(),
    "unplug": lambda line: line.unplug(),
    "plug_in": lambda line: line.plug_in(),
}
HANDSET_SWITCHES = {
    "lift": lambda bank, h: bank.lift(h),
    "put_down": lambda bank, h: bank.put_down(h),
    "walk_away": lambda bank, h: _set_present(bank, h, False),
    "come_back": lambda bank, h: _set_present(bank, h, True),
}
MODEM_SWITCHES = {name: value for name, value in (
    ("restart", None), ("stall", 1), ("garble", 1), ("cme", 100), ("keep_call", 1),
    ("bad_key", None), ("noreg", None), ("reg", None), ("halfdead", None), ("deaf", None),
    ("vanish", None), ("plugin", None), ("loop_break", None), ("busy_tone", None),
    ("busy_dle", None), ("dial_tone", None), ("silence", None))}   # name -> the value thrown
SWITCHES = (*LINE_SWITCHES, *HANDSET_SWITCHES, *MODEM_SWITCHES)


@dataclass(frozen=True)
class Fault:
    """Throw switch ``do`` at ``at_s`` on ``line`` (line switches) or ``handset`` (the others)."""

    at_s: float
    do: str
    line: str | None = None
    handset: int | None = None


def check_target(fault: dict, path: str, line_ids: list[str], handsets: int) -> Fault:
    """``fault`` with its target checked against the settings' lines and handsets."""
    if fault["do"] in LINE_SWITCHES or fault["do"] in MODEM_SWITCHES:
        if fault["line"] not in line_ids:
            raise ScenarioError(f"Scenario '{path}.line' must name a settings line "
                                f"({', '.join(line_ids)}) for '{fault['do']}'; "
                                f"got {fault['line']!r}")
    elif fault["handset"] is None or fault["handset"] > handsets:
        raise ScenarioError(f"Scenario '{path}.handset' must be a handset 1-{handsets} for "
                            f"'{fault['do']}'; got {fault['handset']!r}")
    return Fault(**fault)


def throw(fault: Fault, world) -> None:
    """Apply ``fault`` to the simulated ``world`` now."""
    if fault.do in LINE_SWITCHES:
        LINE_SWITCHES[fault.do](world.line(fault.line))
    elif fault.do in MODEM_SWITCHES:
        world.line(fault.line).fault(fault.do, MODEM_SWITCHES[fault.do])
    else:
        HANDSET_SWITCHES[fault.do](world.handsets, fault.handset)


def _set_present(bank, handset: int, present: bool) -> None:
    operator = bank.operators.get(handset)
    if operator is not None:
        operator.present = present
