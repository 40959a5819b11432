"""One call's story for the detail page: menu, queue, ring attempts, talk, end, in time order,
told by the office's clock (``hours.timezone``), as the owner lived it."""
from __future__ import annotations

from datetime import datetime, timezone as dt_timezone
from zoneinfo import ZoneInfo

from appliance import timefmt
from appliance.present import duration


def local_time(stamp: str | None, zone: str = "UTC", date: bool = True) -> str:
    """A record's UTC time as the office's clock shows it: ``2026-11-23 10:15:02`` (or the
    time alone); empty for none. Daylight saving is the zone's (zoneinfo)."""
    if not stamp:
        return ""
    moment = datetime.fromtimestamp(timefmt.parse(stamp), dt_timezone.utc).astimezone(ZoneInfo(zone))
    return moment.strftime("%Y-%m-%d %H:%M:%S" if date else "%H:%M:%S")


def _start(record: dict) -> list[tuple[str, str]]:
    who = record.get("caller") or "withheld number"
    if record.get("direction") == "callback":
        return [(record["started_at"], f"Dialled {who} back on {record.get('line')}")]
    return [(record["started_at"], f"{who} called on {record.get('line')}")]


def _menu(record: dict) -> list[tuple[str, str]]:
    steps = []
    if record.get("answered_at"):
        steps.append((record["answered_at"], "Answered" if record.get("direction") == "callback"
                      else "The appliance answered: greeting and menu"))
    if record.get("menu_path"):
        steps.append((record.get("answered_at") or record["started_at"],
                      f"Pressed {' then '.join(record['menu_path'])} in the menu"))
    if record.get("queued_at"):
        steps.append((record["queued_at"], f"Joined queue {record.get('queue')} at position "
                                           f"{record.get('position_at_entry')}"))
    return steps


def _rings(record: dict) -> list[tuple[str, str]]:
    words = {"answered": "answered", "no_answer": "not answered", "busy": "busy",
             "cancelled": "ring stopped", None: "ringing"}
    return [(a.get("started_at") or "", f"Rang {a.get('operator')} (handset {a.get('handset')}): "
             f"{words.get(a.get('result'), a.get('result'))}")
            for a in record.get("ring_attempts") or []]


def _end(record: dict) -> list[tuple[str, str]]:
    steps = []
    if record.get("operator") and record.get("talk_s") is not None:
        steps.append((record.get("ended_at") or "", f"Talked with {record['operator']} for "
                                                    f"{duration(record['talk_s'])}"))
    if record.get("callback_number"):
        steps.append((record.get("ended_at") or "",
                      f"Asked to be called back on {record['callback_number']}"))
    if record.get("ended_at"):
        steps.append((record["ended_at"], f"Ended: {record.get('outcome')} "
                                          f"(hung up by {record.get('hangup_by')})"))
    return steps


def timeline(record: dict, zone: str = "UTC") -> list[tuple[str, str]]:
    """``(HH:MM:SS in the office's zone, what happened)`` rows, oldest first."""
    steps = _start(record) + _menu(record) + _rings(record) + _end(record)
    return [(local_time(when, zone, date=False), text)
            for when, text in sorted(steps, key=lambda step: step[0])]
