"""The web page under a year of calls: page times, and call handling while 20 browsers load pages.

Prints JSON:
- ``pages``: median and p99 milliseconds of the dashboard, the reports page for the last 12
  months (as browsers see it: figures kept until the log changes), the reports page for a
  different 12 months each time (summed afresh), and the first page of the call log, rendered
  by the WSGI app in-process (no network), with a log of about 100,000 calls;
- ``call_handling``: median, p99 and max milliseconds from posting a call's event to the loop
  until the engine has handled it and its commands ran, first idle, then while 20 clients (in
  another process, over HTTP to waitress) load those pages as fast as they can;
- ``load``: how many pages the 20 clients got and how fast.

Run: python bench/web_bench.py [--calls 100000] [--rounds 40] [--seconds 10]
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from calllog_bench import SPACING_S, START, make_record          # noqa: E402

from appliance import events as ev                                # noqa: E402
from appliance.clock import RealClock                             # noqa: E402
from appliance.engine import Engine                               # noqa: E402
from appliance.loop import Loop                                   # noqa: E402
from appliance.store import schema                                # noqa: E402
from appliance.store.calllog import CALLLOG_NAME, CallLog         # noqa: E402
from appliance.store.settings import SettingsStore                # noqa: E402
from appliance.web.server import WebServer                        # noqa: E402
from appliance.web.app import make_app                             # noqa: E402
from tests.web.client import Client                               # noqa: E402

PAGES = {"dashboard": "/", "reports_year": "/reports?preset=365d", "calls": "/calls"}
FIRST_DAY = date(2018, 1, 1)
CLIENTS = 20


class NullDriver:
    """A line or handset bank that accepts every command and does nothing (no I/O in the way)."""

    def __init__(self, driver_id: str = "bank"):
        self.id = driver_id

    def start(self, post) -> None:
        """Nothing to start."""

    def execute(self, command) -> None:
        """Every command is accepted as done."""

    def close(self) -> None:
        """Nothing to close."""


class NullLog:
    def write(self, record) -> None:
        """Records are not kept (the bench's call log is the big one, read-only)."""


def fill(folder: Path, calls: int) -> float:
    """A call log of ``calls`` records, 10,000 a month; returns the time just after the last."""
    import random
    rng = random.Random(1)
    with CallLog(folder / CALLLOG_NAME) as log:
        for chunk in range(0, calls, 50_000):
            log.write_many(make_record(n, rng) for n in range(chunk, min(calls, chunk + 50_000)))
    return START + calls * SPACING_S


def quantiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"median_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2), "n": len(ordered)}


def live_loop() -> Loop:
    settings = schema.defaults()
    settings["lines"] = [{"id": "line1", "driver": "sim"}]
    loop = Loop(Engine(schema.validate(settings), seed=1), RealClock())
    loop.connect(lines=[NullDriver("line1")], handsets=NullDriver(), calllog=NullLog())
    loop.start()
    return loop


def call_latency(loop: Loop, count: int, gap_s: float = 0.02) -> list[float]:
    """Post a ringing line and time until the loop has handled it; hang up; repeat."""
    samples = []
    for _ in range(count):
        handled = threading.Event()
        began = time.perf_counter()
        loop.post(ev.LineRinging("line1", "+441632960001"))
        loop.call_soon(handled.set)
        handled.wait(10)
        samples.append(time.perf_counter() - began)
        loop.post(ev.LineHungUp("line1"))
        time.sleep(gap_s)
    return samples


def _year_from(offset: int) -> str:
    """A 12-month period starting ``offset`` days in: a new one each round, so never cached."""
    since = FIRST_DAY + timedelta(days=offset)
    return f"/reports?since={since}&until={since + timedelta(days=364)}"


def page_times(client: Client, rounds: int) -> dict:
    """Each page ``rounds`` times; reports also for a different year each time (no cache)."""
    paths = {name: [path] * rounds for name, path in PAGES.items()}
    paths["reports_year_uncached"] = [_year_from(n) for n in range(rounds)]
    out = {}
    for name, each in paths.items():
        samples = []
        for path in each:
            began = time.perf_counter()
            reply = client.get(path)
            samples.append(time.perf_counter() - began)
            assert reply.status == 200, (path, reply.status)
        out[name] = quantiles(samples)
    return out


def _client_thread(port: int, cookie: str, until: float, counts: list) -> None:
    paths = list(PAGES.values())
    while time.time() < until:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", paths[len(counts) % len(paths)], headers={"Cookie": cookie})
        conn.getresponse().read()
        conn.close()
        counts.append(1)


def clients(port: int, cookie: str, seconds: float, done) -> None:
    """20 browsers in one process, loading pages until ``seconds`` have passed."""
    until, counts = time.time() + seconds, []
    threads = [threading.Thread(target=_client_thread, args=(port, cookie, until, counts))
               for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.put(len(counts))


def run(calls: int, rounds: int, seconds: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="web-bench-"))
    began = time.perf_counter()
    end = fill(folder, calls)
    fill_s = time.perf_counter() - began
    loop = live_loop()
    reader = CallLog(folder / CALLLOG_NAME, readonly=True)
    app = make_app(loop, SettingsStore(folder), reader, folder, clock=lambda: end)
    owner = Client(app)
    owner.get("/setup")
    code = app.config["ivr.context"].auth.setup_code()
    owner.post("/setup", {"code": code, "password": "bench password", "repeat": "bench password"})
    pages = page_times(owner, rounds)
    idle = call_latency(loop, 200)
    server = WebServer(app, "127.0.0.1", 0).start()
    cookie = "; ".join(f"{k}={v}" for k, v in owner.jar.items())
    done = multiprocessing.Queue()
    load = multiprocessing.Process(target=clients, args=(server.port, cookie, seconds, done))
    load.start()
    time.sleep(1.0)
    busy = call_latency(loop, int((seconds - 2) / 0.03))
    served = done.get()
    load.join()
    server.stop()
    loop.stop()
    return {"calls_in_log": calls, "fill_s": round(fill_s, 1), "pages": pages,
            "call_handling": {"idle": quantiles(idle), "with_20_clients": quantiles(busy)},
            "load": {"clients": CLIENTS, "seconds": seconds, "pages_served": served,
                     "pages_per_s": round(served / seconds, 1)}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.calls, args.rounds, args.seconds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
