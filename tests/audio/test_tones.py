"""Calibrated tone generation (appliance/audio/tones.py)."""
from __future__ import annotations

import numpy as np
import pytest

from appliance.audio import codecs, dtmf, tones


def test_key_frequencies_follow_the_keypad():
    assert tones.key_frequencies("1") == (697.0, 1209.0)
    assert tones.key_frequencies("#") == (941.0, 1477.0)
    assert tones.key_frequencies("D") == (941.0, 1633.0)
    for bad in ("E", "12", ""):
        with pytest.raises(ValueError):
            tones.key_frequencies(bad)


def test_levels_are_dbm0_with_a_full_scale_sine_at_3_14():
    assert tones.amplitude(3.14) == pytest.approx(32767.0)
    assert tones.amplitude(-10.0) == pytest.approx(7219.0, abs=1.0)
    x = tones.to_int16(tones.sine(1004.0, 8000, -16.0))
    assert codecs.level_dbm0(x) == pytest.approx(-16.0, abs=0.02)


def test_twist_weakens_the_right_tone():
    x = tones.dtmf_burst("5", 1.0, -6.0, twist_db=4.0)
    spectrum = np.abs(np.fft.rfft(x))
    low, high = spectrum[770], spectrum[1336]
    assert 20 * np.log10(low / high) == pytest.approx(4.0, abs=0.3)


def test_a_sequence_decodes_to_its_keys():
    assert dtmf.decode(tones.dtmf_sequence("0123456789*#ABCD", on_s=0.045, off_s=0.045)) == \
        "0123456789*#ABCD"


def test_ringback_is_two_seconds_on_four_off_and_not_dtmf():
    x = tones.ringback(12.0)
    on = np.abs(x.reshape(-1, 800)).max(axis=1) > 0
    assert on[:20].all() and not on[20:60].any() and on[60:80].all()
    assert dtmf.decode(x) == ""


def test_white_noise_has_the_asked_power():
    n = tones.white_noise(80000, -20.0, np.random.default_rng(0))
    assert codecs.level_dbm0(n) == pytest.approx(-20.0, abs=0.1)
