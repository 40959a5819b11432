"""The settings schema: defaults as the spec gives them, and every rule with the message it gives."""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, strategies as st

from appliance.errors import SettingsError
from appliance.store import schema

QUEUE_DEFAULTS = {
    "strategy": "lru", "ring_timeout_s": 15, "wrapup_s": 10, "announce_position": True,
    "announce_wait": True, "announce_every_s": 60, "callback_offer_after_s": 600,
    "autopause_after_missed": 3, "escalate_to": None, "escalate_after_s": None,
    "max_wait_s": None, "overflow": None, "leave_when_empty": False,
    "default_handle_s": 180, "service_level_s": None,
}

# docs/dev/settings-spec.md, written out in full.
SPEC_DEFAULTS = {
    "version": 1,
    "language": "en",
    "lines": [{"id": "line1", "driver": "sim", "port": None, "audio_port": None,
               "bridge_audio": None, "sound_card": None, "pin": None, "baud": 115200}],
    "web": {"host": "0.0.0.0", "port": 8080, "https": "auto", "language": "auto"},
    "console": {"port": None, "baud": 115200, "pin": None},
    "handsets": {"driver": "sim", "count": 3, "pins": {}, "cadence": "us", "service_audio": None,
                 "caller_id": "off", "caller_id_handsets": [],
                 "sim_answer_after_s": 4.0, "sim_talk_s": 60.0},
    "operators": [
        {"id": "ann", "name": "Ann", "handset": 1, "queues": ["sales", "support"],
         "enabled": True, "paused": False},
        {"id": "bob", "name": "Bob", "handset": 2, "queues": ["sales"], "enabled": True,
         "paused": False},
        {"id": "cat", "name": "Cat", "handset": 3, "queues": ["support"], "enabled": True,
         "paused": False},
    ],
    "queues": {"sales": QUEUE_DEFAULTS, "support": QUEUE_DEFAULTS},
    "menu": {
        "greeting": "greeting", "timeout_s": 5, "max_tries": 3,
        "invalid_prompt": "invalid", "timeout_prompt": "timeout",
        "fallback": {"action": "queue", "queue": "sales"},
        "root": {"prompt": "menu_main", "options": {
            "1": {"action": "queue", "queue": "sales"},
            "2": {"action": "queue", "queue": "support"}}},
    },
    "hours": {"timezone": "UTC", "weekly": None, "holidays": [], "closed_prompt": "closed"},
    "callbacks": {"max_attempts": 3, "retry_after_s": 300, "answer_timeout_s": 30,
                  "close_margin_s": 1800},
    "recording": {"enabled": False, "notice_prompt": "recording_notice", "stereo": True,
                  "keep_days": 90, "min_free_mb": 200},
    "voicemail": {"when_closed": False, "prompt": "voicemail_greeting", "max_s": 120,
                  "silence_end_s": 5},
    "sms": {"callback_confirm": False, "missed_apology": False, "sender_name": None,
            "templates": {
                "callback_confirm": {
                    "en": "Thank you for holding. We will call you back on {number} at about "
                          "{time}. You keep your place in line.",
                    "ru": "Мы перезвоним вам на номер {number} примерно в {time}.",
                    "it": "Grazie per l'attesa. La richiameremo al {number} verso le {time}. "
                          "Il suo posto in coda resta valido."},
                "missed_apology": {
                    "en": "Sorry we could not answer your call. We are open {hours}. "
                          "Please call us again.",
                    "ru": "Простите, что не ответили. Работаем {hours}.",
                    "it": "Ci scusi se non abbiamo potuto risponderle. Siamo aperti {hours}. "
                          "Ci richiami pure."}}},
    "reports": {"service_level_s": 20, "missed_rings_flag": 5},
}


def with_patch(patch: dict) -> dict:
    return schema.merge(schema.defaults(), patch)


def error_of(doc) -> str:
    with pytest.raises(SettingsError) as caught:
        schema.validate(doc)
    return str(caught.value)


def operators(count: int) -> list[dict]:
    return [{"id": f"op{n}", "handset": n, "queues": ["sales"]} for n in range(1, count + 1)]


def submenu(node: dict) -> dict:
    return {"action": "submenu", "menu": node}


