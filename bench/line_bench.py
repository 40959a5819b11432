"""Line drivers on the simulated modules, through real ptys and pyserial: RING to answered (the
first RING written to the wire until the module has taken ATA, with the engine's part replaced
by an immediate AnswerLine) and the AT round trip through the driver's own channel (a command
written until its OK is read) per dialect, plus one idle line's CPU. Prints JSON.
Run: python bench/line_bench.py [--calls 30] [--commands 300]
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import serial

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hw-sim"))

from appliance import commands as c                       # noqa: E402
from appliance.events import LineHungUp, LineReady, LineRinging   # noqa: E402
from appliance.lines.dialects import DIALECTS             # noqa: E402
from appliance.lines.gsm import GsmLine                   # noqa: E402
from hwsim.modems import ModemModel                       # noqa: E402
from hwsim.modems.v253 import VoiceModemModel             # noqa: E402
from appliance.lines.voicemodem import VoiceModemLine     # noqa: E402


def wait(predicate, timeout=10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the simulated module did not get there")
        time.sleep(0.0005)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(values: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(values) * 1000, 2),
            "p99_ms": round(percentile(values, 0.99) * 1000, 2),
            "max_ms": round(max(values) * 1000, 2), "n": len(values)}


def answering(line) -> list:
    """Start ``line`` with the loop's part played at once: every ring is answered, as the
    engine does; returns the list its events land in."""
    events = []
    line.start(lambda event: (events.append(event), isinstance(event, LineRinging)
                              and line.execute(c.AnswerLine("bench"))))
    wait(lambda: LineReady("bench") in events)
    return events


def rings_answered(modem, line, events, calls: int, caller: str, talking: str,
                   hang_up) -> list[float]:
    """``calls`` inbound calls: seconds from each call's first ring to the module taking it."""
    answered = []
    for _ in range(calls):
        modem.incoming_call(caller)
        wait(lambda: modem.state == talking)
        answered.append(modem.answered_at - modem.first_ring_at)
        hung = sum(isinstance(e, LineHungUp) for e in events)
        hang_up()
        wait(lambda: sum(isinstance(e, LineHungUp) for e in events) > hung
             and line.state == "idle" and modem.state == "idle")
    return answered


def one_dialect(name: str, calls: int, commands: int) -> dict:
    folder = Path(tempfile.mkdtemp())
    modem = ModemModel(DIALECTS[name], path=folder / "modem", ring_every_s=3.0).start()
    line = GsmLine("bench", lambda: serial.Serial(str(modem.path), 115200, timeout=0.05),
                   DIALECTS[name], health_every_s=3600)
    events = answering(line)
    answered = rings_answered(modem, line, events, calls, "+447700900123", "active",
                              modem.hang_up)
    trips = []
    for _ in range(commands):                # the driver's own AT channel, as its worker uses it
        start = time.monotonic()
        line.channel.command("AT+CSQ")
        trips.append(time.monotonic() - start)
    line.close()
    modem.stop()
    return {"ring_to_answered": ms(answered), "at_round_trip": ms(trips)}


def analog(calls: int) -> dict:
    """The V.253 line: from the first ring on the wire to AT+VLS=1 (off hook). The caller ID
    block comes after the first ring, so this is the driver's share after it."""
    folder = Path(tempfile.mkdtemp())
    modem = VoiceModemModel(path=folder / "modem", ring_every_s=4.0).start()
    line = VoiceModemLine("bench", lambda: serial.Serial(str(modem.path), 115200, timeout=0.05),
                          data_dir=folder, port_path=str(modem.path), poll_s=3600)
    events = answering(line)
    answered = rings_answered(modem, line, events, calls, "5551234567", "talking",
                              lambda: modem.hang_up("loop_break"))
    line.close()
    modem.stop()
    return {"ring_to_off_hook": ms(answered)}


def idle_cpu(seconds: float = 5.0) -> float:
    """CPU share of one idle line (worker, reader, health poll every 30 s) over ``seconds``."""
    folder = Path(tempfile.mkdtemp())
    modem = ModemModel(DIALECTS["ec25"], path=folder / "modem").start()
    line = GsmLine("idle", lambda: serial.Serial(str(modem.path), 115200, timeout=0.1),
                   DIALECTS["ec25"])
    events = []
    line.start(events.append)
    wait(lambda: LineReady("idle") in events)
    before = resource.getrusage(resource.RUSAGE_SELF)
    time.sleep(seconds)
    after = resource.getrusage(resource.RUSAGE_SELF)
    line.close()
    modem.stop()
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return round(100 * used / seconds, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--commands", type=int, default=300)
    args = parser.parse_args()
    figures = {name: one_dialect(name, args.calls, args.commands) for name in sorted(DIALECTS)}
    figures["v253"] = analog(min(args.calls, 10))
    print(json.dumps({"benchmark": "line_drivers_on_pty_models", "dialects": figures,
                      "idle_line_cpu_percent_incl_model": idle_cpu()}, indent=2))


if __name__ == "__main__":
    main()
