"""Live console output: a command that keeps printing (``tail``, ``test dtmf``, ``test handset``)
until it is done, the technician presses Ctrl-C, or the peer goes away.

A handler returns a ``Live`` instead of text. The session runs the Live's body on a thread of its
own (``LiveRun``) and goes on reading the peer meanwhile, so Ctrl-C (byte 0x03) is seen at once
whatever the body waits on, and a peer that vanishes (serial cable pulled, socket closed) stops
the body too, instead of leaving a thread printing to nobody. One mechanism for every live command.

A body is ``body(say, stopped) -> closing``: ``say(text)`` prints a line at once, ``stopped`` (a
``threading.Event``) is set on Ctrl-C or hang-up, and the text it returns is printed before the
prompt comes back. Example::

    def cmd_clock(ctx, args):
        def body(say, stopped):
            while not stopped.wait(1.0):
                say(time.strftime("%H:%M:%S"))
            return "clock stopped"
        return Live(body)
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from appliance.console.table import ConsoleError

log = logging.getLogger("appliance.console")

CTRL_C = 0x03
STOP_WAIT_S = 5.0           # a body gets this long to notice ``stopped``
HINT = "(Ctrl-C stops)"

Say = Callable[[str], None]
Body = Callable[[Say, threading.Event], "str | None"]


class Live:
    """What a live command hands the session: the body to run (see the module doc)."""

    def __init__(self, body: Body) -> None:
        self.body = body

    def collect(self, stop_after_s: float | None = None) -> str:
        """Run the body here and return all it printed (for scripts and tests, which have no
        session): until it ends by itself, or ``stop_after_s`` as if Ctrl-C were pressed then."""
        lines: list[str] = []
        stopped = threading.Event()
        timer = None
        if stop_after_s is not None:
            timer = threading.Timer(stop_after_s, stopped.set)
            timer.daemon = True
            timer.start()
        try:
            closing = self.body(lines.append, stopped)
        finally:
            if timer is not None:
                timer.cancel()
        return "\n".join(lines + ([closing] if closing else []))


class LiveRun:
    """One Live running for one session: ``start()``, then ``stop()`` on Ctrl-C or hang-up.

    ``say`` prints for the body; ``done(closing)`` is called once from the body's thread when it
    ends (whyever it ends): the session prints ``closing`` and the prompt there. A peer gone
    mid-output (``say`` raising OSError) ends the body quietly."""

    def __init__(self, live: Live, say: Say, done: Callable[[str | None], None]) -> None:
        self.live, self._say, self._done = live, say, done
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="console-live", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        closing: str | None = None
        try:
            closing = self.live.body(self.say, self.stopped)
        except ConsoleError as exc:                 # the one line the technician sees
            closing = f"error: {exc}"
        except OSError as exc:                      # the peer went away while we printed
            self.stopped.set()
            log.info("console: live output ended: %s", exc)
        except Exception:                           # noqa: BLE001 - a bug must not end the console
            log.exception("console: a live command failed")
            closing = "error: the command failed inside the appliance (details in the log)"
        try:
            self._done(closing)
        except OSError:
            pass                                    # nobody left to show the prompt to

    def say(self, text: str) -> None:
        """Print one line for the body (nothing once stopped: the peer asked for quiet)."""
        if not self.stopped.is_set():
            self._say(text)

    def stop(self) -> None:
        """Ask the body to end and wait for it (any thread but the body's own)."""
        self.stopped.set()
        self.thread.join(STOP_WAIT_S)
        if self.thread.is_alive():
            log.error("console: a live command did not stop within %.0f s", STOP_WAIT_S)
