"""The voicemail inbox: messages newest first, play, download, mark done, delete.

A message is a call record with outcome ``voicemail`` and a ``voicemail`` file; the file's path
comes only from that record (the URL carries the call id, nothing else), and must lie under the
data folder's ``voicemail/``. Which messages are done or deleted is the page's own small file,
``voicemail_inbox.json`` in the data folder (the call log stays read-only here).
"""
from __future__ import annotations

import json
import logging
import re
import threading
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import bottle

from appliance import timefmt
from appliance.audio import codecs
from appliance.errors import AudioError
from appliance.store.callsearch import CallFilter
from appliance.store.settings import atomic_write
from appliance.web.context import WebContext, done
from appliance.web.i18n import gettext_now

log = logging.getLogger(__name__)

INBOX_NAME = "voicemail_inbox.json"
PAGE = 50
CALL_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
ID = "<call_id:re:[A-Za-z0-9_-]{1,100}>"


class Inbox:
    """Done and deleted marks by call id, in one JSON file written atomically (temp file, fsync,
    rename), so a power cut leaves the old marks or the new ones."""

    _lock = threading.Lock()            # one writer at a time across the web page's threads

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / INBOX_NAME
        self.problem: str | None = None

    def marks(self) -> dict[str, dict]:
        """``{call_id: {"done_at": iso|None, "deleted_at": iso|None}}``; empty when unreadable
        (the page says so; the file is left for a technician)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("messages"), dict):
                raise ValueError("not an object with 'messages'")
            self.problem = None
            return {k: v for k, v in data["messages"].items() if isinstance(v, dict)}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            self.problem = f"{self.path.name} cannot be read ({exc}); done marks are not shown"
            log.error("voicemail inbox: %s", self.problem)
            return {}

    def mark(self, call_id: str, field: str, when: str | None) -> None:
        with self._lock:
            messages = self.marks()
            if self.problem:                # never overwrite a file we could not read
                raise OSError(self.problem)
            entry = {**messages.get(call_id, {}), field: when}
            messages[call_id] = entry
            text = json.dumps({"messages": messages}, indent=1, sort_keys=True) + "\n"
            atomic_write(self.path, text.encode("utf-8"))


def _zone(settings: dict):
    try:
        return ZoneInfo(settings["hours"]["timezone"])
    except (ZoneInfoNotFoundError, ValueError, KeyError):
        return timezone.utc


def local_time(iso: str | None, zone) -> str:
    """``2026-11-23 10:15`` on the office's clock."""
    if not iso:
        return ""
    moment = datetime.fromtimestamp(timefmt.parse(iso), tz=timezone.utc).astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M")


def message_file(ctx: WebContext, record: dict | None) -> Path | None:
    """The WAV the record names, only if it lies under ``<data>/voicemail/``; else None."""
    rel = (record or {}).get("voicemail")
    if not isinstance(rel, str) or not rel.endswith(".wav"):
        return None
    folder = (ctx.data_dir / "voicemail").resolve()
    target = (ctx.data_dir / rel).resolve()
    return target if folder in target.parents else None


def _seconds(path: Path) -> float | None:
    try:
        return codecs.wav_info(path).seconds
    except (OSError, AudioError):
        return None


def _record(ctx: WebContext, call_id: str) -> dict:
    """The voicemail record ``call_id``; 404 for anything else (a crafted id, another call)."""
    record = ctx.calllog.get(call_id) if CALL_ID.fullmatch(call_id or "") else None
    if record is None or record.get("outcome") != "voicemail" or not record.get("voicemail"):
        raise bottle.HTTPError(404, gettext_now("There is no such voicemail message."))
    return record


def _page_of(ctx: WebContext, marks: dict, page: int) -> list[dict]:
    """Page ``page`` of the messages not deleted, newest first (deleted ones are skipped here,
    since the call log, read-only, keeps their records)."""
    flt, skip, out, offset = CallFilter(outcome="voicemail"), (page - 1) * PAGE, [], 0
    while len(out) < PAGE:
        batch = ctx.calllog.search(flt, limit=4 * PAGE, offset=offset)
        offset += len(batch)
        for record in batch:
            if marks.get(record["id"], {}).get("deleted_at"):
                continue
            if skip:
                skip -= 1
            elif len(out) < PAGE:
                out.append(record)
        if len(batch) < 4 * PAGE:
            break
    return out