def root_with(options: dict, **node) -> dict:
    return {"menu": {"root": {"prompt": "menu_main", "options": options, **node}}}


# ---- defaults -----------------------------------------------------------------------------------

def test_defaults_are_the_spec_document():
    assert schema.defaults() == SPEC_DEFAULTS


def test_defaults_are_a_fresh_copy_each_time():
    first = schema.defaults()
    first["queues"]["sales"]["ring_timeout_s"] = 99
    assert schema.defaults()["queues"]["sales"]["ring_timeout_s"] == 15


def test_defaults_validate_to_themselves_and_survive_json():
    doc = schema.defaults()
    assert schema.validate(doc) == doc
    assert schema.validate(json.loads(json.dumps(doc))) == doc


def test_empty_document_is_completed_to_the_defaults():
    assert schema.validate({}) == SPEC_DEFAULTS


def test_validate_never_changes_its_argument():
    doc = {"queues": {"sales": {}, "support": {"wrapup_s": 3}}}
    before = copy.deepcopy(doc)
    schema.validate(doc)
    assert doc == before


def test_partial_queue_is_completed_from_the_defaults():
    doc = schema.validate({"queues": {"sales": {"ring_timeout_s": 20}, "support": {}}})
    assert doc["queues"]["sales"] == {**QUEUE_DEFAULTS, "ring_timeout_s": 20}
    assert doc["queues"]["support"] == QUEUE_DEFAULTS


def test_partial_operator_and_line_are_completed():
    doc = schema.validate({"operators": [{"id": "dan", "handset": 2, "queues": ["support"]}],
                           "lines": [{"id": "gsm", "driver": "sim7600", "port": "/dev/ttyUSB2"}]})
    assert doc["operators"] == [{"id": "dan", "name": "dan", "handset": 2, "queues": ["support"],
                                 "enabled": True, "paused": False}]
    assert doc["lines"][0] == {"id": "gsm", "driver": "sim7600", "port": "/dev/ttyUSB2",
                               "audio_port": None, "bridge_audio": None, "sound_card": None,
                               "pin": None, "baud": 115200}


def test_whole_valid_example_with_every_feature():
    doc = with_patch({
        "hours": {"timezone": "Europe/London", "holidays": ["2026-12-25"],
                  "weekly": {"mon": [["09:00", "12:30"], ["13:30", "17:00"]]}},
        "handsets": {"driver": "gpio", "count": 20, "pins": {"ring_data": 9}},
        "queues": {"sales": {"escalate_to": "support", "escalate_after_s": 300,
                             "callback_offer_after_s": None}},
        "menu": {"root": {"prompt": "menu_main", "timeout_s": 8, "options": {
            "1": {"action": "queue", "queue": "sales"},
            "9": {"action": "language", "language": "ru"},
            "*": {"action": "repeat"},
            "#": {"action": "goodbye"},
            "0": {"action": "message", "prompt": "opening_hours"},
            "2": submenu({"prompt": "support_menu", "fallback": {"action": "goodbye"},
                          "options": {"1": {"action": "queue", "queue": "support"},
                                      "0": {"action": "back"}}})}}},
    })
    assert schema.validate(doc) == doc


# ---- every rule, with its message --------------------------------------------------------------

