"""Composition root of ``run``: settings -> drivers -> loop -> engine, and serving until stopped.

It asks ``appliance.drivers`` for each driver the settings name, opens the call log, wires the
loop, and runs it on the wall clock until SIGTERM or Ctrl-C; ``appliance.cli.sim`` uses the same
pieces for the simulator (``serve``, ``log_to``, the shutdown). Stopping always posts
``ShutdownRequested`` first, so every live call gets its call record before the log is closed.
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

from appliance import drivers, systemd
from appliance.audio.realtime import keep_audio_on_time
from appliance.clock import RealClock
from appliance.engine import Engine
from appliance.housekeeping import Housekeeping
from appliance.errors import ApplianceError
from appliance import safejson
from appliance.events import ShutdownRequested
from appliance.loop import Loop
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore, sweep_temp_files

LOG_FILE = "appliance.log"

log = logging.getLogger("appliance.daemon")


@dataclass
class Appliance:
    """The wired appliance: its loop (owning the engine) and the call log it writes."""

    loop: Loop
    engine: Engine
    calllog: object
    data_dir: Path | None = None


# -- ivr-appliance run -----------------------------------------------------------------------

def cmd_run(args) -> int:
    """The daemon on the hardware the settings describe, until SIGTERM or SIGINT."""
    from appliance.console import launch as console_launch
    from appliance.web import launch as web_launch
    from appliance.console.system_cmds import erase_if_asked
    hold_signals()
    data_dir = open_data_dir(args.data_dir)
    log_to(None, to_stderr=True)
    erase_if_asked(data_dir)                 # a factory reset asked for at the console
    finish_restore(data_dir)
    sweep_temp_files(data_dir)
    settings = SettingsStore(data_dir).load()
    calllog = CallLog(data_dir / CALLLOG_NAME)
    engine = Engine(settings, seed=random.randrange(2**31),
                    pending_callbacks=recover(calllog, settings, time.time(), data_dir))
    loop = Loop(engine, RealClock())
    board = drivers.simulated_board(settings, loop)
    cards = board.sound_cards() if board is not None else None     # None: the real PyAudio
    lines = [drivers.build_line(settings, index, loop, data_dir, cards)
             for index in range(len(settings["lines"]))]
    bank = drivers.build_handsets(settings, loop, data_dir, cards, board)
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


def finish_restore(data_dir: Path) -> None:
    """A restore that a power cut interrupted is finished or undone before anything is read, so
    the appliance never starts on half of one (appliance/store/backup.py)."""
    from appliance.store import backup
    for line in backup.recover(data_dir):
        log.warning("%s", line)


# -- running and stopping ----------------------------------------------------------------------

class _StopSignal(BaseException):
    """SIGINT or SIGTERM arrived: leave the serving loop and shut down cleanly."""


def serve(appliance: Appliance, tick: Callable[[], None] | None = None) -> None:
    """Run the loop on its thread until SIGTERM or SIGINT, calling ``tick`` once a second.

    Call it from the main thread (signals are delivered there). The handlers raise instead of
    setting an Event: an Event set from a handler can deadlock on the lock its own wait holds.
    """
    keep_audio_on_time()
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


def shut_down_here(appliance: Appliance) -> None:
    """The same, for a loop that runs on this thread (``--fast``)."""
    appliance.loop.post(ShutdownRequested("simulation finished"))
    appliance.loop.drain()
    appliance.loop.close_drivers()
    appliance.loop.close_records()
    appliance.calllog.close()


def open_data_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ApplianceError(f"cannot create the data folder {path}: {exc.strerror}") from None
    return path


def log_to(path: Path | None, to_stderr: bool) -> None:
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
