"""The voicemail inbox: list in the office's time, play and download, done, delete, and no way
to reach a file the call record does not name."""
from __future__ import annotations

import io
import json
import re
import wave

import pytest

from appliance.web import routes_voicemail
from tests.web.conftest import owner_of, record




@pytest.fixture
def boss(web):
    return owner_of(web[0])


def wav_bytes(seconds: float = 2.0) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * int(8000 * seconds))
    return buffer.getvalue()


def message(web, tmp_path, call_id, started_at, with_file=True, **fields):
    rel = f"voicemail/{started_at[:10]}/{call_id}.wav"
    if with_file:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(wav_bytes())
    web[4].write(record(call_id, started_at, outcome="voicemail", voicemail=rel, operator=None,
                        handset=None, answered_at=None, talk_s=0.0, **fields))
    return tmp_path / rel


def test_messages_are_listed_newest_first_in_the_office_time(boss, web, tmp_path):
    settings = web[2].load()
    web[2].save({**settings, "hours": {**settings["hours"], "timezone": "Europe/Rome"}})
    message(web, tmp_path, "vm-old", "2026-11-22T08:00:00.000Z", caller="+441632960002")
    message(web, tmp_path, "vm-new", "2026-11-23T08:30:00.000Z", caller="+441632960003")
    web[4].write(record("answered-1", "2026-11-23T09:00:00.000Z"))
    page = boss.get("/voicemail")
    assert page.status == 200
    assert page.text.index("vm-new") < page.text.index("vm-old")
    assert "answered-1" not in page.text
    assert "2026-11-23 09:30" in page.text and "Europe/Rome" in page.text
    assert '<audio controls preload="none" src="/voicemail/vm-new.wav">' in page.text
    assert page.text.count(">New</span>") == 2


def test_play_and_download_serve_the_wav_uncached(boss, web, tmp_path):
    path = message(web, tmp_path, "vm1", "2026-11-23T08:00:00.000Z")
    played = boss.get("/voicemail/vm1.wav")
    assert played.status == 200 and played.body == path.read_bytes()
    assert played.header("Content-Type").startswith("audio/wav")
    assert played.header("Cache-Control") == "no-store"
    assert "attachment" not in (played.header("Content-Disposition") or "")
    fetched = boss.get("/voicemail/vm1/download")
    assert fetched.status == 200 and fetched.body == path.read_bytes()
    assert fetched.header("Cache-Control") == "no-store"
    assert 'attachment; filename="voicemail-vm1.wav"' in fetched.header("Content-Disposition")


def test_mark_done_is_kept_in_the_inbox_file(boss, web, tmp_path):
    message(web, tmp_path, "vm1", "2026-11-23T08:00:00.000Z")
    boss.get("/voicemail")
    assert boss.post("/voicemail/vm1/done").status == 303
    kept = json.loads((tmp_path / routes_voicemail.INBOX_NAME).read_text())
    assert kept["messages"]["vm1"]["done_at"] == "2026-11-23T09:00:00.000Z"
    page = boss.get("/voicemail").text
    assert ">Done</span>" in page and "Mark as new" in page
    assert not list(tmp_path.glob("*.tmp"))
    boss.post("/voicemail/vm1/done", {"undo": "1"})
    assert ">New</span>" in boss.get("/voicemail").text


def test_mark_done_needs_the_csrf_token(boss, web, tmp_path):
    message(web, tmp_path, "vm1", "2026-11-23T08:00:00.000Z")
    boss.get("/voicemail")
    assert boss.post("/voicemail/vm1/done", csrf=False).status == 403
    assert not (tmp_path / routes_voicemail.INBOX_NAME).exists()