RULES = [
    # version
    ({"version": 2}, "Setting 'version' is 2, newer than this firmware understands (1); "
                     "update the firmware first"),
    ({"version": 0}, "Setting 'version' must be at least 1"),
    ({"version": "1"}, "Setting 'version' must be a whole number (got \"1\")"),
    # language
    ({"language": "fr"}, "Setting 'language' must be one of: en, ru, it (got \"fr\")"),
    # lines
    ({"lines": []}, "Setting 'lines' must not be empty"),
    ({"lines": [{"id": f"l{n}"} for n in range(5)]}, "Setting 'lines' allows at most 4 lines; got 5"),
    ({"lines": [{"id": "line1"}, {"id": "line1"}]},
     "Setting 'lines[1].id' repeats \"line1\", already given at lines[0].id"),
    ({"lines": [{"driver": "sim"}]}, "Setting 'lines[0].id' is required"),
    ({"lines": [{"id": "line 1"}]},
     "Setting 'lines[0].id' may contain only letters, digits, '_' and '-' (got \"line 1\")"),
    ({"lines": [{"id": "g", "driver": "sim900"}]},
     "Setting 'lines[0].driver' must be one of: sim, sim800, sim7600, ec25, v253 (got \"sim900\")"),
    ({"lines": [{"id": "g", "driver": "sim800"}]},
     "Setting 'lines[0].port' is required for driver 'sim800' (the AT command port)"),
    ({"lines": [{"id": "g", "baud": 300}]}, "Setting 'lines[0].baud' must be at least 1200"),
    ({"lines": [{"id": "g", "baud": 4000001}]}, "Setting 'lines[0].baud' must be at most 4000000"),
    ({"lines": [{"id": "g", "port": ""}]}, "Setting 'lines[0].port' must not be empty"),
    ({"lines": [{"id": "g", "pin": 1234}]}, "Setting 'lines[0].pin' must be text (got 1234)"),
    ({"lines": {"id": "g"}}, "Setting 'lines' must be a list (got {\"id\": \"g\"})"),
    # web
    ({"web": {"port": 0}}, "Setting 'web.port' must be at least 1"),
    ({"web": {"port": 65536}}, "Setting 'web.port' must be at most 65535"),
    ({"web": {"host": ""}}, "Setting 'web.host' must not be empty"),
    ({"web": "0.0.0.0:80"}, "Setting 'web' must be a map of settings (got \"0.0.0.0:80\")"),
    # handsets
    ({"handsets": {"driver": "spi"}}, "Setting 'handsets.driver' must be one of: gpio, sim (got \"spi\")"),
    ({"handsets": {"count": 0}}, "Setting 'handsets.count' must be at least 1"),
    ({"handsets": {"count": 21}}, "Setting 'handsets.count' must be at most 20"),
    ({"handsets": {"count": True}}, "Setting 'handsets.count' must be a whole number (got true)"),
    ({"handsets": {"count": 3.0}}, "Setting 'handsets.count' must be a whole number (got 3.0)"),
    ({"handsets": {"pins": {"ring_dta": 5}}},
     "Setting 'handsets.pins.ring_dta' is not a known signal (did you mean 'ring_data'?)"),
    ({"handsets": {"pins": {"ring_data": 28}}}, "Setting 'handsets.pins.ring_data' must be at most 27"),
    ({"handsets": {"pins": {"ring_data": 27}}},
     "Setting 'handsets.pins.ring_data' is pin 27, already used by ring_clock"),
    ({"handsets": {"cadence": "de"}}, "Setting 'handsets.cadence' must be one of: us, uk (got \"de\")"),
    ({"handsets": {"sim_answer_after_s": 121}}, "Setting 'handsets.sim_answer_after_s' must be at most 120"),
    ({"handsets": {"sim_talk_s": 0.5}}, "Setting 'handsets.sim_talk_s' must be at least 1"),
    # operators
    ({"handsets": {"count": 20}, "operators": operators(21)},
     "Setting 'operators' allows at most 20 operators (one per handset); got 21"),
    ({"operators": [{"id": "ann", "handset": 1, "queues": ["sales"]},
                    {"id": "ann", "handset": 2, "queues": ["sales"]}]},
     "Setting 'operators[1].id' repeats \"ann\", already given at operators[0].id"),
    ({"operators": [{"id": "ann", "handset": 4, "queues": ["sales"]}]},
     "Setting 'operators[0].handset' is 4, but handsets.count is 3"),
    ({"operators": [{"id": "ann", "handset": 1, "queues": ["sales"]},
                    {"id": "bob", "handset": 1, "queues": ["sales"]}]},
     "Setting 'operators[1].handset' is handset 1, already used by operator 'ann'"),
    ({"operators": [{"id": "ann", "handset": 1, "queues": ["sales", "billing"]}]},
     "Setting 'operators[0].queues[1]' names queue 'billing', which does not exist"),
    ({"operators": [{"id": "ann", "handset": 1, "queues": []}]},
     "Setting 'operators[0].queues' must not be empty"),
    ({"operators": [{"id": "ann", "handset": 1, "queues": ["sales", "sales"]}]},
     "Setting 'operators[0].queues[1]' repeats \"sales\", already given at operators[0].queues[0]"),
    ({"operators": [{"id": "ann", "queues": ["sales"]}]}, "Setting 'operators[0].handset' is required"),
    ({"operators": [{"id": "ann", "handset": 1, "queues": ["sales"], "enabled": "yes"}]},
     "Setting 'operators[0].enabled' must be true or false (got \"yes\")"),
    ({"operators": [{"id": "ann", "handset": 1, "queues": ["sales"], "paused": 0}]},
     "Setting 'operators[0].paused' must be true or false (got 0)"),
    # queues
    ({"queues": {"sales": {"ring_timeout_s": 4}}}, "Setting 'queues.sales.ring_timeout_s' must be at least 5"),
    ({"queues": {"sales": {"ring_timeout_s": 121}}}, "Setting 'queues.sales.ring_timeout_s' must be at most 120"),
    ({"queues": {"sales": {"ring_timeout_s": float("nan")}}},
     "Setting 'queues.sales.ring_timeout_s' must be a number (got NaN)"),
    ({"queues": {"sales": {"strategy": "fifo"}}},
     "Setting 'queues.sales.strategy' must be one of: lru, fewest_calls, random, ring_all (got \"fifo\")"),
    ({"queues": {"sales": {"wrapup_s": 601}}}, "Setting 'queues.sales.wrapup_s' must be at most 600"),
    ({"queues": {"sales": {"wrapup_s": -1}}}, "Setting 'queues.sales.wrapup_s' must be at least 0"),
    ({"queues": {"sales": {"announce_every_s": 14}}}, "Setting 'queues.sales.announce_every_s' must be at least 15"),
    ({"queues": {"sales": {"announce_position": "true"}}},
     "Setting 'queues.sales.announce_position' must be true or false (got \"true\")"),
    ({"queues": {"sales": {"callback_offer_after_s": 86401}}},
     "Setting 'queues.sales.callback_offer_after_s' must be at most 86400"),
    ({"queues": {"sales": {"autopause_after_missed": 101}}},
     "Setting 'queues.sales.autopause_after_missed' must be at most 100"),
    ({"queues": {"sales": {"escalate_to": "sales"}}}, "Setting 'queues.sales.escalate_to' cannot be the queue itself"),
    ({"queues": {"sales": {"escalate_to": "vip"}}},
     "Setting 'queues.sales.escalate_to' names queue 'vip', which does not exist"),
    ({"queues": {"sales": {"escalate_after_s": 60}}},
     "Setting 'queues.sales.escalate_after_s' needs escalate_to: the queue whose operators take "
     "the caller too"),
    ({"queues": {"sales": {"escalate_to": "support", "escalate_after_s": 9}}},
     "Setting 'queues.sales.escalate_after_s' must be at least 10"),
    ({"queues": {"sales": {"default_handle_s": 7201}}}, "Setting 'queues.sales.default_handle_s' must be at most 7200"),
    ({"queues": {"sales": {"ring_timout_s": 20}}},
     "Setting 'queues.sales.ring_timout_s' is not a known setting (did you mean 'ring_timeout_s'?)"),
    ({"queues": {"bad name": {}}}, "Setting 'queues.bad name' is not a valid name: use only letters, "
                                   "digits, '_' and '-'"),
    # menu
    (root_with({"2": {"action": "queue", "queue": "billing"}}),
     "Setting 'menu.root.options.2.queue' names queue 'billing', which does not exist"),
    (root_with({"0": {"action": "back"}}),
     "Setting 'menu.root.options.0.action' cannot be 'back' in the root menu: there is no menu above it"),
    (root_with({"1": {"action": "dial"}}),
     "Setting 'menu.root.options.1.action' must be one of: queue, submenu, message, repeat, back, "
     "language, goodbye, voicemail (got \"dial\")"),
    (root_with({"3": {"queue": "sales"}}), "Setting 'menu.root.options.3.action' is required"),
    (root_with({"1": {"action": "repeat", "queue": "sales"}}),
     "Setting 'menu.root.options.1.queue' is not a known setting"),
    (root_with({"1": {"action": "queue"}}), "Setting 'menu.root.options.1.queue' is required"),
    (root_with({"12": {"action": "repeat"}}), "Setting 'menu.root.options.12' must be a single key: 0-9, * or #"),
    (root_with({"a": {"action": "repeat"}}), "Setting 'menu.root.options.a' must be a single key: 0-9, * or #"),
    (root_with({"1": {"action": "message", "prompt": "Opening Hours"}}),
     "Setting 'menu.root.options.1.prompt' may contain only lowercase letters, digits and '_' "
     "(got \"Opening Hours\")"),
    (root_with({"1": {"action": "language", "language": "de"}}),
     "Setting 'menu.root.options.1.language' must be one of: en, ru, it (got \"de\")"),
    (root_with({"1": submenu({"prompt": "sub", "options": {"3": {"action": "queue", "queue": "vip"}}})}),
     "Setting 'menu.root.options.1.menu.options.3.queue' names queue 'vip', which does not exist"),
    (root_with({"1": submenu({"options": {}})}), "Setting 'menu.root.options.1.menu.prompt' is required"),
    (root_with({"1": {"action": "repeat"}}, fallback={"action": "repeat"}),
     "Setting 'menu.root.fallback.action' must be one of: queue, goodbye (got \"repeat\")"),
    (root_with({"1": {"action": "repeat"}}, fallback={"action": "queue", "queue": "vip"}),
     "Setting 'menu.root.fallback.queue' names queue 'vip', which does not exist"),
    (root_with({"1": {"action": "repeat"}}, timeout_s=0), "Setting 'menu.root.timeout_s' must be at least 1"),
    (root_with({"1": {"action": "repeat"}}, max_tries=11), "Setting 'menu.root.max_tries' must be at most 10"),
    (root_with({"1": {"action": "repeat"}}, greeting="hello"),
     "Setting 'menu.root.greeting' is not a known setting"),
    ({"menu": {"fallback": {"action": "queue", "queue": "vip"}}},
     "Setting 'menu.fallback.queue' names queue 'vip', which does not exist"),
    ({"menu": {"fallback": {"action": "submenu", "menu": {}}}},
     "Setting 'menu.fallback.action' must be one of: queue, goodbye (got \"submenu\")"),
    ({"menu": {"timeout_s": 61}}, "Setting 'menu.timeout_s' must be at most 60"),
    ({"menu": {"max_tries": 0}}, "Setting 'menu.max_tries' must be at least 1"),
    ({"menu": {"greeting": ""}}, "Setting 'menu.greeting' must not be empty"),
    ({"menu": {"invalid_prompt": "bad-key"}},
     "Setting 'menu.invalid_prompt' may contain only lowercase letters, digits and '_' (got \"bad-key\")"),
    ({"menu": {"root": None}}, "Setting 'menu.root' must be a map of settings (got null)"),
    # hours
    ({"hours": {"timezone": "Mars/Olympus"}},
     "Setting 'hours.timezone' is not a time zone this system knows (got \"Mars/Olympus\"); "
     "use an IANA name such as Europe/London"),
    ({"hours": {"timezone": "../etc/passwd"}},
     "Setting 'hours.timezone' is not a time zone this system knows (got \"../etc/passwd\"); "
     "use an IANA name such as Europe/London"),
    ({"hours": {"weekly": {"sunday": []}}},
     "Setting 'hours.weekly.sunday' is not a known day (did you mean 'sun'?)"),
    ({"hours": {"weekly": {"xmas": []}}}, "Setting 'hours.weekly.xmas' is not a known day"),
    ({"hours": {"weekly": {"mon": [["17:00", "09:00"]]}}},
     "Setting 'hours.weekly.mon[0]' must start before it ends (got [\"17:00\", \"09:00\"])"),
    ({"hours": {"weekly": {"mon": [["09:00", "09:00"]]}}},
     "Setting 'hours.weekly.mon[0]' must start before it ends (got [\"09:00\", \"09:00\"])"),
    ({"hours": {"weekly": {"tue": [["9:00", "17:00"]]}}},
     "Setting 'hours.weekly.tue[0][0]' must be a time HH:MM from 00:00 to 23:59, or 24:00 as an end "
     "(got \"9:00\")"),
    ({"hours": {"weekly": {"tue": [["24:00", "24:00"]]}}},
     "Setting 'hours.weekly.tue[0][0]' must be a time HH:MM from 00:00 to 23:59, or 24:00 as an end "
     "(got \"24:00\")"),
    ({"hours": {"weekly": {"wed": [["09:00"]]}}},
     "Setting 'hours.weekly.wed[0]' must be a pair of times like [\"09:00\", \"17:30\"] (got [\"09:00\"])"),
    ({"hours": {"weekly": {"wed": "09:00-17:00"}}},
     "Setting 'hours.weekly.wed' must be a list (got \"09:00-17:00\")"),
    ({"hours": {"holidays": ["2026-02-30"]}}, "Setting 'hours.holidays[0]' is not a real date (got \"2026-02-30\")"),
    ({"hours": {"holidays": ["25/12/2026"]}},
     "Setting 'hours.holidays[0]' must be a date YYYY-MM-DD (got \"25/12/2026\")"),
    ({"hours": {"holidays": ["2026-12-25", "2026-12-25"]}},
     "Setting 'hours.holidays[1]' repeats \"2026-12-25\", already given at hours.holidays[0]"),
    ({"hours": {"closed_prompt": "Closed"}},
     "Setting 'hours.closed_prompt' may contain only lowercase letters, digits and '_' (got \"Closed\")"),
    # callbacks and reports
    ({"callbacks": {"max_attempts": 0}}, "Setting 'callbacks.max_attempts' must be at least 1"),
    ({"callbacks": {"max_attempts": 11}}, "Setting 'callbacks.max_attempts' must be at most 10"),
    ({"callbacks": {"retry_after_s": 29}}, "Setting 'callbacks.retry_after_s' must be at least 30"),
    ({"callbacks": {"answer_timeout_s": 121}}, "Setting 'callbacks.answer_timeout_s' must be at most 120"),
    ({"reports": {"service_level_s": 0}}, "Setting 'reports.service_level_s' must be at least 1"),
    ({"reports": {"missed_rings_flag": 1001}}, "Setting 'reports.missed_rings_flag' must be at most 1000"),
    # unknown keys anywhere
    ({"queue": {}}, "Setting 'queue' is not a known setting (did you mean 'queues'?)"),
    ({"web": {"hots": "x"}}, "Setting 'web.hots' is not a known setting (did you mean 'host'?)"),
    ({"reports": {"zzz": 1}}, "Setting 'reports.zzz' is not a known setting"),
]


