"""The one JSON reader with limits, and what it protects: settings and scenarios."""
from __future__ import annotations

import json

import pytest

from appliance.errors import ScenarioError, SettingsError
from appliance.safejson import JsonError, loads
from appliance.store import schema
from appliance.store.settings import SettingsStore
from hwsim import scenario as scenarios


@pytest.mark.parametrize("text,says", [
    ('{"a": NaN}', "NaN is not a number"), ('[Infinity]', "Infinity is not a number"),
    ('[-Infinity]', "-Infinity is not a number"), ('[1e999]', "too large"),
    ("[" + "9" * 40 + "]", "more than 18 digits"), ('{"a": 1, "a": 2}', "appears twice"),
    ("[" * 100_000 + "]" * 100_000, "nested more than 64 deep"),
    (b"\xff\xfe{}", "not UTF-8"), ('{"a": }', "line 1 column 7")])
def test_what_no_file_of_ours_should_hold_is_refused_saying_what(text, says):
    with pytest.raises(JsonError, match=says):
        loads(text)


def test_ordinary_json_reads_as_json_and_brackets_in_strings_do_not_count():
    doc = {"menu": {"root": {"prompt": "[[[[", "options": {"1": {"action": "queue"}}}}, "n": -3}
    assert loads(json.dumps(doc)) == doc
    assert loads('["' + "[" * 1000 + '"]') == ["[" * 1000]


def test_a_deeply_nested_settings_file_falls_back_to_its_good_copy(tmp_path):
    store = SettingsStore(tmp_path)
    good = store.load()
    good["language"] = "it"
    store.save(good)
    store.save(dict(good, language="ru"))                   # settings.json.bak holds "it"
    (tmp_path / "settings.json").write_text("[" * 200_000 + "]" * 200_000)
    assert SettingsStore(tmp_path).load()["language"] == "it"
    assert (tmp_path / "settings.json.damaged").exists()


def test_a_name_utf8_cannot_hold_is_refused_and_the_backup_survives(tmp_path):
    store = SettingsStore(tmp_path)
    doc = store.load()
    store.save(dict(doc, language="it"))
    store.save(dict(doc, language="ru"))
    backup = (tmp_path / "settings.json.bak").read_bytes()
    bad = json.loads(json.dumps(doc))
    bad["operators"][0]["name"] = "Ann\ud800"
    with pytest.raises(SettingsError, match="holds a character that is not text"):
        store.save(bad)
    assert (tmp_path / "settings.json.bak").read_bytes() == backup
    assert SettingsStore(tmp_path).load()["language"] == "ru"


@pytest.mark.parametrize("field,value", [("at_s", float("nan")), ("patience_s", float("inf")),
                                         ("at_s", 10 ** 400), ("patience_s", 1e300)])
def test_a_scenario_number_that_is_not_a_sane_number_is_refused(field, value):
    caller = {"at_s": 0, "number": "+441632960001", "keys": "1", field: value}
    with pytest.raises(ScenarioError, match=f"callers\\[0\\].{field}"):
        scenarios.parse({"callers": [caller]})


def test_a_scenario_file_with_nan_says_so(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"traffic": {"calls_per_hour": NaN, "hours": 1}}')
    with pytest.raises(ScenarioError, match="NaN is not a number"):
        scenarios.load(path)


def test_schema_numbers_stay_as_they_were():
    assert schema.validate(schema.defaults())["web"]["port"] == 8080


def test_files_left_by_an_interrupted_write_are_swept_at_start(tmp_path):
    import os
    import time

    from appliance.store.settings import sweep_temp_files
    left = tmp_path / "settings.json.k3j_a9Zq.tmp"
    fresh = tmp_path / "phonebook.json.Ab12cd34.tmp"
    mine = tmp_path / "notes.tmp"                       # not a name atomic_write makes
    for path in (left, fresh, mine):
        path.write_text("half")
    old = time.time() - 3600
    os.utime(left, (old, old))
    os.utime(mine, (old, old))
    assert sweep_temp_files(tmp_path) == 1
    assert not left.exists() and fresh.exists() and mine.exists()
