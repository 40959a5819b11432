"""Bad input, generated: settings imports, scenario files, WAV files, phone-book CSV and the
owner's forms never give an unhandled exception or a hang; each is refused with one line that
says what is wrong, and nothing already stored changes.

Hypothesis builds the inputs from the shapes the appliance reads: JSON values of every kind
(deep nesting, huge and non-finite numbers, lone surrogates, duplicate keys), mutated valid
documents, random bytes with a WAV header in front, and CSV text with quotes and odd bytes.
The AT parser and the V.253 DLE stream have their own properties in tests/lines.
"""
from __future__ import annotations

import json
import math
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.audio import codecs
from appliance.errors import ApplianceError, AudioError, PhoneBookError, ScenarioError
from appliance.store import phonebook, phonebook_csv, schema
from appliance.store.settings import SettingsStore
from hwsim import scenario

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# JSON values as files carry them, the awkward ones included
_leaf = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-10 ** 30, max_value=10 ** 30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["", "\ud800", "=1+2", "\x00", "sales", "ann", "09:00", "-1", "1e999"]))
_json = st.recursive(_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["lines", "queues", "operators", "menu", "hours", "web",
                                     "language", "port", "id", "name", "handset", "sales",
                                     "root", "options", "1", "x", "weekly", "mon"]),
                    inner, max_size=4)), max_leaves=20)


def _one_line(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message, message


def _raw_texts():
    """Text a damaged or hostile file may hold: generated JSON plus the known troublemakers."""
    specials = st.sampled_from([
        "{}", "[]", "null", "{" * 5000 + "}" * 5000, '{"language": NaN}',
        '{"web": {"port": 1e999}}', '{"web": {"port": 1, "port": 2}}',
        '{"handsets": {"count": ' + "9" * 400 + "}}", '{"operators": [{"name": "\\ud800"}]}',
        '{"language": "en",', "\ufeff{}", '{"settings": {"1": {}}}'])
    return st.one_of(specials, _json.map(lambda v: json.dumps(v, ensure_ascii=False)
                                         if not isinstance(v, str) else json.dumps(v)))


@pytest.fixture
def store(tmp_path):
    store = SettingsStore(tmp_path)
    store.update({"language": "it"})
    return store


@SETTINGS
@given(text=_raw_texts(), partial=st.booleans())
def test_a_settings_import_is_applied_whole_or_refused_in_one_line(store, text, partial):
    before = store.path.read_bytes(), store.backup.read_bytes()
    try:
        saved = store.import_json(text, partial)
    except ApplianceError as exc:
        _one_line(str(exc))
        assert (store.path.read_bytes(), store.backup.read_bytes()) == before
    else:
        assert store.load() == saved == schema.validate(saved)


def _mutations():
    """A valid scenario with one field replaced by an awkward value."""
    fields = st.sampled_from([("callers", 0, "at_s"), ("callers", 0, "patience_s"),
                              ("callers", 0, "keys"), ("callers", 0, "number"),
                              ("callers", 0, "line"), ("traffic", "calls_per_hour"),
                              ("traffic", "hours"), ("traffic", "seed"), ("start",),
                              ("operators", 0, "talk_s"), ("operators", 0, "id"),
                              ("settings",), ("faults",)])
    awkward = st.one_of(_leaf, st.sampled_from([math.nan, math.inf, -math.inf, 10 ** 400,
                                                "0001-01-01T00:00:00Z", [], {}]))
    return st.tuples(fields, awkward)


BASE_SCENARIO = {"start": "2026-12-01T09:00:00Z",
                 "operators": [{"id": "ann", "handset": 1, "talk_s": 30}],
                 "callers": [{"at_s": 5, "number": "+441632960001", "keys": "1",
                              "patience_s": 60}],
                 "traffic": {"calls_per_hour": 10, "hours": 1, "seed": 1}}


@SETTINGS
@given(change=_mutations())
def test_a_scenario_file_loads_or_is_refused_in_one_line(tmp_path, change):
    path, value = change
    doc = json.loads(json.dumps(BASE_SCENARIO))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    file = tmp_path / "s.json"
    try:
        file.write_text(json.dumps(doc, allow_nan=True))
    except (ValueError, OverflowError):
        return
    try:
        loaded = scenario.load(file)
    except ScenarioError as exc:
        _one_line(str(exc))
    else:
        assert loaded is not None


@SETTINGS
@given(text=_raw_texts())
def test_any_scenario_text_loads_or_is_refused_in_one_line(tmp_path, text):
    file = tmp_path / "s.json"
    file.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        scenario.load(file)
    except ScenarioError as exc:
        _one_line(str(exc))


def _wav_header(tag: int, channels: int, rate: int, bits: int, data_size: int) -> bytes:
    word = 0xFFFFFFFF
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * channels * max(bits, 8) // 8 & word,
                      channels * max(bits, 8) // 8 & 0xFFFF, bits)
    return (b"RIFF" + struct.pack("<I", 36 + data_size & word) + b"WAVE" + b"fmt " +
            struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", data_size))


@SETTINGS
@given(tag=st.sampled_from([1, 3, 6, 7, 0xFFFE, 2, 0]),
       channels=st.sampled_from([0, 1, 2, 6, 65535]),
       rate=st.sampled_from([0, 1, 8000, 44100, 384000, 2 ** 31, 2 ** 32 - 1]),
       bits=st.sampled_from([0, 8, 16, 24, 32, 12, 64]),
       data_size=st.sampled_from([0, 1, 7, 160, 2 ** 31, 2 ** 32 - 1]),
       body=st.binary(max_size=400), cut=st.integers(min_value=0, max_value=60))
def test_a_wav_file_decodes_or_is_refused_in_one_line(tmp_path, tag, channels, rate, bits,
                                                      data_size, body, cut):
    file = tmp_path / "x.wav"
    blob = _wav_header(tag, channels, rate, bits, data_size) + body
    file.write_bytes(blob[:len(blob) - cut] if cut < len(blob) else blob)
    try:
        samples = codecs.read_wav(file)
    except AudioError as exc:
        _one_line(str(exc))
    else:
        assert samples.dtype.name == "int16"


@SETTINGS
@given(data=st.one_of(
    st.binary(max_size=300),
    st.lists(st.lists(st.text(alphabet='abc,"\n\r=+-@ 0123456789\x00é', max_size=12),
                      max_size=4), max_size=6).map(
        lambda rows: ("number,name\n" + "\n".join(",".join(r) for r in rows)).encode(
            "utf-8", "surrogatepass"))))
def test_a_phone_book_csv_imports_or_is_refused_naming_its_lines(data):
    try:
        entries = phonebook_csv.parse(data, phonebook.check_entry)
    except PhoneBookError as exc:
        assert str(exc) and "Traceback" not in str(exc)
    else:
        assert all(isinstance(e, dict) for e in entries)
