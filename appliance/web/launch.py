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
from appliance.web.auth import Auth
from appliance.web.server import WebServer
from appliance.webapp import make_app

log = logging.getLogger("appliance.web")


@dataclass
class RunningWeb:
    """The served web page; ``stop()`` closes the server and its call log."""

    server: WebServer
    calllog: CallLog
    auth: Auth

    def announcement(self) -> str:
        """What the console shows: the address, and the setup code until a password is set."""
        text = f"Web page: {self.server.url}"
        code = self.auth.setup_code()
        return text + (f"  (first visit: setup code {code})" if code else "")

    def stop(self) -> None:
        self.server.stop()
        self.calllog.close()


def start(loop, data_dir: Path, host: str, port: int) -> RunningWeb | None:
    """Serve the web page for ``loop`` on ``host:port`` and log where (and the setup code).

    A web page that cannot start (port taken, templates missing) is logged and the appliance
    goes on answering calls without it: returns None.
    """
    auth = Auth(data_dir)
    calllog = CallLog(Path(data_dir) / CALLLOG_NAME, readonly=True)
    try:
        app = make_app(loop, SettingsStore(data_dir), calllog, data_dir, auth=auth)
        web = RunningWeb(WebServer(app, host, port).start(), calllog, auth)
    except ApplianceError as exc:
        calllog.close()
        log.error("the web page is not available: %s; calls are still answered", exc)
        return None
    log.warning("%s", web.announcement())
    return web


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
