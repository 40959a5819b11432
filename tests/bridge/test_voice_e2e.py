"""End to end on every line kind, at real pace: the caller's 1 kHz tone reaches the ear of the
operator who answered (handset 9, the MT8816's X8 = AX 1010) within 60 ms and within 1 dB; the
operator's 700 Hz reaches the caller; no other desk phone hears anything; prompts reach the caller
before an operator answers; the call recording holds both tones."""
import time

import numpy as np
import pytest

from appliance.audio import codecs
from tests.bridge.rig import HANDSET, KINDS, VoiceDesk, level_at, onset, tone
from tests.long_mode import long

CALLER_DBFS = -12.0
EPSILON_S = 1e-9


@pytest.fixture(params=KINDS)
def talking(request, tmp_path):
    desk = VoiceDesk(tmp_path, request.param)
    try:
        desk.call_in()
        desk.before_answer = time.monotonic()
        desk.answered_at = desk.answer()
        time.sleep(0.3)                       # the bridge card is running
        yield desk
    finally:
        desk.close()


def caller_tone_at_the_ear(desk) -> tuple[float, float, float]:
    """Send the caller's 1 kHz once; (delay to handset 9's ear, its level, when it was sent)."""
    sent_from = time.monotonic()
    desk.modem.say(tone(1000, 1.0, CALLER_DBFS).tobytes())
    time.sleep(1.4)
    said_at = desk.first_said(sent_from - 0.1)
    assert said_at is not None
    start, ear = desk.phone.heard(sent_from - 0.1)
    first = onset(ear)
    assert first is not None, "the caller's tone never reached handset 9"
    steady = ear[first + 1600:first + 1600 + 4000]
    return start + first / 8000 - said_at, level_at(steady, 1000), sent_from


def test_voice_flows_both_ways_to_the_right_phone_only(talking):
    desk = talking
    prompts = desk.caller_heard(0.0)
    assert np.abs(prompts).max() > 1000, "no prompt reached the caller before an operator answered"

    # Real pace on a shared machine: one retry absorbs a scheduling hiccup at the tone's onset;
    # a path that is too slow or lossy fails both times.
    # A SIM800's voice meets the phone on the analog row: no delay at all, which the monotonic
    # clock's sums (hours since boot, in seconds) put a picosecond either side of zero.
    tries = [caller_tone_at_the_ear(desk)]
    if not (-EPSILON_S <= tries[0][0] <= 0.060 and abs(tries[0][1] - CALLER_DBFS) <= 1.0):
        tries.append(caller_tone_at_the_ear(desk))
    delay, level, sent_from = tries[-1]
    assert -EPSILON_S <= delay <= 0.060, f"one-way delay {delay * 1000:.1f} ms ({tries})"
    assert abs(level - CALLER_DBFS) <= 1.0, tries

    for number, phone in desk.board.phones.items():
        if number != HANDSET:
            _, other = phone.heard(sent_from - 0.1)
            assert len(other) == 0 or level_at(other, 1000) < CALLER_DBFS - 60, number

    spoke_at = time.monotonic()
    desk.phone.say(tone(700, 1.0, CALLER_DBFS), at=spoke_at)
    time.sleep(1.4)
    back = desk.caller_heard(spoke_at)
    assert level_at(back[len(back) // 4: len(back) // 2], 700) > CALLER_DBFS - 1.5


@pytest.mark.parametrize("talking", ["sim7600", "v253", long("sim800"), long("ec25")],
                         indirect=True)
def test_the_recording_holds_both_sides(talking):
    """(A GSM PCM line and the analog line by default; the recorder is the same for all.)"""
    desk = talking
    desk.modem.say(tone(1000, 1.0, CALLER_DBFS).tobytes())
    desk.phone.say(tone(700, 1.0, CALLER_DBFS), at=time.monotonic() + 1.5)
    time.sleep(3.0)
    desk.modem.hang_up() if desk.kind != "v253" else desk.modem.hang_up("loop_break")
    deadline = time.monotonic() + 10
    while not any(r.get("outcome") for r in desk.log.records.values()):
        assert time.monotonic() < deadline, "the call never ended with a record"
        time.sleep(0.1)
    files = [p for p in desk.data_dir.rglob("*.wav") if "prompts" not in p.parts]
    assert len(files) == 1, files
    pcm = codecs.read_wav(files[0])
    for hz in (1000, 700):
        loudest = max(level_at(pcm[i:i + 4000], hz) for i in range(0, len(pcm) - 4000, 400))
        assert loudest > CALLER_DBFS - 1.5, (hz, loudest)
