"""A full backup of the owner's data in one zip archive, and a restore that is all or nothing.

The archive holds ``backup.json`` (what it is), ``settings.json`` (the settings document, as
``config import`` reads it), ``phonebook.json`` and ``notes.json`` (their stores' own layout),
``prompts/<lang>/<key>.wav`` (the owner's recordings) and, when asked for, ``recordings/`` and
``voicemail/`` (``<day>/<name>.wav``). Why zip and not tar.gz: its directory lists every member
with its size and type before a byte is extracted, so a bad archive is refused cheaply; each
member carries a CRC, so a damaged one is caught; WAV files are stored as they are (they hardly
compress) so a large backup costs no CPU on the Pi; and the owner's PC opens it with no tools.

Restoring, step by step (``stage`` then ``apply``):

1. The upload is copied to ``.restore/<token>/upload`` in the data folder (bounded size),
   every member is checked (plain relative names in the expected folders only, no links or
   devices, bounded sizes, valid WAV prompts, valid phone book and notes, settings validated
   exactly as ``SettingsStore.import_json`` does, against the archive's own prompts), and
   extracted to ``.restore/<token>/new/``, every file and folder fsynced. Nothing of the live
   data has been touched; any problem removes the folder and says why.
2. ``apply`` writes ``plan.json`` (which items are swapped, which existed), then for each item
   (``settings.json``, ``phonebook.json`` and its ``.bak``, ``notes.json`` and its ``.bak``,
   ``prompts``, and with media ``recordings`` and ``voicemail``) keeps the live one in ``old/``
   (a file by a hard link, then the new one renamed over it, so it is never missing; a folder
   by renaming it out, then the new one in), fsyncs the folders and writes ``committed``.
3. ``recover`` (run before every restore, with the System page, and at start-up) finishes
   what a power cut interrupted: without ``committed`` every item is put back from ``old/``
   (each step can be repeated, so a cut during recovery is safe too); with it, the old data is
   dropped. The staging folder is first renamed to ``trash-<token>`` and only then deleted, so
   a half-deleted folder is never mistaken for a plan. Either the old data or the new is in
   place, never a mix.

A settings-only JSON backup is accepted too: it is checked and applied by ``import_json`` as
before, through the same staging so that a restore that needs confirming can wait for it.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import stat
import struct
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from appliance import timefmt
from appliance.audio import prompts as library
from appliance.errors import ApplianceError, SettingsError
from appliance.store import phonebook as book
from appliance.store.callnotes import NOTES_NAME, check_note
from appliance.store.menu_schema import LANGUAGES
from appliance.store.phonebook import PHONEBOOK_NAME, check_entry
from appliance.store import schema
from appliance.store.settings import (
    SettingsStore, _fsync_dir, atomic_write, check_whole, decode_tables, parse_settings,
)
from appliance.store.tablefile import TableFile
from appliance.audio.uploads import AudioRejected, to_phone_wav

FORMAT = "ivr-appliance-backup"
VERSION = 1
MANIFEST = "backup.json"
STAGING = ".restore"                 # inside the data folder: the same file system, so renames work
PENDING_TTL_S = 3600                 # an upload waiting for its confirmation is kept this long
MEDIA = ("recordings", "voicemail")
TABLES = {PHONEBOOK_NAME: ("phonebook", check_entry), NOTES_NAME: ("notes", check_note)}
ITEMS = ("settings.json", PHONEBOOK_NAME, PHONEBOOK_NAME + ".bak", NOTES_NAME, NOTES_NAME + ".bak",
         "prompts")

# Limits (module constants, so a test can lower them)
MAX_ARCHIVE = 1 << 30                # bytes uploaded
MAX_TOTAL = 2 << 30                  # bytes once extracted
MAX_MEMBERS = 50_000
MAX_SETTINGS = 2 << 20
MAX_TABLE = 32 << 20
MAX_PROMPT = 5 << 20
MAX_MEDIA_FILE = 256 << 20
FREE_MARGIN = 64 << 20               # left free on the SD card after staging
CHUNK = 1 << 20

_PROMPT = re.compile(r"prompts/([a-z]{2})/([a-z0-9_]{1,64})\.wav")
_MEDIA = re.compile(r"(recordings|voicemail)/(\d{4}-\d{2}-\d{2})/([A-Za-z0-9_.-]{1,128})\.wav")
_TOKEN = re.compile(r"[0-9a-f]{16}")
_LOCK = threading.RLock()             # one restore or recovery at a time (the web has 8 threads)


class BackupError(ApplianceError):
    """A backup that cannot be made or restored; the message says why, for the owner."""


@dataclass
class Staged:
    """A checked upload waiting in ``.restore/<token>``: ``kind`` is ``full`` or ``settings``."""

    token: str
    kind: str
    settings: dict
    media: bool
    counts: dict

    def summary(self) -> str:
        if self.kind == "settings":
            return "the settings"
        c = self.counts
        parts = [f"the settings, {c['prompts']} prompt recording(s), {c['phonebook']} phone "
                 f"book entr{'y' if c['phonebook'] == 1 else 'ies'}, {c['notes']} call note(s)"]
        if self.media:
            parts.append(f"{c['media']} recording(s) and voicemail message(s)")
        return " and ".join(parts)


# ---- making a backup ------------------------------------------------------------------------

def _media_files(data_dir: Path):
    for folder in MEDIA:
        for path in sorted((data_dir / folder).glob("*/*.wav")):
            name = path.relative_to(data_dir).as_posix()
            if _MEDIA.fullmatch(name) and path.is_file() and not path.is_symlink():
                yield name, path


def media_bytes(data_dir: Path) -> int:
    """How much the recordings and voicemail would add to a backup."""
    return sum(path.stat().st_size for _, path in _media_files(Path(data_dir)))


def _table_bytes(data_dir: Path, name: str) -> bytes:
    table, check = TABLES[name]
    rows = TableFile(data_dir / name, table, check, readonly=True).rows()
    data = {table: {str(number): row for number, row in enumerate(rows, 1)}}
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_backup(data_dir: Path, out: BinaryIO, media: bool, firmware: str, now: float) -> None:
    """The archive of ``data_dir`` written to ``out``; with ``media`` the recordings too."""
    data_dir = Path(data_dir)
    manifest = {"format": FORMAT, "version": VERSION, "created": timefmt.iso(now),
                "firmware": firmware, "media": media}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
        archive.writestr("settings.json", SettingsStore(data_dir).export_json() + "\n")
        for name in TABLES:
            archive.writestr(name, _table_bytes(data_dir, name))
        for lang, keys in sorted(library.owner_keys(data_dir).items()):
            for key in sorted(keys):
                path = data_dir / "prompts" / lang / f"{key}.wav"
                if lang in LANGUAGES and _PROMPT.fullmatch(f"prompts/{lang}/{key}.wav") \
                        and path.is_file() and not path.is_symlink():
                    archive.write(path, f"prompts/{lang}/{key}.wav", zipfile.ZIP_STORED)
        if media:
            for name, path in _media_files(data_dir):
                archive.write(path, name, zipfile.ZIP_STORED)


def make_backup(data_dir: Path, media: bool, firmware: str, now: float) -> BinaryIO:
    """The archive as an open file, read from the start; it lives in the data folder (the Pi's
    /tmp may be memory) and is already unlinked, so nothing is left behind."""
    data_dir = Path(data_dir)
    need = (media_bytes(data_dir) if media else 0) + (64 << 20)
    if shutil.disk_usage(data_dir).free < need + FREE_MARGIN:
        raise BackupError(f"not enough free space on the appliance to build the backup "
                          f"(about {need // 2 ** 20} MB needed); try without recordings")
    path = _staging_root(data_dir) / f"download-{secrets.token_hex(8)}.zip"
    handle = open(path, "w+b")
    try:
        path.unlink(missing_ok=True)            # (a recovery running beside it may have done it)
        write_backup(data_dir, handle, media, firmware, now)
        handle.seek(0)
    except BaseException:
        handle.close()
        path.unlink(missing_ok=True)
        raise
    return handle


# ---- checking an upload ---------------------------------------------------------------------

def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if "\x00" in name or "\\" in name:
        return "has a name with a backslash or a NUL character"
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return "is an absolute path"
    if ".." in name.split("/"):
        return "names a folder above the archive ('..')"
    mode = info.external_attr >> 16
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "is a link or a device, not a plain file"
    if info.flag_bits & 0x1:
        return "is encrypted"
    return None


def _kind(name: str) -> str | None:
    """What an allowed member is, or None when it has no place in a backup."""
    if name in (MANIFEST, "settings.json") or name in TABLES:
        return name
    if _PROMPT.fullmatch(name) and _PROMPT.fullmatch(name).group(1) in LANGUAGES:
        return "prompt"
    if _MEDIA.fullmatch(name):
        return "media"
    if name.endswith("/") and name.rstrip("/") in ("prompts", *MEDIA,
                                                   *(f"prompts/{lang}" for lang in LANGUAGES)):
        return "folder"
    if name.endswith("/") and re.fullmatch(r"(recordings|voicemail)/\d{4}-\d{2}-\d{2}/", name):
        return "folder"
    return None


def _limit(kind: str) -> int:
    return {"settings.json": MAX_SETTINGS, MANIFEST: 64 << 10, "prompt": MAX_PROMPT,
            "media": MAX_MEDIA_FILE, "folder": 0}.get(kind, MAX_TABLE)


def _listing(archive: zipfile.ZipFile, data_dir: Path) -> list[tuple[zipfile.ZipInfo, str]]:
    """Every member with its kind, or BackupError for the first one that has no business there."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BackupError(f"the archive has {len(infos)} files; a backup has at most {MAX_MEMBERS}")
    seen, out, total = set(), [], 0
    for info in infos:
        problem = _member_problem(info)
        kind = _kind(info.filename) if problem is None else None
        if problem is None and kind is None:
            problem = "does not belong in an appliance backup"
        if problem is None and info.filename in seen:
            problem = "appears twice"
        if problem is None and info.file_size > _limit(kind):
            problem = f"is too large ({info.file_size} bytes; at most {_limit(kind)})"
        if problem:
            raise BackupError(f"'{info.filename[:120]}' {problem}")
        seen.add(info.filename)
        total += info.file_size
        out.append((info, kind))
    if total > MAX_TOTAL:
        raise BackupError(f"the archive would unpack to {total // 2 ** 20} MB; at most "
                          f"{MAX_TOTAL // 2 ** 20} MB")
    if shutil.disk_usage(data_dir).free < total + FREE_MARGIN:
        raise BackupError(f"not enough free space on the appliance to unpack it "
                          f"({total // 2 ** 20} MB needed)")
    for needed in (MANIFEST, "settings.json"):
        if needed not in seen:
            raise BackupError(f"the archive has no {needed}, so it is not an appliance backup")
    return out


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's bytes, never more than its declared size (a lying header cannot fill the
    memory); the CRC is checked by zipfile as the end is read."""
    with archive.open(info) as member:
        data = member.read(min(limit, info.file_size) + 1)
    if len(data) != info.file_size:
        raise BackupError(f"'{info.filename}' is damaged (its size does not match the archive's list)")
    return data


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    written = 0
    with archive.open(info) as member, open(target, "wb") as out:
        while chunk := member.read(CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise BackupError(f"'{info.filename}' is damaged (longer than the archive says)")
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if written != info.file_size:
        raise BackupError(f"'{info.filename}' is damaged (shorter than the archive says)")
    with open(target, "rb") as check:
        head = check.read(12)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise BackupError(f"'{info.filename}' is not a WAV file")


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _check_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BackupError(f"{MANIFEST} is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("the archive is not an appliance backup")
    if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
        raise BackupError(f"the backup was made by newer firmware (format "
                          f"{manifest.get('version')}); update the firmware first")
    return manifest


def _check_table(name: str, data: bytes) -> list[dict]:
    table, check = TABLES[name]
    try:
        stored = decode_tables(data).get(table, {})
        rows = [check(dict(row)) if isinstance(row, dict) else _not_a_map(number)
                for number, row in stored.items()]
        if name == PHONEBOOK_NAME:
            rows = book._merged([], rows)[0]          # no number twice, not over the limit
    except (ApplianceError, ValueError) as exc:
        raise BackupError(f"{name}: {exc}") from None
    return rows


def _not_a_map(number: str):
    raise ValueError(f"row {number} is not a map")


def _unpack(archive: zipfile.ZipFile, listing, new: Path) -> tuple[dict, dict]:
    """Check and extract every member into ``new``; ``(settings, counts)``."""
    counts = {"prompts": 0, "phonebook": 0, "notes": 0, "media": 0}
    texts: dict[str, bytes] = {}
    for info, kind in listing:
        if kind == "folder":
            continue
        if kind == "prompt":
            try:
                sound = to_phone_wav(_read(archive, info, MAX_PROMPT))
            except AudioRejected as exc:
                raise BackupError(f"'{info.filename}': {exc}") from None
            _write(new / info.filename, sound)
            counts["prompts"] += 1
        elif kind == "media":
            (new / info.filename).parent.mkdir(parents=True, exist_ok=True)
            _copy(archive, info, new / info.filename)
            counts["media"] += 1
        else:
            texts[kind] = _read(archive, info, _limit(kind))
    manifest = _check_manifest(texts[MANIFEST])
    media = bool(manifest.get("media")) or counts["media"] > 0
    for name, (table, check) in TABLES.items():
        rows = _check_table(name, texts[name]) if name in texts else []
        counts[table] = len(rows)
        TableFile(new / name, table, check).replace(rows)     # the file and its .bak
    settings = _check_settings(texts["settings.json"], new)
    for folder in ("prompts", *(MEDIA if media else ())):
        (new / folder).mkdir(exist_ok=True)
    return settings, {**counts, "media_included": media}


def _check_settings(raw: bytes, new: Path) -> dict:
    """Validated as ``import_json`` does, against the prompts in the archive, and written."""
    try:
        return SettingsStore(new).import_json(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BackupError("settings.json is not text") from None
    except ApplianceError as exc:
        raise BackupError(f"settings.json: {exc}") from None


def _fsync_tree(root: Path, data_dir: Path) -> None:
    """Every folder fsynced (the files were as they were written); under ``sudo`` everything
    given to the data folder's owner, or the service could not change what was restored."""
    owner = os.stat(data_dir) if os.geteuid() == 0 else None
    for folder, _, files in os.walk(root, topdown=False):
        if owner is not None:
            for name in [*files, "."]:
                os.chown(os.path.join(folder, name), owner.st_uid, owner.st_gid)
        _fsync_dir(Path(folder))


