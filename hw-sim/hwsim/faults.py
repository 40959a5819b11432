"""Fault switches by name, so a scenario can throw them at a chosen second (style lesson 6).

Each switch acts on a line (``drop_call``, ``unplug``, ``plug_in``), on a handset and the
operator sitting there (``lift``, ``put_down``, ``walk_away``, ``come_back``, and
``back_at_desk``: back *and* unpaused, as an operator who presses "I'm back" on the desk page),
or on the disk that holds the call log (``disk_full``, ``disk_freed``). A plain simulated line
(``SimLine``) also plays the GSM module's own failures as the real driver reports them
(``PLAIN_LINE_SWITCHES``: ``module_reset``, ``garbled_reply``, ``registration_lost``,
``registration_back``). Tests call the same methods on ``SimLine`` / ``SimHandsets`` directly;
a scenario lists them under ``faults``:

    {"faults": [{"at_s": 90, "do": "drop_call", "line": "line1"},
                {"at_s": 300, "do": "walk_away", "handset": 2}]}

A line on a simulated module (``hwsim.modemline``, live ``sim`` only) also takes the module's
own switches (``MODEM_SWITCHES``: ``restart``, ``stall``, ``noreg`` ...; on an analog ``v253``
line the far end's hang-up signals ``loop_break``, ``busy_tone``, ``busy_dle``, ``dial_tone``,
``silence``), thrown once each (a count of 1; ``cme`` answers code 100, "unknown"); the world
refuses them on a plain line, and on a modem line that lacks the switch.

``disk_full`` leaves the call log's SQLite file no room to grow (``PRAGMA max_page_count`` at
its current size): SQLite itself then fails a write that needs a new page with SQLITE_FULL,
"database or disk is full", exactly as it does when the file system answers ENOSPC, and the
call log's own error path turns that into its StoreError; the loop's log writer keeps the
refused records and writes them again once ``disk_freed`` gave the room back.
"""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from appliance.errors import ScenarioError
from appliance.events import OperatorUnpaused

log = logging.getLogger("hwsim.faults")

LINE_SWITCHES = {
    "drop_call": lambda line: line.drop_call(),
    "unplug": lambda line: line.unplug(),
    "plug_in": lambda line: line.plug_in(),
}
PLAIN_LINE_SWITCHES = {          # a plain SimLine only (a module line has the module's own)
    "module_reset": lambda line: line.module_reset(),
    "garbled_reply": lambda line: line.garbled_reply(),
    "registration_lost": lambda line: line.registration_lost(),
    "registration_back": lambda line: line.registration_back(),
}
HANDSET_SWITCHES = {
    "lift": lambda bank, h: bank.lift(h),
    "put_down": lambda bank, h: bank.put_down(h),
    "walk_away": lambda bank, h: _set_present(bank, h, False),
    "come_back": lambda bank, h: _set_present(bank, h, True),
    "back_at_desk": lambda bank, h: _back_at_desk(bank, h),
}
DISK_SWITCHES = {
    "disk_full": lambda disk: disk.fill(),
    "disk_freed": lambda disk: disk.free(),
}
MODEM_SWITCHES = {name: value for name, value in (
    ("restart", None), ("stall", 1), ("garble", 1), ("cme", 100), ("keep_call", 1),
    ("bad_key", None), ("noreg", None), ("reg", None), ("halfdead", None), ("deaf", None),
    ("vanish", None), ("plugin", None), ("loop_break", None), ("busy_tone", None),
    ("busy_dle", None), ("dial_tone", None), ("silence", None))}   # name -> the value thrown
SWITCHES = (*LINE_SWITCHES, *PLAIN_LINE_SWITCHES, *HANDSET_SWITCHES, *DISK_SWITCHES,
            *MODEM_SWITCHES)


@dataclass(frozen=True)
class Fault:
    """Throw switch ``do`` at ``at_s`` on ``line`` (line switches) or ``handset`` (handset
    switches); the disk switches take neither."""

    at_s: float
    do: str
    line: str | None = None
    handset: int | None = None


def check_target(fault: dict, path: str, line_ids: list[str], handsets: int) -> Fault:
    """``fault`` with its target checked against the settings' lines and handsets."""
    if fault["do"] in DISK_SWITCHES:
        pass
    elif fault["do"] in LINE_SWITCHES or fault["do"] in PLAIN_LINE_SWITCHES \
            or fault["do"] in MODEM_SWITCHES:
        if fault["line"] not in line_ids:
            raise ScenarioError(f"Scenario '{path}.line' must name a settings line "
                                f"({', '.join(line_ids)}) for '{fault['do']}'; "
                                f"got {fault['line']!r}")
    elif fault["handset"] is None or fault["handset"] > handsets:
        raise ScenarioError(f"Scenario '{path}.handset' must be a handset 1-{handsets} for "
                            f"'{fault['do']}'; got {fault['handset']!r}")
    return Fault(**fault)


