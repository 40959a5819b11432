"""A test rig for the pure engine: a fake clock, fired timers, and what came out, by kind."""
from __future__ import annotations

import copy

from appliance import commands as cmd
from appliance import events as ev
from appliance.engine import Engine
from appliance.store import schema

T0 = 1795424400.0          # 2026-11-23T09:00:00Z, a Monday


def make_settings(**patch) -> dict:
    """Default settings (the demo's) with ``patch`` merged on top, validated.

    A menu ``root`` or ``fallback`` in the patch replaces the default rather than merging into it.
    """
    patch = copy.deepcopy(patch)
    whole = {k: patch.get("menu", {}).pop(k) for k in ("root", "fallback") if k in patch.get("menu", {})}
    doc = schema.merge(schema.defaults(), patch)
    doc["menu"].update(whole)
    return schema.validate(doc)


class Rig:
    """Drive an Engine like the loop does, with time under the test's control."""

    def __init__(self, settings: dict | None = None, seed: int = 1, now: float = T0, **patch):
        self.settings = settings or make_settings(**patch)
        self.engine = Engine(self.settings, seed=seed)
        self.now = now
        self.timers: dict[tuple, float] = {}
        self.records: dict[str, dict] = {}
        self.log: list = []
        self.play_ids: dict[str, int] = {}

    # -- driving ----------------------------------------------------------------------------
    def send(self, event) -> list:
        """Hand ``event`` to the engine at the current time; returns its commands."""
        out = self.engine.handle(event, self.now)
        for c in out:
            self._note(c)
        self.log.extend(out)
        return out

    def _note(self, c) -> None:
        if isinstance(c, cmd.StartTimer):
            self.timers[c.key] = c.at
        elif isinstance(c, cmd.CancelTimer):
            self.timers.pop(c.key, None)
        elif isinstance(c, cmd.WriteCallRecord):
            self.records[c.record["id"]] = c.record
        elif isinstance(c, cmd.Play):
            self.play_ids[c.line] = c.play_id

    def advance(self, seconds: float) -> list:
        """Let ``seconds`` pass, firing due timers in time order; returns all commands."""
        end = self.now + seconds
        out = []
        while True:
            due = [(at, key) for key, at in self.timers.items() if at <= end]
            if not due:
                break
            at, key = min(due, key=lambda d: d[0])
            del self.timers[key]
            self.now = max(self.now, at)
            out += self.send(ev.TimerFired(key))
        self.now = end
        return out

    def prompt_done(self, line: str = "line1") -> list:
        """The prompt playing on ``line`` reached its end."""
        return self.send(ev.PromptDone(line, self.play_ids[line]))

    def call_in(self, caller="+441632960001", line="line1") -> list:
        return self.send(ev.LineRinging(line, caller))

    def press(self, keys: str, line: str = "line1") -> list:
        out = []
        for key in keys:
            out += self.send(ev.DigitPressed(line, key))
        return out

    # -- reading ----------------------------------------------------------------------------
    def record(self, index: int = -1) -> dict:
        """The latest version of the ``index``-th record written (in order of first write)."""
        return list(self.records.values())[index]

    def of(self, kind, out=None) -> list:
        """The commands of type ``kind`` in ``out`` (default: everything so far)."""
        return [c for c in (self.log if out is None else out) if isinstance(c, kind)]

    def items(self, out) -> list:
        """All play items in ``out``, flattened."""
        return [item for p in self.of(cmd.Play, out) for item in p.items]

    def rung(self, out=None) -> list[int]:
        return [c.handset for c in self.of(cmd.RingHandset, out)]

    def op_state(self, op_id: str) -> str:
        return next(o["state"] for o in self.engine.snapshot(self.now)["operators"] if o["id"] == op_id)
