"""A way out for a growing shop: the appliance's settings, prompts, phone book and call log as the
files an Asterisk or FreePBX installation needs to take over (``ivr-appliance export asterisk``).

The text of each file comes from a pure function of the settings (and records), so tests can read
it without a disk; ``export`` gathers the inputs read-only and writes everything into a folder at
once. The formats follow Asterisk's own sources, named where each is written: ``cdr/cdr_csv.c``
(Master.csv), ``apps/app_queue.c`` and ``configs/samples/queues.conf.sample`` (queues.conf,
queue_log events), ``main/logger.c`` (queue_log lines), ``main/pbx_timing.c`` and
``main/pbx_builtins.c`` (GotoIfTime), ``formats/format_wav.c`` (the prompts).

    export(Path("/var/lib/ivr-appliance"), Path("/tmp/to-asterisk"))
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from datetime import datetime, timezone
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from appliance import timefmt
from appliance.audio import codecs
from appliance.audio.prompts import COMMON, PromptLibrary, default_voice_dir, load_manifest
from appliance.engine import menu as menus
from appliance.errors import ApplianceError
from appliance.store import menu_schema, schema
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.phonebook import PhoneBook
from appliance.store.settings import SettingsStore

# ---- names shared by the files -----------------------------------------------------------------

STRATEGY = {"lru": "leastrecent", "fewest_calls": "fewestcalls", "random": "random",
            "ring_all": "ringall"}                       # app_queue.c strategies[]
SOUND_DIR = "ivr"                                        # sounds/<lang>/ivr/<key>.wav
MOH_CLASS = "ivr"                                        # musiconhold.conf class of our hold music


@dataclass(frozen=True)
class Endpoints:
    """What the Asterisk side calls a desk handset and the voicemail box: ``member`` with
    ``{n}`` for the handset number (``--member``), ``mailbox`` as ``box@context``
    (``--mailbox``). The defaults match the README's installing steps."""

    member: str = "PJSIP/handset{n}"
    mailbox: str = "100@ivr"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_]+/[A-Za-z0-9_.{}-]*\{n\}[A-Za-z0-9_.{}-]*", self.member):
            raise ApplianceError(f"--member {self.member!r} must be TECHNOLOGY/NAME with {{n}} for "
                                 "the handset number, e.g. PJSIP/handset{n} or SIP/desk{n}")
        if not re.fullmatch(r"[0-9A-Za-z_]+@[0-9A-Za-z_-]+", self.mailbox):
            raise ApplianceError(f"--mailbox {self.mailbox!r} must be BOX@CONTEXT as in "
                                 "voicemail.conf, e.g. 100@ivr")

    def handset(self, n) -> str:
        return self.member.replace("{n}", str(n))


DEFAULT_ENDPOINTS = Endpoints()
EMPTY_FACTORS = "paused,invalid,unavailable"             # app_queue.c parse_empty_options
CDR_COLUMNS = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel",
               "lastapp", "lastdata", "start", "answer", "end", "duration", "billsec",
               "disposition", "amaflags", "uniqueid", "userfield")    # cdr_csv.c, loguniqueid
CDR_NUMBERS = ("duration", "billsec")                    # append_int: not quoted
CDR_DATES = ("start", "answer", "end")                   # append_date: empty (unquoted) if unset
OUTPUTS = ("README.md", "extensions.conf", "queues.conf", "queuerules.conf", "phonebook.csv",
           "Master.csv", "queue_log", "sounds", "moh")


def _safe(text: str) -> str:
    """A name inside a config value: no comma (argument separator) or semicolon (comment)."""
    return " ".join(re.sub(r"[,;|\\]", " ", text or "").split())


def _node_context(path: tuple[str, ...]) -> str:
    """``ivr-menu`` for the root, ``ivr-menu-2-star`` for the node behind keys 2 then *."""
    names = {"*": "star", "#": "hash"}
    return "-".join(["ivr-menu", *(names.get(key, key) for key in path)])


def queue_context(queue: str) -> str:
    return f"ivr-queue-{queue}"


def sound(key: str) -> str:
    """A prompt key as Asterisk names the file (no extension; the language picks the folder)."""
    return f"{SOUND_DIR}/{key}"


# ---- extensions.conf ---------------------------------------------------------------------------

def _exten(name: str, steps: list) -> list[str]:
    """One extension: the first step at priority 1, the rest ``same => n``; a step may be a
    ``(label, application)`` pair."""
    lines = []
    for index, step in enumerate(steps):
        label, app = step if isinstance(step, tuple) else (None, step)
        priority = ("1" if index == 0 else "n") + (f"({label})" if label else "")
        lines.append(f"exten => {name},{priority},{app}" if index == 0
                     else f" same => {priority},{app}")
    return lines


def _clock_minus_one(text: str) -> str:
    """GotoIfTime ranges include their last minute (pbx_timing.c get_timerange), ours do not."""
    minutes = int(text[:2]) * 60 + int(text[3:]) - 1
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_runs(days: list[int]) -> str:
    """Weekday numbers (mon=0) as GotoIfTime's weekday field: ``mon-fri``, ``mon&wed``."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    name = schema.DAYS
    return "&".join(name[r[0]] if len(r) == 1 else f"{name[r[0]]}-{name[r[-1]]}" for r in runs)


def hours_steps(hours: dict) -> list[str]:
    """The opening-hours check: holidays by date, then one GotoIfTime per set of days with the
    same ranges, in the office's time zone; anything else is closed."""
    zone = hours["timezone"] or "UTC"
    steps = [f"NoOp(Opening hours in {zone})"]
    for day in hours["holidays"]:
        # GotoIfTime has no year field (pbx_timing.c ast_build_timing): compare the whole date.
        steps.append(f'GotoIf($["${{STRFTIME(${{EPOCH}},{zone},%Y-%m-%d)}}" = "{day}"]'
                     f"?ivr-closed,s,1)")
    weekly = hours["weekly"]
    if weekly is None:
        return steps + ["Goto(ivr-open,s,1)"]
    groups: dict[tuple, list[int]] = {}
    for index, day in enumerate(schema.DAYS):
        ranges = tuple(tuple(r) for r in weekly.get(day, []))
        if ranges:
            groups.setdefault(ranges, []).append(index)
    for ranges, days in groups.items():
        for start, end in ranges:
            steps.append(f"GotoIfTime({start}-{_clock_minus_one(end)},{_day_runs(days)},*,*,"
                         f"{zone}?ivr-open,s,1)")
    return steps + ["Goto(ivr-closed,s,1)"]


