"""Scenario files (contracts.md, "Simulation scenarios"): parsed, checked, ready to run.

``load(path)`` / ``parse(doc)`` check every key (unknown keys are errors naming the key), merge the
``settings`` overlay onto the defaults, seat the scenario's operators at their handsets, and
validate the result with the appliance's own settings schema. What comes back is a ``Scenario``
whose ``settings`` the engine can use as they are and whose operators and callers the simulator
can bring to life. docs/simulator.md describes every key and its default.

Example::

    scenario = load(Path("busy-monday.json"))
    engine = Engine(scenario.settings, seed=0)
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from appliance import safejson
from appliance.errors import ScenarioError
from appliance.store import schema
from hwsim.audioline import AudioSpec
from hwsim.checks import (REQUIRED, boolean, check_object, duration, fail, identifier, integer,
                          iso_time, json_object, key_string, list_of, number, optional,
                          pattern, phone_number, seconds)
from hwsim.faults import RANDOM_KINDS, SWITCHES, Fault, check_target, random_faults
from hwsim.people.caller import CallerSpec
from hwsim.traffic import TrafficSpec

DEFAULT_START = "2026-11-23T09:00:00Z"
MAX_HANDSETS = 20
_DEFAULT = object()      # an operator's talk_s left out: the simulator picks


def _keys_choice(value, path):
    """One key string, or a non-empty list of them to pick from at random."""
    if isinstance(value, list) and value:
        return tuple(key_string(v, f"{path}[{i}]") for i, v in enumerate(value))
    return (key_string(value, path),)


FLASH = {                          # a hook flash during each call the operator takes
    "after_s": (seconds(0.001), REQUIRED),     # into the conversation
    "keys": (optional(key_string), None),      # then keys on hold: "0" transfers onwards
    "hold_s": (optional(seconds(0.001)), None),  # or: flash back to the caller after this
}
OPERATOR = {
    "id": (identifier, REQUIRED),
    "handset": (integer(1, MAX_HANDSETS), REQUIRED),
    "answer_after_s": (seconds(0, 3600), None),
    "talk_s": (optional(duration), _DEFAULT),
    "present": (boolean, True),
    "flash": (list_of(lambda v, p: check_object(v, p, FLASH)), []),
}
CALLER = {
    "at_s": (seconds(), REQUIRED),
    "number": (optional(phone_number), None),
    "line": (optional(pattern(r"[A-Za-z0-9_-]+", "a line id from settings")), None),
    "keys": (key_string, ""),
    "patience_s": (optional(seconds(0.001)), None),
    "accepts_callback": (boolean, False),
    "answers_callback_after_s": (optional(seconds()), 5.0),
    "callback_number": (optional(phone_number), None),
    "talk_s": (optional(duration), _DEFAULT),
    "message_s": (seconds(0, 600), 8.0),
    "answering_machine": (boolean, False),
}
TRAFFIC = {
    "calls_per_hour": (number(0.001, 3600, "calls per hour"), REQUIRED),
    "hours": (number(0.001, 31 * 24, "a number of hours"), REQUIRED),
    "talk_s_mean": (seconds(1, 7200), 180.0),
    "patience_s_mean": (seconds(1, 86400), 240.0),
    "callback_share": (number(0, 1, "a share"), 0.0),
    "keys": (_keys_choice, ("",)),
    "seed": (integer(-2**63, 2**63 - 1), None),
    # at most 30: the --fast run must settle within 30 simulated days of the first day's end
    "days": (integer(1, 30), 1),
}
FAULT = {
    "at_s": (seconds(), REQUIRED),
    "do": (pattern("|".join(SWITCHES), "one of " + ", ".join(SWITCHES)), REQUIRED),
    "line": (optional(pattern(r"[A-Za-z0-9_-]+", "a line id from settings")), None),
    "handset": (optional(integer(1, MAX_HANDSETS)), None),
}
AUDIO = {
    "echo_db": (number(-80, 20, "decibels"), -30.0),
    "key_s": (seconds(0.02, 1.0), 0.08),
    "key_dbm0": (number(-60, 0, "dBm0"), -10.0),
}
def _kinds(value, path):
    """A non-empty list of random fault kinds, each named once."""
    if not isinstance(value, list) or not value:
        raise fail(path, "a non-empty list of fault kinds (" + ", ".join(RANDOM_KINDS) + ")",
                   value)
    kinds = list_of(pattern("|".join(RANDOM_KINDS), "one of " + ", ".join(RANDOM_KINDS)))(
        value, path)
    for i, kind in enumerate(kinds):
        if kind in kinds[:i]:
            raise ScenarioError(f"Scenario '{path}[{i}]' repeats {kind!r}")
    return tuple(kinds)


RANDOM_FAULTS = {
    "per_day": (integer(0, 1000), REQUIRED),
    "kinds": (_kinds, tuple(RANDOM_KINDS)),
    "seed": (integer(-2**63, 2**63 - 1), None),
}
TOP = {
    "settings": (json_object, {}),
    "start": (iso_time, None),
    "operators": (list_of(lambda v, p: check_object(v, p, OPERATOR)), []),
    "callers": (list_of(lambda v, p: check_object(v, p, CALLER)), []),
    "traffic": (optional(lambda v, p: check_object(v, p, TRAFFIC)), None),
    "faults": (list_of(lambda v, p: check_object(v, p, FAULT)), []),
    "random_faults": (optional(lambda v, p: check_object(v, p, RANDOM_FAULTS)), None),
    "audio": (optional(lambda v, p: check_object(v, p, AUDIO)), None),
}


@dataclass(frozen=True)
class OperatorPlan:
    """Who sits at a handset in the simulation and how they behave."""

    id: str
    handset: int
    answer_after_s: float
    talk_s: float | dict | None
    present: bool = True
    flash: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A checked scenario: full validated settings, the people, and when it starts."""

    settings: dict
    start: float | None
    operators: tuple[OperatorPlan, ...]
    callers: tuple[CallerSpec, ...]
    traffic: TrafficSpec | None
    faults: tuple[Fault, ...] = ()
    audio: AudioSpec | None = None


