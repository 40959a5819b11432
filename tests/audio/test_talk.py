"""Talk-off (D14: speech and music must not make digits) and talk-down (D15: keys pressed over a
prompt's echo must still be heard), on the Debian corpus, ours against spandsp.

A few minutes of material keep this quick; ``bench/dtmf_bench.py`` runs the whole 9-hour corpus.
"""
from __future__ import annotations

import numpy as np
import pytest

from appliance.audio import dtmf, tones
from tests.audio import corpus, dcases
from tests.audio.peers import spandsp_decode

SOURCES = {
    "prompts": lambda: corpus.prompts(limit_s=120.0),
    "music": lambda: corpus.music(limit_s=60.0),
    "speech": lambda: corpus.speech(limit_s=60.0),
    "espeak": lambda: corpus.synthetic(languages=("en-us", "de", "cmn"), voices=("", "+f3")),
}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_d14_no_false_digits_and_no_more_than_spandsp(source, record_property):
    x = SOURCES[source]()
    ours, theirs = dtmf.decode(x), spandsp_decode(x)
    record_property("spandsp_false_digits", theirs)
    assert ours == "" and len(ours) <= len(theirs)


def test_d14_a_pitch_shifted_prompt_variant_makes_no_digits():
    x = corpus.sox_variant(corpus.prompts(limit_s=60.0), ["pitch", "400"])
    assert dtmf.decode(x) == ""


def _talkdown(background: np.ndarray, speech_dbm0: float) -> tuple[int, int, int]:
    keys = tones.KEYS * 8
    x = dcases.bursts(keys, 0.05, 0.1, np.random.default_rng(5), -20.0)
    mix = x + background[:len(x)] * 10.0 ** ((speech_dbm0 - corpus.LEVEL_DBM0) / 20.0)
    y = tones.to_int16(mix)
    return dcases.matched(dtmf.decode(y), keys), dcases.matched(spandsp_decode(y), keys), len(keys)


@pytest.mark.parametrize("source", ["prompts", "music"])
def test_d15_keys_over_an_echo_10_db_below_each_tone_are_heard(source):
    background = SOURCES[source]().astype(float)
    ours, theirs, n = _talkdown(background, -30.0)
    assert ours >= 0.95 * n and ours >= theirs


@pytest.mark.parametrize("source", ["prompts", "music"])
def test_d15_with_a_louder_echo_ours_still_hears_more_than_spandsp(source, record_property):
    background = SOURCES[source]().astype(float)
    ours, theirs, n = _talkdown(background, -25.0)
    record_property("ours_spandsp_sent", (ours, theirs, n))
    assert ours >= theirs and ours >= 0.7 * n
