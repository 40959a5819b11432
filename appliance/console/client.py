"""``ivr-appliance console``: a technician's terminal, or a serial port, joined to the running
appliance's console socket.

With no ``--port`` the terminal (stdin/stdout) talks to ``data_dir/console.sock``. With
``--port DEV`` this process serves the console on that serial device itself (echo, line
editing, CR LF) and relays each typed line to the socket: a USB-serial cable works on a box
whose settings name no console port.

Ctrl-C is passed on to the appliance in both cases (it ends a live ``tail`` or ``test dtmf``, or
gives a fresh prompt), as a terminal program would; ``quit`` or Ctrl-D leaves.
"""
from __future__ import annotations

import os
import select
import socket
import sys
from pathlib import Path

from appliance.console.follow import CTRL_C
from appliance.console.serial_link import SerialPort
from appliance.console.server import SOCKET_NAME
from appliance.console import session as sessions
from appliance.console.session import LOCKED_OUT, PIN_PROMPT, LineEditor
from appliance.errors import ApplianceError
from appliance.store.settings import SettingsStore


def connect(data_dir: Path) -> socket.socket:
    """A connection to the running appliance's console, or ApplianceError saying none runs."""
    path = Path(data_dir) / SOCKET_NAME
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        raise ApplianceError(f"no appliance is running with data folder {data_dir} "
                             "(no console socket)") from None
    return sock


def cmd_console(args) -> int:
    """The console on this terminal, or served on ``--port`` until Ctrl-C."""
    sock = connect(args.data_dir)
    if args.port is None:
        with sock:
            relay_terminal(sock, sys.stdin.fileno(), sys.stdout.buffer)
        return 0
    with sock:                                   # only a check that the appliance runs
        port = _open_port(args)
    try:
        while relay_serial(connect(args.data_dir), port):
            pass                                 # quit: the next technician gets a new session
    finally:
        port.close()
    return 0


def _open_port(args) -> SerialPort:
    """``--port`` at ``--baud``, by default the speed the settings give the console port."""
    baud = args.baud or SettingsStore(args.data_dir).load()["console"]["baud"]
    port = SerialPort.open(args.port, baud)
    print(f"console on {args.port} at {baud} 8N1 for the appliance in {args.data_dir}; "
          "Ctrl-C stops", file=sys.stderr, flush=True)
    return port


def relay_terminal(sock: socket.socket, stdin: int, stdout) -> None:
    """Typed lines to the appliance, its answers to ``stdout``, until the appliance hangs up.
    Ctrl-C (SIGINT on a terminal) goes to the appliance as the byte 0x03."""
    sources = [stdin, sock]
    while True:
        try:
            ready, _, _ = select.select(sources, [], [])
            if sock in ready and not _copy_answer(sock, stdout.write, stdout.flush):
                return
            if stdin in ready and not _send_typed(stdin, sock):
                sock.shutdown(socket.SHUT_WR)    # end of input: let the answers finish
                sources.remove(stdin)
        except KeyboardInterrupt:
            sock.sendall(bytes([CTRL_C]))


def _copy_answer(sock: socket.socket, write, flush) -> bool:
    data = sock.recv(4096)
    if data:
        write(data)
        flush()
    return bool(data)


def _send_typed(stdin: int, sock: socket.socket) -> bool:
    data = os.read(stdin, 4096)
    if data:
        sock.sendall(data)
    return bool(data)


def relay_serial(sock: socket.socket, port: SerialPort) -> bool:
    """One session between the serial port and the appliance; True when the appliance ended it
    (the technician typed quit, or missed the PIN: then after ``LOCKOUT_S``, as the appliance's
    own serial console does), False if the port was stopped."""
    editor = LineEditor(port.write)
    said = b""
    with sock:
        while True:
            ready, _, _ = select.select([port.fd, sock], [], [], 0.5)
            if port.closed.is_set():
                return False
            if sock in ready:
                data = sock.recv(4096)
                if not data:
                    return _after(said, port)
                said = (said + data)[-200:]
                editor.hidden = said.endswith(PIN_PROMPT.encode())    # a PIN is not echoed
                _crlf(port)(data)
            if port.fd in ready:
                _send_lines(editor.feed(os.read(port.fd, 4096)), sock)


def _after(said: bytes, port: SerialPort) -> bool:
    """The appliance ended the session: after a PIN lockout, wait before the next one."""
    if LOCKED_OUT.encode() in said and not port.closed.wait(sessions.LOCKOUT_S):
        port.discard_input()
    return True


def _crlf(port: SerialPort):
    return lambda data: port.write(data.replace(b"\n", b"\r\n"))


def _send_lines(lines: list[str], sock: socket.socket) -> None:
    for line in lines:
        if line == LineEditor.INTERRUPTED:
            sock.sendall(bytes([CTRL_C]))       # Ctrl-C: the appliance decides what it stops
        else:
            sock.sendall(line.encode("utf-8") + b"\n")
