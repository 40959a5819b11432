"""Composition root: settings -> drivers (simulated or real) -> loop -> engine, for `run` and `sim`.

This is the one module that knows every other one exists. It picks each driver named in the
settings (only here), opens the call log, wires the loop, and runs it: on the wall clock until
SIGTERM or Ctrl-C (``run``, the live ``sim`` demo), or on the simulated clock until a scenario has
played out (``sim --fast``). Stopping always posts ``ShutdownRequested`` first, so every live call
gets its call record before the log is closed.
"""
from __future__ import annotations

import json
import logging
import os
import random
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from appliance import systemd, timefmt
from appliance.clock import RealClock, SimClock
from appliance.engine import Engine
from appliance.housekeeping import Housekeeping
from appliance.errors import ApplianceError, DriverError
from appliance import safejson
from appliance.events import ShutdownRequested
from appliance.loop import Loop, LoopStalled
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore, sweep_temp_files

LOG_FILE = "appliance.log"
SETTLE_LIMIT_S = 30 * 86400          # a --fast run must settle within 30 simulated days
DEFAULT_START = "2026-11-23T09:00:00Z"

log = logging.getLogger("appliance.daemon")


@dataclass
class Appliance:
    """The wired appliance: its loop (owning the engine) and the call log it writes."""

    loop: Loop
    engine: Engine
    calllog: object
    data_dir: Path | None = None


# -- ivr-appliance sim -----------------------------------------------------------------------

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
    data_dir = _data_dir(path)
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
    return Appliance(loop, engine, calllog), world, tally


def run_scenario(appliance: Appliance, world, start: float, span_s: float) -> None:
    """Run simulated time until everyone has called and every call and callback is over."""
    engine, loop = appliance.engine, appliance.loop
    try:
        loop.run_until(lambda: world.finished() and engine.is_idle(),
                       until=start + span_s + SETTLE_LIMIT_S)
    except LoopStalled as exc:
        raise LoopStalled(f"the simulation did not settle ({exc}): {_unsettled(appliance, world)}"
                          ) from None


def _unsettled(appliance: Appliance, world) -> str:
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
    _log_to(data_dir / LOG_FILE, to_stderr=True)
    start = scenario.start if scenario.start is not None else timefmt.parse(DEFAULT_START)
    calllog = CallLog(data_dir / CALLLOG_NAME)
    appliance, world, tally = build_sim(scenario, SimClock(start), start, seed, calllog)
    wall = time.perf_counter()
    try:
        run_scenario(appliance, world, start, scenario_span_s(scenario))
    finally:
        _shut_down_here(appliance)
    print(format_summary(tally, world, start, appliance.loop.now(), time.perf_counter() - wall))
    _print_where(data_dir)
    return _failures(appliance.loop)


def scenario_span_s(scenario) -> float:
    """Seconds from the scenario's start to its last possible arrival or fault."""
    scripted = [spec.at_s for spec in scenario.callers] + [f.at_s for f in scenario.faults]
    traffic = scenario.traffic.hours * 3600.0 if scenario.traffic else 0.0
    return max([traffic, *scripted])


def _sim_live(scenario, seed: int, data_dir: Path, quiet: bool, web_port: int = 8080) -> int:
    from hwsim.summary import format_summary
    from hwsim.view import LiveView

    from appliance.console import launch as console_launch
    from appliance.web import launch as web_launch
    _log_to(data_dir / LOG_FILE, to_stderr=False)
    _finish_restore(data_dir)
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
        serve(appliance, tick=web_launch.with_footer(view.tick if view else None, web))
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


# -- ivr-appliance run -----------------------------------------------------------------------

