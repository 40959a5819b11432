"""The settings file: atomic writes, the last good copy, recovery, and all-or-nothing imports."""
from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from appliance.errors import SettingsError, StoreError
from appliance.store import schema
from appliance.store.settings import AtomicJSONStorage, SettingsStore, atomic_write, parse_json


@pytest.fixture
def store(tmp_path) -> SettingsStore:
    return SettingsStore(tmp_path / "data")


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def sales_timeout(doc: dict) -> int:
    return doc["queues"]["sales"]["ring_timeout_s"]


def saved_twice(store: SettingsStore) -> SettingsStore:
    """A store whose file says ring_timeout_s 30 and whose backup says 20."""
    store.update({"queues": {"sales": {"ring_timeout_s": 20}}})
    store.update({"queues": {"sales": {"ring_timeout_s": 30}}})
    return store


# ---- normal life --------------------------------------------------------------------------------

def test_first_load_creates_the_folder_and_a_file_of_defaults(store):
    assert store.load() == schema.defaults()
    on_disk = json.loads(store.path.read_text())
    assert on_disk == {"settings": {"1": schema.defaults()}}
    assert not store.backup.exists()


def test_save_then_load_gives_the_normalised_document(store):
    saved = store.save({"queues": {"sales": {"wrapup_s": 30}, "support": {}}})
    assert saved["queues"]["sales"]["wrapup_s"] == 30
    assert saved["queues"]["sales"]["ring_timeout_s"] == 15
    assert SettingsStore(store.data_dir).load() == saved


def test_update_merges_a_partial_change(store):
    doc = store.update({"web": {"port": 8081}})
    assert doc["web"] == {"host": "0.0.0.0", "port": 8081, "https": "auto", "language": "auto"}
    assert store.load()["operators"] == schema.defaults()["operators"]


def test_each_save_keeps_the_previous_file_as_backup(store):
    saved_twice(store)
    assert sales_timeout(store.load()) == 30
    backup = json.loads(store.backup.read_text())["settings"]["1"]
    assert sales_timeout(backup) == 20


def test_saving_the_same_document_writes_nothing(store):
    saved_twice(store)
    before = files(store.data_dir)
    store.save(store.load())
    assert files(store.data_dir) == before


def test_invalid_save_writes_nothing(store):
    saved_twice(store)
    before = files(store.data_dir)
    with pytest.raises(SettingsError, match="Setting 'queues.sales.ring_timeout_s' must be at least 5"):
        store.update({"queues": {"sales": {"ring_timeout_s": 1}}})
    assert files(store.data_dir) == before


def test_unknown_key_is_refused_and_nothing_written(store):
    store.load()
    before = files(store.data_dir)
    with pytest.raises(SettingsError, match="Setting 'web.hots' is not a known setting"):
        store.update({"web": {"hots": "127.0.0.1"}})
    assert files(store.data_dir) == before


def test_export_is_the_document_as_json(store):
    store.update({"language": "it"})
    assert json.loads(store.export_json()) == store.load()


def test_export_then_import_changes_nothing(store):
    saved_twice(store)
    before = files(store.data_dir)
    store.import_json(store.export_json())
    assert files(store.data_dir) == before


# ---- imports ------------------------------------------------------------------------------------

def test_import_applies_a_valid_document(store):
    store.load()
    doc = store.import_json(json.dumps(schema.merge(schema.defaults(), {"language": "ru"})))
    assert doc["language"] == "ru" and store.load()["language"] == "ru"


@pytest.mark.parametrize("text", ['{}', '{"language": "ru"}'])
def test_an_import_that_leaves_sections_out_is_refused_unless_partial(store, text):
    """{} would put every setting back to its default: refused, naming what is missing."""
    store.update({"language": "it", "web": {"port": 8081}})
    before = store.path.read_bytes()
    with pytest.raises(SettingsError, match="leaves out .*lines.* add --partial"):
        store.import_json(text)
    assert store.path.read_bytes() == before
    doc = store.import_json(text, partial=True)
    assert doc["web"]["port"] == 8081 and doc["language"] == ("ru" if "ru" in text else "it")


@pytest.mark.parametrize("text, message", [
    ('{"language": "en",\n "web": {"port": 80,}}', "line 2 column 21: Expecting property name"),
    ("", "line 1 column 1: Expecting value"),
    ('{"language": "xx"}', "Setting 'language' must be one of: en, ru, it"),
    ('{"queues": {"sales": {"ring_timout_s": 9}}}', "Setting 'queues.sales.ring_timout_s' is not a known"),
    ('{"web": {"port": 1, "port": 2}}', "the key 'port' appears twice in one map"),
    ("[]", "Settings must be one JSON object"),
])
def test_bad_import_changes_nothing(store, text, message):
    saved_twice(store)
    before = files(store.data_dir)
    with pytest.raises(SettingsError) as caught:
        store.import_json(text)
    assert str(caught.value).startswith(message)
    assert files(store.data_dir) == before


def test_import_repairs_a_store_whose_files_are_both_damaged(store):
    store.load()
    store.path.write_text("{")
    store.backup.write_text("}")
    doc = store.import_json(json.dumps(schema.merge(schema.defaults(), {"language": "it"})))
    assert store.load() == doc
    assert store.damaged.read_text() == "{"


# ---- crashes and damage -------------------------------------------------------------------------