def _new_folder(data_dir: Path) -> tuple[str, Path]:
    recover(data_dir)
    token = secrets.token_hex(8)
    folder = _staging_root(Path(data_dir)) / token
    folder.mkdir()
    return token, folder


def _staging_root(data_dir: Path) -> Path:
    """``.restore`` in the data folder, the service's even when made under ``sudo``."""
    root = data_dir / STAGING
    root.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        owner = os.stat(data_dir)
        os.chown(root, owner.st_uid, owner.st_gid)
    return root


def _save_upload(upload: BinaryIO, target: Path) -> None:
    written = 0
    with open(target, "wb") as out:
        while chunk := upload.read(CHUNK):
            written += len(chunk)
            if written > MAX_ARCHIVE:
                raise BackupError(f"the file is too large; a backup is at most "
                                  f"{MAX_ARCHIVE // 2 ** 20} MB")
            out.write(chunk)


def stage(data_dir: Path, upload: BinaryIO) -> Staged:
    """Check the uploaded archive or JSON file completely and keep it, ready to ``apply``.
    BackupError says what is wrong; then nothing is kept and nothing of the live data changed."""
    data_dir = Path(data_dir)
    token, folder = _new_folder(data_dir)
    try:
        _save_upload(upload, folder / "upload")
        with open(folder / "upload", "rb") as head:
            magic = head.read(2)
        if magic == b"PK" or zipfile.is_zipfile(folder / "upload"):
            staged = _stage_archive(data_dir, token, folder)
        else:
            staged = _stage_settings(data_dir, token, folder)
        (folder / "upload").unlink()
        atomic_write(folder / "checked.json", json.dumps(
            {"kind": staged.kind, "settings": staged.settings, "media": staged.media,
             "counts": staged.counts, "at": time.time()}).encode("utf-8"))
        _fsync_tree(folder, data_dir)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return staged