def test_delete_asks_first_then_removes_the_file(boss, web, tmp_path):
    path = message(web, tmp_path, "vm1", "2026-11-23T08:00:00.000Z", caller="+441632960009")
    boss.get("/voicemail")
    asked = boss.post("/voicemail/vm1/delete")
    assert asked.status == 200 and "Delete this message?" in asked.text
    assert 'name="confirm" value="yes"' in asked.text and "+441632960009" in asked.text
    assert 'id="confirm-save"' not in asked.text          # not the settings pages' question
    assert path.exists()
    assert boss.get("/voicemail/vm1/delete").status == 200 and path.exists()
    gone = boss.post("/voicemail/vm1/delete", {"confirm": "yes"})
    assert gone.status == 303 and not path.exists()
    page = boss.get("/voicemail")
    assert "Message deleted." in page.text and "vm-vm1" not in page.text
    assert boss.get("/voicemail/vm1.wav").status == 404
    assert web[0].config["ivr.context"].calllog.get("vm1") is not None      # the call stays


def test_a_missing_file_is_said_and_not_served(boss, web, tmp_path):
    message(web, tmp_path, "vm1", "2026-11-23T08:00:00.000Z", with_file=False)
    page = boss.get("/voicemail")
    assert "no longer on the appliance" in page.text and "/voicemail/vm1.wav" not in page.text
    missing = boss.get("/voicemail/vm1.wav")
    assert missing.status == 404 and "no longer on the appliance" in missing.text
    boss.get("/voicemail")
    assert boss.post("/voicemail/vm1/delete", {"confirm": "yes"}).status == 303


@pytest.mark.parametrize("url", [
    "/voicemail/..%2F..%2Fsettings.json/download", "/voicemail/../settings.json.wav",
    "/voicemail/%2e%2e/download", "/voicemail/answered-1.wav", "/voicemail/nope/download",
    "/voicemail/vm1%00/download", "/voicemail/evil.wav"])
def test_a_crafted_id_reaches_nothing(boss, web, tmp_path, url):
    (tmp_path / "settings.json").write_text("{}") if not (tmp_path / "settings.json").exists() else None
    web[4].write(record("answered-1", "2026-11-23T09:00:00.000Z", recording="settings.json"))
    web[4].write(record("evil", "2026-11-23T09:00:00.000Z", outcome="voicemail",
                        voicemail="../../etc/passwd.wav"))
    reply = boss.get(url)
    assert reply.status == 404
    assert b"{" not in reply.body[:1] and b"root:" not in reply.body


def test_a_crafted_id_cannot_be_deleted(boss, web, tmp_path):
    outside = tmp_path / "recordings" / "evil.wav"
    outside.parent.mkdir()
    outside.write_bytes(wav_bytes())
    web[4].write(record("evil", "2026-11-23T09:00:00.000Z", outcome="voicemail",
                        voicemail="recordings/evil.wav"))
    boss.get("/voicemail")
    assert boss.post("/voicemail/evil/delete", {"confirm": "yes"}).status == 303
    assert outside.exists()                 # only files under voicemail/ are ever deleted
    assert boss.post("/voicemail/a.b/delete", {"confirm": "yes"}).status == 404


def test_the_message_length_is_shown(boss, web, tmp_path):
    message(web, tmp_path, "vm1", "2026-11-23T08:00:00.000Z")
    assert re.search(r"<small>0:02</small>", boss.get("/voicemail").text)


def test_pages_hold_fifty_messages_and_skip_deleted_ones(boss, web, tmp_path):
    for n in range(55):
        message(web, tmp_path, f"vm{n:02d}", f"2026-11-2{n // 20}T08:{n % 60:02d}:00.000Z",
                with_file=n < 3)
    boss.get("/voicemail")
    for n in (54, 53, 10):
        assert boss.post(f"/voicemail/vm{n:02d}/delete", {"confirm": "yes"}).status == 303
    first = boss.get("/voicemail").text
    assert "52 messages" in first and "Page 1 of 2" in first
    assert first.count('id="vm-vm') == 50 and 'id="vm-vm52"' in first and "vm-vm54" not in first
    second = boss.get("/voicemail?page=2").text
    assert second.count('id="vm-vm') == 2 and 'id="vm-vm00"' in second and "vm-vm10" not in second


