"""``ivr-appliance sim``: the whole appliance on simulated hardware, live or on a simulated clock.

The demo (no scenario), a scenario file in real time with the live view and the web page, or
``--fast``: the simulated clock runs the scenario as fast as the CPU allows, then a summary. The
appliance is wired as ``run`` wires it (``appliance.daemon``), with the simulator's world
(``hwsim``) in place of the hardware.
"""
from __future__ import annotations

import logging
import random
import sys
import time
from pathlib import Path

from appliance import daemon, timefmt
from appliance.clock import RealClock, SimClock
from appliance.engine import Engine
from appliance.errors import ApplianceError
from appliance.loop import Loop, LoopStalled
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore

SETTLE_LIMIT_S = 30 * 86400          # a --fast run must settle within 30 simulated days
DEFAULT_START = "2026-11-23T09:00:00Z"

log = logging.getLogger("appliance.sim")


def cmd_sim(args) -> int:
    """The whole appliance on simulated hardware: a scenario (``--fast`` or live) or the demo."""
    from hwsim import scenario as scenarios
    from hwsim.demo import DEMO_SCENARIO
    seed = args.seed if args.seed is not None else (0 if args.fast else random.randrange(2**31))
    if args.scenario is not None:
        scenario = scenarios.load(args.scenario, seed)
    else:
        scenario = scenarios.parse(DEMO_SCENARIO, seed)
    data_dir = sim_data_dir(args.data_dir)
    if args.fast:
        return _sim_fast(scenario, seed, data_dir)
    return _sim_live(scenario, seed, data_dir, quiet=args.quiet, web_port=args.web_port)


SIM_MARKER = "SIMULATED"


def sim_data_dir(path: Path) -> Path:
    """The simulator's data folder, never a real appliance's: simulated calls must not mix into a
    real call log, nor the demo's settings replace real ones. A folder the simulator made is
    marked; one with settings or calls but no mark is refused."""
    data_dir = daemon.open_data_dir(path)
    marker = data_dir / SIM_MARKER
    if not marker.exists():
        if (data_dir / "settings.json").exists() or (data_dir / CALLLOG_NAME).exists():
            raise ApplianceError(
                f"{data_dir} holds a real appliance's settings or call log; the simulator would "
                "mix its calls into them. Give it another folder: --data-dir ./demo-data")
        marker.write_text("This folder belongs to `ivr-appliance sim`: simulated calls only.\n")
    return data_dir


def build_sim(scenario, clock, start: float, seed: int, calllog, real_time: bool = False):
    """The appliance on a simulated world built from ``scenario``: ``(appliance, world, tally)``.

    Used by ``sim`` and by the benchmark; ``calllog`` is anything with ``write(record)``.
    """
    from hwsim.summary import OutcomeTally
    from hwsim.world import SimWorld
    engine = Engine(scenario.settings, seed=seed)
    loop = Loop(engine, clock)
    world = SimWorld(loop, scenario, start=start, seed=seed, real_time=real_time)
    tally = OutcomeTally(calllog)
    loop.connect(lines=world.lines, handsets=world.handsets, calllog=tally)
    world.begin()
    return daemon.Appliance(loop, engine, calllog), world, tally


def run_scenario(appliance: daemon.Appliance, world, start: float, span_s: float) -> None:
    """Run simulated time until everyone has called and every call and callback is over."""
    engine, loop = appliance.engine, appliance.loop
    try:
        loop.run_until(lambda: world.finished() and engine.is_idle(),
                       until=start + span_s + SETTLE_LIMIT_S)
    except LoopStalled as exc:
        raise LoopStalled(f"the simulation did not settle ({exc}): {_unsettled(appliance, world)}"
                          ) from None