def cmd_run(args) -> int:
    """The daemon on the hardware the settings describe, until SIGTERM or SIGINT."""
    from appliance.console import launch as console_launch
    from appliance.web import launch as web_launch
    from appliance.console.system_cmds import erase_if_asked
    hold_signals()
    data_dir = _data_dir(args.data_dir)
    _log_to(None, to_stderr=True)
    erase_if_asked(data_dir)                 # a factory reset asked for at the console
    _finish_restore(data_dir)
    sweep_temp_files(data_dir)
    settings = SettingsStore(data_dir).load()
    calllog = CallLog(data_dir / CALLLOG_NAME)
    engine = Engine(settings, seed=random.randrange(2**31),
                    pending_callbacks=recover(calllog, settings, time.time(), data_dir))
    loop = Loop(engine, RealClock())
    board = simulated_board(settings, loop)
    cards = board.sound_cards() if board is not None else None     # None: the real PyAudio
    lines = [build_line(settings, index, loop, data_dir, cards)
             for index in range(len(settings["lines"]))]
    bank = build_handsets(settings, loop, data_dir, cards, board)
    appliance = Appliance(loop, engine, calllog, data_dir)
    loop.connect(lines=lines, handsets=bank, calllog=appliance.calllog)
    log.info("running: lines %s, %d %s handsets; data in %s",
             ", ".join(f"{line.id} ({cfg['driver']})" for line, cfg in zip(lines, settings["lines"])),
             settings["handsets"]["count"], settings["handsets"]["driver"], data_dir)
    web = web_launch.start(loop, data_dir, settings["web"]["host"], settings["web"]["port"],
                           settings["web"]["https"])
    console = console_launch.start(loop, data_dir, settings, lines, bank)
    systemd.notify("READY=1")
    try:
        chores = [Watchdog(appliance.loop).tick,
                  Housekeeping(appliance.loop, data_dir, SettingsStore(data_dir).load).tick]
        serve(appliance, tick=lambda: [chore() for chore in chores])
    finally:
        web_launch.stop(web)
        console_launch.stop(console)
    return 0


CALLBACKS_KEPT_S = 7 * 86400         # a callback promised more than a week ago is not dialled


UNSAVED_FILE = "unsaved-records.jsonl"


def recover(calllog, settings: dict, now: float, data_dir: Path | None = None) -> list[dict]:
    """After a restart: take back records the call log refused last time, close records a power
    cut left open, and return the callbacks still owed (they keep their place in line)."""
    if data_dir is not None:
        _take_back_unsaved(calllog, data_dir / UNSAVED_FILE)
    closed = calllog.close_unfinished()
    if closed:
        log.warning("closed %d call record(s) left open by a power cut or crash (outcome failed): %s",
                    len(closed), ", ".join(closed))
    pending = calllog.pending_callbacks(settings["callbacks"]["max_attempts"],
                                        since=now - CALLBACKS_KEPT_S)
    if pending:
        log.info("%d callback(s) promised before the restart are back in line", len(pending))
    return pending


class Watchdog:
    """Pings systemd's watchdog while the event loop answers; a stuck loop gets restarted."""

    def __init__(self, loop: Loop):
        self.loop = loop
        self.every = systemd.watchdog_interval()
        self.last = 0.0

    def tick(self) -> None:
        """Called once a second by ``serve``."""
        if self.every is None or time.monotonic() - self.last < self.every:
            return
        try:
            self.loop.snapshot(timeout=self.every)
        except Exception:                       # noqa: BLE001 - a stuck loop: no ping, systemd acts
            log.error("the event loop did not answer within %.0f s", self.every)
            return
        self.last = time.monotonic()
        systemd.notify("WATCHDOG=1")


def build_line(settings: dict, index: int, scheduler, data_dir: Path | None = None,
               pyaudio_module=None):
    """The driver for ``settings['lines'][index]`` (validated settings name only drivers this
    firmware has). A line whose device is missing is still built: it starts out of service.
    ``pyaudio_module`` opens its bridge card (None: the real PyAudio)."""
    cfg = settings["lines"][index]
    if cfg["driver"] in GSM_DRIVERS:
        return _gsm_line(settings, index, scheduler, data_dir, pyaudio_module)
    if cfg["driver"] == "v253":
        from appliance.lines.voicemodem import voicemodem_line
        return voicemodem_line(settings, index, getattr(scheduler, "post", None), data_dir,
                               pyaudio_module)
    from hwsim.lines import SimLine
    from hwsim.network import Network
    from hwsim.speech import Speech
    return SimLine(cfg["id"], scheduler, Network(), Speech(settings),
                   settings["callbacks"]["answer_timeout_s"])


GSM_DRIVERS = ("sim800", "sim7600", "ec25")