def test_garbage_in_the_file_falls_back_to_the_backup(store, caplog):
    saved_twice(store)
    store.path.write_bytes(b"\x00\x13garbage")
    with caplog.at_level(logging.WARNING):
        doc = store.load()
    assert sales_timeout(doc) == 20
    assert "is damaged" in caplog.text and "settings.json.bak" in caplog.text
    assert store.damaged.read_bytes() == b"\x00\x13garbage"
    assert sales_timeout(SettingsStore(store.data_dir).load()) == 20


def test_truncated_file_falls_back_to_the_backup(store, caplog):
    saved_twice(store)
    text = store.path.read_bytes()
    store.path.write_bytes(text[: len(text) // 2])
    with caplog.at_level(logging.WARNING):
        assert sales_timeout(store.load()) == 20
    assert "line" in caplog.text and "column" in caplog.text


def test_valid_json_with_invalid_settings_falls_back_and_names_the_key(store, caplog):
    saved_twice(store)
    broken = json.loads(store.path.read_text())
    broken["settings"]["1"]["queues"]["sales"]["ring_timeout_s"] = 1
    store.path.write_text(json.dumps(broken))
    with caplog.at_level(logging.WARNING):
        assert sales_timeout(store.load()) == 20
    assert "queues.sales.ring_timeout_s" in caplog.text


def test_file_without_the_settings_record_falls_back(store, caplog):
    saved_twice(store)
    store.path.write_text('{"_default": {}}')
    with caplog.at_level(logging.WARNING):
        assert sales_timeout(store.load()) == 20
    assert "holds no settings" in caplog.text


def test_leftover_temporary_file_of_an_interrupted_save_is_ignored(store):
    saved_twice(store)
    good = store.path.read_bytes()
    half = good[: len(good) // 3]
    (store.data_dir / "settings.json.k2j4x.tmp").write_bytes(half)
    assert sales_timeout(store.load()) == 30
    store.update({"language": "ru"})
    assert store.load()["language"] == "ru"


def test_missing_file_is_restored_from_the_backup(store, caplog):
    saved_twice(store)
    store.path.unlink()
    with caplog.at_level(logging.WARNING):
        assert sales_timeout(store.load()) == 20
    assert store.path.exists() and "restored" in caplog.text


def test_a_damaged_file_never_overwrites_a_good_backup(store):
    saved_twice(store)
    store.path.write_text("{not json")
    store.update({"language": "it"})
    assert sales_timeout(json.loads(store.backup.read_text())["settings"]["1"]) == 20
    assert store.load()["language"] == "it"


def test_both_files_bad_is_an_error_naming_both(store):
    saved_twice(store)
    store.path.write_text("{")
    store.backup.write_text('{"settings": {"1": {"web": {"port": 0}}}}')
    with pytest.raises(StoreError) as caught:
        store.load()
    message = str(caught.value)
    assert "settings.json: line 1 column 2" in message
    assert "settings.json.bak: Setting 'web.port' must be at least 1" in message
    assert "config import" in message and "\n" not in message


def test_backup_alone_but_damaged_is_an_error_not_defaults(store):
    store.backup.write_text("{")
    with pytest.raises(StoreError, match="settings.json: missing; settings.json.bak: line 1"):
        store.load()


# ---- the building blocks ------------------------------------------------------------------------

def test_atomic_write_replaces_the_whole_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "f.json"
    target.write_text("old and long " * 100)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_atomic_write_failure_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "f.json"
    target.write_text("old")
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_storage_reports_the_file_and_position_of_bad_json(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"settings":\n  {"1": }}')
    with pytest.raises(StoreError, match=r"s.json: line 2 column 9: Expecting value"):
        AtomicJSONStorage(path).read()


def test_storage_refuses_json_that_is_not_tables(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"settings": [1]}')
    with pytest.raises(StoreError, match="is not a TinyDB file"):
        AtomicJSONStorage(path).read()


def test_parse_json_gives_line_and_column():
    with pytest.raises(SettingsError, match="^line 3 column 2: Extra data"):
        parse_json('{"a": 1,\n"b": 2\n}}')


def test_data_folder_that_cannot_be_created_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot create the data folder"):
        SettingsStore(blocker / "data")


def test_atomic_write_keeps_the_mode_and_owner_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "f.json"
    target.write_text("old")
    target.chmod(0o640)
    owner = 4242 if os.geteuid() == 0 else os.geteuid()
    if os.geteuid() == 0:
        os.chown(target, owner, owner)
    atomic_write(target, b"new")
    info = target.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_uid) == (0o640, owner)


def test_a_new_settings_file_is_private_to_its_owner(store):
    store.load()
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_a_whole_settings_file_imports_as_it_is(store):
    saved_twice(store)
    backup_text = store.backup.read_text()
    doc = store.import_json(backup_text)
    assert sales_timeout(doc) == 20 and sales_timeout(store.load()) == 20


def test_a_file_like_layout_with_more_records_is_not_unwrapped(store):
    with pytest.raises(SettingsError, match="Setting 'settings' is not a known setting"):
        store.import_json('{"settings": {"1": {}, "2": {}}}')


@pytest.mark.parametrize("content", ['{"settings": {"x": {}}}', '{"settings": {"1": [1, 2]}}'])
def test_records_of_a_wrong_shape_count_as_damage(store, caplog, content):
    saved_twice(store)
    store.path.write_text(content)
    with caplog.at_level(logging.WARNING):
        assert sales_timeout(store.load()) == 20
    assert store.damaged.read_text() == content
