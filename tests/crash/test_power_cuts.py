"""Power cuts: kill -9 the real daemon at random instants, and it always comes back whole.

One data folder sees ``TRIALS`` runs of ``ivr-appliance run`` (real time) on three simulated GSM
modules behind ptys (a SIM800, a SIM7600 and an EC25), with simulated handsets that answer after
half a second and talk for one. Each trial starts the daemon, waits until every line is in
service, then at once: callers ring in on every line and press a menu key, a web user fetches
the login page and the front page over HTTP, and a technician saves settings through the console
socket (``config set queues.sales.wrapup_s V`` with V rising, so a later save is a larger V). At
a random instant 0.5 to 4 s in, the daemon gets SIGKILL. Then, before the next start, on a copy
of the files as the power cut left them:

- the settings load (no error, no fall-back to the copy) and hold the last acknowledged save or
  a later one, and the audit log names every acknowledged save;
- the call log passes ``PRAGMA integrity_check``, and every record seen complete after an earlier
  kill is there unchanged (every record seen at all is still there);

and after the next start:

- every record the kill left live is closed (outcome, ``ended_at``, the log line naming it), so
  no call stays "live" for ever;
- no operator's handset rings and no line is busy for a call that died with the old daemon, and
  a call the module still carried from before is hung up.

A separate test tears ``settings.json`` mid-JSON while the daemon is down (a cut during a write
on a filesystem without ordering) and checks the next start runs on ``settings.json.bak`` with a
clear log line and keeps taking calls. A last run after all the kills, stopped cleanly, takes a
call on every line through to an operator.

About one trial in ten is cut while the daemon is still starting (its recovery included)
instead. ``IVR_LONG=1 ./dev.sh test tests/crash`` runs 100 trials (about 6 minutes on two cores);
the default suite runs 3 (about 20 s with the torn-file test). ``IVR_CRASH_SEED=N`` picks
another seed (it is named in every assertion message).
"""
from __future__ import annotations

import http.client
import logging
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from appliance.line_states import is_free
from appliance.store import audit, schema
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore
from hwsim.modems import simulated
from tests.console.rig import Client as Console
from tests.long_mode import LONG

TRIALS = 100 if LONG else 3
SEED = int(os.environ.get("IVR_CRASH_SEED", "20261203"))
DRIVERS = ("sim800", "sim7600", "ec25")
KILL_AFTER_S = (0.5, 4.0)          # after every line is in service
STARTUP_SHARE = 0.1                # trials cut while the daemon starts (recovery included)
STARTUP_KILL_S = (0.1, 1.2)        # after the process starts
WRAPUP = "queues.sales.wrapup_s"
RESTORED = "restored from the last good copy"
CLOSED_LOG = "left open by a power cut or crash"
BUSY_OPERATOR = ("ringing", "talking", "reserved", "wrapup")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)


def wrapup_value(seq: int) -> float:
    """The value of the ``seq``-th save: rising, so "a later save" is "a larger value"."""
    return round(0.2 + seq / 1000, 3)


