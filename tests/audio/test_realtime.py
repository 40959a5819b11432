"""What keeps the audio threads on time (appliance/audio/realtime.py): the collector no longer
walks startup's objects, a waiting thread gets the interpreter within 1 ms, and an audio thread
runs at real-time priority where it may, and says once where it may not."""
import gc
import logging
import os
import sys
import threading

from appliance.audio import realtime


def test_startup_objects_are_frozen_and_the_switch_interval_is_1_ms():
    before = sys.getswitchinterval()
    try:
        made_at_startup = [object() for _ in range(1000)]
        realtime.keep_audio_on_time()
        assert gc.get_freeze_count() >= 1000 and made_at_startup
        assert sys.getswitchinterval() == realtime.SWITCH_INTERVAL_S
    finally:
        gc.unfreeze()
        sys.setswitchinterval(before)


def test_an_audio_thread_runs_first_in_fifo_order_and_only_that_thread():
    seen = {}

    def audio():
        seen["granted"] = realtime.audio_thread()
        seen["policy"] = os.sched_getscheduler(0)
        seen["priority"] = os.sched_getparam(0).sched_priority

    thread = threading.Thread(target=audio)
    thread.start()
    thread.join()
    if seen["granted"]:                  # root, or LimitRTPRIO as the systemd unit sets it
        assert (seen["policy"], seen["priority"]) == (os.SCHED_FIFO, realtime.PRIORITY)
    else:
        assert seen["policy"] == os.SCHED_OTHER
    assert os.sched_getscheduler(0) == os.SCHED_OTHER      # the test's own thread is as it was


def test_where_real_time_is_refused_the_thread_runs_on_and_the_log_says_so_once(
        monkeypatch, caplog):
    def refuse(*args):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(os, "sched_setscheduler", refuse)
    monkeypatch.setattr(realtime, "_refused", [])
    with caplog.at_level(logging.INFO, logger="appliance.audio"):
        assert realtime.audio_thread() is False
        assert realtime.audio_thread() is False
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "LimitRTPRIO=10" in lines[0] and "not permitted" in lines[0]
