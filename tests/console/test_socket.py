"""The control socket end to end: real AF_UNIX connections to an appliance whose loop runs on
its own thread on the wall clock."""
from __future__ import annotations

import socket
import time

import pytest

from appliance.console import launch
from appliance.console.server import SOCKET_NAME, ConsoleServer
from appliance.console.session import BANNER
from appliance.errors import ApplianceError

from tests.console.rig import Client, live_rig, stop


@pytest.fixture
def served(tmp_path):
    rig = live_rig(tmp_path)
    console = launch.start(rig.loop, tmp_path, rig.scenario.settings, rig.world.lines,
                           rig.world.handsets)
    yield rig, console
    launch.stop(console)
    stop(rig)


def test_a_session_over_the_socket(served, tmp_path):
    rig, console = served
    assert console.serial is None                      # settings name no console port
    client = Client(tmp_path / SOCKET_NAME)
    assert client.banner == BANNER
    assert "  line1      idle" in client.ask("status")
    assert client.ask("pause ann") == "ann paused: no calls are offered until 'unpause ann'"
    assert "paused (manual)" in client.ask("operators").splitlines()[1]
    client.sock.sendall(b"quit\n")
    assert client.sock.recv(100) == b"bye\n"
    assert client.sock.recv(100) == b""
    client.close()


def test_two_sessions_at_once_see_one_appliance(served, tmp_path):
    one, two = Client(tmp_path / SOCKET_NAME), Client(tmp_path / SOCKET_NAME)
    assert one.ask("pause bob").startswith("bob paused")
    assert "paused (manual)" in two.ask("operators").splitlines()[2]
    assert two.ask("unpause bob").startswith("bob unpaused")
    assert "available" in one.ask("operators").splitlines()[2]
    one.close()
    two.close()


def test_a_session_that_never_reads_blocks_neither_the_loop_nor_others(served, tmp_path):
    rig, _ = served
    hog = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    hog.connect(str(tmp_path / SOCKET_NAME))
    hog.setblocking(False)
    sent = _flood(hog, b"status\n")
    assert sent > 100_000                              # its answers are long stuck by now
    began = time.monotonic()
    assert rig.loop.snapshot(timeout=2.0)["lines"]
    other = Client(tmp_path / SOCKET_NAME)
    assert other.ask("pause cat").startswith("cat paused")
    assert "paused (manual)" in other.ask("operators").splitlines()[3]
    assert time.monotonic() - began < 2.0
    hog.close()
    other.close()


def _flood(sock: socket.socket, line: bytes) -> int:
    """Send ``line`` over and over until the socket will take no more; bytes sent."""
    sent, deadline = 0, time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            sent += sock.send(line * 1000)
        except BlockingIOError:
            time.sleep(0.2)                           # give the session time to stall
            try:
                sent += sock.send(line * 1000)
            except BlockingIOError:
                return sent
    return sent


def test_stop_ends_sessions_and_removes_the_socket(served, tmp_path):
    rig, console = served
    client = Client(tmp_path / SOCKET_NAME)
    launch.stop(console)
    assert not (tmp_path / SOCKET_NAME).exists()
    assert client.sock.recv(100) == b""
    client.close()


def test_a_stale_socket_from_a_crash_is_replaced(tmp_path):
    path = tmp_path / SOCKET_NAME
    crashed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    crashed.bind(str(path))
    crashed.close()                                    # the file stays, nobody listens
    rig = live_rig(tmp_path)
    console = launch.start(rig.loop, tmp_path, rig.scenario.settings, [], None)
    try:
        assert Client(path).ask("version").startswith("ivr-appliance ")
    finally:
        launch.stop(console)
        stop(rig)


def test_a_live_socket_belongs_to_another_appliance(served, tmp_path):
    rig, console = served
    with pytest.raises(ApplianceError, match=f"another appliance is already running with data "
                                             f"folder {tmp_path}"):
        ConsoleServer(console.socket.table, tmp_path / SOCKET_NAME).start()
    second = launch.start(rig.loop, tmp_path, rig.scenario.settings, [], None)
    assert second.socket is None                       # logged; the first keeps serving
    assert Client(tmp_path / SOCKET_NAME).ask("lines").startswith("Lines")


def test_at_most_four_sessions_at_once_and_the_fifth_is_told_why(served, tmp_path):
    clients = [Client(tmp_path / SOCKET_NAME) for _ in range(4)]
    extra = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    extra.settimeout(10)
    extra.connect(str(tmp_path / SOCKET_NAME))
    said = b""
    while chunk := extra.recv(1000):
        said += chunk
    assert said.startswith(b"console busy: 4 sessions are open already")
    extra.close()
    clients[0].close()
    time.sleep(0.3)
    again = Client(tmp_path / SOCKET_NAME)                 # a place is free again
    assert again.banner == BANNER
    for client in clients[1:] + [again]:
        client.close()