def load(path: Path, seed: int | None = None) -> Scenario:
    """Read and check the scenario file at ``path``."""
    try:
        doc = safejson.loads(Path(path).read_bytes())
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario {path}: {exc.strerror}") from None
    except safejson.JsonError as exc:
        raise ScenarioError(f"scenario {path} is not valid JSON: {exc}") from None
    return parse(doc, seed)


def parse(doc, seed: int | None = None) -> Scenario:
    """Check a scenario document; ``seed`` is the traffic seed when the scenario gives none."""
    top = check_object(doc, "", TOP)
    if not top["callers"] and top["traffic"] is None:
        raise ScenarioError("Scenario needs 'callers' or 'traffic' (or both)")
    _unique(top["operators"], "id")
    _unique(top["operators"], "handset")
    settings = _settings(top["settings"], top["operators"])
    traffic = _traffic(top["traffic"], seed)
    operators = _operator_plans(settings, top["operators"], traffic)
    faults = _faults(top["faults"], settings) + _random_faults(
        top["random_faults"], traffic, settings, operators, seed)
    return Scenario(settings=settings, start=top["start"], operators=operators,
                    callers=_callers(top["callers"], settings, traffic),
                    traffic=traffic, faults=faults,
                    audio=AudioSpec(**top["audio"]) if top["audio"] is not None else None)


def _unique(entries: list[dict], key: str) -> None:
    seen: set = set()
    for i, entry in enumerate(entries):
        if entry[key] in seen:
            raise ScenarioError(f"Scenario 'operators[{i}].{key}' repeats {entry[key]!r}")
        seen.add(entry[key])


# -- settings ------------------------------------------------------------------------------------

def _settings(overlay: dict, operators: list[dict]) -> dict:
    """Defaults + the overlay, with the scenario's operators seated; validated by the schema."""
    doc = schema.merge(schema.defaults(), overlay)
    seat_operators(doc, operators)
    return schema.validate(doc)


def seat_operators(settings: dict, operators: list[dict]) -> None:
    """Put each scenario operator at their handset in ``settings`` (in place).

    An id already in settings moves to the given handset; a new id is added serving every
    queue; whoever else sat at that handset gives it up. ``handsets.count`` grows as needed.
    """
    queues = sorted(settings["queues"])
    for plan in operators:
        seated = [op for op in settings["operators"]
                  if op["handset"] != plan["handset"] or op["id"] == plan["id"]]
        entry = next((op for op in seated if op["id"] == plan["id"]), None)
        if entry is None:
            entry = {"id": plan["id"], "name": plan["id"], "queues": queues,
                     "enabled": True, "paused": False}
            seated.append(entry)
        entry["handset"] = plan["handset"]
        settings["operators"] = seated
    if operators:
        highest = max(plan["handset"] for plan in operators)
        settings["handsets"]["count"] = max(settings["handsets"]["count"], highest)


