"""Clock drift between a modem (8000 Hz) and a bridge sound card (8000.5 Hz, 62 ppm: two ordinary
crystals at their worst), a simulated quarter of an hour bridged (an hour in the long mode,
``IVR_LONG=1``): the delay stays within its bound, no frame is lost or repeated, and the tones
come out clean (a slip is one sample, never a click)."""
import numpy as np
import pytest

from appliance.audio.elastic import ElasticBuffer
from tests.bridge import drift
from tests.long_mode import LONG

RUN_S = 3600.0 if LONG else 900.0
SLIPS = 0.5 * RUN_S             # 0.5 Hz of drift moves this many samples each way


@pytest.fixture(scope="module")
def hour():
    return drift.run(RUN_S, modem_hz=8000.0, card_hz=8000.5)


def purity(samples: np.ndarray, hz: float, frame: int = 160) -> float:
    """The worst 20 ms frame's share of energy at ``hz`` (1.0 = a clean tone, a click drops it)."""
    worst = 1.0
    t = np.arange(frame) / 8000.0
    basis = np.stack((np.sin(2 * np.pi * hz * t), np.cos(2 * np.pi * hz * t)))
    for start in range(0, len(samples) - frame, frame):
        x = samples[start:start + frame].astype(float)
        energy = float(np.dot(x, x))
        at_tone = float(np.sum((basis @ x) ** 2)) * 2 / frame
        worst = min(worst, at_tone / energy if energy else 0.0)
    return worst


def test_no_frame_is_lost_or_repeated_over_the_run(hour):
    for side in ("down", "up"):
        assert hour[side]["underruns"] == 0, hour[side]
        assert hour[side]["overflows"] == 0, hour[side]


def test_drift_is_absorbed_by_single_sample_slips(hour):
    # 0.5 Hz of drift for an hour is 1800 samples each way; each slip moves one, and what the
    # slips have not moved is in the buffer's fill (its settling, within 25 ms of the start).
    for side in ("down", "up"):
        assert abs(hour[side]["slips"] - SLIPS) <= 200, hour[side]


def test_the_delay_does_not_grow(hour):
    for side in ("down", "up"):
        fills = np.array(hour["fills"][side])
        tenth = len(fills) // 10                                     # a minute and a half
        first, last = fills[:tenth].mean(), fills[-tenth:].mean()
        assert abs(last - first) < 80, (side, first, last)          # within 10 ms
        assert fills.max() <= 320, (side, fills.max())               # never more than 40 ms


def test_both_tones_come_through_clean_at_the_end_of_the_run(hour):
    assert purity(hour["card_heard"], 1000.0) > 0.98
    assert purity(hour["modem_heard"], 700.0) > 0.98


def test_an_underrun_is_counted_and_refills_before_playing_again():
    buffer = ElasticBuffer(take=80, put=160)
    buffer.put(np.full(400, 1000, dtype=np.int16))
    taken = [np.frombuffer(buffer.take(), dtype="<i2") for _ in range(6)]
    assert buffer.underruns == 1
    assert taken[5].max() == 0                   # silence until it is back at its start level
    buffer.put(np.full(160, 1000, dtype=np.int16))
    assert np.frombuffer(buffer.take(), dtype="<i2").max() == 0


def test_a_flood_is_cut_back_to_the_start_level_and_counted():
    buffer = ElasticBuffer(take=160, put=160)
    for _ in range(20):
        buffer.put(np.ones(160, dtype=np.int16))
    assert buffer.overflows >= 1
    assert buffer.fill <= buffer.limit
