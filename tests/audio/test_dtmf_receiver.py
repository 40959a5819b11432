"""The streaming API of the DTMF receiver: events, timing (D17), chunking (D16), rates, inputs."""
from __future__ import annotations

import numpy as np
import pytest

from appliance.audio import dtmf, tones
from appliance.errors import AudioError
from tests.audio import corpus, dcases


def _random_onsets(keys: str, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """50 ms bursts after gaps of 50-60 ms with random sample offsets; returns (signal, onsets)."""
    rng = np.random.default_rng(seed)
    parts, onsets, pos = [], [], 0
    for key in keys:
        gap = int(rng.integers(400, 480))
        parts += [np.zeros(gap), tones.dtmf_burst(key, 0.05, -10.0, rng=rng)]
        onsets.append(pos + gap)
        pos += gap + 400
    return tones.to_int16(np.concatenate(parts + [np.zeros(800)])), np.array(onsets)


def _feed(samples: np.ndarray, chunk: int) -> list[tuple]:
    rx = dtmf.DtmfReceiver()
    events = []
    for start in range(0, len(samples), chunk):
        events += rx.feed(samples[start:start + chunk])
    return [(e.key, e.down, e.sample, e.level_dbm0) for e in events + rx.flush()]


def test_events_come_in_down_up_pairs_with_times_durations_and_levels():
    events = dtmf.decode_events(tones.dtmf_sequence("4711#", level_dbm0=-20.0))
    assert [(e.key, e.down) for e in events] == [(k, d) for k in "4711#" for d in (True, False)]
    for down, up in zip(events[0::2], events[1::2]):
        assert down.seconds == down.sample / 8000 and up.sample > down.sample
        assert up.duration_s == pytest.approx(0.05, abs=0.01)
        assert up.level_dbm0 == pytest.approx(-20.0, abs=1.0)


def test_d17_event_durations_within_10_ms_and_onsets_within_5_ms():
    samples, onsets = _random_onsets(tones.KEYS * 10)
    events = dtmf.decode_events(samples)
    downs = np.array([e.sample for e in events if e.down])
    durations = np.array([e.duration_s for e in events if not e.down])
    assert len(downs) == 160
    assert np.abs(downs - onsets).max() <= 40
    assert np.abs(durations - 0.05).max() <= 0.010


def test_d17_key_down_is_reported_within_50_ms_of_the_tone_onset():
    samples, onsets = _random_onsets(tones.KEYS * 4, seed=8)
    rx, latency = dtmf.DtmfReceiver(), []
    for start in range(0, len(samples), 160):
        latency += [start + 160 - e.sample for e in rx.feed(samples[start:start + 160]) if e.down]
    assert len(latency) == 64 and max(latency) <= 400


@pytest.mark.parametrize("chunk", [1, 7, 80, 160, 240, 1000])
def test_d16_events_do_not_depend_on_chunk_size(chunk):
    keys = tones.dtmf_sequence("0123456789*#ABCD", seed=5)
    speech = corpus.prompts(limit_s=4.0 if chunk == 1 else 20.0)
    mixed = np.concatenate((keys, speech, keys))
    assert _feed(mixed, chunk) == _feed(mixed, 160)


def test_a_key_still_down_at_the_end_is_released_by_flush():
    rx = dtmf.DtmfReceiver()
    down = rx.feed(tones.to_int16(tones.dtmf_burst("9", 0.2)))
    assert [e.key for e in down if e.down] == ["9"] and rx.key_down == "9"
    up = rx.flush()
    assert [(e.key, e.down) for e in up] == [("9", False)] and rx.key_down is None


def test_bytes_of_16_bit_little_endian_pcm_are_accepted():
    pcm = tones.dtmf_sequence("*0#").astype("<i2").tobytes()
    rx = dtmf.DtmfReceiver()
    events = rx.feed(pcm) + rx.flush()
    assert "".join(e.key for e in events if e.down) == "*0#"


@pytest.mark.parametrize("rate", [16000, 48000])
def test_wideband_rates_are_decoded_natively(rate):
    rng = np.random.default_rng(2)
    x = np.concatenate([np.concatenate((np.zeros(rate // 20), tones.dtmf_burst(k, 0.05, rate=rate,
                                                                                 rng=rng)))
                        for k in "159D"] + [np.zeros(rate // 10)])
    assert dtmf.decode(tones.to_int16(x), rate=rate) == "159D"


@pytest.mark.parametrize("rate", [7999, 11025, 96000])
def test_unsupported_rates_are_refused_clearly(rate):
    with pytest.raises(AudioError, match="sample rate"):
        dtmf.DtmfReceiver(rate=rate)


def test_silence_and_pure_noise_give_nothing():
    rng = np.random.default_rng(0)
    assert dtmf.decode(np.zeros(80000, dtype=np.int16)) == ""
    assert dtmf.decode(tones.to_int16(tones.white_noise(80000, -10.0, rng))) == ""


def test_back_to_back_keys_without_a_gap_are_both_heard():
    rng = np.random.default_rng(6)
    x = np.concatenate((dcases.bursts("1", 0.06, 0.0, rng), dcases.bursts("2", 0.06, 0.06, rng)))
    assert dtmf.decode(tones.to_int16(x)) == "12"


def test_an_odd_number_of_pcm_bytes_is_refused():
    with pytest.raises(AudioError, match="even number of bytes"):
        dtmf.DtmfReceiver().feed(b"\x00\x01\x02")


def test_a_note_with_its_octave_is_not_a_key():
    # 833 + 1666 Hz is within tolerance of key C (852 + 1633 Hz) but is one note and its harmonic.
    note = tones.to_int16(np.concatenate((np.zeros(800), tones.dual_tone(833.0, 1666.0, 1600,
                                                                         -12.0, -14.0))))
    assert dtmf.decode(note) == ""
    assert dtmf.decode(note, params=dtmf.DtmfParams(octave_guard=0.0)) == "C"


def test_hum_below_300_hz_does_not_mask_a_key():
    rng = np.random.default_rng(7)
    keys = dcases.bursts("2580", 0.06, 0.06, rng, -20.0)
    hum = tones.sine(150.0, len(keys), -12.0)            # 8 dB above each tone
    x = tones.to_int16(keys + hum)
    assert dtmf.decode(x) == "2580"
    assert dtmf.decode(x, params=dtmf.DtmfParams(low_cut_hz=0.0)) == ""
