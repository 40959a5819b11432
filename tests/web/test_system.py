"""The system page: version, uptime, lines, disk; settings backup and a restore that is all or nothing."""
from __future__ import annotations

import json

from appliance.events import SettingsChanged


def test_the_system_page_shows_version_uptime_lines_and_disk(owner, web):
    web[3].now += 3725
    page = owner.get("/system").text
    for text in ('id="version">0.1.0', "1:02:05", "line1", "sim", "Idle", "GB free", "Call log"):
        assert text in page, text


def test_the_backup_is_the_settings_document(owner, web):
    reply = owner.get("/system/settings.json")
    assert reply.status == 200 and "attachment" in reply.header("Content-Disposition")
    assert json.loads(reply.text) == web[2].load()


def test_a_good_backup_is_restored_and_applied(owner, web):
    store = web[2]
    doc = store.load()
    doc["queues"]["sales"]["wrapup_s"] = 42
    owner.get("/system")
    reply = owner.upload("/system/restore", "backup", "ivr-settings.json", json.dumps(doc).encode())
    assert reply.status == 303, reply.text
    assert store.load()["queues"]["sales"]["wrapup_s"] == 42
    assert isinstance(web[1].posted[-1], SettingsChanged)


def test_a_bad_backup_changes_nothing_and_says_why(owner, web):
    store = web[2]
    before = store.load()
    doc = dict(before, queues={"sales": {"ring_timeout_s": 1}})
    owner.get("/system")
    for body, reason in ((json.dumps(doc).encode(), "ring_timeout_s"),
                         (b"{not json", "line 1 column 2"),
                         (b"\xff\xfe\x00", "not a settings backup")):
        reply = owner.upload("/system/restore", "backup", "b.json", body)
        assert reply.status == 400 and reason in reply.text, reason
        assert "nothing changed" in reply.text.lower()
    assert store.load() == before and web[1].posted == []


def test_a_restore_that_escalates_to_a_queue_nobody_serves_warns_on_the_page(owner, web):
    store = web[2]
    doc = store.load()
    doc["queues"]["empty"] = dict(doc["queues"]["sales"])
    doc["queues"]["sales"]["escalate_to"] = "empty"
    doc["queues"]["sales"]["escalate_after_s"] = 120
    owner.get("/system")
    reply = owner.upload("/system/restore", "backup", "ivr-settings.json", json.dumps(doc).encode())
    assert reply.status == 303, reply.text
    page = owner.get("/system").text
    assert "Settings restored" in page
    assert "queues.sales.escalate_to names &#039;empty&#039;, which no enabled operator serves" in page \
        or "queues.sales.escalate_to names 'empty', which no enabled operator serves" in page


def test_the_system_page_offers_both_backups_and_lists_settings_changes(owner, web):
    page = owner.get("/system").text
    for text in ('href="/system/settings.json"', 'action="/system/backup.zip"', 'name="media"',
                 'accept=".zip,.json', "No settings have been changed yet."):
        assert text in page, text
    doc = web[2].load()
    doc["queues"]["sales"]["wrapup_s"] = 42
    owner.upload("/system/restore", "backup", "ivr-settings.json", json.dumps(doc).encode())
    page = owner.get("/system").text
    assert 'id="audit-log"' in page and "192.168.1.20" in page and "web restore" in page
