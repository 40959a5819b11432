"""The daemon's chores: the recordings sweep runs hourly and tells the owner what it did."""
from appliance.clock import SimClock
from appliance.housekeeping import Housekeeping
from appliance.loop import Loop
from appliance.store import schema
from tests.housekeeping.test_retention import NOW, make


class NoEngine:
    def handle(self, event, now):
        return []


def test_sweeps_hourly_and_the_owner_sees_a_notice(tmp_path):
    make(tmp_path, "recordings", "2026-01-01", "ancient", age_days=326, mb=0.1)
    loop = Loop(NoEngine(), SimClock(NOW))
    times = iter([NOW, NOW + 10, NOW + 3601])
    chores = Housekeeping(loop, tmp_path, schema.defaults, clock=lambda: next(times))
    chores.tick()
    loop.drain()
    [(_, level, text)] = loop.recent_notices()
    assert level == "info" and text.startswith("deleted 1 old recording(s)")
    make(tmp_path, "voicemail", "2026-01-02", "old", age_days=325, mb=0.1)
    chores.tick()                                   # ten seconds later: not yet
    assert (tmp_path / "voicemail" / "2026-01-02" / "old.wav").exists()
    chores.tick()                                   # an hour later
    assert not (tmp_path / "voicemail" / "2026-01-02").exists()
