"""An appliance on simulated hardware with its console, in-process: the real Engine and Loop,
the simulator's lines and handsets, a real call log and settings store in a tmp folder."""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from pathlib import Path

from appliance import timefmt
from appliance.clock import RealClock, SimClock
from appliance.console import launch
from appliance.console.commands import build_table
from appliance.console.context import Context
from appliance.console.follow import Live
from appliance.console.table import CommandTable
from appliance.cli.sim import build_sim
from appliance.daemon import Appliance
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore
from hwsim import scenario as scenarios

START = timefmt.parse("2026-11-23T09:00:00Z")
OPERATORS = [{"id": "ann", "handset": 1, "answer_after_s": 2, "talk_s": 20},
             {"id": "bob", "handset": 2, "answer_after_s": 2, "talk_s": 20},
             {"id": "cat", "handset": 3, "answer_after_s": 2, "talk_s": 20}]
ONE_CALL = {"settings": {"lines": [{"id": "line1"}, {"id": "line2"}]},
            "operators": OPERATORS,
            "callers": [{"at_s": 0, "number": "+441632960001", "keys": "1", "patience_s": 300}]}
NOBODY_ANSWERS = {**ONE_CALL, "operators": [{**op, "present": False} for op in OPERATORS]}
QUIET = {**ONE_CALL, "callers": [{"at_s": 86400, "number": "+441632960009", "keys": "1"}]}


@dataclass
class Rig:
    """The appliance, its simulated world, its console table and where its files are."""

    appliance: Appliance
    world: object
    scenario: object
    table: CommandTable
    data_dir: Path

    @property
    def loop(self):
        return self.appliance.loop

    def run(self, line: str) -> str:
        """Type ``line`` at the console, then let the loop handle what it posted (a live
        command runs to its own end: give ``tail`` an N)."""
        answer = self.table.run(line)
        if isinstance(answer, Live):
            answer = answer.collect()
        if self.loop.thread is None:
            self.loop.drain()
        return answer


def make_rig(data_dir: Path, doc: dict, clock=None) -> Rig:
    """The appliance of scenario ``doc`` (on SimClock at START unless ``clock`` is given)."""
    scenario = scenarios.parse(doc, 0)
    SettingsStore(data_dir).save(scenario.settings)
    start = START if clock is None else time.time()
    appliance, world, _ = build_sim(scenario, clock or SimClock(START), start, 0,
                                    CallLog(data_dir / CALLLOG_NAME))
    sim_lines, sim_bank = launch.simulated(scenario.settings, world.lines, world.handsets)
    table = build_table(Context(appliance.loop, data_dir, sim_lines, sim_bank))
    return Rig(appliance, world, scenario, table, data_dir)


def live_rig(data_dir: Path) -> Rig:
    """A quiet appliance on the wall clock, its loop on its own thread (stop with ``stop``)."""
    rig = make_rig(data_dir, QUIET, RealClock())
    rig.loop.start()
    return rig


def stop(rig: Rig) -> None:
    rig.loop.stop()
    rig.loop.join(5)
    rig.appliance.calllog.close()


def play_until(rig: Rig, predicate, limit_s: float = 600) -> None:
    """Run simulated time until ``predicate()`` holds (at most ``limit_s`` simulated seconds)."""
    rig.loop.run_until(predicate, until=START + limit_s)


class Client:
    """A technician on the control socket: send a line, read the answer up to the next prompt.
    A connection the console closes is a ConnectionError (the crash trials expect them)."""

    def __init__(self, path: Path, timeout: float = 10.0) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.buffer = b""
        try:
            self.sock.connect(str(path))
            self.banner = self.read_answer()
        except BaseException:
            self.sock.close()
            raise

    def read_answer(self) -> str:
        while b"\n> " not in b"\n" + self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError(f"the console closed the connection; got {self.buffer!r}")
            self.buffer += data
        answer, _, self.buffer = (b"\n" + self.buffer).partition(b"\n> ")
        return answer[1:].decode()

    def ask(self, line: str) -> str:
        self.sock.sendall(line.encode() + b"\n")
        return self.read_answer()

    def close(self) -> None:
        self.sock.close()