def _stage_archive(data_dir: Path, token: str, folder: Path) -> Staged:
    try:
        with zipfile.ZipFile(folder / "upload") as archive:
            listing = _listing(archive, data_dir)
            settings, counts = _unpack(archive, listing, folder / "new")
    except ApplianceError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError,
            struct.error, RuntimeError, zlib.error) as exc:   # what zipfile raises on damage
        raise BackupError(f"the archive is damaged ({exc})") from None
    except OSError as exc:
        raise BackupError(f"the archive could not be unpacked: {exc.strerror or exc}") from None
    return Staged(token, "full", settings, counts.pop("media_included"), counts)


def _stage_settings(data_dir: Path, token: str, folder: Path) -> Staged:
    """A settings-only JSON backup: checked as ``import_json`` checks it, against this box."""
    raw = (folder / "upload").read_bytes()
    if len(raw) > MAX_SETTINGS:
        raise BackupError("this is neither a backup archive nor a settings backup (too large)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BackupError("this is not a settings backup (not text) nor a backup archive") from None
    if not text.lstrip().startswith(("{", "[")):
        raise BackupError("this is neither a backup archive (.zip) nor a settings backup (.json)")
    try:
        doc = parse_settings(text)
        settings = schema.validate(doc, library.known_keys(data_dir))
    except RecursionError:
        raise BackupError("this settings backup is nested too deeply to be settings") from None
    try:
        check_whole(doc, "or restore a full backup")    # as import_json would, and before
                                                        # anything is promised
    except SettingsError as exc:
        raise BackupError(f"this settings backup is not whole: {exc}") from None
    atomic_write(folder / "settings-only.json", raw)
    return Staged(token, "settings", settings, False, {})


def staged(data_dir: Path, token: str) -> Staged | None:
    """The upload kept under ``token``, or None (unknown, expired or already used)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    try:
        kept = json.loads((Path(data_dir) / STAGING / token / "checked.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return Staged(token, kept["kind"], kept["settings"], kept["media"], kept["counts"])


def discard(data_dir: Path, token: str) -> None:
    """Forget an upload that was not confirmed."""
    if _TOKEN.fullmatch(token or "") and not (Path(data_dir) / STAGING / token / "plan.json").exists():
        shutil.rmtree(Path(data_dir) / STAGING / token, ignore_errors=True)


# ---- applying ---------------------------------------------------------------------------------

def apply(data_dir: Path, token: str, store: SettingsStore | None = None) -> dict:
    """Put the staged upload in place of the live data (see the module's steps); returns the
    new settings. BackupError (the old data back in place) if any step fails."""
    with _locked(Path(data_dir)):
        return _apply(Path(data_dir), token, store)


@contextlib.contextmanager
def _locked(data_dir: Path):
    """One swap or recovery at a time: among the web page's threads, and between the daemon and
    an ``ivr-appliance backup restore`` run beside it (which would otherwise undo its swap)."""
    with _LOCK, open(_staging_root(data_dir) / "lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def _apply(data_dir: Path, token: str, store: SettingsStore | None) -> dict:
    kept = staged(data_dir, token)
    if kept is None:
        raise BackupError("this restore has expired or was already done; upload the file again")
    folder = data_dir / STAGING / token
    if kept.kind == "settings":
        text = (folder / "settings-only.json").read_text("utf-8")
        try:
            return (store or SettingsStore(data_dir)).import_json(text)
        finally:
            _finish(folder)
    items = ITEMS + (MEDIA if kept.media else ())
    plan = {"items": list(items), "existed": {i: os.path.lexists(data_dir / i) for i in items}}
    atomic_write(folder / "plan.json", json.dumps(plan).encode("utf-8"))
    (folder / "old").mkdir(exist_ok=True)
    _fsync_dir(folder)
    try:
        for item in items:
            _swap(data_dir, folder, item)
        for where in (data_dir, folder / "old", folder / "new"):
            _fsync_dir(where)
        atomic_write(folder / "committed", b"")
    except BaseException as exc:
        _rollback(data_dir, folder)
        _finish(folder)
        if isinstance(exc, Exception):
            raise BackupError(f"the restore failed and was undone; nothing changed "
                              f"({getattr(exc, 'strerror', None) or exc})") from None
        raise
    _finish(folder)
    return kept.settings


def _swap(data_dir: Path, folder: Path, item: str) -> None:
    """A file is kept in ``old/`` by a hard link and replaced in one rename, so it is never
    missing, even for a moment; a folder cannot be renamed over, so it is moved out first."""
    live, old, new = data_dir / item, folder / "old" / item, folder / "new" / item
    if _plain_file(live) and _plain_file(new) and _linked(live, old):
        os.rename(new, live)
        return
    if os.path.lexists(live):
        os.rename(live, old)
    if os.path.lexists(new):
        os.rename(new, live)


def _linked(live: Path, old: Path) -> bool:
    """Whether ``old`` is now a second name of ``live`` (false where the file system has no
    hard links: then the file is moved out like a folder)."""
    try:
        os.link(live, old)
        return True
    except OSError:
        return False


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _rollback(data_dir: Path, folder: Path) -> None:
    """Every item back as it was before ``apply``; each step may be repeated after a power cut."""
    plan = json.loads((folder / "plan.json").read_text("utf-8"))
    for item in reversed(plan["items"]):
        live, old, new = data_dir / item, folder / "old" / item, folder / "new" / item
        if os.path.lexists(old):
            if os.path.lexists(live) and not _same(live, old):
                os.rename(live, new) if not os.path.lexists(new) else _remove(live)
            os.rename(old, live)                # a hard link onto itself: rename does nothing
        elif not plan["existed"].get(item) and os.path.lexists(live) and not os.path.lexists(new):
            os.rename(live, new)
    _fsync_dir(data_dir)


def _finish(folder: Path) -> None:
    """Renamed out of the way first, so a half-deleted folder is never read as a plan."""
    trash = folder.with_name(f"trash-{folder.name}")
    os.rename(folder, trash)
    _fsync_dir(folder.parent)
    shutil.rmtree(trash, ignore_errors=True)


def recover(data_dir: Path, now: float | None = None) -> list[str]:
    """Finish or undo a restore a power cut interrupted, and clear what is left over (deleted
    downloads, unconfirmed uploads older than an hour). Returns what it did, for the log."""
    if not (Path(data_dir) / STAGING).is_dir():
        return []
    with _locked(Path(data_dir)):
        return _recover(Path(data_dir), time.time() if now is None else now)


def _recover(data_dir: Path, now: float) -> list[str]:
    root = data_dir / STAGING
    if not root.is_dir():
        return []
    done = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(("trash-", "download-")):
            _remove(folder)
        elif (folder / "plan.json").exists():
            committed = (folder / "committed").exists()
            if not committed:
                _rollback(data_dir, folder)
            _finish(folder)
            done.append(f"an interrupted restore was {'completed' if committed else 'undone'}")
        elif folder.is_dir() and now - folder.stat().st_mtime > PENDING_TTL_S:
            shutil.rmtree(folder, ignore_errors=True)
    return done