@pytest.mark.parametrize("patch, message", RULES, ids=[m.split("'")[1] for _, m in RULES])
def test_each_rule_names_the_key(patch, message):
    assert error_of(with_patch(patch)) == message


def test_queues_must_not_be_empty():
    doc = with_patch({})
    doc["queues"] = {}
    assert error_of(doc) == "Setting 'queues' must not be empty"


def test_twenty_operators_on_twenty_handsets_are_fine():
    doc = schema.validate(with_patch({"handsets": {"count": 20}, "operators": operators(20)}))
    assert [op["handset"] for op in doc["operators"]] == list(range(1, 21))


def test_back_is_allowed_below_the_root():
    doc = with_patch(root_with({"1": submenu({"prompt": "sub", "options": {"0": {"action": "back"}}})}))
    assert schema.validate(doc)["menu"]["root"]["options"]["1"]["menu"]["options"]["0"] == {"action": "back"}


def test_menus_cannot_nest_without_end():
    node = {"prompt": "leaf", "options": {"1": {"action": "repeat"}}}
    for _ in range(11):
        node = {"prompt": "level", "options": {"1": submenu(node)}}
    message = error_of(with_patch({"menu": {"root": node}}))
    assert message.endswith("nests menus deeper than 10 levels")
    assert message.startswith("Setting 'menu.root" + ".options.1.menu" * 11)


