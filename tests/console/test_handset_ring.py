"""The console's handset test on the simulated board at real pace: a handset on hook rings
first (the bank's own ring bits), the verdict says whether it was lifted, and only a lifted one
gets the tone and the echo test."""
from __future__ import annotations

import concurrent.futures
import threading
import time

import pytest

from appliance import commands as c
from appliance.console.commands import build_table
from appliance.console.context import Context
from tests.bridge.rig import HANDSET, VoiceDesk, tone


@pytest.fixture
def desk(tmp_path):
    desk = VoiceDesk(tmp_path, "sim7600", whisper=True, record=False)
    yield desk
    desk.close()


class Rings:
    """What the desk phone's ringer did, and a hand that lifts it ``lift_after_s`` after the ring
    began (None: nobody does), then says something into it."""

    def __init__(self, desk, lift_after_s: float | None, speak: bool = True) -> None:
        self.desk, self.lift_after_s, self.speak = desk, lift_after_s, speak
        self.changes: list[tuple[bool, float]] = []
        desk.phone.on_ring = self.heard

    def heard(self, phone, on: bool, now: float) -> None:          # the loop thread
        self.changes.append((on, time.monotonic()))
        if on and len(self.changes) == 1 and self.lift_after_s is not None:
            threading.Timer(self.lift_after_s, self.lift).start()

    def lift(self) -> None:
        self.desk.phone.lift(self.desk.loop.now())
        if self.speak:
            self.desk.phone.say(tone(400, 1.0, -20), at=time.monotonic() + 1.4)


def run_test(desk, **kwargs) -> str:
    verdict: concurrent.futures.Future = concurrent.futures.Future()
    desk.loop.call_soon(lambda: desk.bank.test_handset(HANDSET, verdict.set_result, **kwargs))
    return verdict.result(timeout=20)


def test_a_handset_on_hook_rings_and_the_lifted_one_gets_the_echo_test(desk):
    rings = Rings(desk, lift_after_s=0.3)
    text = run_test(desk, seconds=2.5)
    assert text.startswith("handset 9: rang: yes; lifted: yes, after 0."), text
    assert "; OK: tone played, voice heard at -2" in text and text.endswith("echoed back")
    assert [on for on, _ in rings.changes] == [True, False]          # the lift tripped the ring
    assert rings.changes[1][1] - rings.changes[0][1] < 1.0
    assert HANDSET not in desk.bank.ringing() and HANDSET not in desk.board.ringing()
    assert (HANDSET, 4) not in desk.board.crosspoints()               # let go of the bus


def test_a_lift_after_the_ring_still_counts(desk):
    rings = Rings(desk, lift_after_s=1.2, speak=False)
    text = run_test(desk, seconds=1.0, ring_s=0.6, lift_wait_s=3.0)
    assert text.startswith("handset 9: rang: yes; lifted: yes, after 1."), text
    assert "nothing was heard from its microphone" in text
    on, off = rings.changes[0][1], rings.changes[1][1]
    assert 0.5 < off - on < 0.9                                       # rang its 0.6 s, no more


def test_a_handset_nobody_lifts_rings_two_seconds_and_skips_the_echo(desk, tmp_path):
    rings = Rings(desk, lift_after_s=None)
    table = build_table(Context(desk.loop, tmp_path, handsets=desk.bank))
    began = time.monotonic()
    text = table.run("test handset 9").collect()                      # the console's own timings
    assert text.splitlines() == ["handset 9: test started (Ctrl-C stops)",
                                 "  ringing 2 s: lift the handset",
                                 "handset 9: rang 2 s, nobody lifted it: check the ringer and the "
                                 "line card"]
    assert 5.9 < time.monotonic() - began < 8                         # 2 s ring + 4 s to lift
    on, off = rings.changes[0][1], rings.changes[1][1]
    assert 1.8 < off - on < 2.3
    assert HANDSET not in desk.bank.ringing() and not desk.board.ringing()
    assert not desk.phone.off_hook and (HANDSET, 4) not in desk.board.crosspoints()


def test_a_handset_ringing_for_a_call_is_left_alone(desk):
    desk.loop.call_soon(lambda: desk.bank.execute(c.RingHandset(HANDSET)))
    text = run_test(desk, seconds=1.0)
    assert text == "handset 9 is ringing for a call: test it once it is free"
    assert HANDSET in desk.bank.ringing()
    desk.loop.call_soon(lambda: desk.bank.execute(c.StopRing(HANDSET)))


def test_a_call_that_rings_during_the_test_ring_keeps_ringing(desk):
    verdict: concurrent.futures.Future = concurrent.futures.Future()
    desk.loop.call_soon(lambda: desk.bank.test_handset(HANDSET, verdict.set_result, 1.0,
                                                       ring_s=0.5, lift_wait_s=0.2))
    time.sleep(0.3)
    desk.loop.call_soon(lambda: desk.bank.execute(c.RingHandset(HANDSET, "+441632960001")))
    assert verdict.result(timeout=5) == ("handset 9: a call rang it during the test; test it "
                                         "once it is free")
    assert HANDSET in desk.bank.ringing()                              # the call's ring goes on
    desk.loop.call_soon(lambda: desk.bank.execute(c.StopRing(HANDSET)))
