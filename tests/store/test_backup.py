"""The full backup: a round trip, and every kind of bad archive refused with nothing changed."""
from __future__ import annotations

import io
import json
import os
import stat
import zipfile

import pytest

from appliance.store import backup, schema
from appliance.store.backup import BackupError
from appliance.store.callnotes import CallNotes
from appliance.store.phonebook import PhoneBook
from appliance.store.settings import SettingsStore
from appliance.audio.uploads import make_wav

NOW = 1_795_424_400.0
SOUND = make_wav([0, 800, 1600, 800] * 2000)


def backup_leftovers(data_dir) -> list[str]:
    """What a restore left in the staging folder (its lock file does not count)."""
    return [p.name for p in (data_dir / backup.STAGING).iterdir() if p.name != "lock"]


def fill(data_dir, wrapup: int, name: str, note: str, prompt_level: int = 1) -> None:
    """A data folder with settings that name an owner prompt, a phone book, notes, recordings."""
    prompt = data_dir / "prompts" / "en" / "opening_times.wav"
    prompt.parent.mkdir(parents=True, exist_ok=True)
    prompt.write_bytes(make_wav([0, 100 * prompt_level] * 4000))
    store = SettingsStore(data_dir)
    store.save(schema.merge(store.load(), {"queues": {"sales": {"wrapup_s": wrapup}},
                                           "hours": {"closed_prompt": "opening_times"}}))
    PhoneBook(data_dir).add({"number": "+441632960001", "name": name})
    CallNotes(data_dir).save("c1", note, "2026-11-23T09:00:00.000Z")
    rec = data_dir / "recordings" / "2026-11-23" / "c1.wav"
    rec.parent.mkdir(parents=True, exist_ok=True)
    rec.write_bytes(SOUND)


def snapshot(data_dir) -> dict:
    """What the owner would see: settings, phone book, notes, prompt and recording bytes."""
    return {"settings": SettingsStore(data_dir).load(),
            "book": PhoneBook(data_dir).entries(),
            "note": CallNotes(data_dir).get("c1"),
            "prompt": (data_dir / "prompts/en/opening_times.wav").read_bytes(),
            "recordings": sorted(p.relative_to(data_dir).as_posix()
                                 for p in (data_dir / "recordings").rglob("*.wav"))}


def archive_of(data_dir, media: bool = False) -> bytes:
    out = io.BytesIO()
    backup.write_backup(data_dir, out, media, "test", NOW)
    return out.getvalue()


