"""What the operator at one desk phone sees: the call on it, who is calling, their last calls and
the callbacks they are still owed.

Everything comes from what the web page may read: the loop's snapshot (the call ringing or on
the handset, its queue and wait so far), the phone book, and the read-only call log (past calls,
callback requests). The call log part is kept until the daemon writes the log again
(``data_version``), so operators polling every 2 seconds cost one search per new call record.
"""
from __future__ import annotations

from appliance.store import numbers
from appliance.store.callsearch import CallFilter

RECENT = 5
SEARCH_ROWS = 50
CALLBACKS_KEPT_S = 7 * 86400      # as appliance.daemon: an older promise is no longer dialled
ON_THE_PHONE = ("reserved", "ringing", "talking")   # reserved: their customer is being called


def handsets(settings: dict, snap: dict | None) -> list[tuple[int, str]]:
    """``(handset, label)`` for every fitted desk phone, labelled with its operator's name."""
    names = {op["handset"]: op["name"] or op["id"] for op in settings["operators"]}
    if snap:
        names.update({op["handset"]: op["name"] for op in snap["operators"]})
    return [(n, f"{n} · {names[n]}" if n in names else str(n))
            for n in range(1, settings["handsets"]["count"] + 1)]


def operator_at(snap: dict | None, handset: int) -> dict | None:
    """The snapshot's row of the operator at ``handset``, or None."""
    return next((op for op in (snap or {}).get("operators", []) if op["handset"] == handset), None)


def _members(snap: dict) -> dict[str, tuple[str, dict]]:
    return {m["call_id"]: (queue, m) for queue, members in snap["queues"].items() for m in members}


def _call_id(snap: dict, op: dict) -> str | None:
    """The call on the operator's handset. The snapshot's operator row names it where the engine
    gives it (``call_id``); else the line whose caller is the operator's caller, preferring a
    caller still in a queue while the handset rings."""
    if op.get("call_id"):
        return op["call_id"]
    lines = [line["call_id"] for line in snap["lines"]
             if line.get("call_id") and line.get("caller") == op.get("caller")]
    waiting = [call_id for call_id in lines if call_id in _members(snap)]
    found = (waiting if op["state"] == "ringing" and waiting else lines)
    return found[0] if found else None


def current_call(snap: dict | None, handset: int, calllog) -> dict | None:
    """``{call_id, caller, state, queue, waited_s}`` of the call ringing or talking on
    ``handset``, or None. While it rings the caller is still in line, so the wait so far comes
    from the queue; once answered, from the call's record."""
    op = operator_at(snap, handset)
    if op is None or op["state"] not in ON_THE_PHONE:
        return None
    call_id = _call_id(snap, op)
    queue, member = _members(snap).get(call_id, (None, None))
    call = {"call_id": call_id, "caller": op.get("caller"), "state": op["state"],
            "queue": queue, "waited_s": member["waited_s"] if member else None}
    record = calllog.get(call_id) if call_id and member is None else None
    if record:
        call.update(queue=record.get("queue"), waited_s=record.get("wait_s"))
    return call


def last_call(calllog, operator_id: str | None) -> dict | None:
    """The newest call record of ``operator_id``: the one to write notes about after hanging up."""
    found = calllog.search(CallFilter(operator=operator_id), limit=1) if operator_id else []
    return found[0] if found else None


def _tidy(number: str | None) -> str | None:
    try:
        return numbers.tidy(number or "")
    except ValueError:
        return None


def _from(record: dict, number: str) -> bool:
    return numbers.same(_tidy(record.get("caller")), number) or \
        numbers.same(_tidy(record.get("callback_number")), number)


def _history(calllog, number: str, since: float, max_attempts: int) -> tuple[list, list]:
    """(newest calls from ``number``, its open callback requests), each newest first."""
    key = numbers.key(number)
    calls = [r for r in calllog.search(CallFilter(number=key), limit=SEARCH_ROWS) if _from(r, number)]
    pending = {p["id"] for p in calllog.pending_callbacks(max_attempts, since=since)}
    asked = calllog.search(CallFilter(number=key, outcome="callback_requested"),
                           limit=SEARCH_ROWS) if pending else []
    return calls, [r for r in asked if r["id"] in pending and _from(r, number)]


def history(ctx, caller: str | None, exclude: str | None) -> tuple[list, list]:
    """The last ``RECENT`` calls from ``caller`` other than call ``exclude``, and the callbacks it
    was promised and not yet given (asked, no answered dial-back, tries not used up); both with
    their notes. Empty for a withheld number."""
    number = _tidy(caller)
    if number is None:
        return [], []
    version = ctx.calllog.data_version()
    kept = ctx.kept.get("desk")
    if not kept or kept[0] != version:
        kept = ctx.kept["desk"] = (version, {})
    if number not in kept[1]:
        if len(kept[1]) > 100:
            kept[1].clear()
        kept[1][number] = _history(ctx.calllog, number, ctx.clock() - CALLBACKS_KEPT_S,
                                   ctx.store.load()["callbacks"]["max_attempts"])
    calls, callbacks = kept[1][number]
    recent = [r for r in calls if r["id"] != exclude][:RECENT]
    return list(ctx.notes.merge(recent)), list(ctx.notes.merge(callbacks))
