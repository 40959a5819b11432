"""The web page's server: waitress (pure Python, buffers slow clients) on its own daemon thread.

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
import threading

from waitress import create_server

from appliance.errors import ApplianceError

log = logging.getLogger("appliance.web")
THREADS = 8
# waitress warns on every queued request when all threads are busy: normal under load, not news
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


class WebServer:
    """One WSGI app served on ``host:port`` (port 0: any free port) until ``stop()``."""

    def __init__(self, app, host: str, port: int):
        try:
            self._server = create_server(app, host=host, port=port, threads=THREADS,
                                         clear_untrusted_proxy_headers=True, ident="ivr-appliance")
        except OSError as exc:
            raise ApplianceError(f"cannot serve the web page on {host}:{port}: {exc.strerror}; "
                                 "is another program using that port?") from None
        self.host, self.port = host, self._server.effective_port
        self._thread = threading.Thread(target=self._run, name="web-server", daemon=True)

    @property
    def url(self) -> str:
        """The address to type into a browser; on every interface (0.0.0.0), the machine's
        network name (``raspberrypi.local`` answers on the local network by mDNS)."""
        host = f"{socket.gethostname()}.local" if self.host in ("0.0.0.0", "", "::") else self.host
        return f"http://{host}:{self.port}/"

    @property
    def running(self) -> bool:
        """Whether the serving thread is alive."""
        return self._thread.is_alive()

    def start(self) -> "WebServer":
        self._thread.start()
        log.info("web page on %s", self.url)
        return self

    def _run(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError):       # the sockets were closed by stop()
            pass

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listening socket and the workers; waits up to ``timeout`` for the thread."""
        self._server.close()
        self._server.task_dispatcher.shutdown(timeout=timeout)
        self._thread.join(timeout)