def test_top_level_must_be_an_object():
    assert error_of([1, 2]) == "Settings must be one JSON object (got [1, 2])"


def test_long_values_are_shortened_in_messages():
    message = error_of(with_patch({"language": "x" * 100}))
    assert len(message) < 120 and message.endswith('...)')


# ---- migrations, merge, changes, describe ------------------------------------------------------

def test_migrations_run_from_the_document_version_up():
    def rename_queue_key(doc):
        doc["renamed"] = doc.pop("old")
        return doc
    migrated = schema.migrate({"version": 1, "old": 5}, {1: rename_queue_key}, current=2)
    assert migrated == {"version": 2, "renamed": 5}


def test_migration_leaves_the_original_alone():
    original = {"version": 1, "old": 5}
    schema.migrate(original, {1: lambda doc: {"version": 1}}, current=2)
    assert original == {"version": 1, "old": 5}


def test_document_without_version_is_taken_as_current():
    assert schema.migrate({}, {}, current=3) == {}


def test_merge_maps_deeply_and_replaces_lists_and_values():
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    merged = schema.merge(base, {"a": {"c": [3]}, "d": {"e": 2}})
    assert merged == {"a": {"b": 1, "c": [3]}, "d": {"e": 2}}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}


def test_merge_result_shares_nothing_with_its_inputs():
    patch = {"x": {"y": [1]}}
    merged = schema.merge({}, patch)
    merged["x"]["y"].append(2)
    assert patch == {"x": {"y": [1]}}