def _action_steps(action: dict, path: tuple[str, ...], key: str | None) -> list[str]:
    """What one menu action does, as dialplan steps (inbound.py ``act``)."""
    kind = action["action"]
    steps = [f"Set(IVR_PATH=${{IVR_PATH}}{key})", "Set(CDR(userfield)=menu=${IVR_PATH})"] \
        if key is not None else []
    if kind == "queue":
        return steps + [f"Goto({queue_context(action['queue'])},s,1)"]
    if kind == "submenu":
        return steps + [f"Goto({_node_context(path + (key,))},s,1)"]
    if kind == "back":
        return steps + [f"Goto({_node_context(path[:-1])},s,1)"]
    if kind == "message":
        return steps + [f"Background({sound(action['prompt'])})", "Goto(s,menu)"]
    if kind == "repeat":
        return steps + ["Goto(s,menu)"]
    if kind == "language":
        return steps + [f"Set(CHANNEL(language)={action['language']})", "Goto(s,menu)"]
    if kind == "goodbye":
        return steps + [f"Playback({sound('goodbye')})", "Hangup()"]
    return steps + ["Goto(ivr-voicemail,s,1)"]                      # voicemail


def _menu_contexts(menu: dict) -> list[str]:
    """One context per menu node: the prompt, WaitExten, each key, ``i``/``t`` with the tries
    counted as the engine counts them, and the fallback."""
    out: list[str] = []
    todo: list[tuple[str, ...]] = [()]
    while todo:
        path = todo.pop(0)
        node = menus.node_at(menu, path)
        timeout, tries = (menus.setting(menu, path, name) for name in ("timeout_s", "max_tries"))
        fallback = menus.setting(menu, path, "fallback")
        where = "menu.root" + "".join(f".options.{k}.menu" for k in path)
        out += ["", f"[{_node_context(path)}]",
                f"; {where}: prompt {node['prompt']}, keys {' '.join(node['options']) or 'none'}, "
                f"{timeout:g} s to press, {tries} tries, then {fallback['action']}"
                + (f" {fallback['queue']}" if fallback["action"] == "queue" else ""),
                *_exten("s", ["Set(TRIES=0)", ("menu", f"Background({sound(node['prompt'])})"),
                              f"WaitExten({timeout:g})"])]
        for key, action in node["options"].items():
            out += _exten(key, _action_steps(action, path, key))
            if action["action"] == "submenu":
                todo.append(path + (key,))
        for exten, prompt in (("i", menu["invalid_prompt"]), ("t", menu["timeout_prompt"])):
            out += _exten(exten, ["Set(TRIES=$[${TRIES} + 1])",
                                  f"GotoIf($[${{TRIES}} >= {tries}]?fallback,1)",
                                  f"Background({sound(prompt)})", "Goto(s,menu)"])
        out += _exten("fallback", _action_steps(fallback, path, None))
    return out


def _overflow_steps(queue: dict) -> list[str]:
    """After Queue() returns (QUEUESTATUS TIMEOUT, JOINEMPTY, LEAVEEMPTY, FULL...): the queue's
    overflow action, or the no-operators goodbye (waiting.py)."""
    overflow = queue["overflow"] or {}
    action = overflow.get("action")
    if action == "queue":
        return [f"Goto({queue_context(overflow['queue'])},head,1)"]
    if action == "voicemail":
        return ["Goto(ivr-voicemail,s,1)"]
    if action == "callback_offer":          # no callback in Asterisk: a message instead (README)
        return ["NoOp(callback offer not available in Asterisk: voicemail instead)",
                "Goto(ivr-voicemail,s,1)"]
    if action == "goodbye":
        return [f"Playback({sound('goodbye')})", "Hangup()"]
    return [f"Playback({sound('no_operators')})", "Hangup()"]


def transfer_context(queue: str) -> str:
    return f"ivr-transfer-{queue}"


def queue_app(name: str, queue: dict, head: bool = False) -> str:
    """Queue(queuename,options,URL,announceoverride,timeout,AGI,gosub,rule,position): max_wait_s
    is the timeout argument; an overflow arrives at position 1 (app_queue.c queue_exec); option
    ``t`` lets the operator transfer where the queue has ``escalate_to``."""
    options = "t" if queue["escalate_to"] is not None else ""
    args = [name, options, "", "",
            "" if queue["max_wait_s"] is None else f"{round(queue['max_wait_s'])}"]
    if head:
        args += ["", "", "", "1"]
    return f"Queue({','.join(args).rstrip(',')})"


def _queue_contexts(settings: dict) -> list[str]:
    out: list[str] = []
    for name, queue in settings["queues"].items():
        escalates = queue["escalate_to"] is not None and queue["escalate_after_s"] is not None
        first = ["Set(QUEUE_MAX_PENALTY=0)"] if escalates else []
        if queue["escalate_to"] is not None:     # the operator's # then 0 (bridge_basic.c)
            first.append(f"Set(__TRANSFER_CONTEXT={transfer_context(name)})")
        out += ["", f"[{queue_context(name)}]",
                f"; queues.{name}: max wait "
                + ("none" if queue["max_wait_s"] is None else f"{queue['max_wait_s']:g} s")
                + f", overflow {(queue['overflow'] or {}).get('action', 'none')}",
                *_exten("s", first + [queue_app(name, queue), "Goto(overflow,1)"]),
                *_exten("head", first + [queue_app(name, queue, head=True), "Goto(overflow,1)"]),
                *_exten("overflow", ["NoOp(QUEUESTATUS=${QUEUESTATUS})", *_overflow_steps(queue)])]
        if queue["escalate_to"] is not None:
            out += ["", f"[{transfer_context(name)}]",
                    f"; an operator of {name} presses the blind-transfer code (features.conf "
                    f"blindxfer, # by default) then 0: the caller goes back in line in "
                    f"{queue['escalate_to']}, at the head",
                    *_exten("0", [f"Playback({sound('transferring')})",
                                  f"Goto({queue_context(queue['escalate_to'])},head,1)"])]
    return out


