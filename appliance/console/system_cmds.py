"""The technician's box-level commands: ``net``, ``log level``, ``password reset``,
``factory-reset``, ``reboot`` (``tail`` is in tail.py).

``net`` answers "where is the owner's page?": every address of the box and the web page's URL on
each. ``log level`` turns the daemon's log up or down without a restart (``debug`` to watch a
modem's every line, then back to ``info``). ``factory-reset`` asks twice, the second time with a
code it shows, then restarts the daemon, which erases its data folder before opening anything in
it: settings, call log, prompts, phone book, recordings and the web password all go; the firmware
stays. (Erasing at start, not here: nothing is deleted under a file the daemon has open.)
``reboot now`` restarts the whole box through ``systemctl reboot``: the daemon runs as user
``ivr`` with NoNewPrivileges, so it asks logind, and the polkit rule boot/install.sh installs
(``POLKIT_RULE``) is what lets user ivr reboot.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
from pathlib import Path

from appliance.console.context import Context
from appliance.console.table import ConsoleError, expect
from appliance.web import tls

POLKIT_RULE = "/etc/polkit-1/rules.d/50-ivr-appliance.rules"
RESET_MARK = "FACTORY-RESET"        # in the data folder: erase it at the next start
LEVELS = ("debug", "info", "warning", "error")

log = logging.getLogger("appliance.console")


def addresses() -> list[tuple[str, str]]:
    """``(interface, address)`` of every interface that is up, loopback last; ``ip -j addr``
    (iproute2, on every Raspberry Pi OS), else the address of the default route."""
    try:
        out = subprocess.run(["ip", "-j", "addr"], capture_output=True, text=True, timeout=5,
                             check=True).stdout
        found = [(link["ifname"], info["local"]) for link in json.loads(out)
                 for info in link.get("addr_info", []) if info.get("scope") != "link"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError):
        found = []
    if not found:
        found = [("default route", _default_route_address())]
    return sorted(found, key=lambda row: (row[1].startswith(("127.", "::1")), row[0]))


def _default_route_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))        # TEST-NET: no packet is sent by connect
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def cmd_net(ctx: Context, args: list[str]) -> str:
    expect(args, "net", 0)
    web = ctx.store.load()["web"]
    scheme = "https" if tls.wants_https(web["https"], web["host"]) else "http"
    rows = [f"host name: {socket.gethostname()} (on the local network: "
            f"{socket.gethostname()}.local)"]
    for name, address in addresses():
        shown = f"[{address}]" if ":" in address else address
        served = web["host"] in ("0.0.0.0", "::", "") or web["host"] == address
        url = f"{scheme}://{shown}:{web['port']}/" if served else "(the web page is not served here)"
        rows.append(f"{name:<12} {address:<40} {url}")
    if web["host"] in ("127.0.0.1", "localhost", "::1"):
        rows.append(f"note: web.host is {web['host']}: the page answers only on this box")
    if scheme == "https":
        fingerprint = tls.current_fingerprint(ctx.data_dir)
        rows.append(f"certificate: {fingerprint}" if fingerprint else
                    "certificate: not made yet (it is made when the web page first starts)")
        rows.append("a browser warns once about the box's own certificate: check that it shows "
                    "this fingerprint")
    return "\n".join(rows)


def cmd_log(ctx: Context, args: list[str]) -> str:
    usage = "log level [debug|info|warning|error]"
    expect(args, usage, 1, 2)
    if args[0] != "level":
        raise ConsoleError(f"usage: {usage}")
    logger = logging.getLogger("appliance")
    if len(args) == 1:
        return f"log level: {logging.getLevelName(logger.getEffectiveLevel()).lower()}"
    level = args[1].lower()
    if level not in LEVELS:
        raise ConsoleError(f"log level must be one of {', '.join(LEVELS)} (got '{args[1]}')")
    logger.setLevel(level.upper())
    log.warning("log level set to %s from the console", level)
    return f"log level: {level} (until the daemon restarts)"


def cmd_password(ctx: Context, args: list[str]) -> str:
    """Whoever holds the console cable has the box in hand: that is the trust a reset needs."""
    expect(args, "password reset", 1)
    if args[0] != "reset":
        raise ConsoleError("usage: password reset")
    from appliance.web.auth import reset             # the web page's own store of the password
    code = reset(ctx.data_dir)
    log.warning("the web page's password was reset from the console")
    return (f"The web page's password is forgotten and every browser logged out.\n"
            f"Setup code for the next visit: {code}")


def cmd_factory_reset(ctx: Context, args: list[str]) -> str:
    """Three steps: what it does; ``factory-reset erase``; ``factory-reset erase CODE``."""
    code_file = ctx.data_dir / ".factory-reset-code"
    if not args:
        return ("factory-reset erases this appliance's data: settings, the call log, the owner's "
                "prompts, the phone book, recordings, voicemail and the web password. Only the "
                "firmware stays; the box starts as new (simulated line, setup code).\n"
                "To go on, type: factory-reset erase")
    if args == ["erase"]:
        code = f"{secrets.randbelow(10000):04d}"
        code_file.write_text(code)
        return (f"Last chance. This cannot be undone. To erase everything now, type: "
                f"factory-reset erase {code}")
    if len(args) == 2 and args[0] == "erase":
        expected = code_file.read_text().strip() if code_file.exists() else None
        if expected is None or args[1] != expected:
            raise ConsoleError("that is not the code shown; start again with: factory-reset")
        code_file.unlink()
        (ctx.data_dir / RESET_MARK).write_text("requested from the console\n")
        log.warning("factory reset requested from the console: restarting to erase the data")
        os.kill(os.getpid(), signal.SIGTERM)      # a clean stop; systemd starts it again
        return "Erasing: the appliance restarts now and comes back as new."
    raise ConsoleError("usage: factory-reset [erase [CODE]]")


def cmd_reboot(ctx: Context, args: list[str]) -> str:
    """Two steps, as a typo must not cut the lines: what it does; then ``reboot now``."""
    if not args:
        return ("reboot restarts the whole box: every call in progress is cut and the phones are "
                "out of service for about a minute. To go on, type: reboot now")
    if args != ["now"]:
        raise ConsoleError("usage: reboot [now]")
    log.warning("reboot requested from the console")
    try:
        done = subprocess.run(["systemctl", "reboot"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ConsoleError(f"the reboot could not be asked for: {exc}") from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        log.error("the console's reboot was refused: %s", why)
        raise ConsoleError(f"the reboot was refused: {why} (user ivr may reboot only with the "
                           f"polkit rule {POLKIT_RULE}: run boot/install.sh again)")
    return "Rebooting now: the box is back in about a minute."


def erase_if_asked(data_dir: Path) -> bool:
    """At start, before anything in ``data_dir`` is opened: carry out a factory reset that was
    asked for. True if the folder was erased."""
    mark = Path(data_dir) / RESET_MARK
    if not mark.exists():
        return False
    for path in sorted(Path(data_dir).rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink()
    log.warning("factory reset: %s erased; starting as new", data_dir)
    return True


COMMANDS = [
    ("net", cmd_net, "the box's addresses and the owner's web page on each", "net"),
    ("log", cmd_log, "show or set how much the daemon logs", "log level [debug|info|warning|error]"),
    ("password", cmd_password, "forget the web page's password; prints a new setup code",
     "password reset"),
    ("factory-reset", cmd_factory_reset, "erase all data, keep the firmware (asks twice)",
     "factory-reset [erase [CODE]]"),
    ("reboot", cmd_reboot, "restart the whole box (asks first: reboot now)", "reboot [now]"),
]
