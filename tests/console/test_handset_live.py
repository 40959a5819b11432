"""``test handset N`` on the console shows the test live: each step as it begins and the
handset's hook the moment it is sensed, then the verdict; Ctrl-C stops the watching."""
from __future__ import annotations

import time

import pytest

from appliance.console.commands import build_table
from appliance.console.context import Context
from tests.bridge.rig import HANDSET, VoiceDesk
from tests.console.test_handset_ring import Rings


@pytest.fixture
def desk(tmp_path):
    desk = VoiceDesk(tmp_path, "sim7600", whisper=True, record=False)
    yield desk
    desk.close()


def test_the_lift_and_each_step_are_shown_as_they_happen(desk, tmp_path):
    Rings(desk, lift_after_s=0.5)
    table = build_table(Context(desk.loop, tmp_path, handsets=desk.bank))
    rows = table.run(f"test handset {HANDSET}").collect().splitlines()
    assert rows[:3] == [f"handset {HANDSET}: test started (Ctrl-C stops)",
                        "  ringing 2 s: lift the handset", rows[2]]
    assert rows[2].startswith("  hook: lifted at 0.")
    assert rows[3:5] == ["  tone on the service bus (1 s): you should hear it",
                         "  echo test (8 s): speak, and hear yourself a second later"]
    assert rows[-1].startswith(f"handset {HANDSET}: rang: yes; lifted: yes, after 0.")


def test_ctrl_c_stops_watching_and_the_ring_ends_by_itself(desk, tmp_path):
    rings = Rings(desk, lift_after_s=None)
    table = build_table(Context(desk.loop, tmp_path, handsets=desk.bank))
    text = table.run(f"test handset {HANDSET}").collect(stop_after_s=0.5)
    assert text.endswith("stopped watching; the test ends by itself (the ring within 2 s, the "
                         "service bus after the echo)")
    time.sleep(2.0)
    assert [on for on, _ in rings.changes] == [True, False]
    assert HANDSET not in desk.bank.ringing()
