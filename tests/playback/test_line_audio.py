"""A line's audio half: the engine's prompts reach the line, the caller's keys reach the engine
(in-band or from the module, never twice), voicemail ends on silence, calls are recorded."""
import time
import wave

import numpy as np

from appliance import commands as cmd
from appliance import events as ev
from appliance.audio.line_audio import LineAudio
from appliance.audio.prompts import PromptLibrary
from appliance.audio.tones import dtmf_sequence
from tests.playback.test_player import Sink, wait_for
from tests.vad.test_vad import frames, silence, speech


def rig(tmp_path):
    posted = []
    audio = LineAudio("line1", posted.append, Sink(), PromptLibrary(data_dir=tmp_path), tmp_path)
    return audio, posted


def test_a_play_reaches_the_line_as_the_prompt_files_and_prompt_done_follows(tmp_path):
    audio, posted = rig(tmp_path)
    library = PromptLibrary(data_dir=tmp_path)
    items = (("prompt", "queue_position"), ("position", 3))
    audio.execute(cmd.Play("line1", 9, items, "en"))
    wait_for(lambda: posted, timeout=15)
    assert posted == [ev.PromptDone("line1", 9)]
    expected = library.pcm(items, "en")
    assert audio.player.sink.data[:len(expected)] == expected
    audio.close()


def test_keys_in_the_callers_audio_become_digits(tmp_path):
    audio, posted = rig(tmp_path)
    keys = dtmf_sequence("4711#", on_s=0.06, off_s=0.06).tobytes()
    for frame in frames(keys + silence(0.2)):
        audio.hear(frame)
    assert [e.key for e in posted] == list("4711#")
    audio.close()


def test_a_key_reported_by_the_module_and_heard_in_band_counts_once(tmp_path):
    audio, posted = rig(tmp_path)
    audio.module_key("5")
    for frame in frames(dtmf_sequence("5", on_s=0.06).tobytes() + silence(0.1)):
        audio.hear(frame)
    time.sleep(0.2)
    audio.module_key("5")                       # a second press, later: counts
    assert posted == [ev.DigitPressed("line1", "5")] * 2
    audio.close()


def test_voicemail_is_written_and_ends_on_silence(tmp_path):
    audio, posted = rig(tmp_path)
    audio.execute(cmd.StartRecording("line1", "voicemail/2026-11-23/c1.wav", "voicemail", 60, 2))
    for frame in frames(speech("Please call me back tomorrow.") + silence(3)):
        audio.hear(frame)
    [done] = posted
    assert (done.path, done.reason) == ("voicemail/2026-11-23/c1.wav", "silence")
    with wave.open(str(tmp_path / done.path)) as wav:
        assert abs(wav.getnframes() / 8000 - done.seconds) < 0.05
    audio.close()


def test_a_call_recording_holds_both_sides_until_stopped(tmp_path):
    audio, posted = rig(tmp_path)
    audio.execute(cmd.StartRecording("line1", "recordings/x/c2.wav", "call", stereo=True))
    tone = (np.ones(160, dtype="<i2") * 300).tobytes()
    for _ in range(10):
        audio.hear(tone, tone)
    audio.execute(cmd.StopRecording("line1"))
    audio.hear(tone, tone)                       # after the stop: not recorded
    with wave.open(str(tmp_path / "recordings/x/c2.wav")) as wav:
        assert (wav.getnchannels(), wav.getnframes()) == (2, 1600)
    assert posted == [] and audio.execute(cmd.Hangup("line1")) is False
    audio.close()


def test_who_answers_a_dial_back_is_judged_from_what_they_say(tmp_path):
    audio, posted = rig(tmp_path)
    for frame in frames(speech("Hello?")):          # before the answer: not judged
        audio.hear(frame)
    audio.callee_answered()
    for frame in frames(silence(0.3) + speech("Hello?") + silence(2)):
        audio.hear(frame)
    assert posted == [ev.CalleeHeard("line1", "person")]
    audio.close()
