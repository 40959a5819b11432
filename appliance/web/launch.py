"""Starting the web page beside a running appliance (``run`` and the live ``sim``), and announcing it.

The server gets its own read-only call log and settings store; it reaches the engine only through
``loop.snapshot()`` and ``loop.post()``. The first start prints the one-time setup code on the
console and in the log, because whoever can read those is at the box.
"""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

from appliance.errors import ApplianceError
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore
from appliance.web import tls
from appliance.web.auth import Auth
from appliance.web.server import WebServer
from appliance.web.app import make_app

log = logging.getLogger("appliance.web")


@dataclass
class RunningWeb:
    """The served web page; ``stop()`` closes the server and its call log."""

    server: WebServer
    calllog: CallLog
    auth: Auth
    fingerprint: str | None = None          # the HTTPS certificate's, browsers show it

    def announcement(self) -> str:
        """What the console shows: the address, and the setup code until a password is set."""
        text = f"Web page: {self.server.url}"
        if self.fingerprint:
            text += f"  (certificate {self.fingerprint})"
        code = self.auth.setup_code()
        return text + (f"  (first visit: setup code {code})" if code else "")

    def stop(self) -> None:
        self.server.stop()
        self.calllog.close()


def start(loop, data_dir: Path, host: str, port: int, https: str = "off") -> RunningWeb | None:
    """Serve the web page for ``loop`` on ``host:port`` and log where (and the setup code);
    over HTTPS when ``https`` (``web.https``) asks for it.

    A web page that cannot start (port taken, templates missing) is logged and the appliance
    goes on answering calls without it: returns None.
    """
    auth = Auth(data_dir)
    calllog = CallLog(Path(data_dir) / CALLLOG_NAME, readonly=True)
    try:
        app = make_app(loop, SettingsStore(data_dir), calllog, data_dir, auth=auth)
        context = _tls_context(data_dir) if tls.wants_https(https, host) else None
        web = RunningWeb(WebServer(app, host, port, tls=context).start(), calllog, auth,
                         tls.current_fingerprint(data_dir) if context else None)
    except ApplianceError as exc:
        calllog.close()
        log.error("the web page is not available: %s; calls are still answered", exc)
        return None
    log.warning("%s", web.announcement())
    return web


def _tls_context(data_dir: Path):
    """The HTTPS context; without a certificate (openssl missing) the page stays plain HTTP and
    the log says why, since a page the owner cannot reach at all helps nobody."""
    try:
        return tls.server_context(*tls.ensure_certificate(data_dir))
    except ApplianceError as exc:
        log.error("%s; the web page is served WITHOUT encryption (http://)", exc)
        return None


def stop(web: RunningWeb | None) -> None:
    """Stop the web page if it runs."""
    if web is not None:
        web.stop()


def with_footer(tick: Callable[[], None] | None, web: RunningWeb | None,
                stream: TextIO = sys.stdout) -> Callable[[], None] | None:
    """``tick`` followed by the web page's address on a terminal (the live view clears the screen)."""
    if tick is None or web is None or not stream.isatty():
        return tick

    def ticked() -> None:
        tick()
        stream.write("\n" + web.announcement() + "\n")
        stream.flush()
    return ticked
