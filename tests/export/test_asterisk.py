"""``ivr-appliance export asterisk DIR``: each file checked against the format Asterisk documents.

The expectations come from Asterisk's sources, not from the exporter: cdr/cdr_csv.c (Master.csv
columns and quoting), apps/app_queue.c (queue_log events and their data fields, strategies,
Queue() arguments), main/logger.c (queue_log line), main/pbx_timing.c (GotoIfTime grammar and
an inclusive end minute), formats/format_wav.c (8 kHz mono 16-bit PCM WAV).
"""
from __future__ import annotations

import csv
import io
import math
import re
import subprocess
import sys
import wave
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from appliance import timefmt
from appliance.audio import codecs
from appliance.engine import menu as menus
from appliance.engine.schedule import Schedule
from appliance.export_asterisk import export, render
from appliance.store import schema
from appliance.store.calllog import CALL_FIELDS, CALLLOG_NAME, CallLog
from appliance.store.phonebook import PhoneBook
from appliance.store.settings import SettingsStore

ROOT = Path(__file__).resolve().parents[2]

# ---- the documented formats, written down from Asterisk's sources -------------------------------

CDR_COLUMNS = ["accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
               "lastdata", "start", "answer", "end", "duration", "billsec", "disposition",
               "amaflags", "uniqueid", "userfield"]
DISPOSITIONS = {"ANSWERED", "NO ANSWER", "BUSY", "FAILED"}
# app_queue.c: the data fields after epoch|callid|queue|agent|event for each event
QUEUE_LOG_DATA = {"ENTERQUEUE": 3, "RINGNOANSWER": 1, "RINGCANCELED": 1, "CONNECT": 3,
                  "COMPLETECALLER": 3, "COMPLETEAGENT": 3, "BLINDTRANSFER": 5, "ABANDON": 3,
                  "EXITWITHTIMEOUT": 3, "EXITEMPTY": 3, "EXITWITHKEY": 4}
TERMINAL = {"COMPLETECALLER", "COMPLETEAGENT", "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY",
            "EXITWITHKEY"}
STRATEGIES = {"lru": "leastrecent", "fewest_calls": "fewestcalls", "random": "random",
              "ring_all": "ringall"}
_DAY = r"(sun|mon|tue|wed|thu|fri|sat)"
_HHMM = r"([01]?\d|2[0-3]):[0-5]\d"
GOTOIFTIME = re.compile(
    rf"GotoIfTime\((?P<times>\*|{_HHMM}-{_HHMM}(&{_HHMM}-{_HHMM})*),"
    rf"(?P<dows>\*|{_DAY}(-{_DAY})?(&{_DAY}(-{_DAY})?)*),"
    r"(?P<mdays>\*|\d{1,2}(-\d{1,2})?(&\d{1,2}(-\d{1,2})?)*),"
    r"(?P<months>\*|[a-z]{3}(-[a-z]{3})?(&[a-z]{3}(-[a-z]{3})?)*)"
    r"(,(?P<tz>[A-Za-z_+\-/0-9]+))?\?(?P<dest>[^:)]+)(:[^)]+)?\)$")
CDR_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
WAV_TAG_PCM = 1

# ---- inputs -----------------------------------------------------------------------------------

RICH = {
    "language": "it",
    "handsets": {"count": 6},
    "operators": [
        {"id": "ann", "name": "Ann, Jr.", "handset": 1, "queues": ["sales", "support"]},
        {"id": "bob", "name": "Bob", "handset": 2, "queues": ["sales"], "paused": True},
        {"id": "cat", "name": "Cat", "handset": 3, "queues": ["support", "billing"]},
        {"id": "dan", "name": "Dan", "handset": 4, "queues": ["vip"]},
        {"id": "eve", "name": "Eve", "handset": 5, "queues": ["billing"], "enabled": False},
    ],
    "queues": {
        "sales": {"strategy": "lru", "max_wait_s": 300, "escalate_to": "support",
                  "escalate_after_s": 60, "overflow": {"action": "queue", "queue": "support"}},
        "support": {"strategy": "fewest_calls", "max_wait_s": 600, "leave_when_empty": True,
                    "overflow": {"action": "voicemail"}, "autopause_after_missed": 0},
        "billing": {"strategy": "random", "max_wait_s": 120, "announce_position": False,
                    "announce_wait": False, "overflow": {"action": "callback_offer"}},
        "vip": {"strategy": "ring_all", "max_wait_s": 90, "ring_timeout_s": 20, "wrapup_s": 30,
                "overflow": {"action": "goodbye"}, "service_level_s": 10},
    },
    "menu": {
        "timeout_s": 4, "max_tries": 2, "fallback": {"action": "goodbye"},
        "root": {"prompt": "menu_main", "options": {
            "1": {"action": "queue", "queue": "sales"},
            "2": {"action": "submenu", "menu": {
                "prompt": "menu_support", "timeout_s": 7, "max_tries": 4,
                "fallback": {"action": "queue", "queue": "support"},
                "options": {
                    "1": {"action": "queue", "queue": "support"},
                    "2": {"action": "queue", "queue": "billing"},
                    "*": {"action": "back"},
                    "#": {"action": "repeat"},
                    "3": {"action": "submenu", "menu": {"prompt": "opening_hours", "options": {
                        "1": {"action": "queue", "queue": "vip"},
                        "0": {"action": "back"}}}}}}},
            "3": {"action": "message", "prompt": "opening_hours"},
            "4": {"action": "language", "language": "ru"},
            "9": {"action": "voicemail"},
            "0": {"action": "goodbye"},
            "*": {"action": "repeat"},
            "#": {"action": "language", "language": "en"}}},
    },
    "hours": {"timezone": "Europe/London",
              "weekly": {day: [["09:00", "12:30"], ["13:30", "17:30"]]
                         for day in ("mon", "tue", "wed", "thu")}
              | {"fri": [["09:00", "16:00"]], "sat": [["10:00", "24:00"]],
                 "sun": [["00:00", "02:00"]]},
              "holidays": ["2026-12-25", "2026-12-26", "2027-01-01"],
              "closed_prompt": "closed_weekend"},
    "voicemail": {"when_closed": True},
    "recording": {"enabled": True},
}