def stored_wrapup(data: Path) -> tuple[float, str]:
    """The sales wrap-up in the settings as the next start would find them (read only: nothing
    is repaired here) and what the store logged while reading them."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("appliance.store.settings")
    logger.addHandler(handler)
    try:
        doc = SettingsStore(data, readonly=True).load()
    finally:
        logger.removeHandler(handler)
    return doc["queues"]["sales"]["wrapup_s"], "\n".join(r.getMessage() for r in records)


def records_as_left(data: Path, scratch: Path) -> dict[str, dict]:
    """The call log as the power cut left it (a copy of the file and its WAL, so the next start
    still does SQLite's own recovery): integrity first, then every record by id."""
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir()
    for suffix in ("", "-wal"):
        source = data / (CALLLOG_NAME + suffix)
        if source.exists():
            shutil.copyfile(source, scratch / source.name)
    path = scratch / CALLLOG_NAME
    if not path.exists():
        return {}
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    assert integrity == [("ok",)], f"the call log failed its integrity check: {integrity}"
    with CallLog(path, readonly=True) as log:
        return {record["id"]: record for record in log.iter_calls()}


def records_live(data: Path) -> dict[str, dict]:
    """Every record, read beside the running daemon."""
    with CallLog(data / CALLLOG_NAME, readonly=True) as log:
        return {record["id"]: record for record in log.iter_calls()}


def complete(record: dict) -> bool:
    return record["ended_at"] is not None and record["outcome"] is not None


def table_rows(answer: str) -> list[list[str]]:
    """The rows of a console table (``operators``, ``lines``) as words, heading dropped."""
    return [row.split() for row in answer.splitlines()[1:] if row.startswith("  ")
            and not row.startswith("    ")]


class Rig:
    """One data folder, three simulated modules, and the daemon started and killed on them."""

    def __init__(self, tmp: Path, drivers=DRIVERS) -> None:
        self.tmp = tmp
        self.data = tmp / "data"
        self.data.mkdir()
        self.modems = [simulated(d, path=tmp / f"modem{i}", ring_every_s=3.0)
                       for i, d in enumerate(drivers)]
        self.port = free_port()
        SettingsStore(self.data).save(schema.merge(schema.defaults(), {
            "lines": [{"id": f"line{i + 1}", "driver": d, "port": str(m.path)}
                      for i, (d, m) in enumerate(zip(drivers, self.modems))],
            "handsets": {"sim_answer_after_s": 0.5, "sim_talk_s": 1.0},
            "queues": {"sales": {"wrapup_s": wrapup_value(0)}, "support": {"wrapup_s": 0.2}},
            "web": {"host": "127.0.0.1", "port": self.port}}))
        self.proc: subprocess.Popen | None = None
        self.err: Path | None = None
        self.runs = 0
        self.marks = [0] * len(self.modems)
        self.seq = 0                     # saves sent so far
        self.sent: list[float] = [wrapup_value(0)]
        self.acked: list[float] = [wrapup_value(0)]
        self.refused: list[str] = []     # saves the console answered with an error

    # -- the daemon -------------------------------------------------------------------------

    def start(self) -> subprocess.Popen:
        self.runs += 1
        self.marks = [len(m.received) for m in self.modems]
        self.err = self.tmp / f"run{self.runs:03d}.err"
        with open(self.err, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "appliance", "run", "--data-dir", str(self.data)],
                stdout=subprocess.DEVNULL, stderr=err)
        return self.proc

    def log(self) -> str:
        return self.err.read_text(errors="replace")

    def in_service(self) -> bool:
        """Every line identified, initialised and checked for leftovers since this start (the
        AT+CLCC after AT+CLIP=1), the console answering."""
        for modem, mark in zip(self.modems, self.marks):
            said = modem.received[mark:]
            if "AT+CLIP=1" not in said or "AT+CLCC" not in said[said.index("AT+CLIP=1"):]:
                return False
        return (self.data / "console.sock").exists()

    def wait_ready(self, what: str) -> None:
        deadline = time.monotonic() + 30.0
        while not self.in_service():
            assert self.proc.poll() is None, f"{what}: the daemon exited ({self.proc.returncode})" \
                                             f":\n{self.log()}"
            assert time.monotonic() < deadline, f"{what}: lines never in service:\n{self.log()}"
            time.sleep(0.05)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
        for modem in self.modems:
            modem.stop()

    def console(self) -> Console:
        deadline = time.monotonic() + 10.0
        while True:
            try:
                return Console(self.data / "console.sock")
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    # -- what people do meanwhile -------------------------------------------------------------

    def save_settings(self, stop: threading.Event, pauses: list[float]) -> None:
        """A technician saving the sales wrap-up again and again until the daemon dies."""
        try:
            console = self.console()
        except OSError:
            return
        try:
            for pause in pauses:
                if stop.is_set():
                    return
                self.seq += 1
                value = wrapup_value(self.seq)
                self.sent.append(value)
                answer = console.ask(f"config set {WRAPUP} {value}")
                if "(in effect now)" in answer:
                    self.acked.append(value)
                else:
                    self.refused.append(f"config set {WRAPUP} {value}: {answer}")
                stop.wait(pause)
        except (OSError, ConnectionError):
            return                                  # the daemon died under us
        finally:
            console.close()


