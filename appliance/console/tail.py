"""``tail``: the daemon's log on the console, the last lines once (``tail N``) or live (``tail``,
``tail -f``, ``tail N -f``) until Ctrl-C.

The journal has every line, but a technician on the serial console has no shell to read it
from; so the ``appliance`` logger also feeds ``LogRing``, which keeps the last lines and hands
each new one to the live tails that follow it. A live tail that cannot keep up (a slow serial
line under ``log level debug``) drops lines and says how many, rather than holding the daemon's
logging or growing without bound.
"""
from __future__ import annotations

import collections
import logging
import queue
import threading

from appliance.console.context import Context
from appliance.console.follow import HINT, Live, Say
from appliance.console.table import ConsoleError

KEEP = 500                  # lines kept for ``tail N``
BACKLOG = 20                # lines shown before a live tail follows
FOLLOW_QUEUE = 1000         # lines a live tail may fall behind before it drops some
WAKE_S = 0.2                # a live tail notices Ctrl-C within this
USAGE = "tail [N] [-f]"


class LogRing(logging.Handler):
    """The daemon's last log lines, kept in memory, and the live tails following them."""

    def __init__(self, keep: int = KEEP) -> None:
        super().__init__(logging.DEBUG)
        self.lines: collections.deque[str] = collections.deque(maxlen=keep)
        self.followers: list[Follower] = []
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record).splitlines()[0]
        except Exception:                       # noqa: BLE001 - logging must never fail a caller
            self.handleError(record)
            return
        self.lines.append(line)
        for follower in self.followers:
            follower.put(line)

    def follow(self, backlog: int) -> tuple[list[str], "Follower"]:
        """The last ``backlog`` lines and a Follower that gets every line after them (none lost
        or shown twice between the two: emit runs under the same lock). ``unfollow`` it."""
        follower = Follower()
        with self.lock:
            self.followers.append(follower)
            return list(self.lines)[-backlog:] if backlog else [], follower

    def unfollow(self, follower: "Follower") -> None:
        with self.lock:
            if follower in self.followers:
                self.followers.remove(follower)


class Follower:
    """New log lines for one live tail; at most ``FOLLOW_QUEUE`` waiting, later ones counted."""

    def __init__(self) -> None:
        self.queue: queue.Queue[str] = queue.Queue(FOLLOW_QUEUE)
        self.dropped = 0

    def put(self, line: str) -> None:
        try:
            self.queue.put_nowait(line)
        except queue.Full:
            self.dropped += 1


def log_ring() -> LogRing:
    """The one ring on the ``appliance`` logger (added the first time it is asked for)."""
    logger = logging.getLogger("appliance")
    for handler in logger.handlers:
        if isinstance(handler, LogRing):
            return handler
    ring = LogRing()
    logger.addHandler(ring)
    return ring


def parse(args: list[str]) -> tuple[int, bool]:
    """``(N, live)`` from ``tail [N] [-f]``: no N, or ``-f``, is live; ``tail N`` is once."""
    words = [arg for arg in args if arg != "-f"]
    if len(words) > 1 or len(args) - len(words) > 1 or (words and not words[0].isdigit()):
        raise ConsoleError(f"usage: {USAGE}")
    count = min(max(int(words[0]), 1), KEEP) if words else BACKLOG
    return count, "-f" in args or not words


def cmd_tail(ctx: Context, args: list[str]) -> str | Live:
    count, live = parse(args)
    ring = log_ring()
    if not live:
        lines = list(ring.lines)[-count:]
        return "\n".join(lines) if lines else "nothing logged since the console started"
    return Live(lambda say, stopped: follow(ring, count, say, stopped))


def follow(ring: LogRing, count: int, say: Say, stopped: threading.Event) -> str:
    """The live tail's body: the last ``count`` lines, then each new one, until stopped."""
    lines, follower = ring.follow(count)
    try:
        say(f"-- the daemon's log, live {HINT} --")
        for line in lines:
            say(line)
        while not stopped.is_set():
            try:
                line = follower.queue.get(timeout=WAKE_S)
            except queue.Empty:
                continue
            if follower.dropped:
                dropped, follower.dropped = follower.dropped, 0
                say(f"-- {dropped} lines skipped: the console could not keep up --")
            say(line)
    finally:
        ring.unfollow(follower)
    return "-- tail stopped --"


COMMANDS = [
    ("tail", cmd_tail, "the daemon's log: live until Ctrl-C (with no N, or -f), or the last N "
     "lines once (tail N; all of them: journalctl -u ivr-appliance)", USAGE),
]
