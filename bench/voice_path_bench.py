"""The voice path's figures (docs/benchmarks.md, docs/voice.md), printed as JSON.

1. At real pace, per PCM line kind (sim7600, ec25, v253): the whole appliance (engine, loop, the
   real line driver and bridge card, the gpio handset driver on the simulated board), a caller
   answered by handset 9, then tone bursts each way: the added one-way delay from a burst leaving
   the modem to reaching the desk phone's ear (and from the operator's mouth to the modem),
   p50/p99/max; frames lost (buffer underruns and overflows: audible) and single-sample slips
   (inaudible); CPU of the production threads that carry the call (the modem's audio reader,
   the bridge card's pump) per second of call, and so how many bridged calls one core carries.
   A SIM800's voice meets the desk phone on the analog row itself: nothing is pumped.
2. One simulated hour with the modem at 8000 Hz and the card at 8000.5 Hz (tests/bridge/drift):
   frames lost, slips, and the buffers' largest delay.

Run: .venv/bin/python bench/voice_path_bench.py [--bursts 20]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.bridge import drift  # noqa: E402
from tests.bridge.rig import VoiceDesk, onset, tone  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def thread_cpu_s(names: tuple[str, ...]) -> float:
    """CPU seconds used so far by the live threads whose names start with ``names``."""
    total = 0
    for thread in threading.enumerate():
        if thread.name.startswith(names) and thread.native_id is not None:
            try:
                fields = Path(f"/proc/self/task/{thread.native_id}/stat").read_text().split(")")[1]
            except OSError:
                continue
            parts = fields.split()
            total += int(parts[11]) + int(parts[12])          # utime, stime
    return total / TICKS


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bursts_down(desk: VoiceDesk, count: int) -> list[float]:
    """Caller -> desk phone: delay of each 100 ms burst, in ms."""
    delays = []
    for _ in range(count):
        since = time.monotonic()
        desk.modem.say(tone(1000, 0.1, -12).tobytes())
        time.sleep(0.4)
        said = desk.first_said(since - 0.1)
        start, ear = desk.phone.heard(since - 0.1)
        first = onset(ear)
        if said is not None and first is not None:
            delays.append((start + first / 8000 - said) * 1000)
    return delays


def bursts_up(desk: VoiceDesk, count: int) -> list[float]:
    """Desk phone -> caller: delay of each 100 ms burst from the operator's mouth, in ms."""
    delays = []
    for _ in range(count):
        at = time.monotonic() + 0.02
        desk.phone.say(tone(700, 0.1, -12), at=at)
        time.sleep(0.4)
        arrived = arrival(desk, at - 0.1)
        if arrived is not None:
            delays.append((arrived - at) * 1000)
    return delays


def arrival(desk: VoiceDesk, since: float) -> float | None:
    """When the first loud sample reached the modem after ``since``."""
    log = list(desk.modem.heard_log)
    if desk.kind == "v253":
        before = sum(n for at, n in log if at < since)
        heard = np.frombuffer(bytes(desk.modem.heard)[2 * before:], dtype="<i2")
        first = onset(heard)
        if first is None:
            return None
        count = 0
        for at, n in log:
            if at < since:
                continue
            if count + n > first:
                return at + (first - count) / 8000 - n / 8000
            count += n
        return None
    for at, data in log:
        if at < since:
            continue
        first = onset(np.frombuffer(data[:len(data) // 2 * 2], dtype="<i2"))
        if first is not None:
            return at - (len(data) // 2 - first) / 8000     # read at the end of its chunk
    return None


def measure(kind: str, count: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        desk = VoiceDesk(Path(tmp), kind, record=False)
        try:
            desk.call_in()
            desk.answer()
            time.sleep(0.5)
            threads = ("pcm-", "bridge-", "v253-", "line-player")
            cpu0, wall0 = thread_cpu_s(threads), time.monotonic()
            down = bursts_down(desk, count)
            up = bursts_up(desk, count)
            cpu = (thread_cpu_s(threads) - cpu0) / (time.monotonic() - wall0)
            stats = desk.line.audio.bridge.stats()
        finally:
            desk.close()
    lost = sum(stats[side]["underruns"] + stats[side]["overflows"] for side in ("down", "up"))
    return {
        "down_ms": summary(down), "up_ms": summary(up),
        "frames_lost": lost, "slips": stats["down"]["slips"] + stats["up"]["slips"],
        "cpu_per_call_percent_of_core": round(100 * cpu, 2),
        "calls_per_core": round(1 / cpu, 1) if cpu > 0 else None,
    }


def summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": round(statistics.median(values), 1),
            "p99": round(percentile(values, 99), 1), "max": round(max(values), 1)}


def drift_hour() -> dict:
    result = drift.run(3600.0, modem_hz=8000.0, card_hz=8000.5)
    return {side: {"frames_lost": result[side]["underruns"] + result[side]["overflows"],
                   "slips": result[side]["slips"],
                   "max_buffer_ms": round(max(result["fills"][side]) / 8, 1)}
            for side in ("down", "up")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", type=int, default=20)
    parser.add_argument("--kinds", default="sim7600,ec25,v253")
    args = parser.parse_args()
    out = {kind: measure(kind, args.bursts) for kind in args.kinds.split(",")}
    out["drift_hour_8000_vs_8000.5_hz"] = drift_hour()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