def web_user(port: int, stop: threading.Event, codes: list) -> None:
    """Someone with the web page open: the login page and the front page, again and again."""
    while not stop.is_set():
        for path in ("/login", "/"):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as got:
                    got.read()
                    codes.append(got.status)
            except urllib.error.HTTPError as exc:
                codes.append(exc.code)
            except (OSError, http.client.HTTPException):
                codes.append(None)                  # refused or cut off: the daemon is down
        stop.wait(0.1)


def caller(modem, number: str, offset: float, think: float, key: str,
           stop: threading.Event) -> None:
    """A caller ringing in after ``offset``, pressing ``key`` ``think`` s after the answer."""
    if stop.wait(offset):
        return
    modem.incoming_call(number)
    deadline = time.monotonic() + 10.0
    while modem.state != "active":
        if stop.wait(0.05) or time.monotonic() > deadline:
            return
    if not stop.wait(think):
        modem.press(key)


def after_the_kill(modem, choice: str) -> None:
    """What the world does to a module while the daemon is down: a caller still ringing gives
    up; a call that is up stays up (only the Pi lost power), is ended by the caller, or the
    module loses power too."""
    if modem.state == "ringing" or (modem.state == "active" and choice == "hang_up"):
        modem.hang_up()
    elif modem.state == "active" and choice == "restart":
        modem.restart()


def check_as_left(rig: Rig, where: str, seen: dict, done: dict) -> tuple[dict, dict, list]:
    """The files as the kill left them, before anything starts again: settings that load with
    the last acknowledged save (or a later one), a whole call log that still holds every record
    seen before, complete ones unchanged. Returns (seen, done, ids left live) for the next."""
    value, warnings = stored_wrapup(rig.data)
    assert not warnings, f"{where}: the settings did not load cleanly after the kill: {warnings}"
    assert value >= rig.acked[-1] and value in rig.sent, (
        f"{where}: settings lost an acknowledged save: {WRAPUP} is {value}, the last save "
        f"acknowledged was {rig.acked[-1]} (last sent {rig.sent[-1]})")
    try:
        now = records_as_left(rig.data, rig.tmp / "as-left")
    except AssertionError as exc:
        raise AssertionError(f"{where}: {exc}") from None
    for call_id, record in done.items():
        assert now.get(call_id) == record, (f"{where}: complete record {call_id} changed or "
                                            f"vanished: was {record}, now {now.get(call_id)}")
    lost = sorted(set(seen) - set(now))
    assert not lost, f"{where}: records vanished: {lost}"
    for record in now.values():
        assert record["started_at"] <= (record["ended_at"] or record["started_at"]), \
            f"{where}: a record ends before it starts: {record}"
    done = {**done, **{k: r for k, r in now.items() if complete(r)}}
    return now, done, [k for k, r in now.items() if not complete(r)]


@pytest.fixture
def rig(tmp_path):
    made = Rig(tmp_path)
    try:
        yield made
    finally:
        made.close()


