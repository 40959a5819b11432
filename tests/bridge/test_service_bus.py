"""The service bus (row Y4): an operator who lifts hears who is calling before the caller is
connected, and the technician's handset test plays a tone and echoes the operator's voice."""
import concurrent.futures
import time

import numpy as np
import pytest

from appliance.audio.tones import dtmf_sequence
from appliance.handsets.gpio import handset_verdict
from tests.bridge.rig import HANDSET, VoiceDesk, tone, wait_until


@pytest.fixture
def desk(tmp_path):
    desk = VoiceDesk(tmp_path, "sim7600", whisper=True, record=False)
    yield desk
    desk.close()


def test_the_operator_hears_the_whisper_alone_before_the_caller(desk):
    desk.call_in()
    wait_until(lambda: HANDSET in desk.bank.ringing(), "handset 9 ringing", 15)
    lifted = time.monotonic()
    desk.phone.lift(desk.loop.now())
    wait_until(lambda: (HANDSET, 4) in desk.board.crosspoints(), "handset 9 on the service bus")
    assert (HANDSET, 0) not in desk.board.crosspoints()
    wait_until(lambda: (HANDSET, 0) in desk.board.crosspoints(), "handset 9 on the caller's row",
               timeout=15)
    connected = time.monotonic()
    assert (HANDSET, 4) not in desk.board.crosspoints()
    start, ear = desk.phone.heard(lifted)
    whisper = ear[:int((connected - start) * 8000)]
    assert connected - lifted > 1.0                    # the number and the wait take a while
    assert np.abs(whisper).max() > 1000, "the operator heard no whisper"
    caller = desk.caller_heard(lifted)
    spoken = np.flatnonzero(np.abs(caller) > 1000)
    assert len(spoken) == 0 or spoken[0] / 8000 > connected - lifted, "the caller heard the whisper"


def run_test(desk, speak: bool) -> str:
    verdict = concurrent.futures.Future()
    desk.phone.lift(desk.loop.now())
    if speak:
        desk.phone.say(tone(400, 1.0, -20), at=time.monotonic() + 1.3)
    desk.loop.call_soon(lambda: desk.bank.test_handset(HANDSET, verdict.set_result, 2.0))
    return verdict.result(timeout=10)


def test_the_handset_test_hears_the_operator_and_echoes_them(desk):
    said_at = time.monotonic()
    text = run_test(desk, speak=True)
    assert text.startswith("handset 9: OK: tone played, voice heard at -2"), text
    _, ear = desk.phone.heard(said_at)
    assert np.abs(ear).max() > 5000                       # the tone (-10 dBm0) reached the ear
    assert (HANDSET, 4) not in desk.board.crosspoints()   # and the handset is let go


def test_a_silent_microphone_is_reported(desk):
    text = run_test(desk, speak=False)
    assert "nothing was heard from its microphone" in text


def test_without_a_service_bus_card_the_test_says_what_is_missing():
    text = handset_verdict(3, {"ok": False, "error": "service bus card cannot be opened: gone"})
    assert text == "handset 3: FAILED: service bus card cannot be opened: gone"


def test_a_flash_holds_the_caller_and_a_key_said_into_the_handset_transfers_them(tmp_path):
    desk = VoiceDesk(tmp_path, "sim7600", whisper=True, record=False, support_handset=3)
    try:
        desk.call_in()
        desk.answer(timeout=20)
        time.sleep(0.5)
        flashed = time.monotonic()
        desk.phone.flash(desk.loop.now())
        wait_until(lambda: (HANDSET, 4) in desk.board.crosspoints(), "handset 9 on hold, on Y4")
        assert (HANDSET, 0) not in desk.board.crosspoints()
        time.sleep(1.5)
        _, ear = desk.phone.heard(flashed)
        assert np.abs(ear).max() > 1000, "the operator heard no hold prompt"
        music = desk.caller_heard(flashed + 0.5)
        assert np.abs(music).max() > 300, "the caller heard no hold music"
        desk.phone.say(dtmf_sequence("2", on_s=0.12, off_s=0.1).astype("<i2"),
                       at=time.monotonic())
        wait_until(lambda: 3 in desk.bank.ringing(), "support's handset 3 rung for the caller")
        assert (HANDSET, 4) not in desk.board.crosspoints()
        record = next(iter(desk.log.records.values()))
        assert record["transfers"][0]["to_queue"] == "support" and record["hold_s"] > 1.0
    finally:
        desk.close()


def test_a_job_whose_callback_fails_does_not_stop_the_service_bus():
    from appliance.handsets.service_bus import ServiceBus
    from tests.bridge.test_card_bridge import TinyCard
    bus = ServiceBus(TinyCard)
    bus.say(bytes(640), on_done=lambda result: 1 / 0)
    done = concurrent.futures.Future()
    time.sleep(0.2)
    bus.say(bytes(640), on_done=done.set_result)
    assert done.result(timeout=5)["ok"]
    bus.close()