def extensions_conf(settings: dict, ends: Endpoints = DEFAULT_ENDPOINTS) -> str:
    """The dialplan: entry, opening hours, closed message, greeting, the menu tree, one context per
    queue and voicemail. Point the trunk's context at ``ivr-incoming``."""
    menu, hours, voicemail = settings["menu"], settings["hours"], settings["voicemail"]
    recording = settings["recording"]
    greeting = [sound(menu["greeting"])]
    if recording["enabled"]:
        greeting.append(sound(recording["notice_prompt"]))
    closed_next = ["Goto(ivr-voicemail,s,1)"] if voicemail["when_closed"] else ["Hangup()"]
    out = [
        "; extensions.conf written by `ivr-appliance export asterisk` (see README.md).",
        "; Contexts are named ivr-*; include this file from your own extensions.conf",
        "; (#include ivr-extensions.conf) or use it as it is.",
        "",
        "[ivr-incoming]",
        "; calls from the phone lines start here: set your trunk's context to ivr-incoming",
        *_exten("s", ["Answer()", f"Set(CHANNEL(language)={settings['language']})",
                      "Set(IVR_PATH=)",
                      'ExecIf($["${DB_EXISTS(cidname/${CALLERID(num)})}" = "1"]'
                      "?Set(CALLERID(name)=${DB_RESULT}))",
                      "Goto(ivr-hours,s,1)"]),
        *_exten("_X.", ["Goto(s,1)"]),
        *_exten("_+X.", ["Goto(s,1)"]),
        "",
        "[ivr-hours]",
        f"; hours: time zone {hours['timezone']}, "
        + ("always open" if hours["weekly"] is None else "weekly ranges")
        + f", {len(hours['holidays'])} holiday(s); GotoIfTime ranges end one minute early because"
        " Asterisk includes the last minute",
        *_exten("s", hours_steps(hours)),
        "",
        "[ivr-closed]",
        *_exten("s", [f"Playback({sound(hours['closed_prompt'])})", *closed_next]),
        "",
        "[ivr-open]",
        "; greeting (and the recording notice): a key pressed over it already chooses in the menu",
        *_exten("s", ["Set(TRIES=0)", f"Background({'&'.join(greeting)},,,{_node_context(())})",
                      f"Goto({_node_context(())},s,1)"]),
        *_menu_contexts(menu),
        *_queue_contexts(settings),
        "",
        "[ivr-voicemail]",
        f"; voicemail: {voicemail['max_s']:g} s at most, ends after {voicemail['silence_end_s']:g} s"
        f" of silence (maxsecs / maxsilence in voicemail.conf, README)",
        *_exten("s", [f"Playback({sound(voicemail['prompt'])})", f"VoiceMail({ends.mailbox},s)",
                      "Hangup()"]),
    ]
    return "\n".join(out) + "\n"


# ---- queues.conf and queuerules.conf -----------------------------------------------------------

def _members(settings: dict, name: str, ends: Endpoints) -> list[str]:
    """Operators of the queue at penalty 0; with escalation, those of ``escalate_to`` who are not
    already members at penalty 1 (opened to them by the queue rule)."""
    queue = settings["queues"][name]
    lines, own = [], set()
    pools = [(0, name)]
    if queue["escalate_to"] is not None and queue["escalate_after_s"] is not None:
        pools.append((1, queue["escalate_to"]))
    for penalty, pool in pools:
        for op in settings["operators"]:
            if pool not in op["queues"] or op["id"] in own:
                continue
            own.add(op["id"])
            line = f"member => {ends.handset(op['handset'])},{penalty},{_safe(op['name'])}"
            if op.get("paused"):
                line += ",,,,yes"
            if not op.get("enabled", True):
                line = f";{line}   ; disabled in the appliance"
            lines.append(line)
    return lines


def queues_conf(settings: dict, ends: Endpoints = DEFAULT_ENDPOINTS) -> str:
    """One section per queue (app_queue.c queue_set_param names)."""
    service = settings["reports"]["service_level_s"]
    out = ["; queues.conf written by `ivr-appliance export asterisk` (see README.md).",
           f"; members are the endpoints {ends.handset('<N>')}, one per desk handset "
           "(export asterisk --member sets the pattern)."]
    for name, q in settings["queues"].items():
        announce = q["announce_position"] or q["announce_wait"]
        escalates = q["escalate_to"] is not None and q["escalate_after_s"] is not None
        empty = EMPTY_FACTORS if q["leave_when_empty"] else None
        out += ["", f"[{name}]",
                f"; strategy {q['strategy']}",
                f"strategy = {STRATEGY[q['strategy']]}",
                f"timeout = {round(q['ring_timeout_s'])}",
                "retry = 1",
                f"wrapuptime = {round(q['wrapup_s'])}",
                f"announce-frequency = {round(q['announce_every_s']) if announce else 0}",
                f"announce-position = {'yes' if q['announce_position'] else 'no'}",
                f"announce-holdtime = {'yes' if q['announce_wait'] else 'no'}",
                f"; autopause_after_missed {q['autopause_after_missed']}"
                + (": Asterisk pauses after the first unanswered ring"
                   if q["autopause_after_missed"] > 1 else ""),
                f"autopause = {'yes' if q['autopause_after_missed'] else 'no'}",
                "maxlen = 0",
                f"joinempty = {empty or 'yes'}",
                f"leavewhenempty = {empty or 'no'}",
                f"servicelevel = {round(q['service_level_s'] or service)}",
                f"musicclass = {MOH_CLASS}",
                "ringinuse = no"]
        if escalates:
            out.append(f"defaultrule = {rule_name(name)}")
        out += _members(settings, name, ends)
    return "\n".join(out) + "\n"


def rule_name(queue: str) -> str:
    return f"ivr-escalate-{queue}"


def queuerules_conf(settings: dict) -> str:
    """Escalation as a penalty rule: after ``escalate_after_s`` QUEUE_MAX_PENALTY goes from 0 to 1,
    so escalate_to's operators (penalty 1) may take the caller, who keeps their place."""
    out = ["; queuerules.conf written by `ivr-appliance export asterisk` (see README.md)."]
    for name, q in settings["queues"].items():
        if q["escalate_to"] is not None and q["escalate_after_s"] is not None:
            out += ["", f"[{rule_name(name)}]", f"; {name} escalates to {q['escalate_to']}",
                    f"penaltychange => {round(q['escalate_after_s'])},1"]
    return "\n".join(out) + "\n"


