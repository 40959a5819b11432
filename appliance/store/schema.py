"""Every setting of the appliance declared once (default, bounds, one-line doc), and the checks between them.

The shape is docs/dev/settings-spec.md; docs/settings.md is rendered from this table by
``appliance.store.settings_doc``.

>>> doc = validate({"queues": {"sales": {"ring_timeout_s": 20}, "support": {}}})
>>> doc["queues"]["sales"]["ring_timeout_s"], doc["queues"]["sales"]["wrapup_s"]
(20, 10)
"""
from __future__ import annotations

import copy
import itertools
import re
from datetime import date
from typing import Any, Callable, Collection, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from appliance.engine import sms_text
from appliance.errors import SettingsError
from appliance.lines import sms as sms_encoding
from appliance.store import menu_schema
from appliance.store.fields import (
    INHERIT, NAME, PROMPT_KEY, REQUIRED, Bool, Choice, Custom, Int, ListOf, MapOf, Number, Record,
    Row, Text, fail, join, shown,
)

VERSION = 1
# from-version -> function turning a document of that version into one of the next version
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}

LINE_DRIVERS = ("sim", "sim800", "sim7600", "ec25", "v253")
STRATEGIES = ("lru", "fewest_calls", "random", "ring_all")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The reference board's wiring (shared/design.md); handsets.pins overrides these by signal name.
DEFAULT_PINS = {
    "ring_data": 17, "ring_clock": 27, "ring_latch": 22,
    "hook_data": 23, "hook_clock": 24, "hook_load": 25,
    "xp_ax0": 5, "xp_ax1": 6, "xp_ax2": 13, "xp_ax3": 19, "xp_ay0": 26, "xp_ay1": 16, "xp_ay2": 20,
    "xp_data": 21, "xp_strobe": 12, "xp_cs_a": 8, "xp_cs_b": 7, "xp_reset": 4,
    "ring_oe": 18,
}
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
SERIAL_BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600)


# ---- checks of single values that need more than a type and bounds -----------------------------

def _finish_line(line: dict, path: str) -> dict:
    """A line needs its AT port; ``sound_card`` is the older name of a sim800's ``bridge_audio``.

    On a sim800 the value moves to ``bridge_audio`` and ``sound_card`` becomes null, so that an
    export shows the card under one name only and editing ``bridge_audio`` later cannot clash
    with a stale ``sound_card``. Two different values under the two names are refused (no file
    written before ``bridge_audio`` existed can hold both). On other drivers ``sound_card`` is
    kept as given here: older firmware accepted it there, unused, and loading must not refuse it;
    saving refuses it (``_check_sound_card``).
    """
    if line["driver"] != "sim" and line["port"] is None:
        fail(join(path, "port"), f"is required for driver '{line['driver']}' (the AT command port)")
    old, card = line["sound_card"], line["bridge_audio"]
    if old is not None and card is not None and old != card:
        fail(join(path, "sound_card"), f"is {shown(old)} but {join(path, 'bridge_audio')} is "
                                       f"{shown(card)}: sound_card is the older name of "
                                       "bridge_audio; give the card once, as bridge_audio")
    if line["driver"] == "sim800" and old is not None:
        line = {**line, "bridge_audio": old, "sound_card": None}
    return line


def _name_defaults_to_id(operator: dict, path: str) -> dict:
    return {"id": operator["id"], "name": operator.get("name", operator["id"]), **operator}


def _distinct_pins(handsets: dict, path: str) -> dict:
    """Two signals on one pin would drive the board's chips wrongly: refuse it."""
    wiring = {**DEFAULT_PINS, **handsets["pins"]}
    for signal, pin in handsets["pins"].items():
        others = [name for name, used in wiring.items() if used == pin and name != signal]
        if others:
            fail(join(join(path, "pins"), signal), f"is pin {pin}, already used by {others[0]}")
    return handsets


def _timezone(value: Any, path: str) -> str:
    Text(None, "").check(value, path)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        fail(path, f"is not a time zone this system knows (got {shown(value)}); "
                   "use an IANA name such as Europe/London")
    return value


