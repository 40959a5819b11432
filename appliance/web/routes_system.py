"""System: version, uptime, lines, disk use, settings backup and restore, password change."""
from __future__ import annotations

import shutil

import bottle

from appliance.errors import SettingsError, StoreError
from appliance.events import SettingsChanged
from appliance.line_states import REGISTRATION_WORDS
from appliance.web.auth import AuthError, RateLimited
from appliance.web.context import WebContext, done, flash
from appliance.web.forms import with_warnings
from appliance.web.routes_auth import start_session
from appliance.web.timeline import duration


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


def system_page(ctx: WebContext, status: int = 200, **values):
    return ctx.render("system.tpl", status=status, lines=_lines(ctx), disk=_disk(ctx),
                      uptime=duration(ctx.clock() - ctx.started_at), **values)


def backup(ctx: WebContext):
    bottle.response.content_type = "application/json; charset=utf-8"
    bottle.response.set_header("Content-Disposition", 'attachment; filename="ivr-settings.json"')
    return ctx.store.export_json()


def restore(ctx: WebContext):
    upload = bottle.request.files.get("backup")
    if upload is None:
        return system_page(ctx, 400, error="Choose a settings backup file to restore.")
    try:
        saved = ctx.store.import_json(upload.file.read(2 * 2 ** 20).decode("utf-8"))
    except UnicodeDecodeError:
        return system_page(ctx, 400, error="This is not a settings backup (not text). "
                                           "Nothing changed.")
    except (SettingsError, StoreError) as exc:
        return system_page(ctx, 400, error=f"The backup was not restored, nothing changed: {exc}")
    ctx.source.post(SettingsChanged(saved))
    done("/system", with_warnings("Settings restored from the backup.", saved))


def password(ctx: WebContext):
    form = bottle.request.forms
    try:
        ctx.auth.change_password(form.getunicode("old", ""), form.getunicode("password", ""),
                                 form.getunicode("repeat", ""), ctx.client(), ctx.clock())
    except AuthError as exc:
        return system_page(ctx, 429 if isinstance(exc, RateLimited) else 400, error=str(exc))
    flash("Password changed. Other browsers have been logged out.")
    start_session(ctx, ctx.auth.open_session(ctx.clock()), "/system")


ROUTES = (("GET", "/system", system_page), ("GET", "/system/settings.json", backup),
          ("POST", "/system/restore", restore), ("POST", "/system/password", password))

