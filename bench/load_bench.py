"""The whole appliance under load: four PCM lines busy continuously while 20 browsers poll the web
page, at real pace. Prints JSON.

What runs: the real engine and loop; four SIM7600 modem models on ptys driven by the real GSM line
driver, each with its bridge sound card on the simulated reference board; the gpio handset driver
with four operators whose desk phones are lifted when they ring and put down when the call ends;
the real web page (waitress) with 20 logged-in browsers in another process, each with the
dashboard open (its live fragment fetched every 2 s, as web/static/refresh.js does) and opening
the reports for the last 30 days every fifth poll. Each line takes call after call: ring, answer,
the caller presses 1, an operator answers, they talk (tones both ways), the caller hangs up.
(bench/web_bench.py is the stress version: 20 clients loading pages as fast as they can.)

Figures:
- ``call_handling``: milliseconds from a driver posting an event to the loop until the engine
  has handled it and its commands were handed to the drivers (the loop's own path, measured on
  every real event of the run), median / p99 / max; the target is p99 under 20 ms.
- ``voice``: across every bridged call, while caller and operator talk, frames lost (the
  elastic buffers' underruns and overflows: audible) and single-sample slips (inaudible); the
  target is 0 lost.
- ``calls``: calls completed with an operator; ``pages``: pages the 20 clients got.

Run: .venv/bin/python bench/load_bench.py [--seconds 60] [--switch-interval-ms 5]
[--as-python-does] (the last two: without what appliance.audio.realtime does, for comparison)
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from appliance import drivers                                      # noqa: E402
from appliance.audio import realtime                               # noqa: E402
from appliance.audio.prompts import PromptLibrary                  # noqa: E402
from appliance.clock import RealClock                              # noqa: E402
from appliance.engine import Engine                                # noqa: E402
from appliance.events import ShutdownRequested                     # noqa: E402
from appliance.handsets.gpio import GpioHandsetBank                # noqa: E402
from appliance.lines.dialects import DIALECTS                      # noqa: E402
from appliance.loop import Loop                                    # noqa: E402
from appliance.store import schema                                 # noqa: E402
from appliance.store.calllog import CALLLOG_NAME, CallLog          # noqa: E402
from appliance.store.settings import SettingsStore                 # noqa: E402
from appliance.web import launch                                   # noqa: E402
from hwsim.board.reference import ReferenceBoard                   # noqa: E402
from hwsim.modems.model import ModemModel                          # noqa: E402
from tests.bridge.rig import tone                                  # noqa: E402
from tests.web.client import Client                                # noqa: E402
from web_bench import quantiles                                    # noqa: E402

LINES = 4
HANDSETS = (1, 5, 9, 13)        # one operator per line's worth of calls, spread over both chips
TALK_S = 4.0
BROWSERS = 20
POLL_S = 2.0                    # the dashboard's refresh (web/static/refresh.js)
REPORTS_EVERY = 5               # and each browser opens the reports every fifth poll


class TimedLoop(Loop):
    """The production loop, noting how long each driver event takes from post to handled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.latencies: list[float] = []

    def post(self, event) -> None:
        event_posted = time.perf_counter()
        super().call_soon(lambda: self._timed(event, event_posted))

    def _timed(self, event, posted: float) -> None:
        self.handle_event(event)
        self.latencies.append(time.perf_counter() - posted)


def build(folder: Path):
    modems = [ModemModel(DIALECTS["sim7600"], path=folder / f"modem{n}", ring_every_s=0.5)
              .start() for n in range(LINES)]
    doc = schema.defaults()
    doc["lines"] = [{"id": f"line{n + 1}", "driver": "sim7600", "port": str(m.path),
                     "audio_port": str(m.audio_path), "bridge_audio": f"Bridge line {n + 1}"}
                    for n, m in enumerate(modems)]
    doc["handsets"].update(driver="gpio", count=16)
    doc["operators"] = [{"id": f"op{h}", "name": f"Operator {h}", "handset": h,
                         "queues": ["sales"]} for h in HANDSETS]
    doc["menu"]["root"]["options"] = {"1": {"action": "queue", "queue": "sales"}}
    doc["queues"]["sales"].update(announce_position=False, announce_wait=False, wrapup_s=0)
    doc["recording"]["enabled"] = False
    settings = schema.validate(doc)
    SettingsStore(folder).save(settings)
    engine = Engine(settings, seed=1)
    loop = TimedLoop(engine, RealClock())
    board = ReferenceBoard(loop, count=16, seed=3)
    cards = board.sound_cards()
    lines = [drivers.build_line(settings, n, loop, folder, cards) for n in range(LINES)]
    bank = GpioHandsetBank(board.gpio, settings, loop, loop, service=None,
                           library=PromptLibrary(data_dir=folder),
                           names=drivers.phone_book_names(folder))
    calllog = CallLog(folder / CALLLOG_NAME)
    loop.connect(lines=lines, handsets=bank, calllog=calllog)
    loop.start()
    return modems, loop, board, lines, bank, calllog


def operators(board, loop, stop: threading.Event) -> None:
    """Desk phones: lifted when they ring, put down when their call has ended."""
    talking: dict[int, float] = {}
    while not stop.is_set():
        rows = board.crosspoints()
        for handset in HANDSETS:
            phone = board.phones[handset]
            if handset in board.ringing() and not phone.off_hook:
                phone.lift(loop.now())
                talking[handset] = time.monotonic()
            elif phone.off_hook and not any(h == handset for h, _ in rows) \
                    and time.monotonic() - talking.get(handset, 0) > 2.0:
                phone.put_down(loop.now())
            elif phone.off_hook:
                phone.say(tone(700, 0.1), at=time.monotonic())
        time.sleep(0.05)