# ---- phone book --------------------------------------------------------------------------------

def phonebook_csv(entries: Iterable[dict]) -> str:
    """``number,name`` with a header line; the name is the company where no name is kept."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(("number", "name"))
    for entry in entries:
        writer.writerow((entry["number"], entry["name"] or entry["company"]))
    return buf.getvalue()


# ---- Master.csv --------------------------------------------------------------------------------

def _cdr_time(text: str | None) -> str | None:
    """cdr_csv's DATE_FORMAT "%Y-%m-%d %T", in UTC (what it writes with usegmtime=yes)."""
    if not text:
        return None
    return datetime.fromtimestamp(timefmt.parse(text), timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _seconds_between(start: str | None, end: str | None) -> int:
    """Whole seconds, cut like cdr.c cdr_object_get_duration (milliseconds / 1000)."""
    if not start or not end:
        return 0
    return max(0, int(round((timefmt.parse(end) - timefmt.parse(start)) * 1000)) // 1000)


def _escape_quoted(name: str) -> str:
    """callerid.c ast_escape_quoted: backslash before a double quote or a backslash."""
    return name.replace("\\", "\\\\").replace('"', '\\"')


def _where(record: dict, ends: Endpoints) -> tuple[str, str, str, str]:
    """(dcontext, dst, lastapp, lastdata): where in the exported dialplan the call ended."""
    outcome, queue = record["outcome"], record["queue"]
    if record["direction"] == "callback":
        return "ivr-callback", record["caller"] or "", "Dial", f"{record['line']}"
    if outcome == "closed":
        return "ivr-closed", "s", "Playback", sound("closed")
    if outcome == "voicemail":
        return "ivr-voicemail", "s", "VoiceMail", ends.mailbox
    if queue:
        return queue_context(queue), "s", "Queue", queue
    return _node_context(()), "s", "WaitExten", ""


def _disposition(record: dict) -> str:
    """ANSWERED once the line was answered (Asterisk counts a call its dialplan answered);
    a callback nobody took up is NO ANSWER; a call that never got through is FAILED."""
    if record["answered_at"]:
        return "ANSWERED"
    if record["outcome"] == "failed":
        return "FAILED"
    return "NO ANSWER"


def cdr_row(record: dict, names: dict[str, str] | None = None,
            ends: Endpoints = DEFAULT_ENDPOINTS) -> dict[str, object]:
    """One call record as the 18 cdr_csv fields (README, "Master.csv")."""
    names = names or {}
    number = record["caller"] or ""
    inbound = record["direction"] != "callback"
    context, dst, app, data = _where(record, ends)
    start, end = record["started_at"], record["ended_at"] or record["started_at"]
    answer = record["answered_at"]
    path = record["menu_path"] or ""
    return {
        "accountcode": "",
        "src": number if inbound else "",
        "dst": dst,
        "dcontext": context,
        "clid": f'"{_escape_quoted(names.get(number, ""))}" <{number}>',
        "channel": f"IVR/{record['line']}" if inbound else f"IVR/{record['line']}-callback",
        "dstchannel": f"IVR/handset{record['handset']}" if record["handset"] else "",
        "lastapp": app,
        "lastdata": data,
        "start": _cdr_time(start),
        "answer": _cdr_time(answer),
        "end": _cdr_time(end),
        "duration": _seconds_between(start, end),
        "billsec": min(_seconds_between(answer, end), _seconds_between(start, end)) if answer else 0,
        "disposition": _disposition(record),
        "amaflags": "DOCUMENTATION",
        "uniqueid": record["id"],
        "userfield": f"menu={path};outcome={record['outcome'] or ''}",
    }


def _cdr_string(value: str) -> str:
    """cdr_csv.c append_string: always quoted, a double quote doubled."""
    return '"' + value.replace('"', '""') + '"'


def cdr_line(row: dict[str, object]) -> str:
    cells = []
    for name in CDR_COLUMNS:
        value = row[name]
        if name in CDR_NUMBERS:
            cells.append(str(int(value)))
        elif name in CDR_DATES and value is None:
            cells.append("")
        else:
            cells.append(_cdr_string(str(value)))
    return ",".join(cells) + "\n"


def master_csv(records: Iterable[dict], names: dict[str, str] | None = None,
               ends: Endpoints = DEFAULT_ENDPOINTS) -> str:
    """Master.csv: one line per call, no header (cdr_csv writes none), oldest first."""
    return "".join(cdr_line(cdr_row(record, names, ends)) for record in records)


# ---- queue_log ---------------------------------------------------------------------------------

def _epoch(text: str) -> int:
    return int(timefmt.parse(text))


def _secs(start: str, end: str) -> int:
    return int(round(timefmt.parse(end) - timefmt.parse(start)))


def queue_events(record: dict, settings: dict) -> list[tuple[int, str, str, str, str, list]]:
    """The queue_log events of one inbound call that waited in a queue:
    ``(epoch, callid, queue, agent, event, data)``, in the order they happened."""
    if record["direction"] == "callback" or not record["queue"] or not record["queued_at"]:
        return []
    names = {op["id"]: _safe(op["name"]) for op in settings["operators"]}

    def agent(operator: str | None) -> str:
        return names.get(operator, operator) if operator else "NONE"
    cid, opos = record["id"], record["position_at_entry"] or 1
    queue, entered = record["queue"], record["queued_at"]
    if record.get("transfers"):      # queued_at may be the last move's: start at the first ring
        entered = min([entered] + [a["started_at"] for a in record["ring_attempts"] or []
                                   if a.get("started_at")])
    events = [(_epoch(entered), cid, queue, "NONE", "ENTERQUEUE", ["", record["caller"] or "", opos])]
    steps = [(a["ended_at"] or a["started_at"], 0, a) for a in record["ring_attempts"] or []
             if a.get("started_at")]
    steps += [(t["at"], 1, t) for t in record.get("transfers") or [] if t.get("at")]
    connected: tuple[str, str] | None = None               # (operator, when)
    for at, kind, step in sorted(steps, key=lambda s: (s[0], s[1])):
        if kind == 0:
            ring_ms = int(round((timefmt.parse(at) - timefmt.parse(step["started_at"])) * 1000))
            if step["result"] == "answered":
                connected = (step["operator"], at)
                events.append((_epoch(at), cid, queue, agent(step["operator"]), "CONNECT",
                               [_secs(entered, at), f"{cid}-{step['operator']}", ring_ms // 1000]))
            else:
                event = "RINGCANCELED" if step["result"] == "cancelled" else "RINGNOANSWER"
                events.append((_epoch(at), cid, queue, agent(step["operator"]), event, [ring_ms]))
            continue
        target = step["to_queue"]
        if connected is not None:
            events.append((_epoch(at), cid, queue, agent(connected[0]), "BLINDTRANSFER",
                           ["0", transfer_context(queue), _secs(entered, connected[1]),
                            _secs(connected[1], at), opos]))
            connected = None
        else:
            events.append((_epoch(at), cid, queue, "NONE", "EXITWITHTIMEOUT",
                           [opos, opos, _secs(entered, at)]))
        queue, entered = target, at
        events.append((_epoch(at), cid, queue, "NONE", "ENTERQUEUE", ["", record["caller"] or "", 1]))
    end = record["ended_at"] or entered
    answered = any(a["result"] == "answered" for a in record["ring_attempts"] or [])
    if connected is None and not answered and record["operator"] and record["wait_s"] is not None:
        at = timefmt.iso(timefmt.parse(entered) + record["wait_s"])      # no attempts kept
        connected = (record["operator"], at)
        events.append((_epoch(at), cid, queue, agent(record["operator"]), "CONNECT",
                       [_secs(entered, at), f"{cid}-{record['operator']}",
                        round(record["ring_s"] or 0)]))
    if connected is not None:
        event = "COMPLETECALLER" if record["hangup_by"] == "caller" else "COMPLETEAGENT"
        events.append((_epoch(end), cid, queue, agent(connected[0]), event,
                       [_secs(entered, connected[1]), _secs(connected[1], end), opos]))
        return events
    if entered == record["queued_at"] and record["wait_s"] is not None:
        end = timefmt.iso(timefmt.parse(entered) + record["wait_s"])    # left the queue then
    wait = _secs(entered, end)
    if record["outcome"] == "callback_requested":
        events.append((_epoch(end), cid, queue, "NONE", "EXITWITHKEY", ["1", opos, opos, wait]))
    elif record["outcome"] in ("voicemail", "no_operators") or (
            record["hangup_by"] == "system" and record["outcome"] != "failed"):
        limit = settings["queues"].get(queue, {}).get("max_wait_s")
        timed_out = limit is not None and wait >= int(limit)
        events.append((_epoch(end), cid, queue, "NONE",
                       "EXITWITHTIMEOUT" if timed_out else "EXITEMPTY", [opos, opos, wait]))
    else:
        events.append((_epoch(end), cid, queue, "NONE", "ABANDON", [opos, opos, wait]))
    return events


def queue_log(records: Iterable[dict], settings: dict) -> str:
    """queue_log lines ``epoch|callid|queue|agent|event|data...`` (logger.c ast_queue_log), all
    calls merged in time order."""
    events = [e for record in records for e in queue_events(record, settings)]
    events.sort(key=lambda e: e[0])                       # stable: a call's own order is kept
    return "".join("|".join([str(epoch), cid, queue, agent, event, *map(str, data)]) + "\n"
                   for epoch, cid, queue, agent, event, data in events)


# ---- prompts -----------------------------------------------------------------------------------

def prompt_keys(library: PromptLibrary) -> list[str]:
    """Every prompt key there is: shipped in any language (and the language-free ones) or
    uploaded by the owner."""
    keys: set[str] = set()
    for folder in [library.voice_dir / lang for lang in menu_schema.LANGUAGES] + \
            [library.voice_dir / COMMON]:
        keys |= set(load_manifest(folder)) | {p.stem for p in folder.glob("*.wav")}
    if library.data_dir is not None and (library.data_dir / "prompts").is_dir():
        keys |= {p.stem for p in (library.data_dir / "prompts").glob("*/*.wav")}
    return sorted(keys)


def write_prompts(library: PromptLibrary, out: Path) -> list[str]:
    """Every key in every language as ``sounds/<lang>/ivr/<key>.wav``, 8 kHz mono 16-bit PCM
    (format_wav.c), resolved as the appliance resolves it (owner upload, then the fallback
    language), so Asterisk never needs its own fallback. Hold music also goes to ``moh/ivr``.
    Returns what could not be converted, one line each."""
    problems = []
    for lang in menu_schema.LANGUAGES:
        folder = out / "sounds" / lang / SOUND_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for key in prompt_keys(library):
            found = library.find(key, lang)
            if found is None:
                continue
            try:
                codecs.write_wav(folder / f"{key}.wav", codecs.read_wav(found[0], codecs.RATE))
            except ApplianceError as exc:
                problems.append(f"{lang}/{key}: {exc}")
    music = library.find("music_hold", library.default_language)
    if music is not None:
        (out / "moh" / MOH_CLASS).mkdir(parents=True, exist_ok=True)
        codecs.write_wav(out / "moh" / MOH_CLASS / "music_hold.wav", codecs.read_wav(music[0]))
    return problems


# ---- README ------------------------------------------------------------------------------------

def not_expressible(settings: dict) -> list[str]:
    """What these settings do that the exported Asterisk files cannot, one line each."""
    found = []
    for name, q in settings["queues"].items():
        if q["callback_offer_after_s"] is not None:
            found.append(f"queues.{name}.callback_offer_after_s ({q['callback_offer_after_s']:g} s): "
                         "the callback offer that keeps the caller's place in line has no Asterisk "
                         "counterpart; not exported")
        if (q["overflow"] or {}).get("action") == "callback_offer":
            found.append(f"queues.{name}.overflow callback_offer: sent to voicemail instead")
        if q["autopause_after_missed"] > 1:
            found.append(f"queues.{name}.autopause_after_missed {q['autopause_after_missed']}: "
                         "Asterisk pauses after the first missed ring (autopause = yes)")
        if q["escalate_to"] is not None:
            found.append(f"queues.{name}.escalate_to {q['escalate_to']}: one level of "
                         "escalation only (a chain does not widen further); the operator's "
                         "flash + 0 becomes the blind-transfer code (features.conf blindxfer, #) "
                         "then 0 on the SIP phone")
    if settings["sms"]["callback_confirm"] or settings["sms"]["missed_apology"]:
        found.append("sms: text messages (callback confirmation, missed-call apology) and their "
                     "templates are not exported")
    if settings["handsets"]["caller_id"] != "off":
        found.append(f"handsets.caller_id {settings['handsets']['caller_id']}: caller ID on the "
                     "analog desk handsets is the SIP phones' own display in Asterisk")
    if settings["recording"]["enabled"]:
        found.append("recording: call recording is MixMonitor in Asterisk (Queue option x or "
                     "monitor-format); the notice prompt is exported and played")
    return found


def readme(settings: dict, counts: dict[str, int], problems: list[str],
           ends: Endpoints = DEFAULT_ENDPOINTS) -> str:
    """README.md in the export folder: the files, installing them, the mapping, the gaps."""
    queues = ", ".join(f"{n} ({q['strategy']} -> {STRATEGY[q['strategy']]})"
                       for n, q in settings["queues"].items())
    gaps = not_expressible(settings)
    lines = [
        "# Moving this call center to Asterisk / FreePBX",
        "",
        "Written by `ivr-appliance export asterisk`. The files follow the formats of Asterisk's "
        "own sources (named below), so a plain Asterisk 18-22 or a FreePBX machine can take "
        "over the menu, the queues, the prompts, the phone book and the call history.",
        "",
        "## The files",
        "",
        "| file | what it is | where it goes |",
        "| --- | --- | --- |",
        "| `extensions.conf` | the dialplan: opening hours, closed message, greeting, one context "
        "per menu node, one per queue, voicemail | `/etc/asterisk/` (FreePBX: paste into "
        "`extensions_custom.conf`) |",
        "| `queues.conf` | one section per queue: " + queues + " | `/etc/asterisk/` (FreePBX: "
        "`queues_custom.conf`, or re-create the queues in the Queues module with these values) |",
        "| `queuerules.conf` | escalation as penalty rules | `/etc/asterisk/` |",
        f"| `sounds/<lang>/ivr/*.wav` | every prompt ({counts.get('prompts', 0)} files), 8 kHz "
        "mono 16-bit PCM | `/var/lib/asterisk/sounds/` (keep the `<lang>/ivr/` folders) |",
        "| `moh/ivr/music_hold.wav` | the hold music | `/var/lib/asterisk/moh/ivr/` with a "
        "musiconhold.conf class `[ivr]` `mode=files` `directory=moh/ivr` |",
        f"| `phonebook.csv` | the phone book, `number,name` ({counts.get('phonebook', 0)} "
        "entries) | AstDB family `cidname` (below), or FreePBX's CallerID Lookup / Phonebook |",
        f"| `Master.csv` | the call history as cdr_csv writes it ({counts.get('calls', 0)} calls) "
        "| append to `/var/log/asterisk/cdr-csv/Master.csv` |",
        f"| `queue_log` | the queue events of that history ({counts.get('queue_events', 0)} "
        "lines) | append to `/var/log/asterisk/queue_log` (for queue reports) |",
        "",
        "## Installing",
        "",
        "1. Copy the files as above; `chown -R asterisk:asterisk` the sounds and moh folders.",
        f"2. Create one endpoint per desk handset: queues.conf names them "
        f"`{ends.handset(1)}`, `{ends.handset(2)}`, ... (export again with `--member` for "
        "another pattern).",
        "3. Set your trunk's (SIM gateway's, FXO port's) inbound context to `ivr-incoming`.",
        f"4. Voicemail goes to mailbox `{ends.mailbox}` (`--mailbox`): add to voicemail.conf "
        f"`[{ends.mailbox.split('@')[1]}]` `{ends.mailbox.split('@')[0]} => 1234,Office` and "
        f"in `[general]` `maxsecs="
        f"{round(settings['voicemail']['max_s'])}` `maxsilence="
        f"{round(settings['voicemail']['silence_end_s'])}`.",
        "5. In cdr.conf `[csv]` set `usegmtime=yes`, `loguniqueid=yes`, `loguserfield=yes` so "
        "that new lines have the same 18 columns and UTC times as the exported history.",
        "6. Load the phone book for caller names: `tail -n +2 phonebook.csv | while IFS=, read -r "
        "n m; do asterisk -rx \"database put cidname $n \\\"$m\\\"\"; done` (names with commas "
        "are quoted in the CSV; load those by hand). The dialplan looks names up there.",
        "7. Install the Asterisk core sounds for " + ", ".join(menu_schema.LANGUAGES) + " (queue "
        "position and hold-time phrases are Asterisk's own), then `core reload`.",
        "",
        "## extensions.conf, field by field",
        "",
        "| setting | Asterisk |",
        "| --- | --- |",
        "| `language` | `Set(CHANNEL(language)=..)` in `ivr-incoming`; sounds are looked up in "
        "`sounds/<lang>/ivr/` |",
        "| `hours.timezone`, `hours.weekly` | `GotoIfTime(times,weekdays,*,*,timezone?ivr-open,s,1)`"
        " (main/pbx_timing.c): one line per set of days with the same ranges; the end minute is "
        "one less, because Asterisk includes it and the appliance does not; `24:00` is `23:59`; "
        "`weekly` null goes straight to `ivr-open` |",
        "| `hours.holidays` | `GotoIf($[\"${STRFTIME(${EPOCH},zone,%Y-%m-%d)}\" = \"date\"]?"
        "ivr-closed,s,1)`: GotoIfTime has no year field, so the full date is compared |",
        "| `hours.closed_prompt`, `voicemail.when_closed` | `ivr-closed`: Playback, then "
        "voicemail or Hangup |",
        "| `menu.greeting`, `recording.notice_prompt` | `ivr-open`: `Background(..,,,ivr-menu)`, "
        "so a key pressed over the greeting chooses in the menu |",
        "| menu node | context `ivr-menu` (root), `ivr-menu-2`, `ivr-menu-2-star` ... (keys "
        "behind it; `*` star, `#` hash): `Background(prompt)` + `WaitExten(timeout_s)` |",
        "| option `queue` / `submenu` / `back` | `Goto(ivr-queue-<name>,s,1)` / `Goto(<child>,s,1)` "
        "/ `Goto(<parent>,s,1)` (tries start again) |",
        "| option `message` / `repeat` / `language` | `Background(prompt)` then the menu again / "
        "the menu again / `Set(CHANNEL(language)=..)` then the menu again (tries kept) |",
        "| option `goodbye` / `voicemail` | `Playback(ivr/goodbye)` + `Hangup()` / "
        "`ivr-voicemail` |",
        "| `invalid_prompt`, `timeout_prompt`, `max_tries`, `fallback` | extensions `i` and `t` "
        "count `TRIES`; at `max_tries` they go to extension `fallback` (the node's inherited "
        "fallback) |",
        "| `menu_path` | `IVR_PATH`, copied to `CDR(userfield)` as `menu=<keys>` |",
        "| `queues.<q>.max_wait_s` | the timeout argument of `Queue(q,,,,<s>)` |",
        "| `queues.<q>.overflow` | extension `overflow` after Queue() returns: voicemail, goodbye, "
        "or `Goto(ivr-queue-<other>,head,1)`, which joins at position 1 (Queue's position "
        "argument) |",
        "| `queues.<q>.escalate_to` (operator transfer) | Queue option `t` and "
        "`Set(__TRANSFER_CONTEXT=ivr-transfer-<q>)`: the operator presses the blind-transfer "
        "code (features.conf `blindxfer`, `#` by default) then `0`, and the caller hears "
        "`transferring` and joins `escalate_to` at the head (main/bridge_basic.c reads "
        "TRANSFER_CONTEXT) |",
        "| `queues.<q>.leave_when_empty` | `joinempty` / `leavewhenempty = "
        f"{EMPTY_FACTORS}`, then the overflow (or `no_operators` and goodbye) |",
        "",
        "## queues.conf, field by field",
        "",
        "| setting | queues.conf (apps/app_queue.c, configs/samples/queues.conf.sample) |",
        "| --- | --- |",
        "| `strategy` lru, fewest_calls, random, ring_all | `strategy = leastrecent`, "
        "`fewestcalls`, `random`, `ringall` |",
        "| `ring_timeout_s` | `timeout` (and `retry = 1`: the next operator rings at once) |",
        "| `wrapup_s` | `wrapuptime` |",
        "| `announce_every_s`, `announce_position`, `announce_wait` | `announce-frequency` (0 "
        "when neither is announced), `announce-position`, `announce-holdtime` |",
        "| `autopause_after_missed` | `autopause = yes` when above 0 (Asterisk pauses after one "
        "missed ring), else `no` |",
        "| `escalate_to`, `escalate_after_s` | the other queue's operators as members with "
        "penalty 1, `defaultrule = ivr-escalate-<q>`, in queuerules.conf `penaltychange => "
        "<escalate_after_s>,1`, and `Set(QUEUE_MAX_PENALTY=0)` before Queue(): the caller keeps "
        "their place while the pool widens |",
        "| `service_level_s` (or `reports.service_level_s`) | `servicelevel` |",
        "| operators | `member => PJSIP/handset<N>,<penalty>,<name>`; paused: `,,,,yes` (the "
        "paused field); disabled: commented out |",
        "| hold music | `musicclass = ivr` |",
        "",
        "## Master.csv, column by column (cdr/cdr_csv.c build_csv_record)",
        "",
        "18 columns, no header, every text in double quotes with a double quote doubled, the two "
        "durations bare integers, an unset time an empty unquoted field. That is cdr_csv's "
        "layout with `loguniqueid` and `loguserfield` on.",
        "",
        "| column | from the call record |",
        "| --- | --- |",
        "| accountcode | empty |",
        "| src | `caller` (empty if withheld; empty for a callback) |",
        "| dst | `s` (the calls entered the IVR), or the number dialled for a callback |",
        "| dcontext | where the call ended in the exported dialplan: `ivr-queue-<queue>`, "
        "`ivr-closed`, `ivr-voicemail`, `ivr-menu`; `ivr-callback` for callbacks |",
        "| clid | `\"<phone book name>\" <caller>` (callerid.c ast_callerid_merge) |",
        "| channel | `IVR/<line>` (`IVR/<line>-callback`): the appliance's line, not an "
        "Asterisk channel |",
        "| dstchannel | `IVR/handset<N>` of the operator who took the call, else empty |",
        "| lastapp, lastdata | `Queue`,`<queue>`; `Playback`,`ivr/closed`; `VoiceMail`,mailbox; "
        "`WaitExten`,empty for a caller who left in the menu; `Dial`,`<line>` for callbacks |",
        "| start, answer, end | `started_at`, `answered_at`, `ended_at` as `YYYY-MM-DD HH:MM:SS`, "
        "UTC (usegmtime=yes) |",
        "| duration | end - start, whole seconds cut down (cdr.c) |",
        "| billsec | end - answer, whole seconds cut down; 0 if never answered; never above "
        "duration |",
        "| disposition | `ANSWERED` if the appliance (or, for a callback, the callee) answered, as "
        "Asterisk counts a call its dialplan answered; `FAILED` for a call that failed before "
        "that; `NO ANSWER` otherwise (a callback nobody picked up) |",
        "| amaflags | `DOCUMENTATION` |",
        "| uniqueid | the call record's `id` (the same id is the queue_log callid) |",
        "| userfield | `menu=<menu_path>;outcome=<outcome>` |",
        "",
        "## queue_log, event by event (main/logger.c, apps/app_queue.c)",
        "",
        "Each line is `epoch|callid|queue|agent|event|data...`; agent is the operator's name "
        "(the member name), `NONE` where there is none. Only inbound calls that reached a queue "
        "have events; callbacks are in Master.csv only.",
        "",
        "| event | when | data |",
        "| --- | --- | --- |",
        "| ENTERQUEUE | `queued_at` | url (empty), caller, `position_at_entry` |",
        "| RINGNOANSWER / RINGCANCELED | a ring attempt `no_answer` or `busy` / `cancelled` | "
        "ring time in ms |",
        "| CONNECT | a ring attempt `answered` | hold time, the member channel's id, ring time |",
        "| COMPLETECALLER / COMPLETEAGENT | the end, by `hangup_by` caller / anyone else | "
        "hold time, talk time, original position |",
        "| BLINDTRANSFER | an operator's transfer | `0`, `ivr-transfer-<queue>`, hold time, talk "
        "time, original position; then ENTERQUEUE in the other queue |",
        "| EXITWITHTIMEOUT | `max_wait_s` reached (voicemail, goodbye), or a system move to "
        "another queue | position, original position, wait |",
        "| EXITEMPTY | left because no operator was present | position, original position, wait |",
        "| EXITWITHKEY | the caller chose a callback | key `1`, position, original position, wait |",
        "| ABANDON | the caller hung up waiting | position, original position, wait |",
        "",
        "The appliance keeps the position on entry only, so the position when leaving is "
        "written as that same number.",
        "",
        "## What cannot be expressed",
        "",
        "- The callback offer, with the caller's place kept while we dial back, and the callback "
        "retries (`callbacks.*`): Asterisk's Queue() has no such thing.",
        "- The wait estimate as the appliance says it (rounded for speech, our own phrases and "
        "grammar in three languages): Asterisk announces its own average hold time with its "
        "stock sounds (`announce-holdtime`).",
        "- Caller ID sent to the analog desk handsets (`handsets.caller_id`), hook flash "
        "transfers, the crosspoint, lines and modems (`lines`, `handsets`): these are "
        "hardware; in Asterisk they are the SIP phones, trunks and gateways you configure.",
        "- Text messages (`sms.*` and their templates).",
        "- Automatic pausing after N missed rings: Asterisk pauses after the first.",
        "- Phone book numbers match only exactly in AstDB; the appliance also matches "
        "national and international forms of one number.",
        "- Operators' notes, the web page, the technician console, reports (use the queue_log "
        "with a queue report tool).",
    ]
    if gaps:
        lines += ["", "In these settings in particular:", ""] + [f"- {gap}" for gap in gaps]
    if problems:
        lines += ["", "Prompts that could not be converted (not exported):", ""] + \
                 [f"- {p}" for p in problems]
    return "\n".join(lines) + "\n"


# ---- reading the appliance and writing the folder ----------------------------------------------

def read_settings(data_dir: Path) -> dict:
    """The settings in force, read-only (a damaged file is read around, never moved); the
    defaults when none were saved."""
    files = [Path(data_dir) / name for name in ("settings.json", "settings.json.bak")]
    if not any(path.exists() for path in files):
        return schema.defaults()
    return SettingsStore(data_dir, readonly=True).load()


def render(settings: dict, records: list[dict], phonebook: list[dict],
           names: dict[str, str] | None = None,
           ends: Endpoints = DEFAULT_ENDPOINTS) -> dict[str, str]:
    """Every text file of the export by name (the prompts are written by ``write_prompts``).
    ``names``: caller number -> phone book name (default: exact numbers of ``phonebook``)."""
    if names is None:
        names = {e["number"]: e["name"] or e["company"] for e in phonebook}
    return {
        "extensions.conf": extensions_conf(settings, ends),
        "queues.conf": queues_conf(settings, ends),
        "queuerules.conf": queuerules_conf(settings),
        "phonebook.csv": phonebook_csv(phonebook),
        "Master.csv": master_csv(records, names, ends),
        "queue_log": queue_log(records, settings),
    }


def _check_target(out_dir: Path, force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ApplianceError(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise ApplianceError(f"{out_dir} is not empty; choose an empty or new folder, or add "
                             "--force to replace the exported files in it (other files are left)")


def export(data_dir: Path, out_dir: Path, force: bool = False,
           voice_dir: Path | None = None, ends: Endpoints = DEFAULT_ENDPOINTS) -> dict[str, int]:
    """Write every file into ``out_dir`` at once: built in a folder beside it, then moved in.
    A non-empty ``out_dir`` is refused unless ``force``; then only the exported names are
    replaced. Returns counts of what was written."""
    data_dir, out_dir = Path(data_dir), Path(out_dir).absolute()
    _check_target(out_dir, force)
    if not data_dir.is_dir():
        raise ApplianceError(f"no data folder at {data_dir}")
    settings = read_settings(data_dir)
    with CallLog(data_dir / CALLLOG_NAME, readonly=True) as log:
        records = list(log.iter_calls())
    book = PhoneBook(data_dir, readonly=True)
    phonebook = book.entries()
    names = {}
    for caller in {r["caller"] for r in records if r["caller"]}:
        entry = book.find(caller)                  # the appliance's rule: 01632... is +441632...
        if entry is not None:
            names[caller] = entry["name"] or entry["company"]
    library = PromptLibrary(voice_dir or default_voice_dir(), data_dir, settings["language"])
    texts = render(settings, records, phonebook, names, ends)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.export-"))
    build.chmod(0o755)                                   # mkdtemp's 0700 would stay on DIR
    try:
        problems = write_prompts(library, build)
        counts = {"calls": len(records), "phonebook": len(phonebook),
                  "queue_events": texts["queue_log"].count("\n"),
                  "prompts": sum(1 for _ in (build / "sounds").rglob("*.wav"))}
        texts["README.md"] = readme(settings, counts, problems, ends)
        for name, text in texts.items():
            (build / name).write_text(text, encoding="utf-8", newline="")
        _move_in(build, out_dir)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return counts


def _move_in(build: Path, out_dir: Path) -> None:
    """A new folder is renamed into place whole; into an existing one each exported name is
    swapped in, the old copy set aside first and removed once all are in."""
    if not out_dir.exists() or (out_dir.is_dir() and not any(out_dir.iterdir())):
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(build, out_dir)
        build.mkdir()                                    # for the caller's cleanup
        return
    old = build / ".old"
    old.mkdir()
    for name in OUTPUTS:
        if (out_dir / name).exists():
            os.replace(out_dir / name, old / name)
    for name in OUTPUTS:
        if (build / name).exists():
            os.replace(build / name, out_dir / name)


def cmd_export(args) -> int:
    """``ivr-appliance export asterisk DIR``: write the files and say where."""
    ends = Endpoints(member=args.member, mailbox=args.mailbox)
    counts = export(args.data_dir, args.dir, force=args.force, ends=ends)
    print(f"Exported for Asterisk into {args.dir}: extensions.conf, queues.conf, queuerules.conf, "
          f"{counts['prompts']} prompt files, phonebook.csv ({counts['phonebook']} entries), "
          f"Master.csv ({counts['calls']} calls), queue_log ({counts['queue_events']} lines). "
          f"Read {Path(args.dir) / 'README.md'} next.")
    return 0
