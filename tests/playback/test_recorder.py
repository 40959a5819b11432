"""Recordings: stereo or mixed conversations, voicemail that ends on silence or at its length,
and a file that stays playable if the power goes mid-call."""
import struct
import wave

from appliance.audio.recorder import HEADER_EVERY, CallRecorder, VoicemailRecorder
from appliance.audio.vad import VoiceActivity
from tests.vad.test_vad import frames, silence, speech


def constant(value: int) -> bytes:
    return struct.pack("<160h", *([value] * 160))


def test_a_conversation_in_stereo_keeps_each_side_on_its_channel(tmp_path):
    rec = CallRecorder(tmp_path / "recordings" / "2026-11-23" / "c1.wav", stereo=True)
    for _ in range(50):
        rec.feed(constant(1000), constant(-2000))
    assert rec.close() == 1.0
    with wave.open(str(tmp_path / "recordings" / "2026-11-23" / "c1.wav")) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getnframes()) == (2, 8000, 8000)
        assert struct.unpack("<4h", wav.readframes(2)) == (1000, -2000, 1000, -2000)


def test_mixed_adds_both_sides_and_clips_instead_of_wrapping(tmp_path):
    rec = CallRecorder(tmp_path / "m.wav", stereo=False)
    rec.feed(constant(30000), constant(30000))
    rec.feed(constant(100), b"")                      # the operator's side missing: silence
    rec.close()
    with wave.open(str(tmp_path / "m.wav")) as wav:
        samples = struct.unpack("<320h", wav.readframes(320))
    assert samples[0] == 32767 and samples[160] == 100


def test_the_file_is_playable_while_it_is_still_being_written(tmp_path):
    """A power cut loses at most the last second: the header is brought up to date once a
    second (the audio after it is on disk too, only not counted yet)."""
    rec = CallRecorder(tmp_path / "live.wav", stereo=False)
    for _ in range(HEADER_EVERY * 2 + 25):
        rec.feed(constant(5))
    with wave.open(str(tmp_path / "live.wav")) as wav:          # as after a power cut
        assert wav.getnframes() == HEADER_EVERY * 2 * 160
        assert wav.readframes(wav.getnframes()) == constant(5) * HEADER_EVERY * 2
    rec.close()
    with wave.open(str(tmp_path / "live.wav")) as wav:
        assert wav.getnframes() == (HEADER_EVERY * 2 + 25) * 160


def test_voicemail_ends_on_silence_after_the_message(tmp_path):
    rec = VoicemailRecorder(tmp_path / "vm.wav", max_s=60, silence_end_s=2, vad=VoiceActivity())
    message = speech("Hello, this is Maria, please call me back about my order.")
    reason = next(filter(None, map(rec.feed, frames(silence(0.5) + message + silence(5)))), None)
    assert reason == "silence"
    spoken = len(message) / 16000
    assert rec.frames * 0.02 > 0.5 + spoken + 1.5            # it heard the whole message...
    seconds = rec.close()
    assert spoken * 0.7 < seconds < spoken + 0.5              # ...and kept it without the silence
    with wave.open(str(tmp_path / "vm.wav")) as wav:
        assert abs(wav.getnframes() / 8000 - seconds) < 0.001


def test_voicemail_stops_at_its_longest(tmp_path):
    rec = VoicemailRecorder(tmp_path / "vm.wav", max_s=1.0, silence_end_s=5, vad=VoiceActivity())
    reasons = [rec.feed(f) for f in frames(speech("A long message that goes on and on and on."))]
    assert reasons.index("max_length") == 49 and rec.close() >= 1.0
