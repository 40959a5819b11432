"""The settings audit log: what changed, from where, secrets hidden, bounded, torn lines skipped."""
from __future__ import annotations

import json
from types import SimpleNamespace

from appliance.cli.logs import cmd_config
from appliance.console.settings_cmds import config_import, config_set
from appliance.store import audit, schema
from appliance.store.settings import SettingsStore

NOW = 1_795_424_400.0            # 2026-11-23T09:00:00Z


def test_a_change_is_one_line_with_path_old_and_new(tmp_path):
    old = schema.defaults()
    new = schema.merge(old, {"queues": {"sales": {"wrapup_s": 42}}})
    entry = audit.record(tmp_path, "192.168.1.20", old, new, "web /queues", clock=lambda: NOW)
    assert entry["changes"] == [{"path": "queues.sales.wrapup_s",
                                 "old": old["queues"]["sales"]["wrapup_s"], "new": 42}]
    lines = (tmp_path / audit.AUDIT_NAME).read_text().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == {"at": "2026-11-23T09:00:00.000Z", "who": "192.168.1.20",
                                    "how": "web /queues", "changes": entry["changes"]}


def test_nothing_changed_writes_nothing(tmp_path):
    doc = schema.defaults()
    assert audit.record(tmp_path, "cli", doc, doc) is None
    assert not (tmp_path / audit.AUDIT_NAME).exists()


def test_secrets_are_never_written(tmp_path):
    old = schema.defaults()
    line = dict(old["lines"][0], pin="1234")
    new = dict(old, lines=[line])
    added = dict(old, lines=[*old["lines"], dict(line, id="line9", pin="9876")])
    audit.record(tmp_path, "console", old, new)
    audit.record(tmp_path, "console", old, added)
    audit.record(tmp_path, "console", {"auth": {"password_hash": "scrypt$abc"}},
                 {"auth": {"password_hash": "scrypt$def"}})
    text = (tmp_path / audit.AUDIT_NAME).read_text()
    for secret in ("1234", "9876", "scrypt$abc", "scrypt$def"):
        assert secret not in text, secret
    assert audit.HIDDEN in text and "lines[0].pin" in text


def test_a_torn_last_line_is_skipped_and_the_next_entry_starts_afresh(tmp_path):
    old = schema.defaults()
    for wrap in (11, 12):
        audit.record(tmp_path, "cli", old, schema.merge(old, {"queues": {"sales": {"wrapup_s": wrap}}}))
    path = tmp_path / audit.AUDIT_NAME
    path.write_bytes(path.read_bytes()[:-9])                  # a power cut in the last write
    assert [e["changes"][0]["new"] for e in audit.recent(tmp_path)] == [11]
    audit.record(tmp_path, "cli", old, schema.merge(old, {"queues": {"sales": {"wrapup_s": 13}}}))
    assert [e["changes"][0]["new"] for e in audit.recent(tmp_path)] == [13, 11]


def test_the_log_is_bounded_by_renaming_it_aside(tmp_path, monkeypatch):
    monkeypatch.setattr(audit, "MAX_BYTES", 2000)
    old = schema.defaults()
    for wrap in range(1, 80):
        audit.record(tmp_path, "cli", old, schema.merge(old, {"queues": {"sales": {"wrapup_s": wrap}}}))
    sizes = [(tmp_path / name).stat().st_size for name in (audit.AUDIT_NAME, audit.AUDIT_NAME + ".1")]
    assert all(size <= 2000 for size in sizes)
    newest = audit.recent(tmp_path, 5)
    assert [e["changes"][0]["new"] for e in newest] == [79, 78, 77, 76, 75]


def test_the_console_records_config_set(tmp_path):
    ctx = SimpleNamespace(store=SettingsStore(tmp_path), data_dir=tmp_path,
                          loop=SimpleNamespace(post=lambda event: None))
    config_set(ctx, ["queues.sales.wrapup_s", "33"])
    entry = audit.recent(tmp_path)[0]
    assert entry["who"] == "console" and "config set queues.sales.wrapup_s" in entry["how"]
    assert entry["changes"][0]["path"] == "queues.sales.wrapup_s" and entry["changes"][0]["new"] == 33


def test_the_console_records_config_import(tmp_path):
    posted = []
    ctx = SimpleNamespace(store=SettingsStore(tmp_path), data_dir=tmp_path,
                          loop=SimpleNamespace(post=posted.append))
    doc = schema.merge(ctx.store.load(), {"queues": {"sales": {"wrapup_s": 44}}})
    (tmp_path / "mine.json").write_text(json.dumps(doc))
    assert "1 changed (in effect now)" in config_import(ctx, [str(tmp_path / "mine.json")])
    entry = audit.recent(tmp_path)[0]
    assert entry["who"] == "console" and entry["how"].startswith("console: config import")
    assert entry["changes"][0]["new"] == 44 and posted


def test_the_cli_records_config_import(tmp_path, capsys):
    store = SettingsStore(tmp_path)
    doc = schema.merge(store.load(), {"web": {"port": 8081}})
    source = tmp_path / "new.json"
    source.write_text(json.dumps(doc))
    assert cmd_config(SimpleNamespace(data_dir=tmp_path, config_command="import", file=source,
                                      partial=False)) == 0
    entry = audit.recent(tmp_path)[0]
    assert entry["who"] == "cli" and entry["changes"] == [{"path": "web.port", "old": 8080,
                                                           "new": 8081}]
    assert "1 changed" in capsys.readouterr().out
