"""The soak's month: four plain lines, 20 operators over two queues, office hours every day and
random faults; used by tests/sim/test_soak.py and bench/soak_bench.py."""
from __future__ import annotations

START = "2026-11-23T09:00:00Z"          # a Monday, 09:00
HOURS = 8


def soak_doc(days: int, calls_per_day: float, faults_per_day: int, seed: int) -> dict:
    """Four plain lines, 20 operators over two queues, office-hours traffic, random faults."""
    operators = [{"id": f"op{n:02d}", "name": f"Operator {n}", "handset": n,
                  "queues": ["sales"] if n <= 2 else ["support"]}
                 for n in range(1, 21)]
    return {
        "start": START,
        "settings": {
            "lines": [{"id": f"line{n}", "driver": "sim"} for n in range(1, 5)],
            "handsets": {"count": 20}, "operators": operators,
            "queues": {"sales": {"callback_offer_after_s": 20},
                       "support": {"callback_offer_after_s": 20}}},
        "traffic": {"calls_per_hour": calls_per_day / HOURS, "hours": HOURS, "days": days,
                    "talk_s_mean": 180, "patience_s_mean": 240, "callback_share": 0.5,
                    "keys": ["1", "2"], "seed": seed},
        "random_faults": {"per_day": faults_per_day, "seed": seed},
    }
