"""System: version, uptime, lines, disk use, backup and restore, the settings audit log, password.

A restore whose ``web`` settings would shut the owner out after the next restart (the page only
on 127.0.0.1, on an address this box does not have, or on another port) is not applied at once:
the page says what would happen and the checked upload waits in the data folder for a confirm.
"""
from __future__ import annotations

import ipaddress
import json
import os
import shutil
import socket
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import bottle

from appliance import timefmt
from appliance.errors import ApplianceError
from appliance.events import SettingsChanged
from appliance.line_states import REGISTRATION_WORDS
from appliance.store import audit, backup
from appliance.web.auth import AuthError, RateLimited
from appliance.web.context import WebContext, done, flash
from appliance.web.forms import with_warnings
from appliance.web import routes_auth
from appliance.web.routes_auth import start_session
from appliance.web.timeline import duration
from appliance.web.i18n import gettext_now


def _lines(ctx: WebContext) -> list[dict]:
    """Each line from settings with the state the engine sees (signal and registration when a
    driver reports them)."""
    snap = ctx.snapshot() or {"lines": []}
    states = {line["id"]: line for line in snap["lines"]}
    rows = []
    for cfg in ctx.store.load()["lines"]:
        line = states.get(cfg["id"], {})
        health = line.get("health", {})
        signal = health.get("signal_dbm")
        rows.append({"id": cfg["id"], "driver": cfg["driver"], "port": cfg.get("port") or "-",
                     "state": line.get("label", "unknown"),
                     "signal": f"{signal} dBm ({health.get('bars', 0)}/5)" if signal is not None
                     else "not reported",
                     "registration": REGISTRATION_WORDS.get(health.get("registration"),
                                                            "not reported")
                     + (f" ({health['network']})" if health.get("network") else ""),
                     "warning": line.get("warning"), "plan": health.get("plan")})
    return rows


def _disk(ctx: WebContext) -> dict:
    usage = shutil.disk_usage(ctx.data_dir)
    log_bytes = sum(p.stat().st_size for p in ctx.data_dir.glob("calls.sqlite3*") if p.is_file())
    return {"total_gb": usage.total / 1e9, "free_gb": usage.free / 1e9,
            "used_share": (usage.total - usage.free) / usage.total if usage.total else 0.0,
            "calllog_mb": log_bytes / 1e6}


