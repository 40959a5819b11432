"""Call-progress tones of the North American and European plans, and silence, by their cadence."""
import numpy as np
import pytest

from appliance.audio.progress import ProgressDetector

RATE = 8000


def tone(freqs, seconds, level=0.1):
    t = np.arange(int(RATE * seconds)) / RATE
    return sum(np.sin(2 * np.pi * f * t) for f in freqs) * level * 32767 / len(freqs)


def cadence(freqs, pattern, repeats, noise=0.0, seed=1):
    parts = []
    for _ in range(repeats):
        for i, seconds in enumerate(pattern):
            parts.append(tone(freqs, seconds) if i % 2 == 0 else np.zeros(int(RATE * seconds)))
    signal = np.concatenate(parts)
    if noise:
        signal = signal + np.random.default_rng(seed).normal(0, noise * 32767, signal.size)
    return signal.astype(np.int16)


def heard(signal) -> list[str]:
    detector = ProgressDetector()
    found = []
    for start in range(0, len(signal) - 159, 160):
        found += detector.feed(signal[start:start + 160])
    return found


@pytest.mark.parametrize("name, freqs, pattern, expected", [
    ("US busy", (480, 620), (0.5, 0.5), "busy"),
    ("US reorder", (480, 620), (0.25, 0.25), "reorder"),
    ("US ringback", (440, 480), (2.0, 4.0), "ringback"),
    ("EU busy", (425,), (0.5, 0.5), "busy"),
    ("EU congestion", (425,), (0.25, 0.25), "reorder"),
    ("EU ringback", (425,), (1.0, 4.0), "ringback"),
    ("UK ringback", (400, 450), (0.4, 0.2, 0.4, 2.0), "ringback"),
    ("UK busy", (400,), (0.375, 0.375), "busy"),
])
def test_each_plans_tones_are_recognised(name, freqs, pattern, expected):
    repeats = 3 if sum(pattern) > 2 else 6
    assert heard(cadence(freqs, pattern, repeats))[:1] == [expected]


def test_a_busy_tone_is_still_heard_through_line_noise():
    assert heard(cadence((480, 620), (0.5, 0.5), 6, noise=0.01))[:1] == ["busy"]


def test_a_steady_tone_is_a_dial_tone_and_long_quiet_is_silence():
    assert heard(tone((350, 440), 3.5).astype(np.int16)) == ["dial_tone"]
    assert heard(tone((425,), 3.5).astype(np.int16)) == ["dial_tone"]
    assert heard(np.zeros(RATE * 9, dtype=np.int16)) == ["silence"]


def test_speech_like_sound_is_not_a_progress_tone():
    rng = np.random.default_rng(3)
    babble = sum(np.sin(2 * np.pi * f * np.arange(RATE * 6) / RATE + rng.uniform(0, 6))
                 for f in rng.uniform(150, 3400, 40)) * 800
    bursts = babble * (np.sin(2 * np.pi * 2 * np.arange(RATE * 6) / RATE) > 0)
    assert [k for k in heard(bursts.astype(np.int16)) if k != "silence"] == []
