"""The owner's web page as one explicit bottle app: ``make_app(...) -> bottle.Bottle``.

Routes are thin: they read ``source.snapshot()``, post events with ``source.post()``, read the
call log through their own read-only ``CallLog``, and save settings through the ``SettingsStore``;
the phone book and call notes are the page's own stores in the data folder.
Every route needs a session except login, setup and static files; every POST needs the CSRF
token (``appliance/web/guard.py``). Serve it with ``appliance.web.server.WebServer``.

Example::

    app = make_app(loop, SettingsStore(data_dir), CallLog(path, readonly=True), data_dir)
    WebServer(app, "127.0.0.1", 8080).start()
"""
from __future__ import annotations

import time
from importlib import metadata
from pathlib import Path
from typing import Callable

import bottle

from appliance.store.callnotes import CallNotes
from appliance.store.phonebook import PhoneBook
from appliance.web import (
    guard, routes_auth, routes_calls, routes_desk, routes_lines, routes_live, routes_menu,
    routes_office, routes_operators, routes_phonebook, routes_prompts, routes_reports, routes_sms,
    routes_system, routes_voice, routes_voicemail,
)
from appliance.web.assets import web_root
from appliance.web.auth import Auth
from appliance.web.context import WebContext, install_routes

ROUTE_MODULES = (routes_auth, routes_live, routes_desk, routes_calls, routes_reports,
                 routes_phonebook, routes_operators, routes_menu, routes_office, routes_prompts,
                 routes_system, routes_lines, routes_voice, routes_voicemail, routes_sms)


def version() -> str:
    """The installed firmware's version."""
    try:
        return metadata.version("ivr-appliance")
    except metadata.PackageNotFoundError:
        return "unknown"


def _error_page(ctx: WebContext):
    def render(error: bottle.HTTPError) -> str:
        values = {"code": error.status_code, "message": error.body}
        try:
            return ctx.render("error.tpl", status=error.status_code, **values)
        except Exception:                       # noqa: BLE001 - never fail while reporting a failure
            return f"{error.status_code}: {error.body}"
    return render


def make_app(source, settings_store, calllog, data_dir: Path, auth: Auth | None = None,
             clock: Callable[[], float] = time.time, root: Path | None = None) -> bottle.Bottle:
    """The web page for the appliance whose loop is ``source`` (anything with ``snapshot`` and
    ``post``), its settings store, a read-only call log, and its data folder."""
    data_dir = Path(data_dir)
    ctx = WebContext(source=source, store=settings_store, calllog=calllog, data_dir=data_dir,
                     auth=auth or Auth(data_dir), root=Path(root or web_root()),
                     version=version(), phonebook=PhoneBook(data_dir), notes=CallNotes(data_dir),
                     clock=clock, started_at=clock())
    app = bottle.Bottle(catchall=True)
    app.install(guard.Guard(ctx))
    for module in ROUTE_MODULES:
        install_routes(app, ctx, module.ROUTES)

    @app.get("/static/<name:re:[a-z0-9_-]+\\.(?:css|js|svg|png)>", public=True)
    def static(name):
        return bottle.static_file(name, root=str(ctx.root / "static"))

    for code in (400, 401, 403, 404, 405, 500):
        app.error(code)(_error_page(ctx))
    guard.install_headers(app)              # security headers and no-store on every answer
    app.config["ivr.context"] = ctx
    return app