def browsers(port: int, cookie: str, seconds: float, pages) -> None:
    """20 browsers with the dashboard open (its fragment every 2 s), each also opening the
    reports for the last 30 days every fifth poll; in their own process, as browsers are."""
    import http.client
    until, counts = time.time() + seconds, []

    def browser(offset: float) -> None:
        time.sleep(offset)
        polls = 0
        while time.time() < until:
            path = "/reports?preset=30d" if polls % REPORTS_EVERY == REPORTS_EVERY - 1 else "/live"
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers={"Cookie": cookie})
            conn.getresponse().read()
            conn.close()
            counts.append(path)
            polls += 1
            time.sleep(POLL_S)
    threads = [threading.Thread(target=browser, args=(n * POLL_S / BROWSERS,))
               for n in range(BROWSERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pages.put(len(counts))


def caller(index: int, modem, line, board, stop: threading.Event, done: list) -> None:
    """One line's callers, one after another; ``done`` gets each call's voice figures while
    the caller and the operator talked (the buffers' losses at a call's start and end, when one
    side is not sending yet or any more, are not losses anyone hears)."""
    number = f"+44770090{index:04d}"
    while not stop.is_set():
        if not _wait(lambda: modem.state == "idle", stop, 15):
            continue
        modem.incoming_call(number)
        if not _wait(lambda: modem.state == "active", stop, 15):
            continue
        time.sleep(0.6)
        modem.press("1")
        if not _wait(lambda: any(row == index for _, row in board.crosspoints()), stop, 20):
            modem.hang_up()
            continue
        modem.say(tone(1000, 0.5).astype("<i2").tobytes())
        time.sleep(0.5)                               # both buffers filled
        before = _voice(line)
        end = time.monotonic() + TALK_S
        while time.monotonic() < end and not stop.is_set():
            modem.say(tone(1000, 0.2).astype("<i2").tobytes())
            time.sleep(0.2)
        after = _voice(line)
        modem.hang_up()
        done.append({key: after[key] - before[key] for key in after})
        time.sleep(0.5)


def _voice(line) -> dict:
    stats = line.audio.bridge.stats()
    return {"lost": sum(stats[s]["underruns"] + stats[s]["overflows"] for s in ("down", "up")),
            "slips": stats["down"]["slips"] + stats["up"]["slips"],
            **{f"{side}_{kind}": stats[side][kind] for side in ("down", "up")
               for kind in ("underruns", "overflows")}}


def _refused(*args) -> None:
    raise PermissionError(1, "refused by --as-python-does")


def _wait(predicate, stop: threading.Event, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if stop.is_set() or time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def run(seconds: float, switch_ms: float = realtime.SWITCH_INTERVAL_S * 1000,
        no_freeze: bool = False) -> dict:
    if no_freeze:                   # as a daemon started without LimitRTPRIO: no real-time
        os.sched_setscheduler = _refused                   # priority for the audio threads
    folder = Path(tempfile.mkdtemp(prefix="load-bench-"))
    modems, loop, board, lines, bank, calllog = build(folder)
    web = launch.start(loop, folder, "127.0.0.1", 0)
    owner = Client(web.server._server.application)
    owner.get("/setup")
    owner.post("/setup", {"code": web.auth.setup_code(), "password": "bench password",
                          "repeat": "bench password"})
    cookie = "; ".join(f"{k}={v}" for k, v in owner.jar.items())
    if not no_freeze:
        realtime.keep_audio_on_time(switch_ms / 1000)    # built and serving: as daemon.serve
    stop, done = threading.Event(), []
    threads = [threading.Thread(target=operators, args=(board, loop, stop), daemon=True)]
    threads += [threading.Thread(target=caller, args=(n, m, lines[n], board, stop, done),
                                 daemon=True) for n, m in enumerate(modems)]
    time.sleep(3.0)                                        # lines registered
    for thread in threads:
        thread.start()
    pages = multiprocessing.Queue()
    load = multiprocessing.Process(target=browsers, args=(web.server.port, cookie, seconds, pages))
    time.sleep(2.0)
    loop.latencies.clear()
    load.start()
    served = pages.get()
    load.join()
    stop.set()
    latencies = list(loop.latencies)
    try:
        loop.post(ShutdownRequested("bench over"))
        loop.call_soon(loop.stop)
        loop.join(timeout=5)
    finally:
        launch.stop(web)
        loop.close_drivers()
        for modem in modems:
            modem.stop()
        calllog.close()
    return {"seconds": seconds, "lines": LINES, "browsers": BROWSERS,
            "switch_interval_ms": None if no_freeze else switch_ms, "gc_frozen": not no_freeze,
            "audio_threads_real_time": realtime.refusal() is None,
            "call_handling": {**quantiles(latencies), "target_p99_ms": 20},
            "voice": {"frames_lost_while_talking": sum(call["lost"] for call in done),
                      "calls_with_a_loss": sum(1 for call in done if call["lost"]),
                      **({key: sum(call[key] for call in done) for key in done[0]
                          if key not in ("lost", "slips")} if done else {}),
                      "slips": sum(call["slips"] for call in done), "target_lost": 0,
                      "talk_s_per_call": TALK_S},
            "calls": len(done), "pages": served, "pages_per_s": round(served / seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--switch-interval-ms", type=float,
                        default=realtime.SWITCH_INTERVAL_S * 1000,
                        help="the interpreter's switch interval (the appliance's by default; "
                             "5 is CPython's own)")
    parser.add_argument("--as-python-does", action="store_true",
                        help="without appliance.audio.realtime: no gc.freeze, CPython's switch "
                             "interval, no real-time priority (the figures before it)")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.seconds, args.switch_interval_ms, args.as_python_does), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