def throw(fault: Fault, world) -> None:
    """Apply ``fault`` to the simulated ``world`` now (logged, so a run's log shows every fault
    next to what the appliance made of it)."""
    target = (f" line {fault.line}" if fault.line else "") + \
        (f" handset {fault.handset}" if fault.handset else "")
    log.info("fault thrown: %s%s", fault.do, target)
    if fault.do in LINE_SWITCHES:
        LINE_SWITCHES[fault.do](world.line(fault.line))
    elif fault.do in PLAIN_LINE_SWITCHES:
        PLAIN_LINE_SWITCHES[fault.do](world.line(fault.line))
    elif fault.do in DISK_SWITCHES:
        DISK_SWITCHES[fault.do](world.disk)
    elif fault.do in MODEM_SWITCHES:
        world.line(fault.line).fault(fault.do, MODEM_SWITCHES[fault.do])
    else:
        HANDSET_SWITCHES[fault.do](world.handsets, fault.handset)


def _set_present(bank, handset: int, present: bool) -> None:
    operator = bank.operators.get(handset)
    if operator is not None:
        operator.present = present


def _back_at_desk(bank, handset: int) -> None:
    """The operator is back and tells the appliance so (the desk page's "I'm back"), which also
    clears a pause the appliance made after rings they missed while away."""
    operator = bank.operators.get(handset)
    if operator is not None:
        operator.present = True
        bank.post_event(OperatorUnpaused(operator.id))


class FullDisk:
    """The disk under the real call log, nearly full on demand (see the module docstring).

    ``calllog`` is the ``CallLog`` the loop writes to. ``fill()`` caps its SQLite file at the
    pages it has now; ``free()`` gives back the limit it had.
    """

    def __init__(self, calllog) -> None:
        self.calllog = calllog
        self._limit: int | None = None      # the file's page limit before it was filled

    @property
    def full(self) -> bool:
        """True between ``fill`` and ``free``."""
        return self._limit is not None

    def fill(self) -> None:
        """No room left to grow the call log's file."""
        if self._limit is None:
            self._limit = self._pragma("max_page_count")
            self._pragma("max_page_count = 1")      # SQLite keeps the current size as the cap
            log.warning("the call log's disk is full")

    def free(self) -> None:
        """Room again: the next write commits the records the writer kept."""
        if self._limit is not None:
            limit, self._limit = self._limit, None
            self._pragma(f"max_page_count = {limit}")
            log.warning("the call log's disk has room again")

    def _pragma(self, text: str) -> int:
        with self.calllog._lock:                  # the log's own connection (noqa: private)
            return self.calllog._conn.execute(f"PRAGMA {text}").fetchone()[0]


def find_call_log(loop):
    """The real ``CallLog`` the loop writes through (under ``OutcomeTally`` or another wrapper
    with a ``calllog`` attribute), or None when the loop writes somewhere else (a test's list)."""
    from appliance.store.calllog import CallLog
    found = getattr(loop, "_calllog", None)
    for _ in range(5):
        if isinstance(found, CallLog):
            return found
        found = getattr(found, "calllog", None)
    return None


# -- random faults ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RandomKind:
    """One kind of random fault: the switch thrown on a target, and the switch that undoes it
    after a random time in ``lasts_s`` (none for a fault that is over at once)."""

    target: str             # "line", "operator" (a handset someone sits at), "handset", "disk"
    do: str
    undo: str | None = None
    lasts_s: tuple[float, float] = (0.0, 0.0)


RANDOM_KINDS = {
    "unplug": RandomKind("line", "unplug", "plug_in", (30.0, 120.0)),   # back after a minute or so
    "drop_call": RandomKind("line", "drop_call"),
    "module_reset": RandomKind("line", "module_reset"),
    "garbled_reply": RandomKind("line", "garbled_reply"),
    "registration_lost": RandomKind("line", "registration_lost", "registration_back",
                                    (30.0, 600.0)),
    "walk_away": RandomKind("operator", "walk_away", "back_at_desk", (300.0, 2700.0)),
    "lift": RandomKind("handset", "lift", "put_down", (60.0, 900.0)),
    "disk_full": RandomKind("disk", "disk_full", "disk_freed", (60.0, 1800.0)),
}


def random_faults(per_day: int, kinds: tuple[str, ...], seed: int,
                  windows: list[tuple[float, float]], lines: list[str],
                  handsets: int, seated: list[int]) -> list[Fault]:
    """``per_day`` faults at random moments of each window (a day's office hours), each of a
    kind picked from ``kinds`` and on a random target, with its undo where the kind has one.
    The same arguments give the same faults (the stream is seeded apart from the traffic's)."""
    rng = random.Random(f"random-faults-{seed}")
    faults = []
    for begin_s, end_s in windows:
        for _ in range(per_day):
            kind = RANDOM_KINDS[rng.choice(kinds)]
            at_s = rng.uniform(begin_s, end_s)
            target = {"line": {"line": rng.choice(lines)} if lines else {},
                      "operator": {"handset": rng.choice(seated)} if seated else {},
                      "handset": {"handset": rng.randint(1, handsets)},
                      "disk": {}}[kind.target]
            faults.append(Fault(at_s, kind.do, **target))
            if kind.undo is not None:
                faults.append(Fault(at_s + rng.uniform(*kind.lasts_s), kind.undo, **target))
    return sorted(faults, key=lambda fault: fault.at_s)
