"""The console served to technicians: on ``data_dir/console.sock`` (one session per connection)
and, when settings name one, on a serial port. Every session has its own thread, so a slow or
vanished technician never holds up the event loop or another session.

Example::

    served = ConsoleServer(table, data_dir / SOCKET_NAME)
    served.start()
    ...
    served.stop()                 # closes every session and removes the socket file
"""
from __future__ import annotations

import contextlib
import logging
import socket
import threading
from pathlib import Path
from typing import Callable

from appliance.console.serial_link import SerialPort
from appliance.console import session as sessions
from appliance.console.session import Session
from appliance.console.table import CommandTable
from appliance.errors import ApplianceError

log = logging.getLogger("appliance.console")

SOCKET_NAME = "console.sock"
ACCEPT_POLL_S = 0.5
REOPEN_AFTER_S = 2.0


class SocketStream:
    """A connected socket as a session's byte stream."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn

    def read(self, size: int) -> bytes:
        return self.conn.recv(size)

    def write(self, data: bytes) -> None:
        self.conn.sendall(data)


def _thread(target, name: str, *args) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, args=args, daemon=True)
    thread.start()
    return thread


def claim_socket_path(path: Path) -> None:
    """Make way for a new socket at ``path``: a stale one (left by a crash) is removed; a live
    one means another appliance serves this data folder, which is an ApplianceError."""
    if not path.exists() and not path.is_symlink():
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()
            return
    raise ApplianceError(f"another appliance is already running with data folder {path.parent} "
                         f"(its console answers on {path})")


MAX_SESSIONS = 4           # technicians at once; a runaway script must not start 300 threads


class ConsoleServer:
    """Accepts console connections on a Unix socket; one Session thread each, at most
    ``MAX_SESSIONS`` at a time (one more is told so and closed)."""

    def __init__(self, table: CommandTable, path: Path,
                 pin: Callable[[], str | None] | None = None) -> None:
        self.table, self.path, self.pin = table, Path(path), pin
        self.listener: socket.socket | None = None
        self.connections: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Bind the socket (only the appliance's own user may connect) and start accepting."""
        claim_socket_path(self.path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        self.path.chmod(0o600)
        listener.listen(8)
        listener.settimeout(ACCEPT_POLL_S)
        self.listener = listener
        self.thread = _thread(self._accept_loop, "console-accept", listener)

    def _accept_loop(self, listener: socket.socket) -> None:
        while self.listener is listener:
            try:
                conn, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            conn.settimeout(None)
            with self.lock:
                full = len(self.connections) >= MAX_SESSIONS
                if not full:
                    self.connections.add(conn)
            if full:
                with contextlib.suppress(OSError):
                    conn.sendall(f"console busy: {MAX_SESSIONS} sessions are open already; "
                                 "close one (quit) and try again\n".encode())
                conn.close()
                continue
            _thread(self._serve, "console-session", conn)

    def _serve(self, conn: socket.socket) -> None:
        try:
            Session(self.table, SocketStream(conn), pin=self.pin).run()
        finally:
            with self.lock:
                self.connections.discard(conn)
            conn.close()

    def stop(self) -> None:
        """Stop accepting, end every session, remove the socket file."""
        listener, self.listener = self.listener, None
        if listener is None:
            return
        listener.close()
        self.thread.join(ACCEPT_POLL_S * 4)
        with self.lock:
            for conn in self.connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class SerialConsole:
    """Serves sessions one after another on a serial port, reopening it if it goes away. After
    three wrong PINs the port says nothing for ``LOCKOUT_S`` (what is typed meanwhile is
    dropped), so guessing a PIN by cable takes days, not minutes."""

    def __init__(self, table: CommandTable, device: str, baud: int,
                 pin: Callable[[], str | None] | None = None) -> None:
        self.table, self.device, self.baud, self.pin = table, device, baud, pin
        self.stopping = threading.Event()
        self.port: SerialPort | None = None
        self.thread: threading.Thread | None = None
        self.problem: str | None = None

    def start(self) -> None:
        """Serve in a thread until ``stop()``."""
        self.thread = _thread(self._run, "console-serial")

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._serve_port()
            except (ApplianceError, OSError) as exc:
                self._report(str(exc))
            self.stopping.wait(REOPEN_AFTER_S)       # a port that went away: reopen it later

    def _report(self, problem: str) -> None:
        """Log a problem once, not every 2 s while a cable stays unplugged."""
        if problem != self.problem:
            log.error("serial console on %s: %s; trying again every %.0f s", self.device,
                      problem, REOPEN_AFTER_S)
        self.problem = problem

    def _serve_port(self) -> None:
        self.port = SerialPort.open(self.device, self.baud)
        self.problem = None
        try:
            while self._session():
                pass                            # a fresh session for the next technician
        finally:
            self.port.close()

    def _session(self) -> bool:
        """One session; True if the port should get another one (quit, or a lockout served)."""
        session = Session(self.table, self.port, serial=True, pin=self.pin)
        if session.run():
            return True
        if not session.locked_out or self.stopping.wait(sessions.LOCKOUT_S):
            return False
        self.port.discard_input()
        return not self.port.closed.is_set()

    def stop(self) -> None:
        """End the session on the port and let go of the device."""
        self.stopping.set()
        if self.port is not None:
            self.port.stop()
        if self.thread is not None:
            self.thread.join(REOPEN_AFTER_S * 2)