def test_changes_lists_the_paths_that_differ():
    old = schema.defaults()
    new = with_patch({"queues": {"sales": {"wrapup_s": 30}}, "web": {"port": 80}})
    new["operators"][1]["name"] = "Robert"
    assert schema.changes(old, new) == ["web.port", "operators[1].name", "queues.sales.wrapup_s"]
    assert schema.changes(old, old) == []


def test_changes_reports_added_and_removed_entries():
    old = schema.defaults()
    new = schema.defaults()
    new["queues"]["vip"] = new["queues"].pop("support")
    assert schema.changes(old, new) == ["queues.support", "queues.vip"]
    assert schema.changes({"lines": [1]}, {"lines": [1, 2]}) == ["lines"]


def _leaf_paths(value, path=""):
    if isinstance(value, dict) and value and path not in ("menu.root", "menu.fallback"):
        for key, item in value.items():
            yield from _leaf_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        yield path
        for item in value:
            yield from _leaf_paths(item, path + "[]")
    else:
        yield path


def test_describe_covers_every_setting_of_the_defaults_with_a_doc():
    rows = {row.path: row for row in schema.describe()}
    for path in _leaf_paths(schema.defaults()):
        general = path.replace("queues.sales.", "queues.<name>.").replace("queues.support.", "queues.<name>.")
        assert general in rows, general
        assert rows[general].doc and rows[general].allowed
    assert rows["queues.<name>.ring_timeout_s"].allowed == "number 5 to 120"
    assert rows["queues.<name>.ring_timeout_s"].default == 15


