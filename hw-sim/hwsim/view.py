"""The live terminal view of a running appliance, drawn from ``loop.snapshot()``.

On a terminal the whole screen is redrawn once a second (ANSI home + clear): lines, who waits in
which queue (place, time waited, estimate), pending callbacks, operators (state, calls today)
and today's figures. Piped into a file or a log, it writes one plain status line every 10 s
instead. Everything fits 80 columns.

Example::

    view = LiveView(loop.snapshot, sys.stdout)
    while running:
        view.tick()
        time.sleep(1)
"""
from __future__ import annotations

import time
from typing import Callable, TextIO

from appliance.line_states import is_free

WIDTH = 80
MAX_ROWS = 8                 # per queue and for pending callbacks; the rest is counted
CLEAR = "\x1b[H\x1b[2J"
PLAIN_EVERY_S = 10.0


def render(snap: dict) -> list[str]:
    """The full screen for one snapshot, as lines of at most 80 characters."""
    rows = [f"IVR appliance on simulated hardware   {_clock(snap['now'])}   Ctrl-C stops", ""]
    rows += _lines(snap["lines"]) + _queues(snap["queues"]) + _callbacks(snap["callbacks"])
    rows += _operators(snap["operators"]) + ["", _today(snap["today"])]
    return [row[:WIDTH] for row in rows]


def status_line(snap: dict) -> str:
    """One line for logs: busy lines, waiting callers, callbacks, operators, today's figures."""
    busy = sum(1 for line in snap["lines"] if not is_free(line["state"]))
    waiting = sum(len(entries) for entries in snap["queues"].values())
    talking = sum(1 for op in snap["operators"] if op["state"] == "talking")
    return (f"{_clock(snap['now'])} lines {busy}/{len(snap['lines'])} busy | "
            f"waiting {waiting} | callbacks {len(snap['callbacks'])} | "
            f"talking {talking}/{len(snap['operators'])} | {_today(snap['today'])}")


def _lines(lines: list[dict]) -> list[str]:
    rows = ["Lines"]
    for line in lines:
        rows.append(f"  {line['id']:<10} {line['state']:<10} {line['caller'] or ''}")
    return rows


def _queues(queues: dict[str, list[dict]]) -> list[str]:
    waiting = sum(len(entries) for entries in queues.values())
    rows = ["", f"Waiting ({waiting})"]
    for name, entries in sorted(queues.items()):
        rows += [_queue_row(name, entry) for entry in entries[:MAX_ROWS]]
        rows += _more(len(entries))
    return rows


def _queue_row(name: str, entry: dict) -> str:
    who = entry["caller"] or "withheld"
    kind = " (callback)" if entry["kind"] == "callback" else ""
    outlook = "calling back now" if entry.get("calling_back") else f"est {_mmss(entry['estimate_s'])}"
    return (f"  {name:<10} {entry['position']:>2}. {who:<16}{kind:<11} "
            f"waited {_mmss(entry['waited_s'])}  {outlook}")


def _callbacks(callbacks: list[dict]) -> list[str]:
    rows = ["", f"Pending callbacks ({len(callbacks)})"]
    for cb in callbacks[:MAX_ROWS]:
        when = ("calling now" if cb.get("in_progress") else
                f"next try {_clock(cb['next_try_at'])}" if cb["next_try_at"] else "next free operator")
        rows.append(f"  {cb['number']:<16} {cb['queue']:<10} attempts {cb['attempts']}   {when}")
    return rows + _more(len(callbacks))


def _operators(operators: list[dict]) -> list[str]:
    rows = ["", "Operators"]
    for op in operators:
        rows.append(f"  {op['id']:<8} {op['name'][:12]:<12} handset {op['handset']:>2}  "
                    f"{op['state']:<9} {op['calls_today']:>3} today  {op['caller'] or ''}")
    return rows


def _today(today: dict) -> str:
    return (f"today: {today['calls']} calls, {today['answered']} answered, "
            f"{today['abandoned']} abandoned, {today['callbacks_requested']} callbacks")


def _more(count: int) -> list[str]:
    return [f"  ... and {count - MAX_ROWS} more"] if count > MAX_ROWS else []


def _clock(iso: str | None) -> str:
    """``2026-11-23T09:15:02.125Z`` -> ``09:15:02``; '-' when there is no time."""
    return iso[11:19] if iso else "-"


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return "  -  "
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes:2d}:{rest:02d}"


class LiveView:
    """Redraws on a terminal every tick; elsewhere prints a status line every 10 s."""

    def __init__(self, snapshot: Callable[[], dict], stream: TextIO,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._snapshot, self._stream, self._clock = snapshot, stream, clock
        self._tty = stream.isatty()
        self._last_plain: float | None = None

    def tick(self) -> None:
        """Call about once a second."""
        if self._tty:
            self._write(CLEAR + "\n".join(render(self._snapshot())) + "\n")
        elif self._last_plain is None or self._clock() - self._last_plain >= PLAIN_EVERY_S:
            self._last_plain = self._clock()
            self._write(status_line(self._snapshot()) + "\n")

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()
