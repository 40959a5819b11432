"""Voice activity on real speech (espeak-ng through sox to 8 kHz), silence and key tones."""
import math
import struct
import subprocess

import pytest

from appliance.audio.vad import FRAME_BYTES, AnswerKind, MessageEnd, VoiceActivity, trim

RATE = 8000


def speech(text: str, voice: str = "en") -> bytes:
    """``text`` spoken by espeak-ng, as raw 8 kHz 16-bit mono PCM."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], check=True,
                         capture_output=True).stdout
    return subprocess.run(["sox", "-t", "wav", "-", "-t", "raw", "-r", "8000", "-c", "1", "-b", "16",
                           "-e", "signed", "-"], input=wav, check=True, capture_output=True).stdout


def silence(seconds: float) -> bytes:
    return b"\0\0" * int(RATE * seconds)


def tone(seconds: float, low=697.0, high=1209.0, level=8000) -> bytes:
    n = int(RATE * seconds)
    return struct.pack(f"<{n}h", *(int(level * (math.sin(2 * math.pi * low * i / RATE)
                                                 + math.sin(2 * math.pi * high * i / RATE)) / 2)
                                   for i in range(n)))


def frames(pcm: bytes):
    return [pcm[i:i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]


@pytest.fixture(scope="module")
def hello() -> bytes:
    return speech("Hello?")


@pytest.fixture(scope="module")
def greeting() -> bytes:
    return speech("Hello, you have reached the Smith family. We cannot come to the phone right "
                  "now. Please leave a message after the tone and we will call you back.")


def test_speech_is_speech_and_silence_is_not(hello):
    vad = VoiceActivity()
    assert sum(map(vad.is_speech, frames(hello))) > len(frames(hello)) // 3
    assert not any(map(vad.is_speech, frames(silence(1))))
    with pytest.raises(ValueError, match="320 bytes"):
        vad.is_speech(b"\0" * 100)


def test_a_key_tone_is_not_speech_when_the_dtmf_check_is_given():
    key = tone(0.5)
    gated = VoiceActivity(is_tone=lambda frame: max(abs(s) for s in struct.unpack("<160h", frame)) > 3000)
    assert not any(map(gated.is_speech, frames(key)))


def test_a_message_ends_after_silence_that_follows_speech(hello):
    end = MessageEnd(VoiceActivity(), silence_end_s=2.0)
    assert not any(end.feed(f) for f in frames(silence(3)))          # no speech yet: waits
    pcm = hello + silence(1.5)
    assert not any(end.feed(f) for f in frames(pcm))
    results = [end.feed(f) for f in frames(silence(1.0))]
    assert results[-1] and not results[0]


def test_a_person_says_hello_and_waits_a_machine_talks_on(hello, greeting):
    def verdict(pcm):
        kind = AnswerKind(VoiceActivity())
        return next((v for v in map(kind.feed, frames(pcm)) if v), None)
    assert verdict(silence(0.3) + hello + silence(2)) == "person"
    assert verdict(silence(0.3) + greeting + silence(2)) == "machine"
    assert verdict(silence(4)) == "silent"


def test_trim_takes_off_leading_and_trailing_silence(hello):
    vad = VoiceActivity()
    padded = silence(1.0) + hello + silence(1.5)
    trimmed = trim(padded, vad)
    assert len(hello) * 0.6 < len(trimmed) < len(hello) + RATE * 2 * 0.5
    assert trim(silence(1), vad) == b""