def test_kill_9_at_random_instants_loses_nothing_committed(rig):
    rng = random.Random(SEED)
    seen: dict[str, dict] = {}          # every record seen after a kill, by id
    done: dict[str, dict] = {}          # those seen complete: they must never change
    left_live: list[str] = []           # records the last kill left live
    tally = {"kills": 0, "startup_kills": 0, "live_at_kill": 0, "save_in_flight": 0,
             "saves_acked": 0, "web_answers": 0, "leftover_calls": 0, "modem_restarts": 0,
             "cut_mid_write": 0}
    began = time.monotonic()

    for trial in range(1, TRIALS + 1):
        where = f"trial {trial}/{TRIALS} (seed {SEED}, data {rig.data})"
        rig.start()
        if rng.random() < STARTUP_SHARE:         # the cut comes while it starts (and recovers)
            time.sleep(rng.uniform(*STARTUP_KILL_S))
            rig.kill()
            tally["startup_kills"] += 1
            seen, done, left_live = check_as_left(rig, f"{where}, killed starting", seen, done)
            continue
        rig.wait_ready(where)

        # -- the start after the last kill: nothing left live, nothing left ringing ------------
        now = records_live(rig.data)
        for call_id in seen:
            assert call_id in now, f"{where}: record {call_id} vanished at the restart"
            assert complete(now[call_id]), (f"{where}: record {call_id} is still live after the "
                                            f"restart: {now[call_id]}")
        for call_id in left_live:
            record = now[call_id]
            assert record["failure"] or record["outcome"] != "failed", \
                f"{where}: {call_id} closed without saying why: {record}"
            assert call_id in rig.log(), (f"{where}: the start did not log closing {call_id}:\n"
                                          f"{rig.log()}")
            assert CLOSED_LOG in rig.log()
            seen[call_id] = done[call_id] = record
        for modem in rig.modems:
            wait_for(lambda m=modem: m.state == "idle",
                     f"{where}: a call left on {modem.dialect.name} from before hung up", 10.0)
        console = rig.console()
        try:
            operators = console.ask("operators")
            assert len(table_rows(operators)) == 3, operators
            for row in table_rows(operators):
                assert row[3] not in BUSY_OPERATOR, (
                    f"{where}: after the restart operator {row[0]} is {row[3]} for a call that "
                    f"died:\n{operators}")
            deadline = time.monotonic() + 10.0       # a line may still be (re)initialising
            lines = console.ask("lines")
            assert len(table_rows(lines)) == len(rig.modems), lines
            while not all(is_free(row[1]) for row in table_rows(lines)):
                assert time.monotonic() < deadline, (f"{where}: after the restart a line carries "
                                                     f"a call nobody made:\n{lines}")
                time.sleep(0.1)
                lines = console.ask("lines")
        finally:
            console.close()

        # -- calls, the web page and settings saves, then the power cut ----------------------
        stop = threading.Event()
        codes: list = []
        acked_before = len(rig.acked)
        temp_before = set(rig.data.glob("*.tmp"))
        workers = [threading.Thread(target=rig.save_settings, daemon=True,
                                    args=(stop, [rng.uniform(0.0, 0.2) for _ in range(200)])),
                   threading.Thread(target=web_user, args=(rig.port, stop, codes), daemon=True)]
        for n, modem in enumerate(rig.modems):
            workers.append(threading.Thread(target=caller, daemon=True, args=(
                modem, f"+44770090{trial % 1000:03d}{n}", rng.uniform(0.0, 0.8),
                rng.uniform(1.0, 2.0), rng.choice("12"), stop)))
        for worker in workers:
            worker.start()
        time.sleep(rng.uniform(*KILL_AFTER_S))
        rig.kill()
        stop.set()
        for worker in workers:
            worker.join(timeout=15)
        tally["kills"] += 1
        tally["saves_acked"] += len(rig.acked) - acked_before
        tally["save_in_flight"] += rig.sent[-1] != rig.acked[-1]
        tally["web_answers"] += sum(code is not None for code in codes)
        assert not rig.refused, f"{where}: the console refused a save: {rig.refused}"
        errors = [code for code in codes if code is not None and code >= 500]
        assert not errors, f"{where}: the web page answered {errors}"
        restarted = False
        for modem in rig.modems:
            choice = rng.choice(("leave", "hang_up", "restart"))
            tally["leftover_calls"] += modem.state == "active" and choice == "leave"
            restarted |= modem.state == "active" and choice == "restart"
            tally["modem_restarts"] += modem.state == "active" and choice == "restart"
            after_the_kill(modem, choice)

        seen, done, left_live = check_as_left(rig, where, seen, done)
        tally["live_at_kill"] += bool(left_live)
        audited = {change.get("new") for entry in audit.recent(rig.data, 500)
                   for change in entry["changes"] if change["path"] == WRAPUP}
        missing = [v for v in rig.acked[acked_before:] if v not in audited]
        assert not missing, f"{where}: acknowledged saves missing from the audit log: {missing}"
        left_behind = set(rig.data.glob("*.tmp")) - temp_before
        tally["cut_mid_write"] += bool(left_behind)
        if restarted:
            time.sleep(1.5)                          # a module rebooting comes back first

    # -- a last run, stopped cleanly, still takes calls ---------------------------------------
    where = f"the clean run after {TRIALS} kills (seed {SEED})"
    rig.start()
    rig.wait_ready(where)
    for n, modem in enumerate(rig.modems):
        wait_for(lambda m=modem: m.state == "idle", f"{where}: line {n + 1} idle")
        modem.incoming_call(f"+4477009999{n}")
    for modem in rig.modems:
        wait_for(lambda m=modem: m.state == "active", f"{where}: answered")
    time.sleep(1.5)
    for modem in rig.modems:
        modem.press("1")
    for modem in rig.modems:
        wait_for(lambda m=modem: m.state == "idle", f"{where}: the call ended", timeout=60)
    assert rig.stop() == 0, f"{where}:\n{rig.log()}"
    after = records_as_left(rig.data, rig.tmp / "as-left")
    last = [r for r in after.values() if (r["caller"] or "").startswith("+4477009999")]
    assert len(last) == len(rig.modems) and all(r["outcome"] == "answered" for r in last), \
        f"{where}: {last}"
    assert all(complete(r) for r in after.values()), f"{where}: a record left live"
    for call_id, record in done.items():
        assert after[call_id] == record, f"{where}: {call_id} changed"
    logs = "".join(p.read_text(errors="replace") for p in sorted(rig.tmp.glob("run*.err")))
    assert "Traceback" not in logs, f"seed {SEED}: a traceback in a run's log:\n{logs}"

    tally.update(records=len(after), runs=rig.runs, seconds=round(time.monotonic() - began))
    print(f"\npower cuts (seed {SEED}): {tally}")
    if TRIALS >= 50:                                # the long mode must have hit what it claims
        assert tally["live_at_kill"] >= TRIALS // 10, tally
        assert tally["save_in_flight"] >= TRIALS // 20, tally
        assert tally["leftover_calls"] >= 1, tally