def edited(data: bytes, replace: dict | None = None, extra: list | None = None) -> bytes:
    """``data`` with some members' bytes replaced and ``(ZipInfo or name, bytes)`` added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            new.writestr(info, (replace or {}).get(info.filename, old.read(info)))
        for name, body in extra or []:
            new.writestr(name, body)
    return out.getvalue()


@pytest.fixture
def two(tmp_path):
    """``(source, target)``: two appliances with different data; a backup of source."""
    source, target = tmp_path / "source", tmp_path / "target"
    fill(source, 42, "Ann New", "new note", 2)
    fill(target, 10, "Bob Old", "old note", 1)
    return source, target


def restore(target, data: bytes) -> dict:
    staged = backup.stage(target, io.BytesIO(data))
    return backup.apply(target, staged.token)


def refused(target, data: bytes, reason: str) -> None:
    before = snapshot(target)
    with pytest.raises(BackupError, match=reason):
        backup.stage(target, io.BytesIO(data))
    assert snapshot(target) == before
    assert not backup_leftovers(target)


def test_a_round_trip_brings_everything_back(two):
    source, target = two
    expected = snapshot(source)
    saved = restore(target, archive_of(source, media=True))
    assert saved == expected["settings"]
    assert snapshot(target) == expected
    assert PhoneBook(target).problem is None and CallNotes(target).problem is None
    assert not backup_leftovers(target)


def test_without_media_the_recordings_stay_as_they_are(two):
    source, target = two
    (source / "recordings" / "2026-11-23" / "c1.wav").rename(source / "recordings" / "2026-11-23" / "c9.wav")
    data = archive_of(source, media=False)
    assert not any(n.startswith("recordings/") for n in zipfile.ZipFile(io.BytesIO(data)).namelist())
    restore(target, data)
    assert snapshot(target)["recordings"] == ["recordings/2026-11-23/c1.wav"]
    assert snapshot(target)["book"][0]["name"] == "Ann New"


def test_the_settings_only_json_is_accepted_too(two):
    source, target = two
    saved = restore(target, SettingsStore(source).export_json().encode())
    assert saved["queues"]["sales"]["wrapup_s"] == 42
    assert PhoneBook(target).entries()[0]["name"] == "Bob Old"


def test_a_settings_only_json_that_leaves_sections_out_is_refused(two):
    """It would put them back to their defaults (config import refuses it the same way)."""
    source, target = two
    refused(target, b'{"language": "ru"}', "not whole: the document leaves out version, lines, web")


@pytest.mark.parametrize("name", ["../evil.json", "/etc/passwd", "prompts/../../x.wav",
                                  "prompts/en/../../settings.json", "bin/sh", "prompts\\en\\x.wav"])
def test_a_member_outside_the_backup_folders_is_refused(two, name):
    source, target = two
    refused(target, edited(archive_of(source), extra=[(name, b"x")]),
            "absolute path|above the archive|backslash|does not belong")
    assert not (target.parent / "evil.json").exists()


def test_a_symlink_member_is_refused(two):
    source, target = two
    link = zipfile.ZipInfo("prompts/en/hello.wav")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    refused(target, edited(archive_of(source), extra=[(link, b"/etc/shadow")]), "link or a device")


def test_a_corrupt_archive_is_refused(two):
    source, target = two
    data = archive_of(source, media=True)
    refused(target, data[: len(data) // 2], "damaged")
    at = data.index(SOUND[200:240])                 # bytes changed inside a member: its CRC fails
    refused(target, data[:at] + b"Zzz" + data[at + 3:], "damaged")


def test_a_settings_file_the_schema_refuses_is_refused(two):
    source, target = two
    doc = json.loads(zipfile.ZipFile(io.BytesIO(archive_of(source))).read("settings.json"))
    doc["queues"]["sales"]["ring_timeout_s"] = 1
    refused(target, edited(archive_of(source), {"settings.json": json.dumps(doc)}),
            "settings.json: .*ring_timeout_s")


def test_settings_naming_a_prompt_the_archive_lacks_are_refused(two):
    source, target = two
    data = archive_of(source)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            if not info.filename.startswith("prompts/"):
                new.writestr(info, old.read(info))
    refused(target, out.getvalue(), "opening_times")


def test_a_bad_phone_book_or_prompt_is_refused(two):
    source, target = two
    data = archive_of(source)
    book = {"phonebook": {"1": {"number": "ring me", "name": "X"}}}
    refused(target, edited(data, {"phonebook.json": json.dumps(book)}), "phonebook.json")
    refused(target, edited(data, {"prompts/en/opening_times.wav": b"ID3 not a wav"}), "PCM WAV")


def test_an_archive_too_large_is_refused(two, monkeypatch):
    source, target = two
    data = archive_of(source, media=True)
    monkeypatch.setattr(backup, "MAX_ARCHIVE", len(data) - 1)
    refused(target, data, "too large")
    monkeypatch.setattr(backup, "MAX_ARCHIVE", 1 << 30)
    monkeypatch.setattr(backup, "MAX_MEDIA_FILE", 100)
    refused(target, data, "too large")
    monkeypatch.setattr(backup, "MAX_MEDIA_FILE", 1 << 28)
    monkeypatch.setattr(backup, "MAX_TOTAL", 1000)
    refused(target, data, "would unpack to")


def test_something_that_is_no_backup_is_refused(two):
    _, target = two
    refused(target, b"\x89PNG\r\n\x1a\n", "not a settings backup")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("settings.json", "{}")
    refused(target, plain.getvalue(), "no backup.json")


def test_a_failing_rename_during_the_swap_leaves_the_old_data(two, monkeypatch):
    source, target = two
    before = snapshot(target)
    staged = backup.stage(target, io.BytesIO(archive_of(source, media=True)))
    real, calls = os.rename, []

    def flaky(src, dst):
        calls.append(src)
        if len(calls) == 5:                         # in the middle of the phone book's files
            raise OSError(5, "Input/output error")
        return real(src, dst)
    monkeypatch.setattr(os, "rename", flaky)
    with pytest.raises(BackupError, match="undone; nothing changed"):
        backup.apply(target, staged.token)
    monkeypatch.setattr(os, "rename", real)
    assert snapshot(target) == before
    assert PhoneBook(target).problem is None
    assert not backup_leftovers(target)


@pytest.mark.parametrize("cut_after", [0, 1, 2, 4, 7, 10, 13, 14])
def test_a_power_cut_in_the_swap_is_undone_at_the_next_start(two, monkeypatch, cut_after):
    source, target = two
    before = snapshot(target)
    staged = backup.stage(target, io.BytesIO(archive_of(source, media=True)))
    real, calls = os.rename, []

    class PowerCut(BaseException):
        pass

    def cut(src, dst):
        calls.append(src)
        if len(calls) > cut_after:
            raise PowerCut()
        return real(src, dst)
    monkeypatch.setattr(backup, "_rollback", lambda *a: None)     # the box is off: no undo
    monkeypatch.setattr(backup, "_finish", lambda *a: None)
    real_link = os.link

    def cut_link(src, dst):
        calls.append(src)
        if len(calls) > cut_after:
            raise PowerCut()
        return real_link(src, dst)
    monkeypatch.setattr(os, "rename", cut)
    monkeypatch.setattr(os, "link", cut_link)
    with pytest.raises(PowerCut):
        backup.apply(target, staged.token)
    monkeypatch.undo()
    assert backup.recover(target) == ["an interrupted restore was undone"]
    assert snapshot(target) == before
    assert not backup_leftovers(target)


def test_a_power_cut_after_the_commit_keeps_the_new_data(two, monkeypatch):
    source, target = two
    staged = backup.stage(target, io.BytesIO(archive_of(source)))
    monkeypatch.setattr(backup, "_finish", lambda *a: None)
    backup.apply(target, staged.token)
    monkeypatch.undo()
    assert backup.recover(target) == ["an interrupted restore was completed"]
    assert snapshot(target)["settings"]["queues"]["sales"]["wrapup_s"] == 42


def test_a_staged_upload_waits_and_can_be_discarded(two):
    source, target = two
    staged = backup.stage(target, io.BytesIO(archive_of(source)))
    assert backup.staged(target, staged.token).settings["queues"]["sales"]["wrapup_s"] == 42
    assert backup.recover(target) == []                  # a pending upload is left alone
    backup.discard(target, staged.token)
    assert backup.staged(target, staged.token) is None
    with pytest.raises(BackupError, match="expired"):
        backup.apply(target, staged.token)
    later = backup.stage(target, io.BytesIO(archive_of(source)))
    backup.recover(target, now=os.stat(target / backup.STAGING / later.token).st_mtime + 7200)
    assert backup.staged(target, later.token) is None


def test_the_command_line_backs_up_and_restores(two, capsys):
    from types import SimpleNamespace

    from appliance.cli.logs import cmd_backup
    from appliance.store import audit
    source, target = two
    archive = source.parent / "box.zip"
    assert cmd_backup(SimpleNamespace(backup_command="create", data_dir=source, file=archive,
                                      media=True)) == 0
    assert "with recordings" in capsys.readouterr().out
    assert cmd_backup(SimpleNamespace(backup_command="restore", data_dir=target, file=archive)) == 0
    out = capsys.readouterr().out
    assert "restored from" in out and "queues.sales.wrapup_s" in out
    assert snapshot(target) == snapshot(source)
    entry = audit.recent(target)[0]
    assert entry["who"] == "cli" and entry["how"].startswith("cli: backup restore")
    (source.parent / "bad.zip").write_bytes(archive.read_bytes()[:100])
    with pytest.raises(Exception, match="nothing was changed"):
        cmd_backup(SimpleNamespace(backup_command="restore", data_dir=target,
                                   file=source.parent / "bad.zip"))
