"""The web page's server: waitress (pure Python, buffers slow clients) on its own daemon thread.

With a TLS context the page is HTTPS: ``tls_front.TlsFront`` holds the web port and relays to
waitress on a loopback port of its own.

A slow or stalled browser only ever holds one of waitress's worker threads; the event loop that
handles calls never waits for it.

Example::

    server = WebServer(app, "127.0.0.1", 8080).start()
    print(server.url)
    server.stop()
"""
from __future__ import annotations

import logging
import socket
import ssl
import threading

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.utilities import RequestEntityTooLarge

from appliance.errors import ApplianceError
from appliance.web.tls_front import RealClient, TlsFront

log = logging.getLogger("appliance.web")
THREADS = 8
# Request bodies are refused with 413 before they are read, before the app (and so the login
# check) sees the request: waitress refuses a larger Content-Length at once and stops a chunked
# body as soon as it passes the limit. For the owner's page the limit depends on the request
# (guard.body_limit: 64 KiB without a session, 6 MiB logged in, a full backup only to
# /system/restore when logged in); so a stranger can never make the appliance buffer more than
# 64 KiB, well under waitress's inbuf_overflow (512 KiB) above which bodies go to a temp file.
# Any other WSGI app gets MAX_BODY for every request.
MAX_BODY = 6 * 2 ** 20
# waitress warns on every queued request when all threads are busy: normal under load, not news
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


class WebServer:
    """One WSGI app served on ``host:port`` (port 0: any free port) until ``stop()``."""

    def __init__(self, app, host: str, port: int, tls: ssl.SSLContext | None = None):
        self.front = None
        try:
            if tls is not None:                 # HTTPS: the front has the port, waitress loopback
                self.front = TlsFront((host, port), tls)
                app = RealClient(app, self.front)
            self._server = create_server(app, host="127.0.0.1" if tls else host,
                                         port=0 if tls else port, threads=THREADS,
                                         clear_untrusted_proxy_headers=True, ident="ivr-appliance",
                                         max_request_body_size=max_body(app))
        except OSError as exc:
            if self.front is not None:
                self.front.stop()
            raise ApplianceError(f"cannot serve the web page on {host}:{port}: {exc.strerror}; "
                                 "is another program using that port?") from None
        limit = limit_for(app)
        if limit is not None:
            channel = limited_channel(limit)
            for server in [self._server, *getattr(self._server, "map", {}).values()]:
                if hasattr(server, "channel_class"):
                    server.channel_class = channel
        self.host = host
        if self.front is not None:
            self.front.upstream = ("127.0.0.1", self._server.effective_port)
            self.port = self.front.port
        else:
            self.port = self._server.effective_port
        self._thread = threading.Thread(target=self._run, name="web-server", daemon=True)

    @property
    def url(self) -> str:
        """The address to type into a browser; on every interface (0.0.0.0), the machine's
        network name (``raspberrypi.local`` answers on the local network by mDNS)."""
        host = f"{socket.gethostname()}.local" if self.host in ("0.0.0.0", "", "::") else self.host
        scheme = "https" if self.front is not None else "http"
        return f"{scheme}://{host}:{self.port}/"

    @property
    def running(self) -> bool:
        """Whether the serving thread is alive."""
        return self._thread.is_alive()

    def start(self) -> "WebServer":
        self._thread.start()
        if self.front is not None:
            self.front.start()
        log.info("web page on %s", self.url)
        return self

    def _run(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError):       # the sockets were closed by stop()
            pass

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listening socket and the workers; waits up to ``timeout`` for the thread."""
        if self.front is not None:
            self.front.stop()
        self._server.close()
        self._server.task_dispatcher.shutdown(timeout=timeout)
        self._thread.join(timeout)


def limit_for(app):
    """``limit(method, path, cookie_header) -> bytes`` for the appliance's own app, else None."""
    config = getattr(app, "config", None)
    ctx = config.get("ivr.context") if hasattr(config, "get") else None
    if ctx is None:
        return None
    from appliance.web import guard
    return lambda method, path, cookies: guard.body_limit(ctx, method, path, cookies)


def max_body(app) -> int:
    """The overall cap waitress enforces: the largest any request of ``app`` may send."""
    if limit_for(app) is None:
        return MAX_BODY
    from appliance.web import guard
    return max(guard.OWNER_BODY, guard.restore_body()) + 1


class _Limits:
    """waitress's settings with another ``max_request_body_size``, for one request."""

    def __init__(self, adj, limit: int):
        self._adj, self.max_request_body_size = adj, limit

    def __getattr__(self, name):
        return getattr(self._adj, name)


def limited_channel(limit):
    """A waitress channel whose requests get the body limit ``limit(method, path, cookies)``,
    decided once the headers are read and before any of the body is (waitress 3's parser reads
    ``adj.max_request_body_size`` right after ``parse_header``, and on every chunk)."""

    class LimitedParser(HTTPRequestParser):
        def parse_header(self, header_plus):
            super().parse_header(header_plus)
            try:
                allowed = limit(self.command, self.path, self.headers.get("COOKIE", ""))
            except Exception:                   # noqa: BLE001 - never fail a request over this
                log.exception("the body limit could not be decided")
                allowed = MAX_BODY
            # waitress refuses a body of exactly the limit too, hence + 1
            self.adj = _Limits(self.adj, min(allowed + 1, self.adj.max_request_body_size))
            self.allowed = min(allowed, self.adj.max_request_body_size - 1)

        def received(self, data):
            consumed = super().received(data)
            if type(self.error) is RequestEntityTooLarge and hasattr(self, "allowed"):
                self.error = _TooLarge(too_large_text(self.allowed))
            return consumed

    class LimitedChannel(HTTPChannel):
        parser_class = LimitedParser
    return LimitedChannel


class _TooLarge(RequestEntityTooLarge):
    """waitress's 413 with the appliance's explanation."""


def too_large_text(allowed: int) -> str:
    """What the 413 page says: the limit, and that files need the login."""
    size = f"{allowed // 2 ** 20} MB" if allowed >= 2 ** 20 else f"{allowed // 2 ** 10} KB"
    return (f"This request is larger than the appliance accepts here ({size}); nothing was "
            "stored. Without a login only the login form can be sent: log in, then upload again.")
