"""What the console prints: snapshots, call records and notices as short lines for 80 columns."""
from __future__ import annotations

from appliance import timefmt
from appliance.line_states import health_text, is_free
from appliance.present import duration


def clock(iso: str | None) -> str:
    """``2026-11-23T09:15:02.125Z`` -> ``09:15:02``; ``-`` when there is no time."""
    return iso[11:19] if iso else "-"


def status(snap: dict) -> str:
    """The live view in one screen: lines, waiting callers, callbacks, operators, today."""
    busy = sum(1 for line in snap["lines"] if not is_free(line["state"]))
    waiting = sum(len(entries) for entries in snap["queues"].values())
    head = (f"at {snap['now']}: lines {busy}/{len(snap['lines'])} busy, {waiting} waiting, "
            f"{len(snap['callbacks'])} callbacks pending")
    parts = [head, lines(snap), queue(snap), callbacks(snap), operators(snap), today(snap)]
    return "\n".join(parts)


def lines(snap: dict) -> str:
    """One row per phone line: its state and the caller on it, then its health (registration,
    network, signal, SIM), calls today and any warning on a second row."""
    rows = ["Lines"]
    for line in snap["lines"]:
        rows.append(f"  {line['id']:<10} {line['state']:<10} {line['caller'] or ''}".rstrip())
        health = health_text(line.get("health", {}))
        if health:                                # a real line reports its health
            calls = line.get("calls_today", 0)
            rows.append(f"    {health}, {calls} call{'' if calls == 1 else 's'} today")
        if line.get("warning"):
            rows.append(f"    ! {line['warning']}")
    return "\n".join(rows)


def queue(snap: dict) -> str:
    """Every waiting caller (and queued callback) by queue, in their order."""
    rows = [_queue_row(name, entry) for name, entries in sorted(snap["queues"].items())
            for entry in entries]
    return "\n".join([f"Waiting ({len(rows)})", *rows])


def _queue_row(name: str, entry: dict) -> str:
    who = entry["caller"] or "withheld"
    kind = " (callback)" if entry["kind"] == "callback" else ""
    return (f"  {name:<10} {entry['position']:>2}. {who}{kind}  waited "
            f"{duration(entry['waited_s'])}  est {duration(entry['estimate_s'])}")


def callbacks(snap: dict) -> str:
    """Callbacks owed: number, queue, attempts so far and when the next try is."""
    rows = [f"  {cb['number']:<16} {cb['queue']:<10} attempts {cb['attempts']}  "
            f"{_next_try(cb)}" for cb in snap["callbacks"]]
    return "\n".join([f"Pending callbacks ({len(rows)})", *rows])


def _next_try(cb: dict) -> str:
    if cb["in_progress"]:
        return "calling now"
    return f"next try {clock(cb['next_try_at'])}" if cb["next_try_at"] else "next free operator"


def operators(snap: dict) -> str:
    """One row per operator: handset, state (with why paused), calls today, who they talk to."""
    return "\n".join(["Operators", *(_operator_row(op) for op in snap["operators"])])


def _operator_row(op: dict) -> str:
    state = op["state"] + (f" ({op['pause_reason']})" if op["pause_reason"] else "")
    return (f"  {op['id']:<8} handset {op['handset']:>2}  {state:<18} "
            f"{op['calls_today']:>3} today  {op['caller'] or ''}").rstrip()


def today(snap: dict) -> str:
    """Today's figures so far."""
    t = snap["today"]
    return (f"today: {t['calls']} calls, {t['answered']} answered, {t['abandoned']} abandoned, "
            f"{t['callbacks_requested']} callbacks")


def call_row(record: dict) -> str:
    """One call record as one line: when, direction, line, who, queue, outcome, operator, times."""
    who = record["caller"] or "withheld"
    outcome = record["outcome"] or "live"
    return (f"{record['started_at'][:19].replace('T', ' ')}  {record['direction']:<8} "
            f"{record['line']:<8} {who:<16} {record['queue'] or '-':<10} {outcome:<18} "
            f"{record['operator'] or '-':<8} wait {duration(record['wait_s'])} "
            f"talk {duration(record['talk_s'])}")


def notice_row(notice: tuple[float, str, str]) -> str:
    """``(time, level, text)`` as ``2026-11-23T09:15:02.125Z error text``."""
    at, level, text = notice
    return f"{timefmt.iso(at)} {level:<7} {text}"