def _gsm_line(settings: dict, index: int, scheduler, data_dir: Path | None, pyaudio_module):
    """A SIM800 / SIM7600 / EC25 line (appliance.lines.factory); docs/lines.md."""
    from appliance.lines.factory import gsm_line
    return gsm_line(settings, index, getattr(scheduler, "post", None), data_dir, pyaudio_module)


GPIO_ENV = "IVR_GPIO"          # rpi (default): the real RPi.GPIO; sim: the simulated board


def simulated_board(settings: dict, scheduler):
    """With ``handsets.driver`` gpio and ``IVR_GPIO=sim``: the simulated reference board (its
    chips, desk phones and sound cards) the drivers are wired to; otherwise None."""
    board = os.environ.get(GPIO_ENV, "rpi")
    if board not in ("rpi", "sim"):
        raise DriverError(f"environment variable {GPIO_ENV} is '{board}': it must be rpi (the "
                          "real board, the default) or sim (the simulated board)")
    if settings["handsets"]["driver"] != "gpio" or board != "sim":
        return None
    from hwsim.board.reference import ReferenceBoard
    cfg = settings["handsets"]
    return ReferenceBoard(scheduler, count=cfg["count"], pins=cfg["pins"],
                          seed=random.randrange(2**31))


def build_handsets(settings: dict, scheduler, data_dir: Path | None = None, pyaudio_module=None,
                   board=None):
    """The handset bank driver named by ``handsets.driver``: ``sim`` (simulated desks) or
    ``gpio`` (the reference board through RPi.GPIO, or ``board``, a simulated one), with the
    service bus card (``handsets.service_audio``) opened through ``pyaudio_module``."""
    cfg = settings["handsets"]
    if cfg["driver"] == "gpio":
        board = board if board is not None else simulated_board(settings, scheduler)
        if board is not None and pyaudio_module is None:
            pyaudio_module = board.sound_cards()
        return _gpio_handsets(settings, scheduler, board, _service_bus(settings, pyaudio_module),
                              data_dir)
    from hwsim.handsets import SimHandsets
    from hwsim.people.operator import operators_from_settings
    people = operators_from_settings(settings, cfg["sim_talk_s"], random.Random())
    return SimHandsets(scheduler, people, cfg["count"])


def _service_bus(settings: dict, pyaudio_module):
    name = settings["handsets"].get("service_audio")
    if not name:
        return None
    from appliance.audio.soundcard import card_opener
    from appliance.handsets.service_bus import ServiceBus
    return ServiceBus(card_opener(name, "handsets.service_audio", pyaudio_module))


def _gpio_handsets(settings: dict, scheduler, board, service, data_dir: Path | None):
    """The gpio driver on the real board, or on the simulated one for a demonstration."""
    from appliance.audio.prompts import PromptLibrary
    from appliance.handsets import gpio
    library = PromptLibrary(data_dir=data_dir, default_language=settings["language"])
    names = _phone_book_names(data_dir)
    if board is not None:
        from hwsim.board.desks import board_handsets
        from hwsim.people.operator import operators_from_settings
        people = operators_from_settings(settings, settings["handsets"]["sim_talk_s"],
                                         random.Random())
        return board_handsets(settings, scheduler, people, board=board, service=service,
                              library=library, names=names)
    return gpio.open_bank(gpio.load_rpi_gpio(), settings, scheduler, scheduler, service, library,
                          names)


def _finish_restore(data_dir: Path) -> None:
    """A restore that a power cut interrupted is finished or undone before anything is read, so
    the appliance never starts on half of one (appliance/store/backup.py)."""
    from appliance.store import backup
    for line in backup.recover(data_dir):
        log.warning("%s", line)


def _phone_book_names(data_dir: Path | None):
    """The phone book's lookup for caller ID on the desk phones' displays (read only: the web
    page is the one that writes it)."""
    if data_dir is None:
        return None
    from appliance.store.phonebook import PhoneBook
    return PhoneBook(data_dir, readonly=True).find


# -- running and stopping ----------------------------------------------------------------------

class _StopSignal(BaseException):
    """SIGINT or SIGTERM arrived: leave the serving loop and shut down cleanly."""


