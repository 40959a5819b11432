"""HTTPS in front of the page's server: TLS on the web port, plain HTTP to waitress on loopback.

waitress (the page's server) speaks no TLS, and its authors advise a front for it; a separate
reverse proxy (nginx) would be one more service to install, configure and keep alive on a Pi
Zero. This front is the standard library's ``ssl`` on a thread per connection: it accepts on the
web port, and for each browser connection

- that opens with a TLS handshake: completes it (10 s at most), then copies bytes both ways
  between the browser and waitress on ``127.0.0.1`` until either side closes or 2 minutes pass
  in silence. Everything waitress does for the page (the per-request body limit before anything
  is buffered, the worker threads) holds unchanged behind it;
- that speaks plain HTTP (someone typed ``http://``): answers ``301`` to the same address on
  ``https://`` and closes.

waitress sees every request coming from 127.0.0.1; ``RealClient`` puts the browser's address
back into ``REMOTE_ADDR`` (the login throttle and the audit log need it) by the port the front
connected from, which only the front knows, so a request cannot claim another address, and
marks the request ``https``. At most ``MAX_CONNECTIONS`` connections are served at once; more
are closed at once (a stranger cannot exhaust the box's threads).

Example::

    front = TlsFront(("0.0.0.0", 8443), context)     # the web port is ours (or OSError)
    app = RealClient(app, front)                     # the app waitress serves on loopback
    front.upstream = ("127.0.0.1", waitress_port)
    front.start()
    front.stop()
"""
from __future__ import annotations

import logging
import select
import socket
import ssl
import threading
import time

log = logging.getLogger("appliance.web")
MAX_CONNECTIONS = 64
HANDSHAKE_S = 10.0
IDLE_S = 120.0
CHUNK = 65536
TLS_HANDSHAKE = 0x16              # the first byte of every TLS connection (a handshake record)
HEAD_LIMIT = 8192
LINGER_S, LINGER_BYTES = 2.0, 8 * 2 ** 20   # at most this long, this much, after waitress closed


class TlsFront:
    """Accepts on ``listen``; TLS connections are relayed to ``upstream``, plain HTTP redirected."""

    def __init__(self, listen: tuple[str, int], context: ssl.SSLContext,
                 upstream: tuple[str, int] = ("127.0.0.1", 0)):
        self.upstream, self.context = upstream, context
        family = socket.AF_INET6 if ":" in listen[0] else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._sock.bind(listen)
        except OSError:
            self._sock.close()
            raise
        self._sock.listen(32)
        self.port = self._sock.getsockname()[1]
        self._peers: dict[int, str] = {}           # our port towards waitress -> browser address
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._stopping = False
        self._thread = threading.Thread(target=self._accept, name="web-tls", daemon=True)

    def start(self) -> "TlsFront":
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop accepting (connections under way end when their browsers or waitress close)."""
        self._stopping = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        if self._thread.ident is not None:
            self._thread.join(timeout)

    def peer(self, local_port: int) -> str | None:
        """The browser's address for the relay that reaches waitress from ``local_port``."""
        with self._lock:
            return self._peers.get(local_port)

    # -- connections ------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stopping:
            try:
                conn, address = self._sock.accept()
            except OSError:
                return                              # closed by stop()
            if not self._slots.acquire(blocking=False):
                conn.close()                        # too many at once: refuse, do not queue
                continue
            try:
                threading.Thread(target=self._serve, args=(conn, address[0]), daemon=True,
                                 name="web-tls-conn").start()
            except RuntimeError:                    # no thread to be had: refuse, keep accepting
                log.error("the web page cannot take another connection (no thread left)")
                self._slots.release()
                conn.close()

    def _serve(self, conn: socket.socket, client: str) -> None:
        try:
            conn.settimeout(HANDSHAKE_S)
            first = conn.recv(1, socket.MSG_PEEK)
            if not first:
                return
            if first[0] == TLS_HANDSHAKE:
                self._relay_tls(conn, client)
            else:
                _redirect(conn)
        except (OSError, ssl.SSLError, ValueError):
            pass                                    # a browser gone, a stranger's garbage
        except Exception:                           # noqa: BLE001 - one connection, said aloud
            log.exception("the web page's HTTPS front failed on a connection from %s", client)
        finally:
            _close(conn)
            self._slots.release()

    def _relay_tls(self, conn: socket.socket, client: str) -> None:
        tls = self.context.wrap_socket(conn, server_side=True)     # handshake within the timeout
        try:
            upstream = socket.create_connection(self.upstream, timeout=HANDSHAKE_S)
        except OSError:
            log.error("the web page's server does not answer on %s:%d", *self.upstream)
            _close(tls)
            return
        port = upstream.getsockname()[1]
        with self._lock:
            self._peers[port] = client
        try:
            if _pump(tls, upstream) is upstream:
                _linger(tls)
        finally:
            with self._lock:
                self._peers.pop(port, None)
            _close(upstream)
            _close(tls)


