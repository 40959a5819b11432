"""Telling systemd we are ready and alive (sd_notify), with nothing but the standard library.

A no-op when the daemon does not run under systemd (``NOTIFY_SOCKET`` unset), so the same code
runs on a developer's machine. The unit (boot/ivr-appliance.service) uses ``Type=notify`` and
``WatchdogSec``: if the event loop stops answering, systemd restarts the daemon.
"""
from __future__ import annotations

import os
import socket


def notify(state: str) -> bool:
    """Send ``state`` (``READY=1``, ``WATCHDOG=1``, ``STOPPING=1``, ``STATUS=...``); True if sent."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]            # abstract socket namespace
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(state.encode())
    return True


def watchdog_interval() -> float | None:
    """Half of ``WATCHDOG_USEC`` in seconds (how often to ping), or None without a watchdog."""
    usec = os.environ.get("WATCHDOG_USEC")
    return int(usec) / 2e6 if usec and usec.isdigit() else None