def rich_settings() -> dict:
    return schema.validate(RICH)


def record(call_id: str, started_at: str, **fields) -> dict:
    out = dict.fromkeys(CALL_FIELDS)
    out.update(id=call_id, direction="inbound", line="line1", started_at=started_at,
               answered_at=started_at, ring_attempts=[], callback_offered=False, transfers=[])
    out.update(fields)
    return out


def ring(op: str, handset: int, start: str, end: str, result: str) -> dict:
    return {"operator": op, "handset": handset, "started_at": start, "ended_at": end,
            "result": result}


T = "2026-11-23T09:"
RECORDS = [
    record("a1", T + "00:00.000Z", caller="+441632960001", menu_path="1", queue="sales",
           queued_at=T + "00:05.000Z", position_at_entry=2, wait_s=40.0, operator="ann", handset=1,
           ring_s=5.0, talk_s=120.5, ended_at=T + "02:45.500Z", outcome="answered",
           hangup_by="caller",
           ring_attempts=[ring("bob", 2, T + "00:10.000Z", T + "00:25.000Z", "no_answer"),
                          ring("cat", 3, T + "00:25.000Z", T + "00:27.000Z", "busy"),
                          ring("ann", 1, T + "00:40.000Z", T + "00:45.000Z", "answered")]),
    record("a2", T + "01:00.000Z", caller=None, menu_path="21", queue="support",
           queued_at=T + "01:08.000Z", position_at_entry=1, wait_s=3.0, operator="cat",
           handset=3, ring_s=3.0, talk_s=60.0, ended_at=T + "02:11.000Z", outcome="answered",
           hangup_by="operator",
           ring_attempts=[ring("ann", 1, T + "01:08.000Z", T + "01:11.000Z", "cancelled"),
                          ring("cat", 3, T + "01:08.000Z", T + "01:11.000Z", "answered")]),
    record("m1", T + "03:00.000Z", caller="01632960002", ended_at=T + "03:09.400Z",
           outcome="abandoned_menu", hangup_by="caller"),
    record("q1", T + "04:00.000Z", caller="+441632960003", menu_path="1", queue="sales",
           queued_at=T + "04:04.000Z", position_at_entry=3, wait_s=75.0,
           ended_at=T + "05:19.000Z", outcome="abandoned_queue", hangup_by="caller",
           ring_attempts=[ring("ann", 1, T + "04:10.000Z", T + "04:25.000Z", "no_answer")]),
    record("cb1", T + "06:00.000Z", caller="+441632960004", menu_path="22", queue="billing",
           queued_at=T + "06:09.000Z", position_at_entry=4, wait_s=30.0, callback_offered=True,
           callback_number="+441632960004", ended_at=T + "06:50.000Z",
           outcome="callback_requested", hangup_by="caller"),
    record("cb1-d", T + "20:00.000Z", direction="callback", parent_id="cb1",
           caller="+441632960004", answered_at=T + "20:12.000Z", queue="billing",
           operator="cat", handset=3, talk_s=90.0, ended_at=T + "21:42.000Z",
           outcome="callback_answered", hangup_by="operator"),
    record("cb2-d", T + "30:00.000Z", direction="callback", parent_id="cbx",
           caller="+441632960005", answered_at=None, queue="billing",
           ended_at=T + "30:30.000Z", outcome="callback_failed", hangup_by="system"),
    record("vm1", T + "40:00.000Z", caller="+441632960006", menu_path="21", queue="support",
           queued_at=T + "40:06.000Z", position_at_entry=1, wait_s=600.0,
           ended_at=T + "51:30.000Z", outcome="voicemail", hangup_by="caller",
           voicemail="voicemail/vm1.wav"),
    record("c1", "2026-11-22T03:00:00.000Z", caller="+441632960007",
           ended_at="2026-11-22T03:00:12.000Z", outcome="closed", hangup_by="system"),
    record("n1", T + "52:00.000Z", caller="+441632960008", menu_path="21", queue="support",
           queued_at=T + "52:05.000Z", position_at_entry=1, wait_s=0.0,
           ended_at=T + "52:09.000Z", outcome="no_operators", hangup_by="system"),
    record("f1", T + "53:00.000Z", caller="+441632960009", answered_at=None,
           ended_at=T + "53:01.000Z", outcome="failed", hangup_by="system",
           failure="line out of service"),
    record("x1", T + "54:00.000Z", caller="+441632960010", menu_path="1", queue="sales",
           queued_at=T + "54:03.000Z", position_at_entry=1, wait_s=310.0, operator="cat",
           handset=3, ring_s=2.0, talk_s=45.0, ended_at=T + "59:58.000Z", outcome="answered",
           hangup_by="caller",
           transfers=[{"at": T + "59:03.000Z", "from_queue": "sales", "to_queue": "support",
                       "by": "system"}],
           ring_attempts=[ring("cat", 3, T + "59:11.000Z", T + "59:13.000Z", "answered")]),
    record("t1", "2026-11-23T10:00:00.000Z", caller="+441632960011", menu_path="1",
           queue="sales", queued_at="2026-11-23T10:00:03.000Z", position_at_entry=1,
           wait_s=7.0, operator="cat", handset=3, ring_s=2.0, talk_s=100.0,
           ended_at="2026-11-23T10:03:00.000Z", outcome="answered", hangup_by="operator",
           transfers=[{"at": "2026-11-23T10:01:00.000Z", "from_queue": "sales",
                       "to_queue": "support", "by": "ann"}],
           ring_attempts=[ring("ann", 1, "2026-11-23T10:00:05.000Z",
                               "2026-11-23T10:00:10.000Z", "answered"),
                          ring("cat", 3, "2026-11-23T10:01:00.000Z",
                               "2026-11-23T10:01:02.000Z", "answered")]),
]
PHONEBOOK = [
    {"number": "+44 1632 960001", "name": 'Ann "the client" Example', "company": "Ex Ltd"},
    {"number": "01632 960002", "name": "Rossi, Bruno", "company": ""},
    {"number": "+441632960003", "name": "", "company": "Zoë Ångström AB"},
]