def _operator_plans(settings: dict, given: list[dict], traffic) -> tuple[OperatorPlan, ...]:
    """Every settings operator as a simulated person; scenario entries say how they behave.

    Left out: ``answer_after_s`` is ``handsets.sim_answer_after_s``; ``talk_s`` is null (the
    caller decides) with random traffic, else ``handsets.sim_talk_s``.
    """
    by_id = {plan["id"]: plan for plan in given}
    sim = settings["handsets"]
    default_talk = None if traffic is not None else sim["sim_talk_s"]
    plans = []
    for op in settings["operators"]:
        plan = by_id.get(op["id"], {})
        answer = plan.get("answer_after_s")
        talk = plan.get("talk_s", _DEFAULT)
        plans.append(OperatorPlan(
            id=op["id"], handset=op["handset"],
            answer_after_s=sim["sim_answer_after_s"] if answer is None else answer,
            talk_s=default_talk if talk is _DEFAULT else talk,
            present=plan.get("present", True), flash=tuple(plan.get("flash", ()))))
    return tuple(plans)


# -- callers and traffic ---------------------------------------------------------------------

def _traffic(block: dict | None, seed: int | None) -> TrafficSpec | None:
    if block is None:
        return None
    fields = dict(block)
    if fields["seed"] is None:
        fields["seed"] = seed if seed is not None else 0
    if fields["days"] > 1 and fields["hours"] > 24:
        raise fail("traffic.hours", "at most 24 (hours of each day) when 'traffic.days' is more "
                   "than 1", fields["hours"])
    return TrafficSpec(**fields)


def _callers(entries: list[dict], settings: dict, traffic) -> tuple[CallerSpec, ...]:
    """Scenario callers in order of arrival, with their callback numbers decided."""
    line_ids = [line["id"] for line in settings["lines"]]
    default_talk = {"mean": traffic.talk_s_mean} if traffic is not None else None
    callers = []
    for i, entry in enumerate(entries):
        if entry["line"] is not None and entry["line"] not in line_ids:
            raise ScenarioError(f"Scenario 'callers[{i}].line' names line {entry['line']!r}, "
                                f"which is not in settings lines ({', '.join(line_ids)})")
        fields = copy.copy(entry)
        fields["callback_number"] = (entry["callback_number"] or entry["number"]
                                     or generated_number(i))
        if fields["talk_s"] is _DEFAULT:
            fields["talk_s"] = default_talk
        callers.append(CallerSpec(**fields))
    return tuple(sorted(callers, key=lambda spec: spec.at_s))


def _faults(entries: list[dict], settings: dict) -> tuple[Fault, ...]:
    line_ids = [line["id"] for line in settings["lines"]]
    count = settings["handsets"]["count"]
    return tuple(check_target(entry, f"faults[{i}]", line_ids, count)
                 for i, entry in enumerate(entries))


def _random_faults(block: dict | None, traffic: TrafficSpec | None, settings: dict,
                   operators: tuple[OperatorPlan, ...], seed: int | None) -> tuple[Fault, ...]:
    """The ``random_faults`` block as concrete faults spread over the traffic's office hours of
    every day (docs/simulator.md); plain simulated lines only (a line on a simulated module has
    its module's own switches)."""
    if block is None:
        return ()
    if traffic is None:
        raise ScenarioError("Scenario 'random_faults' needs 'traffic': its faults are spread "
                            "over the traffic's hours of each day")
    lines = [line["id"] for line in settings["lines"] if line["driver"] == "sim"]
    seated = sorted(plan.handset for plan in operators)
    for kind in block["kinds"]:
        target = RANDOM_KINDS[kind].target
        if target == "line" and not lines:
            raise ScenarioError(f"Scenario 'random_faults.kinds' has {kind!r}, but no settings "
                                "line is a plain simulated line (driver \"sim\") to throw it on")
        if target == "operator" and not seated:
            raise ScenarioError(f"Scenario 'random_faults.kinds' has {kind!r}, but no operator "
                                "sits at a handset")
    fault_seed = block["seed"] if block["seed"] is not None else (seed if seed is not None else 0)
    return tuple(random_faults(block["per_day"], block["kinds"], fault_seed, traffic.windows(),
                               lines, settings["handsets"]["count"], seated))


def generated_number(index: int) -> str:
    """A callback number for the ``index``-th withheld caller who gave none (+44 1632 96xxxx)."""
    return f"+44163296{index:04d}"