def _row(ctx: WebContext, record: dict, mark: dict, zone) -> dict:
    path = message_file(ctx, record)
    exists = path is not None and path.is_file()
    entry = ctx.phonebook.find(record.get("caller")) if ctx.phonebook else None
    return {"id": record["id"], "when": local_time(record.get("started_at"), zone),
            "caller": record.get("caller"), "who": (entry or {}).get("name"),
            "queue": record.get("queue"), "line": record.get("line"),
            "done": bool(mark.get("done_at")), "exists": exists,
            "seconds": _seconds(path) if exists else None}


def voicemail_inbox(ctx: WebContext, status: int = 200, **values):
    settings = ctx.store.load()
    query = bottle.request.query
    page = max(1, int(query.get("page")) if (query.get("page") or "").isdigit() else 1)
    store = Inbox(ctx.data_dir)
    marks = store.marks()
    deleted = sum(1 for mark in marks.values() if mark.get("deleted_at"))
    total = max(0, ctx.calllog.search_count(CallFilter(outcome="voicemail")) - deleted)
    zone = _zone(settings)
    rows = [_row(ctx, record, marks.get(record["id"], {}), zone)
            for record in _page_of(ctx, marks, page)]
    return ctx.render("voicemail.tpl", status=status, messages=rows, page=page, total=total,
                      pages=max(1, -(-total // PAGE)), timezone=settings["hours"]["timezone"],
                      problem=store.problem, delete_asked=None, **values)


def _serve(ctx: WebContext, call_id: str, download: bool):
    path = message_file(ctx, _record(ctx, call_id))
    if path is None or not path.is_file():
        raise bottle.HTTPError(404, "This message's sound file is no longer on the appliance "
                                    "(deleted, or older than recording.keep_days).")
    root = ctx.data_dir.resolve()
    reply = bottle.static_file(str(path.relative_to(root)), root=str(root), mimetype="audio/wav",
                               download=f"voicemail-{call_id}.wav" if download else False)
    reply.set_header("Cache-Control", "no-store")
    return reply


def voicemail_play(ctx: WebContext, call_id: str):
    return _serve(ctx, call_id, download=False)


def voicemail_download(ctx: WebContext, call_id: str):
    return _serve(ctx, call_id, download=True)


def voicemail_done(ctx: WebContext, call_id: str):
    _record(ctx, call_id)
    again = bottle.request.forms.get("undo") == "1"
    try:
        Inbox(ctx.data_dir).mark(call_id, "done_at", None if again else timefmt.iso(ctx.clock()))
    except OSError as exc:
        return voicemail_inbox(ctx, 500, error=f"The mark could not be saved: {exc}")
    done("/voicemail", gettext_now("Marked as new again.") if again
         else gettext_now("Marked as done."))


def voicemail_confirm_delete(ctx: WebContext, call_id: str, status: int = 200):
    record = _record(ctx, call_id)
    zone = _zone(ctx.store.load())
    return ctx.render("voicemail.tpl", status=status, messages=[], page=1, pages=1, total=0,
                      timezone="", problem=None,
                      delete_asked={"id": call_id, "caller": record.get("caller"),
                               "when": local_time(record.get("started_at"), zone)})


def voicemail_delete(ctx: WebContext, call_id: str):
    """Only with ``confirm=yes`` (the confirmation page's button); otherwise ask first."""
    record = _record(ctx, call_id)
    if bottle.request.forms.get("confirm") != "yes":
        return voicemail_confirm_delete(ctx, call_id)
    path = message_file(ctx, record)
    try:
        if path is not None:
            path.unlink(missing_ok=True)
        Inbox(ctx.data_dir).mark(call_id, "deleted_at", timefmt.iso(ctx.clock()))
    except OSError as exc:
        return voicemail_inbox(ctx, 500, error=f"The message could not be deleted: {exc}")
    log.info("voicemail %s deleted from the web page", call_id)
    done("/voicemail", gettext_now("Message deleted."))


ROUTES = (("GET", "/voicemail", voicemail_inbox),
          ("GET", f"/voicemail/{ID}.wav", voicemail_play),
          ("GET", f"/voicemail/{ID}/download", voicemail_download),
          ("POST", f"/voicemail/{ID}/done", voicemail_done),
          ("GET", f"/voicemail/{ID}/delete", voicemail_confirm_delete),
          ("POST", f"/voicemail/{ID}/delete", voicemail_delete))
