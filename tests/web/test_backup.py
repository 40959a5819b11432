"""The System page's full backup and restore, its lock-out warning, and the settings audit log."""
from __future__ import annotations

import io
import json
import re
import zipfile

from appliance.events import SettingsChanged
from appliance.store import audit, backup
from appliance.store.phonebook import PhoneBook
from appliance.audio.uploads import make_wav
from tests.web.test_office import edited, fields


def backup_leftovers(data_dir) -> list[str]:
    """What a restore left in the staging folder (its lock file does not count)."""
    return [p.name for p in (data_dir / backup.STAGING).iterdir() if p.name != "lock"]


def _data(web):
    return web[0].config["ivr.context"].data_dir


def test_the_full_backup_downloads_with_or_without_recordings(owner, web):
    data_dir = _data(web)
    PhoneBook(data_dir).add({"number": "+441632960001", "name": "Ann Example"})
    rec = data_dir / "voicemail" / "2026-11-23" / "c1.wav"
    rec.parent.mkdir(parents=True)
    rec.write_bytes(make_wav([0, 500] * 800))
    page = owner.get("/system").text
    assert 'action="/system/backup.zip"' in page and 'name="media"' in page
    plain = owner.get("/system/backup.zip")
    assert plain.status == 200 and plain.header("Content-Type") == "application/zip"
    assert 'filename="ivr-backup-2026-11-23.zip"' in plain.header("Content-Disposition")
    names = zipfile.ZipFile(io.BytesIO(plain.body)).namelist()
    assert {"backup.json", "settings.json", "phonebook.json", "notes.json"} <= set(names)
    assert not any(n.startswith("voicemail/") for n in names)
    full = zipfile.ZipFile(io.BytesIO(owner.get("/system/backup.zip?media=1").body))
    assert "voicemail/2026-11-23/c1.wav" in full.namelist()
    assert not backup_leftovers(data_dir)          # the temporary file is gone


def test_a_full_backup_is_restored_and_applied(owner, web):
    store, data_dir = web[2], _data(web)
    archive = owner.get("/system/backup.zip").body
    store.update({"queues": {"sales": {"wrapup_s": 42}}})
    PhoneBook(data_dir).add({"number": "+441632960001", "name": "Added later"})
    owner.get("/system")
    reply = owner.upload("/system/restore", "backup", "ivr-backup.zip", archive)
    assert reply.status == 303, reply.text
    assert store.load()["queues"]["sales"]["wrapup_s"] != 42
    assert PhoneBook(data_dir).entries() == []
    assert isinstance(web[1].posted[-1], SettingsChanged)
    assert "Restored from the backup: the settings, 0 prompt recording(s)" in owner.get("/system").text


def test_a_bad_archive_changes_nothing_and_says_why(owner, web):
    store = web[2]
    archive = owner.get("/system/backup.zip").body
    before = store.load()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        new.writestr("../../etc/cron.d/evil", "* * * * * root sh")
    owner.get("/system")
    for body, reason in ((out.getvalue(), "names a folder above the archive"),
                         (archive[:300], "damaged")):
        reply = owner.upload("/system/restore", "backup", "b.zip", body)
        assert reply.status == 400 and reason in reply.text, reply.text
        assert "nothing changed" in reply.text
    assert store.load() == before and web[1].posted == []


def _settings_with(store, **web_settings) -> bytes:
    doc = store.load()
    doc["web"].update(web_settings)
    doc["queues"]["sales"]["wrapup_s"] = 42
    return json.dumps(doc).encode()


def test_a_restore_that_moves_the_port_waits_for_a_confirmation(owner, web):
    store = web[2]
    owner.get("/system")
    reply = owner.upload("/system/restore", "backup", "s.json", _settings_with(store, port=9000))
    assert reply.status == 200 and 'id="restore-confirm"' in reply.text
    assert "After the next restart the page will answer on port 9000 instead of 80" in reply.text
    assert "http://127.0.0.1:9000/" in reply.text
    assert store.load()["web"]["port"] == 8080 and web[1].posted == []
    token = re.search(r'name="token" value="([0-9a-f]+)"', reply.text).group(1)
    confirmed = owner.post("/system/restore", {"token": token, "confirmed": "1"})
    assert confirmed.status == 303, confirmed.text
    assert store.load()["web"]["port"] == 9000 and store.load()["queues"]["sales"]["wrapup_s"] == 42
    assert isinstance(web[1].posted[-1], SettingsChanged)
    again = owner.post("/system/restore", {"token": token, "confirmed": "1"})
    assert again.status == 400 and "expired or was already done" in again.text


def test_a_restore_to_loopback_only_can_be_cancelled(owner, web):
    store, data_dir = web[2], _data(web)
    before = store.load()
    archive = owner.get("/system/backup.zip").body
    doc = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("settings.json"))
    doc["web"]["host"] = "127.0.0.1"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            new.writestr(info, json.dumps(doc) if info.filename == "settings.json" else old.read(info))
    owner.get("/system")
    reply = owner.upload("/system/restore", "backup", "b.zip", out.getvalue())
    assert reply.status == 200
    assert "will only answer on the appliance itself (127.0.0.1)" in reply.text
    token = re.search(r'name="token" value="([0-9a-f]+)"', reply.text).group(1)
    cancelled = owner.post("/system/restore", {"token": token, "confirmed": "0"})
    assert cancelled.status == 303
    assert "Restore cancelled" in owner.get("/system").text
    assert store.load() == before and web[1].posted == []
    assert not backup_leftovers(data_dir)


def test_a_restore_that_keeps_the_way_in_is_applied_at_once(owner, web):
    owner.get("/system")
    reply = owner.upload("/system/restore", "backup", "s.json", _settings_with(web[2], port=8080))
    assert reply.status == 303


def test_settings_changes_are_listed_newest_first_in_the_office_time(owner, web):
    store = web[2]
    page = owner.get("/hours").text
    reply = owner.post("/hours", edited(fields(page), **{"hours.timezone": "Europe/Rome"}))
    assert reply.status == 303, reply.text
    web[3].now += 60
    owner.get("/system")
    owner.upload("/system/restore", "backup", "s.json", _settings_with(store, port=8080))
    entries = audit.recent(_data(web))
    assert [e["who"] for e in entries] == ["192.168.1.20", "192.168.1.20"]
    assert entries[1]["how"] == "web /hours"
    assert {"path": "hours.timezone", "old": "UTC", "new": "Europe/Rome"} in entries[1]["changes"] \
        or any(c["path"] == "hours.timezone" for c in entries[1]["changes"])
    page = owner.get("/system").text
    log = page[page.index('id="audit-log"'):]
    assert "times in Europe/Rome" in page
    assert log.index("2026-11-23 10:01:00") < log.index("2026-11-23 10:00:00")
    assert "queues.sales.wrapup_s:" in log and "-&gt; 42" in log


def test_a_restore_to_an_address_this_box_does_not_have_warns(owner, web):
    owner.get("/system")
    reply = owner.upload("/system/restore", "backup", "s.json", _settings_with(web[2], host="192.0.2.1"))
    assert reply.status == 200
    assert "only answer on 192.0.2.1, which is not an address of this appliance" in reply.text
    assert web[2].load()["web"]["host"] == "0.0.0.0"