# ---- properties ----------------------------------------------------------------------------------

@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_ring_timeout_accepted_exactly_within_its_bounds(value):
    doc = with_patch({"queues": {"sales": {"ring_timeout_s": value}}})
    if 5 <= value <= 120:
        assert schema.validate(doc)["queues"]["sales"]["ring_timeout_s"] == value
    else:
        with pytest.raises(SettingsError, match="queues.sales.ring_timeout_s"):
            schema.validate(doc)


@given(st.dictionaries(st.sampled_from(["language", "web", "reports", "hours"]),
                       st.sampled_from([None, 0, "x", [], {}]), min_size=1))
def test_any_wrong_value_names_its_own_key(patch):
    doc = with_patch(patch)
    try:
        schema.validate(doc)
    except SettingsError as exc:
        assert str(exc).split("'")[1].split(".")[0] in patch


def test_merge_replaces_a_menu_action_whole():
    merged = schema.merge(schema.defaults(), root_with({"2": {"action": "goodbye"}}))
    assert merged["menu"]["root"]["options"] == {"1": {"action": "queue", "queue": "sales"},
                                                 "2": {"action": "goodbye"}}
    assert schema.validate(merged) == merged


def test_caller_id_on_the_board_needs_the_service_bus_and_fitted_handsets():
    doc = schema.defaults()
    doc["handsets"].update(driver="gpio", caller_id="v23")
    with pytest.raises(SettingsError, match="handsets.service_audio is not set"):
        schema.validate(doc)
    doc["handsets"].update(service_audio="Service bus", caller_id_handsets=[2, 4])
    with pytest.raises(SettingsError, match=r"caller_id_handsets\[1\]' is 4, but handsets.count is 3"):
        schema.validate(doc)
    doc["handsets"]["caller_id_handsets"] = [2]
    assert schema.validate(doc)["handsets"]["caller_id"] == "v23"