def fill(data_dir: Path, settings: dict | None = None, records=RECORDS, book=PHONEBOOK) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    if settings is not None:
        SettingsStore(data_dir).save(settings)
    with CallLog(data_dir / CALLLOG_NAME) as log:
        log.write_many(records)
    phonebook = PhoneBook(data_dir)
    for entry in book:
        phonebook.add(entry)
    return data_dir


def cli(*argv) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "appliance", *map(str, argv)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def rich_export(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("rich")
    data = fill(base / "data", RICH)
    done = cli("export", "asterisk", base / "out", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    assert "README.md" in done.stdout
    return base / "out"


@pytest.fixture(scope="module")
def default_export(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("default")
    data = fill(base / "data", None, records=[], book=[])
    done = cli("--data-dir", data, "export", "asterisk", base / "out")
    assert done.returncode == 0, done.stderr
    return base / "out"


# ---- an Asterisk config file, read as Asterisk's config parser reads it --------------------------

def parse_config(text: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """``[(section, [(key, operator, value)])]``; a line that is neither a section, a
    ``key = value`` / ``key => value`` nor a comment fails the test."""
    sections: list = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(?<!\\);.*", "", raw).strip()
        if not line:
            continue
        head = re.fullmatch(r"\[([^\]\s]+)\]", line)
        if head:
            sections.append((head.group(1), []))
            continue
        pair = re.fullmatch(r"([A-Za-z0-9_\-]+)\s*(=>|=)\s*(.*)", line)
        assert pair and sections, f"line {number} is not Asterisk config: {raw!r}"
        sections[-1][1].append(pair.groups())
    return sections


def dialplan(text: str) -> dict[str, dict[str, list[tuple[str | None, str]]]]:
    """context -> extension -> [(label, application call)], checking exten/same syntax."""
    plan: dict = {}
    for context, lines in parse_config(text):
        assert context not in plan, f"context {context} twice"
        exts: dict = plan.setdefault(context, {})
        current = None
        for key, op, value in lines:
            assert op == "=>", (context, key, value)
            if key == "exten":
                m = re.fullmatch(r"([^,]+),1(?:\((\w+)\))?,(\w+\(.*\))", value)
                assert m, f"bad exten in {context}: {value}"
                current = m.group(1)
                assert current not in exts, f"{context}: extension {current} twice"
                exts[current] = [(m.group(2), m.group(3))]
            else:
                assert key == "same" and current is not None, value
                m = re.fullmatch(r"n(?:\((\w+)\))?,(\w+\(.*\))", value)
                assert m, f"bad same in {context}: {value}"
                exts[current].append((m.group(1), m.group(2)))
            app = exts[current][-1][1]
            assert _balanced(app), app
    return plan


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _targets(app: str, context: str) -> list[tuple[str, str, str]]:
    """(context, extension, priority or label) of every jump an application can make."""
    name, args = app.split("(", 1)
    args = args[:-1]
    labels = []
    if name == "Goto":
        labels = [args]
    elif name in ("GotoIf", "GotoIfTime"):
        labels = [part for part in args.rsplit("?", 1)[1].split(":") if part]
    elif name == "Background" and args.count(",") == 3:
        labels = [f"{args.rsplit(',', 1)[1]},s,1"]
    out = []
    for label in labels:
        parts = label.split(",")
        if len(parts) == 2:
            parts = [context] + parts
        out.append(tuple(parts))
    return out


def check_jumps(plan) -> None:
    """Every Goto lands on an extension and a priority (or label) that exists."""
    for context, exts in plan.items():
        for steps in exts.values():
            for _, app in steps:
                for ctx, ext, prio in _targets(app, context):
                    assert ctx in plan, f"{context}: {app} names context {ctx}"
                    assert ext in plan[ctx], f"{context}: {app} names {ext}@{ctx}"
                    labels = {label for label, _ in plan[ctx][ext]}
                    assert prio == "1" or prio in labels, f"{context}: {app} names {prio}"


# ---- extensions.conf ------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["default", "rich"])
def test_extensions_conf_is_asterisk_config_and_every_jump_lands(which, request):
    out = request.getfixturevalue(f"{which}_export")
    plan = dialplan((out / "extensions.conf").read_text())
    check_jumps(plan)
    settings = schema.defaults() if which == "default" else rich_settings()
    assert f"Set(CHANNEL(language)={settings['language']})" in \
        [app for _, app in plan["ivr-incoming"]["s"]]


def _contexts_of_menu(menu, path=(), name="ivr-menu"):
    yield path, name
    names = {"*": "star", "#": "hash"}
    for key, action in menus.node_at(menu, path)["options"].items():
        if action["action"] == "submenu":
            yield from _contexts_of_menu(menu, path + (key,), f"{name}-{names.get(key, key)}")


@pytest.mark.parametrize("which", ["default", "rich"])
def test_every_menu_node_has_its_context_prompt_keys_timeout_tries_and_fallback(which, request):
    out = request.getfixturevalue(f"{which}_export")
    plan = dialplan((out / "extensions.conf").read_text())
    settings = schema.defaults() if which == "default" else rich_settings()
    menu = settings["menu"]
    for path, name in _contexts_of_menu(menu):
        node, exts = menus.node_at(menu, path), plan[name]
        apps = [app for _, app in exts["s"]]
        assert f"Background(ivr/{node['prompt']})" in apps
        assert f"WaitExten({menus.setting(menu, path, 'timeout_s'):g})" in apps
        assert set(node["options"]) | {"s", "i", "t", "fallback"} == set(exts)
        tries = menus.setting(menu, path, "max_tries")
        for ext in ("i", "t"):
            assert f"GotoIf($[${{TRIES}} >= {tries}]?fallback,1)" in [a for _, a in exts[ext]]
        fallback = menus.setting(menu, path, "fallback")
        last = exts["fallback"][-1][1]
        if fallback["action"] == "queue":
            assert last == f"Goto(ivr-queue-{fallback['queue']},s,1)"
        else:
            assert last == "Hangup()"
        for key, action in node["options"].items():
            steps = [app for _, app in exts[key]]
            kind = action["action"]
            if kind == "queue":
                assert steps[-1] == f"Goto(ivr-queue-{action['queue']},s,1)"
            elif kind == "language":
                assert f"Set(CHANNEL(language)={action['language']})" in steps
            elif kind == "message":
                assert f"Background(ivr/{action['prompt']})" in steps
            elif kind == "voicemail":
                assert steps[-1] == "Goto(ivr-voicemail,s,1)"


def test_queue_contexts_pass_max_wait_as_the_queue_timeout_and_run_the_overflow(rich_export):
    plan = dialplan((rich_export / "extensions.conf").read_text())
    sales = [app for _, app in plan["ivr-queue-sales"]["s"]]
    assert sales[:3] == ["Set(QUEUE_MAX_PENALTY=0)", "Set(__TRANSFER_CONTEXT=ivr-transfer-sales)",
                         "Queue(sales,t,,,300)"]
    assert [a for _, a in plan["ivr-transfer-sales"]["0"]][-1] == "Goto(ivr-queue-support,head,1)"
    # Queue(queuename,options,URL,announceoverride,timeout,AGI,gosub,rule,position)
    assert "Queue(support,,,,600,,,,1)" in [a for _, a in plan["ivr-queue-support"]["head"]]
    overflow = {q: [a for _, a in plan[f"ivr-queue-{q}"]["overflow"]][-1]
                for q in ("sales", "support", "billing", "vip")}
    assert overflow == {"sales": "Goto(ivr-queue-support,head,1)",
                        "support": "Goto(ivr-voicemail,s,1)",
                        "billing": "Goto(ivr-voicemail,s,1)", "vip": "Hangup()"}
    assert [a for _, a in plan["ivr-closed"]["s"]] == ["Playback(ivr/closed_weekend)",
                                                      "Goto(ivr-voicemail,s,1)"]
    open_ = [a for _, a in plan["ivr-open"]["s"]]
    assert "Background(ivr/greeting&ivr/recording_notice,,,ivr-menu)" in open_


# ---- opening hours: the grammar, and the same answer as the appliance minute by minute ----------

_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def _range_mask(field: str, size: int, names=None) -> set[int]:
    """pbx_timing.c get_range: ``*``, ``a``, ``a-b`` (cyclic), joined by ``&``; 0-based."""
    if field == "*":
        return set(range(size))
    found = set()
    for part in field.split("&"):
        a, _, b = part.partition("-")
        index = (lambda x: names.index(x)) if names else (lambda x: int(x) - 1)
        start, end = index(a), index(b or a)
        while True:
            found.add(start)
            if start == end:
                break
            start = (start + 1) % size
    return found


def _minutes(field: str) -> set[int]:
    """pbx_timing.c get_timerange: both ends included, cyclic over midnight."""
    if field == "*":
        return set(range(1440))
    found = set()
    for part in field.split("&"):
        a, b = part.split("-")
        start = int(a[:-3]) * 60 + int(a[-2:])
        end = int(b[:-3]) * 60 + int(b[-2:])
        while True:
            found.add(start)
            if start == end:
                break
            start = (start + 1) % 1440
    return found


def asterisk_hours(steps: list[str]):
    """The ivr-hours steps as a function of a UTC time: True when Asterisk would go to ivr-open."""
    checks = []
    for app in steps:
        holiday = re.fullmatch(r'GotoIf\(\$\["\$\{STRFTIME\(\$\{EPOCH\},([^,]+),%Y-%m-%d\)\}" = '
                               r'"([\d-]+)"\]\?ivr-closed,s,1\)', app)
        timing = GOTOIFTIME.fullmatch(app)
        if holiday:
            zone, day = ZoneInfo(holiday.group(1)), holiday.group(2)
            checks.append(lambda when, z=zone, d=day:
                          False if when.astimezone(z).date().isoformat() == d else None)
        elif timing:
            assert timing.group("dest") == "ivr-open,s,1"
            zone = ZoneInfo(timing.group("tz") or "UTC")
            minutes, dows = _minutes(timing.group("times")), _range_mask(timing.group("dows"), 7, _DAYS)
            mdays = _range_mask(timing.group("mdays"), 31)

            def check(when, z=zone, m=minutes, w=dows, d=mdays):
                here = when.astimezone(z)
                hit = (here.hour * 60 + here.minute in m and here.isoweekday() % 7 in w
                       and here.day - 1 in d)
                return True if hit else None
            checks.append(check)
        elif app in ("Goto(ivr-open,s,1)", "Goto(ivr-closed,s,1)"):
            checks.append(lambda when, v=app == "Goto(ivr-open,s,1)": v)

    def is_open(when: datetime) -> bool:
        for check in checks:
            verdict = check(when)
            if verdict is not None:
                return verdict
        raise AssertionError("the hours context fell through")
    return is_open


def test_hours_use_gotoiftime_in_the_office_zone_and_agree_with_the_appliance(rich_export):
    plan = dialplan((rich_export / "extensions.conf").read_text())
    steps = [app for _, app in plan["ivr-hours"]["s"]]
    timings = [s for s in steps if s.startswith("GotoIfTime")]
    assert timings and all(GOTOIFTIME.fullmatch(s) for s in timings), timings
    assert all(GOTOIFTIME.fullmatch(s).group("tz") == "Europe/London" for s in timings)
    hours = rich_settings()["hours"]
    schedule, asterisk_is_open = Schedule(hours), asterisk_hours(steps)
    # a normal week, a week over the summer-time change, and the holidays
    starts = [datetime(2026, 11, 16, tzinfo=timezone.utc), datetime(2026, 3, 26, tzinfo=timezone.utc),
              datetime(2026, 12, 21, tzinfo=timezone.utc), datetime(2026, 12, 30, tzinfo=timezone.utc)]
    for start in starts:
        for minute in range(0, 7 * 1440, 1):
            when = start + timedelta(minutes=minute, seconds=30)
            assert asterisk_is_open(when) == schedule.is_open(when.timestamp()), when


def test_default_hours_are_always_open(default_export):
    plan = dialplan((default_export / "extensions.conf").read_text())
    assert plan["ivr-hours"]["s"][-1][1] == "Goto(ivr-open,s,1)"


# ---- queues.conf and queuerules.conf --------------------------------------------------------------

@pytest.mark.parametrize("which", ["default", "rich"])
def test_queues_conf_has_a_section_per_queue_with_the_mapped_settings(which, request):
    out = request.getfixturevalue(f"{which}_export")
    settings = schema.defaults() if which == "default" else rich_settings()
    sections = dict(parse_config((out / "queues.conf").read_text()))
    assert set(sections) == set(settings["queues"])
    for name, queue in settings["queues"].items():
        values = {k: v for k, op, v in sections[name] if op == "="}
        assert values["strategy"] == STRATEGIES[queue["strategy"]]
        assert values["timeout"] == str(round(queue["ring_timeout_s"]))
        assert values["wrapuptime"] == str(round(queue["wrapup_s"]))
        announce = queue["announce_position"] or queue["announce_wait"]
        assert values["announce-frequency"] == str(round(queue["announce_every_s"]) if announce
                                                   else 0)
        assert values["announce-position"] == ("yes" if queue["announce_position"] else "no")
        assert values["announce-holdtime"] == ("yes" if queue["announce_wait"] else "no")
        assert values["autopause"] == ("yes" if queue["autopause_after_missed"] else "no")
        members = [v for k, op, v in sections[name] if k == "member"]
        for line in members:     # interface,penalty,membername[,state_if,ringinuse,wrapup,paused]
            fields = line.split(",")
            assert re.fullmatch(r"PJSIP/handset\d+", fields[0]) and fields[1] in ("0", "1")
            assert len(fields) in (3, 7) and fields[2].strip()
        own = [op for op in settings["operators"] if name in op["queues"] and op["enabled"]]
        assert {f"PJSIP/handset{op['handset']}" for op in own} <= \
            {m.split(",")[0] for m in members}


def test_every_strategy_is_mapped_to_its_app_queue_name(rich_export):
    sections = dict(parse_config((rich_export / "queues.conf").read_text()))
    got = {name: dict((k, v) for k, _, v in lines)["strategy"] for name, lines in sections.items()}
    assert got == {"sales": "leastrecent", "support": "fewestcalls", "billing": "random",
                   "vip": "ringall"}


def test_escalation_is_a_penalty_rule_and_paused_or_disabled_operators_say_so(rich_export):
    text = (rich_export / "queues.conf").read_text()
    sections = dict(parse_config(text))
    sales = {(k, v) for k, _, v in sections["sales"]}
    assert ("defaultrule", "ivr-escalate-sales") in sales
    assert ("member", "PJSIP/handset3,1,Cat") in sales           # support's operator, later
    assert ("member", "PJSIP/handset1,0,Ann Jr.") in sales       # no comma in a member name
    assert ("member", "PJSIP/handset2,0,Bob,,,,yes") in sales     # paused
    assert "member" not in {k for k, _, v in sections["billing"] if "handset5" in v}
    assert ";member => PJSIP/handset5" in text                    # disabled: commented out
    support = dict((k, v) for k, _, v in sections["support"])
    assert support["joinempty"] == support["leavewhenempty"] == "paused,invalid,unavailable"
    rules = dict(parse_config((rich_export / "queuerules.conf").read_text()))
    assert rules == {"ivr-escalate-sales": [("penaltychange", "=>", "60,1")]}


# ---- Master.csv ------------------------------------------------------------------------------------

CDR_LINE = re.compile(
    r'("(?:[^"]|"")*",){9}'                          # accountcode .. lastdata
    r'("[^"]*"|),("[^"]*"|),("[^"]*"|),'             # start, answer, end (empty when unset)
    r'\d+,\d+,'                                      # duration, billsec
    r'"(?:[^"]|"")*","(?:[^"]|"")*","(?:[^"]|"")*","(?:[^"]|"")*"')


def test_master_csv_is_cdr_csv_with_18_columns_in_order(rich_export):
    text = (rich_export / "Master.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) == len(RECORDS) and text.endswith("\n")
    rows = list(csv.reader(io.StringIO(text)))
    by_id = {}
    for raw, row in zip(lines, rows):
        assert CDR_LINE.fullmatch(raw), raw
        assert len(row) == 18
        cdr = dict(zip(CDR_COLUMNS, row))
        by_id[cdr["uniqueid"]] = cdr
        for name in ("start", "end") + (("answer",) if cdr["answer"] else ()):
            assert CDR_DATE.fullmatch(cdr[name]), cdr
        assert cdr["disposition"] in DISPOSITIONS
        assert 0 <= int(cdr["billsec"]) <= int(cdr["duration"])
        start = datetime.strptime(cdr["start"], "%Y-%m-%d %H:%M:%S")
        end = datetime.strptime(cdr["end"], "%Y-%m-%d %H:%M:%S")
        assert int(cdr["duration"]) in ((end - start).seconds, (end - start).seconds - 1)
    for rec in RECORDS:
        cdr = by_id[rec["id"]]
        exact = timefmt.parse(rec["ended_at"]) - timefmt.parse(rec["started_at"])
        assert int(cdr["duration"]) == math.floor(exact)
        if rec["answered_at"]:
            billed = timefmt.parse(rec["ended_at"]) - timefmt.parse(rec["answered_at"])
            assert int(cdr["billsec"]) == math.floor(billed)
        else:
            assert (cdr["answer"], cdr["billsec"]) == ("", "0")
        assert cdr["userfield"] == f"menu={rec['menu_path'] or ''};outcome={rec['outcome']}"
    assert by_id["a1"]["start"] == "2026-11-23 09:00:00"                 # UTC, cdr_csv format
    assert by_id["a1"]["dcontext"] == "ivr-queue-sales"
    assert by_id["a1"]["dstchannel"] == "IVR/handset1"
    assert by_id["f1"]["disposition"] == "FAILED"
    assert by_id["cb2-d"]["disposition"] == "NO ANSWER"
    assert by_id["cb1-d"]["dst"] == "+441632960004"
    assert by_id["a2"]["src"] == "" and by_id["a2"]["clid"] == '"" <>'      # withheld


def test_master_csv_caller_names_come_from_the_phone_book_quoted_like_asterisk(rich_export):
    lines = {line.split(",")[-2]: line for line in
             (rich_export / "Master.csv").read_text(encoding="utf-8").splitlines()}
    # callerid.c escapes the quote with a backslash, cdr_csv.c then doubles every quote
    assert ',"""Ann \\""the client\\"" Example"" <+441632960001>",' in lines['"a1"']
    # 01632 960002 in the book is the caller 01632960002; a comma stays inside the quotes
    assert ',"""Rossi, Bruno"" <01632960002>",' in lines['"m1"']
    assert ',"""Zoë Ångström AB"" <+441632960003>",' in lines['"q1"']


# ---- queue_log -------------------------------------------------------------------------------------

def _queue_log(out: Path) -> list[list[str]]:
    return [line.split("|") for line in (out / "queue_log").read_text().splitlines()]


def test_queue_log_lines_have_the_fields_of_their_event(rich_export):
    lines = _queue_log(rich_export)
    assert lines
    epochs = [int(fields[0]) for fields in lines]
    assert epochs == sorted(epochs)
    queues = set(rich_settings()["queues"])
    for fields in lines:
        event = fields[4]
        assert event in QUEUE_LOG_DATA, fields
        assert len(fields) == 5 + QUEUE_LOG_DATA[event], fields
        assert fields[2] in queues and fields[1]
        assert fields[3] == "NONE" or event not in ("ENTERQUEUE", "ABANDON", "EXITWITHTIMEOUT",
                                                   "EXITEMPTY", "EXITWITHKEY")


def _events(lines, call_id):
    return [(f[4], f[2], f[3], f[5:]) for f in lines if f[1] == call_id]


def test_queue_log_tells_each_call_as_app_queue_would(rich_export):
    lines = _queue_log(rich_export)
    assert _events(lines, "a1") == [
        ("ENTERQUEUE", "sales", "NONE", ["", "+441632960001", "2"]),
        ("RINGNOANSWER", "sales", "Bob", ["15000"]),
        ("RINGNOANSWER", "sales", "Cat", ["2000"]),
        ("CONNECT", "sales", "Ann Jr.", ["40", "a1-ann", "5"]),
        ("COMPLETECALLER", "sales", "Ann Jr.", ["40", "120", "2"])]
    assert [e[0] for e in _events(lines, "a2")] == ["ENTERQUEUE", "RINGCANCELED", "CONNECT",
                                                   "COMPLETEAGENT"]
    assert _events(lines, "q1")[-1] == ("ABANDON", "sales", "NONE", ["3", "3", "75"])
    assert _events(lines, "cb1")[-1][0] == "EXITWITHKEY"
    assert _events(lines, "vm1")[-1] == ("EXITWITHTIMEOUT", "support", "NONE", ["1", "1", "600"])
    assert _events(lines, "n1")[-1][0] == "EXITEMPTY"
    assert [e[:2] for e in _events(lines, "x1")] == [
        ("ENTERQUEUE", "sales"), ("EXITWITHTIMEOUT", "sales"), ("ENTERQUEUE", "support"),
        ("CONNECT", "support"), ("COMPLETECALLER", "support")]
    assert [e[0] for e in _events(lines, "t1")] == ["ENTERQUEUE", "CONNECT", "BLINDTRANSFER",
                                                   "ENTERQUEUE", "CONNECT", "COMPLETEAGENT"]
    assert _events(lines, "t1")[2] == ("BLINDTRANSFER", "sales", "Ann Jr.",
                                       ["0", "ivr-transfer-sales", "7", "50", "1"])
    plan = dialplan((rich_export / "extensions.conf").read_text())
    assert "0" in plan["ivr-transfer-sales"]              # where that transfer goes now
    for call_id in ("m1", "c1", "f1", "cb1-d", "cb2-d"):       # never in a queue / callbacks
        assert _events(lines, call_id) == []
    for call_id in {f[1] for f in lines}:
        events = [e[0] for e in _events(lines, call_id)]
        assert events[0] == "ENTERQUEUE" and events[-1] in TERMINAL
        ends = sum(e in TERMINAL or e == "BLINDTRANSFER" for e in events)
        assert ends == events.count("ENTERQUEUE")          # each stay in a queue ends once


def test_the_default_export_of_an_empty_log_has_empty_history_files(default_export):
    assert (default_export / "Master.csv").read_text() == ""
    assert (default_export / "queue_log").read_text() == ""
    assert (default_export / "phonebook.csv").read_text() == "number,name\n"


# ---- prompts ----------------------------------------------------------------------------------------

def _wav_header(path: Path) -> tuple[int, int, int, int]:
    blob = path.read_bytes()[:44]
    assert blob[:4] == b"RIFF" and blob[8:16] == b"WAVEfmt "
    tag, channels, rate = int.from_bytes(blob[20:22], "little"), \
        int.from_bytes(blob[22:24], "little"), int.from_bytes(blob[24:28], "little")
    return tag, channels, rate, int.from_bytes(blob[34:36], "little")


def test_every_prompt_is_an_8_khz_mono_16_bit_pcm_wav_per_language(default_export):
    files = list((default_export / "sounds").rglob("*.wav"))
    assert files
    for path in files:
        assert _wav_header(path) == (WAV_TAG_PCM, 1, 8000, 16), path
    for lang in ("en", "ru", "it"):
        folder = default_export / "sounds" / lang / "ivr"
        for key in ("greeting", "menu_main", "invalid", "timeout", "goodbye", "closed",
                    "no_operators", "voicemail_greeting", "recording_notice"):
            assert (folder / f"{key}.wav").is_file(), (lang, key)
    shipped = ROOT / "voice_prompts" / "it" / "greeting.wav"
    exported = default_export / "sounds" / "it" / "ivr" / "greeting.wav"
    assert np.array_equal(codecs.read_wav(exported), codecs.read_wav(shipped))
    with wave.open(str(default_export / "moh" / "ivr" / "music_hold.wav")) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)


def test_an_owner_prompt_at_another_rate_is_converted_and_plays_the_same(tmp_path):
    data = fill(tmp_path / "data", None, records=[], book=[])
    rate, seconds = 44100, 1.0
    t = np.arange(int(rate * seconds)) / rate
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    stereo = np.repeat(tone[:, None], 2, axis=1)
    (data / "prompts" / "en").mkdir(parents=True)
    with wave.open(str(data / "prompts" / "en" / "greeting.wav"), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes(stereo.tobytes())
    export(data, tmp_path / "out")
    path = tmp_path / "out" / "sounds" / "en" / "ivr" / "greeting.wav"
    assert _wav_header(path) == (WAV_TAG_PCM, 1, 8000, 16)
    with wave.open(str(path)) as w:
        got = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    assert abs(len(got) - 8000 * seconds) <= 2
    spectrum = np.abs(np.fft.rfft(got * np.hanning(len(got))))
    assert abs(np.argmax(spectrum) * 8000 / len(got) - 440) < 2
    rms = np.sqrt(np.mean(got[400:-400].astype(float) ** 2))
    assert abs(rms - 8000 / np.sqrt(2)) < 300
    # the other languages keep their own recording
    it = tmp_path / "out" / "sounds" / "it" / "ivr" / "greeting.wav"
    assert np.array_equal(codecs.read_wav(it),
                          codecs.read_wav(ROOT / "voice_prompts" / "it" / "greeting.wav"))


# ---- phone book --------------------------------------------------------------------------------------

def test_the_phone_book_round_trips(rich_export, tmp_path):
    rows = list(csv.reader(io.StringIO((rich_export / "phonebook.csv").read_text("utf-8"))))
    assert rows[0] == ["number", "name"]
    book = PhoneBook(tmp_path)
    for entry in PHONEBOOK:
        book.add(entry)
    assert sorted(map(tuple, rows[1:])) == sorted(
        (e["number"], e["name"] or e["company"]) for e in book.entries())
    again = PhoneBook(tmp_path / "again")
    again.import_csv((rich_export / "phonebook.csv").read_bytes())
    assert {(e["number"], e["name"]) for e in again.entries()} == set(map(tuple, rows[1:]))


# ---- the folder, the command, the README ---------------------------------------------------------------

def test_a_non_empty_folder_is_refused_unless_forced(tmp_path):
    data = fill(tmp_path / "data", None, records=RECORDS[:2], book=[])
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    (out / "Master.csv").write_text("old")
    done = cli("export", "asterisk", out, "--data-dir", data)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "not empty" in done.stderr and "--force" in done.stderr
    assert (out / "Master.csv").read_text() == "old" and not (out / "extensions.conf").exists()
    done = cli("export", "asterisk", out, "--force", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    assert (out / "mine.txt").read_text() == "keep me"
    assert len((out / "Master.csv").read_text().splitlines()) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.export-")]


def test_an_empty_existing_folder_is_used(tmp_path):
    data = fill(tmp_path / "data", None, records=[], book=[])
    (tmp_path / "out").mkdir()
    assert cli("export", "asterisk", tmp_path / "out", "--data-dir", data).returncode == 0
    assert (tmp_path / "out" / "extensions.conf").is_file()


def test_a_damaged_settings_file_is_read_around_not_moved(tmp_path):
    data = fill(tmp_path / "data", RICH, records=[], book=[])
    SettingsStore(data).save({**RICH, "language": "ru"})     # RICH is now settings.json.bak
    (data / "settings.json").write_text("{ damaged")
    settings_files = lambda: sorted(p.name for p in data.glob("settings*"))    # noqa: E731
    before = settings_files()
    done = cli("export", "asterisk", tmp_path / "out", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    assert settings_files() == before
    assert (data / "settings.json").read_text() == "{ damaged"
    assert "Set(CHANNEL(language)=it)" in (tmp_path / "out" / "extensions.conf").read_text()


def test_the_readme_documents_every_file_and_what_cannot_be_expressed(rich_export):
    text = (rich_export / "README.md").read_text()
    for name in ("extensions.conf", "queues.conf", "queuerules.conf", "sounds/<lang>/ivr",
                 "phonebook.csv", "Master.csv", "queue_log"):
        assert f"`{name}" in text, name
    for column in CDR_COLUMNS:
        assert f"| {column}" in text or f", {column}" in text, column
    for event in QUEUE_LOG_DATA:
        assert event in text, event
    assert "## What cannot be expressed" in text
    for gap in ("callback offer", "wait estimate", "Caller ID", "Text messages",
                "queues.billing.overflow callback_offer", "queues.sales.callback_offer_after_s"):
        assert gap in text, gap


def test_render_is_pure_and_needs_no_disk():
    texts = render(rich_settings(), RECORDS, [])
    assert set(texts) == {"extensions.conf", "queues.conf", "queuerules.conf", "phonebook.csv",
                          "Master.csv", "queue_log"}
    assert render(rich_settings(), RECORDS, []) == texts


def test_export_needs_a_data_folder(tmp_path):
    done = cli("export", "asterisk", tmp_path / "out", "--data-dir", tmp_path / "missing")
    assert done.returncode == 1 and "no data folder" in done.stderr
    assert not (tmp_path / "missing").exists() and not (tmp_path / "out").exists()


def test_help_names_the_subcommand():
    done = cli("export", "asterisk", "--help")
    assert done.returncode == 0 and "--force" in done.stdout and "DIR" in done.stdout


def test_dates_in_records_survive_the_round_trip_unchanged():
    assert date(2026, 11, 23).isoformat() in render(schema.defaults(), RECORDS, [])["Master.csv"]


def test_the_handsets_endpoints_and_the_mailbox_are_the_installers_choice(tmp_path):
    """`--member` and `--mailbox` name what the Asterisk side has: queues.conf members, the
    dialplan's VoiceMail(), the history's voicemail rows and the README all follow them."""
    data = fill(tmp_path / "data", None, records=RECORDS, book=[])
    out = tmp_path / "out"
    done = cli("export", "asterisk", out, "--member", "SIP/desk{n}", "--mailbox", "200@office",
               "--data-dir", data)
    assert done.returncode == 0, done.stderr
    queues = (out / "queues.conf").read_text()
    assert "member => SIP/desk1," in queues and "PJSIP/handset" not in queues
    assert "VoiceMail(200@office,s)" in (out / "extensions.conf").read_text()
    assert "100@ivr" not in (out / "Master.csv").read_text()
    readme = (out / "README.md").read_text()
    assert "`SIP/desk1`" in readme and "`[office]` `200 => 1234,Office`" in readme


@pytest.mark.parametrize("option, value", [("--member", "handset"), ("--member", "PJSIP/desk"),
                                           ("--mailbox", "100"), ("--mailbox", "1 0@x y")])
def test_an_endpoint_pattern_asterisk_could_not_use_is_refused_in_one_line(tmp_path, option,
                                                                           value):
    data = fill(tmp_path / "data", None, records=RECORDS[:2], book=[])
    done = cli("export", "asterisk", tmp_path / "out", option, value, "--data-dir", data)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert option in done.stderr and not (tmp_path / "out").exists()
