"""Voicemail after the beep, and conversations recorded when the owner turns recording on."""
from appliance import commands as cmd
from appliance import events as ev
from tests.engine.rig import Rig
from tests.engine.test_hours import WEEKDAYS, ts

VM_MENU = {"menu": {"root": {"prompt": "menu_main", "options": {
    "1": {"action": "queue", "queue": "sales"}, "9": {"action": "voicemail"}}}}}


def test_caller_chooses_voicemail_hears_beep_and_message_ends_on_silence():
    rig = Rig(**VM_MENU)
    rig.call_in()
    assert rig.items(rig.press("9")) == [("prompt", "voicemail_greeting"), ("tone", "beep")]
    out = rig.prompt_done()
    [start] = rig.of(cmd.StartRecording, out)
    assert start.path == f"voicemail/2026-11-23/{rig.record()['id']}.wav"
    assert (start.kind, start.max_s, start.silence_end_s) == ("voicemail", 120, 5)
    rig.advance(14)
    out = rig.send(ev.RecordingDone("line1", start.path, 9.0, "silence"))
    assert rig.items(out) == [("prompt", "goodbye")]
    rig.prompt_done()
    record = rig.record()
    assert (record["outcome"], record["voicemail"], record["menu_path"]) == ("voicemail", start.path, "9")


def test_closed_office_takes_a_message_when_asked_to():
    rig = Rig(now=ts("2026-11-22T10:00"), hours={"weekly": WEEKDAYS}, voicemail={"when_closed": True})
    rig.call_in()
    out = rig.prompt_done()                        # closed message heard
    assert rig.items(out) == [("prompt", "voicemail_greeting"), ("tone", "beep")]
    rig.prompt_done()
    rig.advance(20)
    rig.send(ev.LineHungUp("line1"))               # hanging up ends the message, which is kept
    record = rig.record()
    assert (record["outcome"], record["hangup_by"]) == ("voicemail", "caller")
    assert cmd.StopRecording("line1") in rig.log


def test_hanging_up_before_the_beep_is_no_message():
    rig = Rig(now=ts("2026-11-22T10:00"), hours={"weekly": WEEKDAYS}, voicemail={"when_closed": True})
    rig.call_in()
    rig.prompt_done()
    rig.send(ev.LineHungUp("line1"))
    assert (rig.record()["outcome"], rig.record()["voicemail"]) == ("closed", None)


def test_hash_ends_the_message_and_a_silent_driver_is_stopped_by_the_engine():
    rig = Rig(**VM_MENU)
    rig.call_in()
    rig.press("9")
    rig.prompt_done()
    out = rig.press("#")
    assert cmd.StopRecording("line1") in out and rig.items(out) == [("prompt", "goodbye")]
    rig2 = Rig(**VM_MENU)
    rig2.call_in()
    rig2.press("9")
    rig2.prompt_done()
    out = rig2.advance(130)                        # max_s 120 + margin: no RecordingDone came
    assert cmd.StopRecording("line1") in out


def test_recording_on_tells_the_caller_and_records_the_conversation():
    rig = Rig(recording={"enabled": True})
    out = rig.call_in()
    assert rig.items(out) == [("prompt", "greeting"), ("prompt", "recording_notice"),
                              ("prompt", "menu_main")]
    rig.press("1")
    out = rig.send(ev.HandsetOffHook(1))
    [start] = rig.of(cmd.StartRecording, out)
    assert (start.kind, start.stereo) == ("call", True)
    rig.advance(40)
    out = rig.send(ev.HandsetOnHook(1))
    assert cmd.StopRecording("line1") in out
    assert rig.record()["recording"] == start.path == f"recordings/2026-11-23/{rig.record()['id']}.wav"


def test_recording_off_records_nothing():
    rig = Rig()
    rig.call_in()
    rig.press("1")
    rig.send(ev.HandsetOffHook(1))
    rig.send(ev.HandsetOnHook(1))
    assert rig.of(cmd.StartRecording) == [] and rig.record()["recording"] is None