def test_a_torn_settings_file_falls_back_to_its_last_good_copy(tmp_path):
    rig = Rig(tmp_path, drivers=("sim800", "ec25"))
    try:
        rig.start()
        rig.wait_ready("first start")
        console = rig.console()
        try:
            values = [wrapup_value(n) for n in (11, 12, 13)]
            for value in values:
                assert "(in effect now)" in console.ask(f"config set {WRAPUP} {value}")
        finally:
            console.close()
        rig.kill()
        path = rig.data / "settings.json"
        whole = path.read_bytes()
        cut = random.Random(SEED).randrange(len(whole) // 4, len(whole) * 3 // 4)
        path.write_bytes(whole[:cut])                 # the cut came mid-write, unordered

        value, warnings = stored_wrapup(rig.data)
        assert value == values[-2] and "is damaged" in warnings, (value, warnings)

        rig.start()
        rig.wait_ready(f"the start on a settings file torn at byte {cut} of {len(whole)}")
        log = rig.log()
        assert "settings.json is damaged" in log and RESTORED in log, log
        assert SettingsStore(rig.data, readonly=True).load()["queues"]["sales"]["wrapup_s"] \
            == values[-2]
        assert (rig.data / "settings.json.damaged").read_bytes() == whole[:cut]
        console = rig.console()
        try:
            assert console.ask(f"config get {WRAPUP}") == f"{WRAPUP} = {values[-2]}"
            assert "(in effect now)" in console.ask(f"config set {WRAPUP} {values[-1]}")
        finally:
            console.close()
        for n, modem in enumerate(rig.modems):          # and it keeps serving calls
            modem.incoming_call(f"+44770098880{n}")
        for modem in rig.modems:
            wait_for(lambda m=modem: m.state == "active", "answered on the restored settings")
        time.sleep(1.5)
        for modem in rig.modems:
            modem.press("1")
        for modem in rig.modems:
            wait_for(lambda m=modem: m.state == "idle", "the call ended", timeout=60)
        assert rig.stop() == 0, rig.log()
        records = records_as_left(rig.data, tmp_path / "as-left")
        assert sorted(r["outcome"] for r in records.values()) == ["answered", "answered"], records
        assert SettingsStore(rig.data, readonly=True).load()["queues"]["sales"]["wrapup_s"] \
            == values[-1]
    finally:
        rig.close()
