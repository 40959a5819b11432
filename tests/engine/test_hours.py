"""Business hours and holidays: the closed message, and when the office opens again."""
from datetime import datetime, timezone

from appliance import commands as cmd
from appliance import events as ev
from appliance.engine.schedule import Schedule
from tests.engine.rig import Rig

WEEKDAYS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


def test_always_open_by_default():
    assert Schedule({"timezone": "UTC", "weekly": None, "holidays": []}).is_open(ts("2026-11-22T03:00"))


def test_weekly_hours_in_the_office_time_zone():
    rome = Schedule({"timezone": "Europe/Rome", "weekly": WEEKDAYS, "holidays": []})
    assert rome.is_open(ts("2026-11-23T08:30"))          # 09:30 in Rome, Monday
    assert not rome.is_open(ts("2026-11-23T07:30"))      # 08:30 in Rome
    assert not rome.is_open(ts("2026-11-22T10:00"))      # Sunday


def test_holiday_is_closed_all_day_and_next_open_skips_it():
    s = Schedule({"timezone": "UTC", "weekly": WEEKDAYS, "holidays": ["2026-12-25"]})
    assert not s.is_open(ts("2026-12-25T10:00"))
    assert s.next_open(ts("2026-12-24T18:00")) == ts("2026-12-28T09:00")   # Fri holiday, weekend


def test_closed_caller_hears_closed_message_and_record_says_closed():
    rig = Rig(now=ts("2026-11-22T10:00"), hours={"weekly": WEEKDAYS, "closed_prompt": "closed_weekend"})
    out = rig.call_in()
    assert rig.items(out) == [("prompt", "closed_weekend")]
    assert rig.of(cmd.RingHandset, rig.press("1")) == []
    out = rig.prompt_done()
    assert rig.of(cmd.Hangup, out)
    record = rig.record()
    assert (record["outcome"], record["hangup_by"]) == ("closed", "system")


def test_closed_caller_hanging_up_early_is_still_closed():
    rig = Rig(now=ts("2026-11-22T10:00"), hours={"weekly": WEEKDAYS})
    rig.call_in()
    rig.send(ev.LineHungUp("line1"))
    assert (rig.record()["outcome"], rig.record()["hangup_by"]) == ("closed", "caller")


def test_open_until_midnight():
    s = Schedule({"timezone": "UTC", "weekly": {"sat": [["18:00", "24:00"]]}, "holidays": []})
    assert s.is_open(ts("2026-11-28T23:59:30"))
    assert not s.is_open(ts("2026-11-29T00:00:30"))