def serve(appliance: Appliance, tick: Callable[[], None] | None = None) -> None:
    """Run the loop on its thread until SIGTERM or SIGINT, calling ``tick`` once a second.

    Call it from the main thread (signals are delivered there). The handlers raise instead of
    setting an Event: an Event set from a handler can deadlock on the lock its own wait holds.
    """
    appliance.loop.start()
    restore = _no_restore
    try:
        restore = _on_signals()
        if _EARLY_STOP:                        # a signal came while the daemon was starting
            raise _StopSignal(_EARLY_STOP[0])
        while True:
            time.sleep(1.0)
            if tick is not None:
                tick()
    except (_StopSignal, KeyboardInterrupt):
        pass
    finally:
        restore()
        _shut_down_threaded(appliance)


_EARLY_STOP: list[int] = []


def hold_signals() -> None:
    """From the very start, SIGTERM or SIGINT is noted rather than fatal; ``serve`` then stops
    cleanly (with records for live calls) as soon as it runs."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, frame: _EARLY_STOP.append(signum))


def _on_signals() -> Callable[[], None]:
    """Make SIGINT and SIGTERM raise _StopSignal; returns what puts the old handlers back."""
    old = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    return lambda: [signal.signal(sig, previous) for sig, previous in old.items()]


def _raise_stop(signum, frame) -> None:
    raise _StopSignal(signum)


def _no_restore() -> None:
    """Nothing to put back (the handlers were not installed)."""


def _shut_down_threaded(appliance: Appliance) -> None:
    """End every live call (with its record), stop the loop thread, close drivers, commit every
    record still waiting (the writer's thread), keep aside what the log refused, close the log."""
    loop = appliance.loop
    systemd.notify("STOPPING=1")             # systemd waits for us, not the watchdog's clock
    loop.post(ShutdownRequested("stopped by signal"))
    loop.call_soon(loop.stop)                # after the shutdown has been handled
    loop.join(timeout=10.0)
    loop.close_drivers()
    loop.close_records()
    _keep_unsaved(appliance)
    appliance.calllog.close()


def _keep_unsaved(appliance: Appliance) -> None:
    """Records the call log refused to the end (a full disk) go to a side file, taken back into
    the log at the next start: a call never ends without its record."""
    unsaved = appliance.loop.unsaved_records()
    if not unsaved or appliance.data_dir is None:
        return
    path = appliance.data_dir / UNSAVED_FILE
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.writelines(json.dumps(record) + "\n" for record in unsaved)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        log.error("%d call record(s) could not be saved anywhere: %s", len(unsaved), exc)
        return
    log.error("%d call record(s) the call log refused are kept in %s", len(unsaved), path)


def _take_back_unsaved(calllog, path: Path) -> None:
    """Records the log refused last time, line by line: a line a power cut tore (or anything
    else that is not a record) is skipped and kept aside in ``NAME.bad``, never a reason not to
    start."""
    if not path.exists():
        return
    records, bad = [], []
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = safejson.loads(line)
        except safejson.JsonError as exc:
            bad.append(line)
            log.error("%s line %d is not a call record (%s): kept aside in %s.bad", path.name,
                      number, exc, path.name)
            continue
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            records.append(record)
        else:
            bad.append(line)
            log.error("%s line %d is not a call record: kept aside in %s.bad", path.name, number,
                      path.name)
    if records:
        calllog.write_many(records)
    if bad:
        with open(path.with_name(path.name + ".bad"), "ab") as out:
            out.write(b"\n".join(bad) + b"\n")
    path.unlink()
    log.warning("took %d call record(s) back into the call log from %s", len(records), path)


def _shut_down_here(appliance: Appliance) -> None:
    """The same, for a loop that runs on this thread (``--fast``)."""
    appliance.loop.post(ShutdownRequested("simulation finished"))
    appliance.loop.drain()
    appliance.loop.close_drivers()
    appliance.loop.close_records()
    appliance.calllog.close()


def _data_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ApplianceError(f"cannot create the data folder {path}: {exc.strerror}") from None
    return path


def _log_to(path: Path | None, to_stderr: bool) -> None:
    """Everything from INFO up to ``path``; to stderr (if asked) errors only, or everything
    from INFO up when there is no file (``run``, where systemd's journal keeps stderr)."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if path is not None:
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(fmt)
        root.addHandler(handler)
    if to_stderr:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.ERROR if path is not None else logging.INFO)
        handler.setFormatter(fmt)
        root.addHandler(handler)
