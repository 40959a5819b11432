"""Caller ID on the desk phones' displays: the caller's number and phone-book name, sent over the
service bus in the first ring pause, read by the simulated phone's FSK receiver (the display chip
of hwsim.board.callerid_rx), at real pace through the real gpio driver and service bus."""
import datetime
import time

import pytest

from appliance.handsets.caller_display import first_pause_s
from appliance.store.phonebook import PhoneBook
from tests.bridge.rig import CALLER, HANDSET, VoiceDesk, wait_until
from tests.long_mode import long


def test_the_first_pause_follows_each_cadence_s_first_ring():
    assert first_pause_s("us") == 2.0 + 0.5          # 2 s ring, then 4 s silence
    assert first_pause_s("uk") == 0.4 + 0.2 + 0.4 + 0.5   # the double ring, then 2 s silence


@pytest.mark.parametrize("standard", ["bell202", long("v23")])
def test_a_ringing_phone_shows_who_is_calling_before_it_is_lifted(tmp_path, standard):
    """(V.23 at real pace in the long mode; tests/audio/test_callerid.py decodes its bursts.)"""
    PhoneBook(tmp_path).add({"number": CALLER, "name": "Ada Lovelace", "company": "Engines Ltd"})
    desk = VoiceDesk(tmp_path, "sim7600", whisper=True, record=False, caller_id=standard)
    try:
        desk.call_in()
        wait_until(lambda: HANDSET in desk.bank.ringing(), "handset 9 ringing", 15)
        rang = time.monotonic()
        wait_until(lambda: desk.phone.shown, "caller ID on handset 9's display", 8)
        shown_at, message = desk.phone.shown[0]
        assert message["number"] == CALLER and message["name"] == "Ada Lovelace"
        today = datetime.datetime.now(datetime.timezone.utc)
        assert message["when"][:4] == today.strftime("%m%d")      # the office's zone is UTC
        assert 2.3 < shown_at - rang < 5.8             # in the first pause: 2 s ring, 4 s silence
        assert desk.phone.display.errors == 0
        wait_until(lambda: (HANDSET, 4) not in desk.board.crosspoints(), "off the service bus", 3)
        assert HANDSET in desk.bank.ringing()                        # it rings on
        desk.answer()                                                # and is answered as ever
        assert desk.bank.display.sent == 1
    finally:
        desk.close()


def test_a_phone_lifted_on_the_first_ring_gets_no_burst(tmp_path):
    desk = VoiceDesk(tmp_path, "sim7600", whisper=True, record=False, caller_id="bell202")
    try:
        desk.call_in()
        desk.answer()
        time.sleep(3.5)                                  # past the moment it would have been sent
        assert desk.phone.shown == [] and desk.bank.display.sent == 0
    finally:
        desk.close()