def _pump(tls: ssl.SSLSocket, upstream: socket.socket):
    """Copy both ways until one side closes (returned) or both are silent for ``IDLE_S``."""
    tls.settimeout(IDLE_S)
    upstream.settimeout(IDLE_S)
    try:
        while True:
            ready = [tls] if tls.pending() else select.select([tls, upstream], [], [], IDLE_S)[0]
            if not ready:
                return None
            if upstream in ready and not _answer(upstream, tls):
                return upstream
            if tls in ready:
                data = tls.recv(CHUNK)
                if not data:
                    return tls
                if not _request(data, upstream, tls):
                    return upstream
    except ConnectionError:
        return upstream                             # waitress reset its end: it is done


def _answer(upstream: socket.socket, tls: ssl.SSLSocket) -> bool:
    """Pass waitress's next bytes to the browser; False once waitress has closed."""
    data = upstream.recv(CHUNK)
    if data:
        tls.sendall(data)
    return bool(data)


def _request(data: bytes, upstream: socket.socket, tls: ssl.SSLSocket) -> bool:
    """Give ``data`` to waitress, passing on its answer meanwhile: waitress may answer (413)
    and close while a browser is still uploading, and that answer must not wait behind a send
    that can no longer finish. False once waitress has closed."""
    view = memoryview(data)
    while view:
        readable, writable, _ = select.select([upstream], [upstream], [], IDLE_S)
        if upstream in readable and not _answer(upstream, tls):
            return False
        if upstream in writable:
            view = view[upstream.send(view):]
        elif not readable:
            return False                            # silent and not taking more: give up
    return True


def _linger(tls: ssl.SSLSocket) -> None:
    """waitress closed first (a 413 while the browser is still uploading): read and drop what
    the browser still sends, for a moment, before closing. Closing a socket with unread data
    makes the kernel send a reset, and a reset can make the browser drop the answer it has not
    shown yet (Apache's "lingering close")."""
    deadline = time.monotonic() + LINGER_S
    dropped = 0
    try:
        while dropped < LINGER_BYTES and (left := deadline - time.monotonic()) > 0:
            tls.settimeout(left)
            data = tls.recv(CHUNK)
            if not data:
                return
            dropped += len(data)
    except (OSError, ssl.SSLError, ValueError):
        pass


def _redirect(conn: socket.socket) -> None:
    """Answer a plain-HTTP request with a redirect to the same address on https."""
    head = b""
    while b"\r\n\r\n" not in head and b"\n\n" not in head and len(head) < HEAD_LIMIT:
        data = conn.recv(HEAD_LIMIT)
        if not data:
            break
        head += data
    lines = head.decode("latin-1").splitlines()
    parts = lines[0].split() if lines else []
    target = parts[1] if len(parts) >= 2 and parts[1].startswith("/") else "/"
    host = next((line.split(":", 1)[1].strip() for line in lines[1:]
                 if line.lower().startswith("host:")), "")
    if not host or any(c in host for c in "/\\@ \t"):
        body = b"This page is served over HTTPS: use https:// in the address.\n"
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        return
    location = f"https://{host}{target}"
    body = f"This page is served over HTTPS: {location}\n".encode("latin-1", "replace")
    conn.sendall(f"HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\n"
                 "Content-Type: text/plain\r\nCache-Control: no-store\r\n"
                 f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1")
                 + body)


def _close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass


class RealClient:
    """WSGI middleware: the browser's address and the https scheme for requests via ``front``."""

    def __init__(self, app, front: TlsFront):
        self.app, self.front = app, front

    def __call__(self, environ, start_response):
        try:
            client = self.front.peer(int(environ.get("REMOTE_PORT") or 0))
        except ValueError:
            client = None
        if client is not None:
            environ["REMOTE_ADDR"] = client
            environ["wsgi.url_scheme"] = "https"
            environ["HTTPS"] = "on"
        return self.app(environ, start_response)

    def __getattr__(self, name):
        return getattr(self.app, name)              # server.limit_for reads app.config