def _serial_speed(value: Any, path: str) -> int:
    if isinstance(value, bool) or value not in SERIAL_BAUDS:
        fail(path, f"must be a serial speed: {', '.join(map(str, SERIAL_BAUDS))} "
                   f"(got {shown(value)})")
    return value


def _console_pin(value: Any, path: str) -> str:
    """Kept as text so a leading zero survives; a bare number typed at the console is taken too."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not re.fullmatch(r"\d{4,8}", value):
        fail(path, "must be 4 to 8 digits (what was given is not shown: it would be the PIN)")
    return value


def _date(value: Any, path: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        fail(path, f"must be a date YYYY-MM-DD (got {shown(value)})")
    try:
        date.fromisoformat(value)
    except ValueError:
        fail(path, f"is not a real date (got {shown(value)})")
    return value


def _time_range(value: Any, path: str) -> list:
    if not (isinstance(value, list) and len(value) == 2):
        fail(path, f'must be a pair of times like ["09:00", "17:30"] (got {shown(value)})')
    for index, moment in enumerate(value):
        midnight = index == 1 and moment == "24:00"          # "open until midnight"
        if not isinstance(moment, str) or not (_HHMM.fullmatch(moment) or midnight):
            fail(join(path, index), f"must be a time HH:MM from 00:00 to 23:59, or 24:00 as an end "
                                    f"(got {shown(moment)})")
    if value[0] >= value[1]:
        fail(path, f"must start before it ends (got {shown(value)})")
    return value


def _sms_template(kind: str) -> Callable[[Any, str], str]:
    """The check of one ``kind`` template: text up to 600 characters whose placeholders it knows."""
    allowed = sms_text.ALLOWED[kind]

    def check(value: Any, path: str) -> str:
        Text(None, "").check(value, path)
        if len(value) > sms_text.MAX_TEMPLATE_CHARS:
            fail(path, f"is {len(value)} characters long; at most {sms_text.MAX_TEMPLATE_CHARS}")
        try:
            names = sms_text.placeholders(value)
        except ValueError as exc:
            fail(path, str(exc))
        for name in names:
            if name not in allowed:
                fail(path, f"uses the placeholder {{{name}}}, which is not known here; a {kind} "
                           f"text may use {', '.join('{' + n + '}' for n in allowed)}")
        return value
    return check


def _sender_name(value: Any, path: str) -> str:
    Text(None, "").check(value, path)
    if len(value) > sms_text.MAX_SENDER_CHARS:
        fail(path, f"is {len(value)} characters long; at most {sms_text.MAX_SENDER_CHARS}")
    return value


# ---- the declarations ---------------------------------------------------------------------------

LINE = Record({
    "id": Text(REQUIRED, "the line's name in call records and on the web page", NAME),
    "driver": Choice("sim", LINE_DRIVERS, "the kind of line interface (sim = simulated line)"),
    "port": Text(None, "AT command serial device, e.g. /dev/ttyUSB2 (required unless driver is sim)",
                 nullable=True),
    "audio_port": Text(None, "PCM audio serial device, for sim7600 and ec25", nullable=True),
    "bridge_audio": Text(None, "audio device wired to this line's crosspoint row (a PortAudio "
                         "device name or a unique part of it); on a sim800 also the line's own "
                         "audio (docs/wiring.md, Bridge sound cards)", nullable=True),
    "sound_card": Text(None, "older name of bridge_audio, sim800 lines only (its value moves to "
                       "bridge_audio)", nullable=True),
    "pin": Text(None, "the SIM card's PIN, if it has one", nullable=True),
    "baud": Int(115200, "serial speed of port", low=1200, high=4000000),
}, finish=_finish_line)

OPERATOR = Record({
    "id": Text(REQUIRED, "the operator's name in call records and reports", NAME),
    "name": Text(INHERIT, "name shown on the web page (defaults to id)"),
    "handset": Int(REQUIRED, "the operator's desk phone, 1 to handsets.count", low=1, high=20),
    "queues": ListOf(Text(REQUIRED, "a queue name", NAME), REQUIRED,
                     "the queues whose callers this operator takes", noun="queues",
                     min_items=1, unique=True),
    "enabled": Bool(True, "false takes the operator off every queue (left the company, on leave)"),
    "paused": Bool(False, "true: on a break; calls are not offered until unpaused"),
}, finish=_name_defaults_to_id)

QUEUE = Record({
    "strategy": Choice("lru", STRATEGIES, "who rings next: idle longest, fewest calls, random, or all"),
    "ring_timeout_s": Number(15, "seconds a handset rings before the next operator is tried",
                             low=5, high=120),
    "wrapup_s": Number(10, "seconds after a call before the operator is offered another", low=0,
                       high=600),
    "announce_position": Bool(True, "tell waiting callers their place in line"),
    "announce_wait": Bool(True, "tell waiting callers the estimated wait"),
    "announce_every_s": Number(60, "seconds between announcements to a waiting caller", low=15,
                               high=3600),
    "callback_offer_after_s": Number(600, "offer a callback when the estimated wait exceeds this "
                                     "(null: never offer)", low=0, high=86400, nullable=True),
    "autopause_after_missed": Int(3, "pause an operator after this many missed rings in a row "
                                  "(0: never)", low=0, high=100),
    "escalate_to": Text(None, "queue whose operators may take this queue's callers too after "
                        "escalate_after_s (callers keep their place); an operator's flash + 0 "
                        "transfers there", NAME, nullable=True),
    "escalate_after_s": Number(None, "seconds of waiting before escalate_to's operators may take "
                               "the caller too", low=10, high=86400, nullable=True),
    "max_wait_s": Number(None, "longest wait in this queue before the overflow action (null: no "
                         "limit)", low=10, high=86400, nullable=True),
    "overflow": Custom(None, "what happens at max_wait_s (and with leave_when_empty): "
                       '{"action": "voicemail"}, {"action": "callback_offer"}, {"action": '
                       '"goodbye"} or {"action": "queue", "queue": NAME} (to its head)',
                       lambda value, path: _overflow(value, path), "an overflow action, or null",
                       nullable=True),
    "leave_when_empty": Bool(False, "with no operator present for this queue, do not hold its "
                             "callers: the overflow action, or goodbye (outcome no_operators)"),
    "default_handle_s": Number(180, "handle time assumed for wait estimates before any call is "
                               "measured", low=10, high=7200),
    "service_level_s": Number(None, "this queue's service-level target in seconds (null: "
                              "reports.service_level_s)", low=1, high=600, nullable=True),
})

WEEKLY = MapOf(
    ListOf(Custom(REQUIRED, "an opening time range", _time_range, '["HH:MM", "HH:MM"]'), [],
           "opening time ranges of the day", noun="ranges"),
    None, "opening hours by weekday (null: always open; a missing day is closed)",
    noun="days", keys=DAYS, key_noun="day", nullable=True)

HOURS = Record({
    "timezone": Custom("UTC", "the office's time zone, for weekly hours and holidays", _timezone,
                       "an IANA time zone name, e.g. Europe/London"),
    "weekly": WEEKLY,
    "holidays": ListOf(Custom(REQUIRED, "a date", _date, "YYYY-MM-DD"), [],
                       "dates closed all day", noun="dates", unique=True),
    "closed_prompt": Text("closed", "prompt played to callers outside opening hours", PROMPT_KEY),
})

SMS_TEMPLATES = {
    "callback_confirm": {
        "en": "Thank you for holding. We will call you back on {number} at about {time}. "
              "You keep your place in line.",
        "ru": "Мы перезвоним вам на номер {number} примерно в {time}.",
        "it": "Grazie per l'attesa. La richiameremo al {number} verso le {time}. "
              "Il suo posto in coda resta valido.",
    },
    "missed_apology": {
        "en": "Sorry we could not answer your call. We are open {hours}. Please call us again.",
        "ru": "Простите, что не ответили. Работаем {hours}.",
        "it": "Ci scusi se non abbiamo potuto risponderle. Siamo aperti {hours}. Ci richiami pure.",
    },
}
_KIND_DOC = {"callback_confirm": "the confirmation of a booked callback",
             "missed_apology": "the apology to a caller who hung up while waiting"}


def _sms_templates(kind: str) -> Record:
    allowed = "text of up to 600 characters with " + ", ".join(
        "`{" + name + "}`" for name in sms_text.ALLOWED[kind])
    texts = {"en": Custom(SMS_TEMPLATES[kind]["en"], f"{_KIND_DOC[kind]}, in English (what the "
                          "placeholders become: engine.md, Text messages)",
                          _sms_template(kind), allowed)}
    for language, name in (("ru", "Russian"), ("it", "Italian")):
        texts[language] = Custom(SMS_TEMPLATES[kind][language],
                                 f"{_KIND_DOC[kind]}, in {name} (null: the English text)",
                                 _sms_template(kind), allowed, nullable=True)
    return Record(texts)


SMS = Record({
    "callback_confirm": Bool(False, "text a caller who booked a callback: the number and the time "
                             "we expect to call"),
    "missed_apology": Bool(False, "text a caller who hung up while waiting in the queue: an "
                           "apology and the opening hours"),
    "sender_name": Custom(None, "the business's name, for `{business}` in the texts (null: the "
                          "texts may not use `{business}`)", _sender_name,
                          f"text of up to {sms_text.MAX_SENDER_CHARS} characters", nullable=True),
    "templates": Record({kind: _sms_templates(kind) for kind in sms_text.KINDS}),
})

DEFAULT_OPERATORS = [
    {"id": "ann", "name": "Ann", "handset": 1, "queues": ["sales", "support"]},
    {"id": "bob", "name": "Bob", "handset": 2, "queues": ["sales"]},
    {"id": "cat", "name": "Cat", "handset": 3, "queues": ["support"]},
]

TOP = Record({
    "version": Int(VERSION, "the settings format; older versions are migrated on load", low=1,
                   high=VERSION),
    "language": Choice("en", menu_schema.LANGUAGES, "language callers hear first"),
    "lines": ListOf(LINE, [{"id": "line1"}], "the phone lines, in the order of the crosspoint rows",
                    noun="lines", min_items=1, max_items=4, unique="id"),
    "web": Record({
        "host": Text("0.0.0.0", "address the web page listens on (0.0.0.0: every interface)"),
        "port": Int(8080, "TCP port of the web page", low=1, high=65535),
        "https": Choice("auto", ("auto", "on", "off"), "serve the page over HTTPS with the box's "
                        "own certificate (auto: on unless the page listens only on this machine)"),
        "language": Choice("auto", ("auto", "en", "ru", "it"), "language of the web page (auto: "
                           "the browser's)"),
    }),
    "console": Record({
        "port": Text(None, "serial device of the technician console, e.g. /dev/serial0 "
                     "(null: no serial console; the control socket is always served)",
                     nullable=True),
        "baud": Custom(115200, "serial speed of the console port (8N1)", _serial_speed,
                       "a serial speed such as 9600 or 115200"),
        "pin": Custom(None, "PIN a console session asks for before any command, on the serial "
                      "port and the control socket (null: none)", _console_pin, "4 to 8 digits",
                      nullable=True),
    }),
    "handsets": Record({
        "driver": Choice("sim", ("gpio", "sim"), "gpio: the reference board; sim: simulated"),
        "count": Int(3, "how many handset line cards are fitted", low=1, high=20),
        "pins": MapOf(Int(REQUIRED, "BCM pin number", low=0, high=27), {},
                      "board signals moved to other BCM pins (defaults: Board pins, below)",
                      noun="pins", keys=tuple(DEFAULT_PINS), key_noun="signal"),
        "cadence": Choice("us", ("us", "uk"), "ring cadence: us 2 s on / 4 s off; uk 0.4/0.2/0.4/2.0"),
        "service_audio": Text(None, "audio device wired to the crosspoint's service bus (row "
                              "Y4): operator whisper, hold/transfer prompt, handset tests (null: "
                              "none of these; calls still connect)", nullable=True),
        "caller_id": Choice("off", ("off", "bell202", "v23"),
                            "caller's number and name on desk phones with a display, sent over "
                            "the service bus between the first and second ring: bell202 (North "
                            "America), v23 (Europe, UK); needs handsets.service_audio"),
        "caller_id_handsets": ListOf(Int(REQUIRED, "handset number", low=1, high=20), [],
                                     "handsets with a display to send caller ID to (empty: all)",
                                     noun="handsets", max_items=20, unique=True),
        "sim_answer_after_s": Number(4.0, "with driver sim: seconds before an operator answers",
                                     low=0, high=120),
        "sim_talk_s": Number(60.0, "with driver sim: seconds an operator talks", low=1, high=7200),
    }, finish=_distinct_pins),
    "operators": ListOf(OPERATOR, DEFAULT_OPERATORS, "the people at the handsets",
                        noun="operators", max_items=20, unique="id", note=" (one per handset)"),
    "queues": MapOf(QUEUE, {"sales": {}, "support": {}},
                    "operator groups that callers wait for, by name", noun="queue", min_items=1),
    "menu": menu_schema.MENU,
    "hours": HOURS,
    "callbacks": Record({
        "max_attempts": Int(3, "dial-back tries before giving up", low=1, high=10),
        "retry_after_s": Number(300, "seconds between dial-back tries", low=30, high=86400),
        "answer_timeout_s": Number(30, "seconds a dial-back rings before it counts as unanswered",
                                   low=10, high=120),
        "close_margin_s": Number(1800, "a callback booked this close to closing time (or one not "
                                 "expected before closing) is promised for the next working day",
                                 low=0, high=14400),
    }),
    "recording": Record({
        "enabled": Bool(False, "record conversations between callers and operators"),
        "notice_prompt": Text("recording_notice", "prompt telling callers that calls are recorded, "
                              "played after the greeting while recording is on", PROMPT_KEY),
        "stereo": Bool(True, "caller and operator on separate channels (else mixed to one)"),
        "keep_days": Int(90, "recordings and voicemail older than this are deleted", low=1,
                         high=3650),
        "min_free_mb": Int(200, "oldest recordings are deleted to keep this much disk free",
                           low=50, high=100000),
    }),
    "voicemail": Record({
        "when_closed": Bool(False, "outside opening hours, take a message after the closed prompt"),
        "prompt": Text("voicemail_greeting", "prompt before the beep", PROMPT_KEY),
        "max_s": Number(120, "longest message in seconds", low=10, high=600),
        "silence_end_s": Number(5, "a message ends after this much silence", low=2, high=30),
    }),
    "sms": SMS,
    "reports": Record({
        "service_level_s": Number(20, "target wait: calls answered within it count as in service "
                                  "level", low=1, high=600),
        "missed_rings_flag": Int(5, "flag an operator with this many missed rings in the period",
                                 low=1, high=1000),
    }),
})


# ---- checks between sections --------------------------------------------------------------------

def _check_operators(doc: dict) -> None:
    owners: dict[int, str] = {}
    for index, operator in enumerate(doc["operators"]):
        path = join("operators", index)
        _check_handset(operator, path, doc["handsets"]["count"], owners)
        for position, queue in enumerate(operator["queues"]):
            if queue not in doc["queues"]:
                fail(join(join(path, "queues"), position), f"names queue '{queue}', which does not exist")


def _check_handset(operator: dict, path: str, count: int, owners: dict[int, str]) -> None:
    handset, where = operator["handset"], join(path, "handset")
    if handset > count:
        fail(where, f"is {handset}, but handsets.count is {count}")
    if handset in owners:
        fail(where, f"is handset {handset}, already used by operator '{owners[handset]}'")
    owners[handset] = operator["id"]


OVERFLOW_ACTIONS = ("voicemail", "callback_offer", "goodbye", "queue")


def _overflow(value: Any, path: str) -> dict:
    """``{"action": ...}``, and ``queue`` with the action ``queue`` (checked against the queues
    in ``_check_escalation``)."""
    if not isinstance(value, dict) or "action" not in value:
        fail(path, f"must be an object with an action ({', '.join(OVERFLOW_ACTIONS)}); got "
                   f"{shown(value)}")
    if value["action"] not in OVERFLOW_ACTIONS:
        fail(join(path, "action"), f"must be one of {', '.join(OVERFLOW_ACTIONS)}; got "
                                   f"{shown(value['action'])}")
    wanted = {"action", "queue"} if value["action"] == "queue" else {"action"}
    if set(value) != wanted:
        fail(path, f"a {value['action']} overflow takes exactly {', '.join(sorted(wanted))}")
    return dict(value)


def _check_escalation(doc: dict) -> None:
    """Escalation and overflow name existing queues, never the queue itself, and escalation
    chains do not loop (the message shows the chain)."""
    queues = doc["queues"]
    for name, queue in queues.items():
        path, target = join("queues", name), queue["escalate_to"]
        if target == name:
            fail(join(path, "escalate_to"), "cannot be the queue itself")
        if target is not None and target not in queues:
            fail(join(path, "escalate_to"), f"names queue '{target}', which does not exist")
        if queue["escalate_after_s"] is not None and target is None:
            fail(join(path, "escalate_after_s"), "needs escalate_to: the queue whose operators "
                                                 "take the caller too")
        overflow = queue["overflow"] or {}
        to = overflow.get("queue")
        if to is not None and (to == name or to not in queues):
            fail(join(path, "overflow"), f"names queue '{to}', which "
                 + ("is this queue" if to == name else "does not exist"))
        if queue["max_wait_s"] is not None and not overflow:
            fail(join(path, "max_wait_s"), "needs an overflow action: what happens at the limit")
        chain = [name]
        while queues[chain[-1]]["escalate_to"] is not None:
            chain.append(queues[chain[-1]]["escalate_to"])
            if chain[-1] in chain[:-1]:
                fail(join(path, "escalate_to"), "makes a loop: " + " -> ".join(chain))


def warnings(doc: dict) -> list[str]:
    """What is allowed but probably a mistake, for the person saving the settings to read:
    an escalation or overflow target no enabled operator serves."""
    served = {q for op in doc["operators"] if op.get("enabled", True) for q in op["queues"]}
    found = []
    for name, queue in doc["queues"].items():
        for key, target in (("escalate_to", queue["escalate_to"]),
                            ("overflow", (queue["overflow"] or {}).get("queue"))):
            if target is not None and target not in served:
                found.append(f"queues.{name}.{key} names '{target}', which no enabled operator "
                             "serves: callers sent there would only wait")
    return found


def _check_menu(doc: dict) -> None:
    menu_schema.check_queue_refs(doc["menu"], doc["queues"])


def _check_sms(doc: dict) -> None:
    """{business} needs a sender name; a text switched on must fit one message however it is
    filled in (the longest number, each weekday's time and opening hours)."""
    conf = doc["sms"]
    for kind in sms_text.KINDS:
        for language, template in conf["templates"][kind].items():
            path = join(join(join("sms", "templates"), kind), language)
            names = set(sms_text.placeholders(template or ""))
            if "business" in names and conf["sender_name"] is None:
                fail(path, "uses {business}, but sms.sender_name is not set")
            if conf[kind] and template is not None:
                _check_fits(template, names, doc["hours"], language, conf["sender_name"], path)


def _check_fits(template: str, names: set[str], hours: dict, language: str,
                sender: str | None, path: str) -> None:
    """Fill ``template`` with the longest value of each placeholder, and with the longest one
    that needs UCS2 (which holds fewer characters); each must plan as one message."""
    samples = sms_text.samples(hours, language, sender)
    choices = {}
    for name in names:
        values = sorted(samples[name], key=len, reverse=True)
        ucs2 = [v for v in values if not sms_encoding.typeable(v)]
        choices[name] = [values[0]] + ucs2[:1]
    for combo in itertools.product(*choices.values()):
        try:
            sms_encoding.plan(sms_text.LONGEST_NUMBER,
                              sms_text.render(template, dict(zip(choices, combo))))
        except ValueError as exc:
            fail(path, f"cannot be sent as one text message once filled in with the longest "
                       f"number, time and opening hours: {exc}")


# ---- the voice path (design.md, "The voice path"): strict checks, on save and import only -------

SERVICE_ROW = 4                      # crosspoint row Y4 is the service bus; lines are Y0-Y3
PCM_DRIVERS = ("sim7600", "ec25")    # audio on a second port (audio_port), not on the row itself


def _check_sound_card(doc: dict) -> None:
    """``sound_card`` names a sim800's card only; older firmware let it stand (unused) elsewhere."""
    for index, line in enumerate(doc["lines"]):
        if line["driver"] != "sim800" and line["sound_card"] is not None:
            fail(join(join("lines", index), "sound_card"),
                 f"is only for a sim800 line; on a {line['driver']} line name the sound card "
                 f"wired to its crosspoint row (Y{index}) in lines[{index}].bridge_audio")


def _check_bridge_cards(doc: dict) -> None:
    """With handsets on the board, a line whose voice cannot reach its crosspoint row without a
    bridge card must name one; the message says what to wire. (Handsets sim: nothing to wire.)"""
    if doc["handsets"]["driver"] != "gpio":
        return
    for index, line in enumerate(doc["lines"]):
        driver, path = line["driver"], join("lines", index)
        if line["bridge_audio"] is not None:
            continue
        who = f"so {path} ('{line['id']}', {driver}) has no bridge card: with handsets on the " \
              "board (handsets.driver gpio)"
        wire = f"wire one (docs/wiring.md, 'Bridge sound cards') and name it in {path}.bridge_audio"
        if driver == "v253" or (driver in PCM_DRIVERS and line["audio_port"] is not None):
            fail(join(path, "bridge_audio"),
                 f"is not set, {who} its caller can only be heard through a USB sound card "
                 f"wired to crosspoint row Y{index}; {wire}")
        if driver == "sim800":
            fail(join(path, "bridge_audio"),
                 f"is not set, {who} the module's own audio is on crosspoint row Y{index}, but "
                 "prompts, in-band keys and recordings need a USB sound card wired to that row "
                 f"too; {wire} (or in its older name, {path}.sound_card)")


def _check_one_card_per_row(doc: dict) -> None:
    """One sound card channel is one row: no card named for two lines, or for a line and the
    service bus. Names are compared ignoring case and surrounding spaces (the card lookup falls
    back to ignoring case); different pieces of one card's name cannot be told apart here."""
    rows: dict[str, int] = {}
    for index, line in enumerate(doc["lines"]):
        name = line["bridge_audio"]
        if name is None:
            continue
        key = name.strip().casefold()
        if key in rows:
            other = rows[key]
            fail(join(join("lines", index), "bridge_audio"),
                 f"names {shown(name)}, the same sound card as lines[{other}].bridge_audio: one "
                 f"card channel cannot be two crosspoint rows (Y{other} and Y{index}); give each "
                 "line its own card (docs/wiring.md, 'Bridge sound cards')")
        rows[key] = index
    service = doc["handsets"]["service_audio"]
    if service is not None and service.strip().casefold() in rows:
        other = rows[service.strip().casefold()]
        fail(join("handsets", "service_audio"),
             f"names {shown(service)}, the same sound card as lines[{other}].bridge_audio: one "
             f"card channel cannot be the service bus (row Y{SERVICE_ROW}) and line row Y{other}; "
             "wire a card of its own to the service bus (docs/wiring.md, 'Bridge sound cards')")


def _check_caller_id(doc: dict) -> None:
    """Caller ID is sent over the service bus, to handsets that are fitted."""
    handsets = doc["handsets"]
    if handsets["caller_id"] == "off":
        return
    if handsets["driver"] == "gpio" and handsets["service_audio"] is None:
        fail(join("handsets", "caller_id"), f"is {handsets['caller_id']}, but caller ID is sent "
             "over the service bus and handsets.service_audio is not set (docs/wiring.md)")
    for index, handset in enumerate(handsets["caller_id_handsets"]):
        if handset > handsets["count"]:
            fail(join(join("handsets", "caller_id_handsets"), index),
                 f"is {handset}, but handsets.count is {handsets['count']}")


CROSS_CHECKS = (_check_operators, _check_escalation, _check_menu, _check_sms, _check_caller_id)
# Run only on save and import (``validate`` given ``prompts``), never on load: settings written by
# older firmware lack the voice path's keys, and the appliance must still start with them (the
# line drivers then warn that the line has no voice to the desks).
STRICT_CHECKS = (_check_sound_card, _check_bridge_cards, _check_one_card_per_row)
# settings outside the menu that name a prompt: (section, field)
PROMPT_SETTINGS = (("hours", "closed_prompt"), ("recording", "notice_prompt"), ("voicemail", "prompt"))


def prompt_refs(doc: dict) -> Iterator[tuple[str, str]]:
    """Every ``(key path, prompt key)`` the settings name: the menu's, then the other sections'."""
    yield from menu_schema.prompt_refs(doc["menu"])
    for section, field in PROMPT_SETTINGS:
        if section in doc:
            yield join(section, field), doc[section][field]


def check_prompt_refs(doc: dict, prompts: Collection[str]) -> None:
    """A prompt that does not exist cannot be played: refuse it with the key path."""
    for path, key in prompt_refs(doc):
        if key not in prompts:
            fail(path, f"names prompt '{key}', which does not exist (upload it for at least one "
                       "language, or use a default prompt)")


# ---- public API ---------------------------------------------------------------------------------

def migrate(doc: dict, migrations: dict[int, Callable[[dict], dict]] | None = None,
            current: int = VERSION) -> dict:
    """``doc`` brought to version ``current`` by the migrations from its own version on."""
    migrations = MIGRATIONS if migrations is None else migrations
    version = Int(current, "", low=1).check(doc.get("version", current), "version")
    if version > current:
        fail("version", f"is {version}, newer than this firmware understands ({current}); "
                        "update the firmware first")
    while version < current:
        doc = migrations[version](copy.deepcopy(doc))
        version += 1
        doc["version"] = version
    return doc


def validate(doc: Any, prompts: Collection[str] | None = None) -> dict:
    """The full normalised settings, or SettingsError naming the first key that is wrong.

    Missing keys are filled from the defaults (a queue given as ``{}`` gets every default);
    unknown keys are errors. ``doc`` itself is never modified.

    Passing ``prompts`` (the keys that exist: ``appliance.audio.prompts.known_keys(data_dir)``)
    makes the check *strict*, as saving and importing do: a setting naming another prompt is
    refused, and so are the ``STRICT_CHECKS`` (a line that could not carry voice to the board's
    handsets, one sound card named for two crosspoint rows, ``sound_card`` off a sim800). Loading
    passes no ``prompts``, so that settings stay readable even if an uploaded prompt is deleted
    (the prompt library then falls back, see docs/prompts.md), and settings from older firmware,
    which know no bridge cards, still start the appliance.
    """
    if not isinstance(doc, dict):
        raise SettingsError(f"Settings must be one JSON object (got {shown(doc)})")
    normal = TOP.check(migrate(doc), "")
    for rule in CROSS_CHECKS:
        rule(normal)
    if prompts is not None:
        for rule in STRICT_CHECKS:
            rule(normal)
        check_prompt_refs(normal, prompts)
    return normal


_DEFAULTS = validate({})


def defaults() -> dict:
    """A fresh copy of the full default document (the demo of docs/dev/settings-spec.md)."""
    return copy.deepcopy(_DEFAULTS)


def merge(base: dict, patch: dict) -> dict:
    """``base`` with ``patch`` laid over it: maps merge key by key, lists and values replace.

    A menu action (a map with an ``action`` key) replaces the old one whole: its fields depend on
    its kind, so a ``submenu`` laid over a ``queue`` must not keep the old ``queue`` field.

    >>> merge({"web": {"host": "a", "port": 1}}, {"web": {"port": 2}})
    {'web': {'host': 'a', 'port': 2}}
    """
    out = copy.deepcopy(base)
    for key, value in patch.items():
        old = out.get(key)
        both_maps = isinstance(old, dict) and isinstance(value, dict) and "action" not in value
        out[key] = merge(old, value) if both_maps else copy.deepcopy(value)
    return out


_ABSENT = object()


def changes(old: Any, new: Any, path: str = "") -> list[str]:
    """Key paths whose values differ between two documents (for "what did this import change")."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(old) + [key for key in new if key not in old]
        return [where for key in keys
                for where in changes(old.get(key, _ABSENT), new.get(key, _ABSENT), join(path, key))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [where for index, (a, b) in enumerate(zip(old, new))
                for where in changes(a, b, join(path, index))]
    return [] if old == new else [path]


def describe() -> list[Row]:
    """Every setting as ``(path, default, allowed, doc)``, in document order, menu nodes last."""
    return TOP.rows("") + menu_schema.NODE.rows("menu.<node>")