def _changes(ctx: WebContext) -> list[dict]:
    """The audit log's last 50 entries, newest first, in the office's time zone."""
    try:
        zone = ZoneInfo(ctx.store.load()["hours"]["timezone"] or "UTC")
    except (ApplianceError, ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    rows = []
    for entry in audit.recent(ctx.data_dir, 50):
        try:
            when = datetime.fromtimestamp(timefmt.parse(entry["at"]), timezone.utc).astimezone(zone)
            shown = when.strftime("%Y-%m-%d %H:%M:%S")
        except (KeyError, TypeError, ValueError):
            shown = str(entry.get("at", "?"))
        rows.append({"at": shown, "who": str(entry.get("who", "?")), "how": str(entry.get("how", "")),
                     "changes": [f"{c.get('path')}: {_value(c.get('old'))} -> {_value(c.get('new'))}"
                                 for c in entry["changes"] if isinstance(c, dict)]})
    return rows


def _value(value) -> str:
    return value if isinstance(value, str) and value.endswith("...") else \
        json.dumps(value, ensure_ascii=False)


def system_page(ctx: WebContext, status: int = 200, **values):
    backup.recover(ctx.data_dir)
    return ctx.render("system.tpl", status=status, lines=_lines(ctx), disk=_disk(ctx),
                      uptime=duration(ctx.clock() - ctx.started_at), changes=_changes(ctx),
                      media_mb=backup.media_bytes(ctx.data_dir) / 1e6, zone=_zone_name(ctx),
                      certificate=routes_auth.certificate(ctx),
                      **{"restore_confirm": None, **values})


def _zone_name(ctx: WebContext) -> str:
    try:
        return ctx.store.load()["hours"]["timezone"] or "UTC"
    except ApplianceError:
        return "UTC"


def settings_backup(ctx: WebContext):
    bottle.response.content_type = "application/json; charset=utf-8"
    bottle.response.set_header("Content-Disposition", 'attachment; filename="ivr-settings.json"')
    return ctx.store.export_json()


def full_backup(ctx: WebContext):
    """The whole archive (``appliance.store.backup``); recordings only when ticked."""
    media = bottle.request.query.get("media") == "1"
    try:
        handle = backup.make_backup(ctx.data_dir, media, ctx.version, ctx.clock())
    except (ApplianceError, OSError) as exc:
        return system_page(ctx, 507, error=f"The backup could not be made: {exc}")
    day = datetime.fromtimestamp(ctx.clock(), timezone.utc).strftime("%Y-%m-%d")
    size = os.fstat(handle.fileno()).st_size
    bottle.response.content_type = "application/zip"
    bottle.response.set_header("Content-Disposition",
                               f'attachment; filename="ivr-backup-{day}{"-media" if media else ""}.zip"')
    bottle.response.set_header("Content-Length", str(size))
    return handle


# ---- restore: check, warn about being locked out, apply -----------------------------------------

def _request_place() -> tuple[str, int]:
    """The host and port this browser is using now (from the address it typed)."""
    parts = bottle.request.urlparts
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def _local_address(host: str) -> bool:
    """Whether this box owns ``host`` (the kernel only lets a socket bind an address it has)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.bind((host, 0))
        return True
    except OSError:
        return False


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lockout_warnings(ctx: WebContext, settings: dict) -> list[str]:
    """What the restored ``web`` settings would do to the owner's way in after the next restart.

    The host: only loopback (unless this browser is on the box itself), an address the box does
    not have, or another of its addresses than the one typed now. The port: one that is neither
    the port in use now nor the one already saved (``sim --web-port`` and a port changed but not
    yet restarted would otherwise warn about what the restore does not change).
    """
    host, port = settings["web"]["host"].lower(), settings["web"]["port"]
    now_host, now_port = _request_place()
    out = []
    everywhere = host in ("", "0.0.0.0", "::")
    if _loopback(host):
        if not _loopback(ctx.client()):
            out.append("After the next restart the page will only answer on the appliance "
                       f"itself ({host}): no other computer, phone or tablet will reach it.")
    elif not everywhere and host != now_host:
        if not _local_address(host):
            out.append(f"After the next restart the page will only answer on {host}, which is "
                       "not an address of this appliance: it will not answer at all.")
        else:
            out.append(f"After the next restart the page will only answer on {host}, not on "
                       f"{now_host}, the address you are using now.")
    saved_port = (ctx.current_settings() or {}).get("web", {}).get("port")
    if port not in (now_port, saved_port):
        reach = now_host if everywhere or _loopback(host) else host
        out.append(f"After the next restart the page will answer on port {port} instead of "
                   f"{now_port}; you would reach it at http://{_url_host(reach)}:{port}/")
    return out


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _apply(ctx: WebContext, kept: backup.Staged):
    old = ctx.current_settings()
    try:
        saved = backup.apply(ctx.data_dir, kept.token, ctx.store)
    except ApplianceError as exc:
        return system_page(ctx, 400, error=gettext_now(
            "The backup was not restored, nothing changed: {why}").format(why=exc))
    audit.record(ctx.data_dir, ctx.client(), old, saved, "web restore", clock=ctx.clock)
    ctx.source.post(SettingsChanged(saved))
    message = gettext_now("Settings restored from the backup.") if kept.kind == "settings" \
        else gettext_now("Restored from the backup: {summary}.").format(summary=kept.summary())
    done("/system", with_warnings(message, saved))


def restore(ctx: WebContext):
    """Check the upload completely (nothing changes on any error); apply it at once unless the
    new settings would lock the owner out, in which case it waits, staged, for a confirmation."""
    form = bottle.request.forms
    token = form.getunicode("token", "")
    if token:
        kept = backup.staged(ctx.data_dir, token)
        if kept is None:
            return system_page(ctx, 400, error=gettext_now(
                "This restore has expired or was already done; upload the file again. Nothing "
                "changed."))
        if form.get("confirmed") != "1":
            backup.discard(ctx.data_dir, token)
            flash(gettext_now("Restore cancelled. Nothing changed."))
            return bottle.redirect("/system", 303)
        return _apply(ctx, kept)
    upload = bottle.request.files.get("backup")
    if upload is None:
        return system_page(ctx, 400, error=gettext_now("Choose a backup file to restore."))
    try:
        kept = backup.stage(ctx.data_dir, upload.file)
    except ApplianceError as exc:
        return system_page(ctx, 400, error=gettext_now(
            "The backup was not restored, nothing changed: {why}").format(why=exc))
    except OSError as exc:
        return system_page(ctx, 507, error=f"The backup was not restored, nothing changed: the "
                                           f"appliance could not unpack it ({exc.strerror or exc})")
    warnings = lockout_warnings(ctx, kept.settings)
    if warnings:
        return system_page(ctx, 200, restore_confirm={"token": kept.token, "warnings": warnings,
                                                      "summary": kept.summary()})
    return _apply(ctx, kept)


def password(ctx: WebContext):
    form = bottle.request.forms
    try:
        ctx.auth.change_password(form.getunicode("old", ""), form.getunicode("password", ""),
                                 form.getunicode("repeat", ""), ctx.client(), ctx.clock())
    except AuthError as exc:
        return system_page(ctx, 429 if isinstance(exc, RateLimited) else 400,
                           error=gettext_now(str(exc)))
    flash(gettext_now("Password changed. Other browsers have been logged out."))
    start_session(ctx, ctx.auth.open_session(ctx.clock()), "/system")


ROUTES = (("GET", "/system", system_page), ("GET", "/system/settings.json", settings_backup),
          ("GET", "/system/backup.zip", full_backup),
          ("POST", "/system/restore", restore), ("POST", "/system/password", password))