def _unsettled(appliance: daemon.Appliance, world) -> str:
    """What keeps the run from ending, in the words a technician reads the view in."""
    snap = appliance.loop.snapshot()
    lines = ", ".join(f"{line['id']} {line['state']}" for line in snap["lines"])
    operators = ", ".join(f"{op['id']} {op['state']}" for op in snap["operators"])
    off_hook = [h for h in range(1, world.handsets.count + 1) if world.handsets.is_off_hook(h)]
    waiting = sum(len(q) for q in snap["queues"].values())
    facts = (f"at {snap['now']} lines: {lines}; operators: {operators}; handsets off hook: "
             f"{off_hook or 'none'}; waiting callers: {waiting}; "
             f"pending callbacks: {len(snap['callbacks'])}")
    if any(not line.idle for line in world.lines):
        facts += ("; a caller and an operator who both wait for the other to hang up "
                  "(talk_s null on both sides) never end")
    return facts


def _sim_fast(scenario, seed: int, data_dir: Path) -> int:
    from hwsim.summary import format_summary
    daemon.log_to(data_dir / daemon.LOG_FILE, to_stderr=True)
    start = scenario.start if scenario.start is not None else timefmt.parse(DEFAULT_START)
    calllog = CallLog(data_dir / CALLLOG_NAME)
    appliance, world, tally = build_sim(scenario, SimClock(start), start, seed, calllog)
    wall = time.perf_counter()
    try:
        run_scenario(appliance, world, start, scenario_span_s(scenario))
    finally:
        daemon.shut_down_here(appliance)
    print(format_summary(tally, world, start, appliance.loop.now(), time.perf_counter() - wall))
    _print_where(data_dir)
    return _failures(appliance.loop)


def scenario_span_s(scenario) -> float:
    """Seconds from the scenario's start to its last possible arrival or fault."""
    scripted = [spec.at_s for spec in scenario.callers] + [f.at_s for f in scenario.faults]
    traffic = scenario.traffic.windows()[-1][1] if scenario.traffic else 0.0    # the last day's
    return max([traffic, *scripted])


def _sim_live(scenario, seed: int, data_dir: Path, quiet: bool, web_port: int = 8080) -> int:
    from hwsim.summary import format_summary
    from hwsim.view import LiveView

    from appliance.console import launch as console_launch
    from appliance.web import launch as web_launch
    daemon.log_to(data_dir / daemon.LOG_FILE, to_stderr=False)
    daemon.finish_restore(data_dir)
    start = time.time()
    calllog = CallLog(data_dir / CALLLOG_NAME)
    calllog.close_unfinished()                 # a demo killed earlier left records open
    appliance, world, tally = build_sim(scenario, RealClock(), start, seed, calllog, real_time=True)
    print(f"Simulated appliance running (seed {seed}); data in {data_dir}. Ctrl-C stops it.",
          flush=True)
    view = None if quiet else LiveView(appliance.loop.snapshot, sys.stdout)
    SettingsStore(data_dir).save(scenario.settings)     # the web page shows what the demo runs
    web = web_launch.start(appliance.loop, data_dir, "127.0.0.1", web_port)
    if web is not None:
        print(web.announcement(), flush=True)
    console = console_launch.start(appliance.loop, data_dir, scenario.settings, world.lines,
                                   world.handsets)
    try:
        daemon.serve(appliance, tick=web_launch.with_footer(view.tick if view else None, web))
    finally:
        web_launch.stop(web)
        console_launch.stop(console)
    print(format_summary(tally, world, start, time.time(), time.time() - start))
    _print_where(data_dir)
    return _failures(appliance.loop)


def _print_where(data_dir: Path) -> None:
    print(f"call log: {data_dir / CALLLOG_NAME}\n"
          f"see it with: ivr-appliance calls --data-dir {data_dir}")


def _failures(loop: Loop) -> int:
    if loop.failures:
        print(f"ivr-appliance sim: error: {loop.failures} internal failure(s) during the run "
              "(tracebacks in the log)", file=sys.stderr)
        return 1
    return 0


