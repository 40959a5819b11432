"""The DTMF receiver's shortcuts change its speed, never its verdicts.

``DtmfReceiver`` skips the matrix products on quiet frames, skips the per-block tests on blocks
below its gate, and screens blocks on their raw powers before measuring phase, all in float32
with each block in its own time. Here a plain float64 reference (every block of the signal in
absolute time, every test in the order the method describes, no shortcut) must give the same
events on the test specification's signals and on speech and music.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from appliance.audio import dtmf, tones
from tests.audio import corpus, dcases
from tests.long_mode import long


def _reference_events(samples: np.ndarray, params: dtmf.DtmfParams | None = None) -> list:
    """What ``dtmf.decode_events`` must return, computed the slow and obvious way."""
    params = params or dtmf.DtmfParams()
    bank = dtmf._bank(8000, params)                 # for its sizes and its debounce only
    n, hop, frame, rate = bank.n, bank.hop, bank.frame, 8000
    pad = frame * (2 + params.misses_to_end // bank.blocks) - len(samples) % frame
    x = np.concatenate((np.zeros(n), np.asarray(samples, dtype=np.float64), np.zeros(pad)))
    blocks = sliding_window_view(x, n)[::hop]      # block m starts at sample m hop - n
    t = np.arange(len(blocks))[:, None] * hop + np.arange(n)[None, :]
    dft = np.empty((len(blocks), 8), dtype=complex)
    for k, f in enumerate(dtmf.FREQS):
        basis = np.exp(-2j * np.pi * f * t / rate)
        dft[:, k] = np.sum((blocks - blocks.mean(axis=1, keepdims=True)) * basis, axis=1)
    low = np.fft.rfft(blocks, axis=1)[:, :bank.low_bins + 1]
    left_out = (np.abs(low[:, 0]) ** 2 + 2.0 * np.sum(np.abs(low[:, 1:]) ** 2, axis=1)) / n
    share = 10.0 ** (params.fraction_db / 10.0) * n / 2.0
    energy = share * (np.sum(blocks ** 2, axis=1) - left_out)
    amp = 32767.0 * 10.0 ** ((params.threshold_dbm0 - tones.FULL_SCALE_DBM0) / 20.0)
    threshold = (n * amp / 2.0) ** 2
    state, events = dtmf._Debounce(bank), []
    for m in range(1, len(blocks)):
        hit, level = _reference_block(dft[m - 1], dft[m], energy[m], threshold, params, n, hop)
        events += state.block(hit, level, m * hop - n)
    return events + state.release()


def _reference_block(prev, cur, energy, threshold, params, n, hop) -> tuple[int, float]:
    p = np.abs(cur) ** 2
    r, c = int(np.argmax(p[:4])), 4 + int(np.argmax(p[4:]))
    measured = []
    for k in (r, c):
        df = np.angle(cur[k] * np.conj(prev[k])) * 8000 / (2.0 * math.pi * hop)
        if abs(df) > params.tolerance * dtmf.FREQS[k]:
            return -1, 0.0
        x = math.pi * df / 8000
        loss = 1.0 if abs(x) < 1e-12 else (math.sin(x * n) / (n * math.sin(x))) ** 2
        measured.append((p[k] / loss, dtmf.FREQS[k] + df))
    (pr, fr), (pc, fc) = measured
    if min(pr, pc) < threshold or abs(fc - 2.0 * fr) < params.octave_guard * fc:
        return -1, 0.0
    normal, reverse = 10.0 ** (-params.normal_twist_db / 10), 10.0 ** (params.reverse_twist_db / 10)
    if not normal * pr <= pc <= reverse * pr:
        return -1, 0.0
    others = np.delete(p, [r, c])
    peak = 10.0 ** (params.peak_ratio_db / 10.0)
    if np.any(others[:3] * peak > p[r]) or np.any(others[3:] * peak > p[c]) or pr + pc < energy:
        return -1, 0.0
    return r * 4 + c - 4, min(pr, pc)


def _same(ours: list, reference: list) -> bool:
    """Same keys, directions and samples; levels within the 0.1 dB they are rounded to."""
    return len(ours) == len(reference) and all(
        (a.key, a.down, a.sample) == (b.key, b.down, b.sample)
        and abs(a.level_dbm0 - b.level_dbm0) <= 0.11 for a, b in zip(ours, reference))


@pytest.mark.parametrize("case", ["D1", long("D2"), "D3", "D5", "D6", "D7", long("D8"), "D9", "D10",
                                  "D11", long("D12"), "D13", "D19"])
def test_events_equal_the_float64_reference_on_the_specification_signals(case):
    """(D2, D8 and D12, the longest, in the long mode: the gate test below runs D8 and D12.)"""
    for cond in dcases.build(case):
        for codec in ("linear", "ulaw"):
            x = dcases.through(codec, cond.samples)
            assert _same(dtmf.decode_events(x), _reference_events(x)), f"{cond.label} ({codec})"


@pytest.mark.parametrize("source", [long("prompts"), long("music"), long("speech")])
def test_events_equal_the_float64_reference_on_speech_and_music_with_keys(source):
    """Two minutes of each source at several levels, keys mixed in, and quiet stretches (the
    frames that skip the products) around the quiet level's edge. (The long mode: by default
    the specification signals above meet the reference, and the gate test below runs all three
    sources.)"""
    for gain_db, y in _with_keys(source, seed=12, every_s=7):
        assert _same(dtmf.decode_events(y), _reference_events(y)), f"{source} at {gain_db} dB"


def _with_keys(source: str, seed: int, every_s: int):
    """Two minutes of a corpus source at 0, -20 and -38 dB, with a -30 dBm0 key every
    ``every_s`` seconds: ``(gain_db, int16 samples)``."""
    rng = np.random.default_rng(seed)
    x = getattr(corpus, source)(limit_s=120.0).astype(np.float64)
    keys = np.zeros_like(x)
    for at in range(4000, len(x) - 4000, 8000 * every_s):
        burst = tones.dtmf_burst(str(rng.choice(list(tones.KEYS))), 0.06, -30.0, rng=rng)
        keys[at:at + len(burst)] += burst
    for gain_db in (0.0, -20.0, -38.0):
        yield gain_db, tones.to_int16(x * 10 ** (gain_db / 20) + keys)


def test_the_quiet_level_is_below_the_weakest_key_the_receiver_accepts():
    """A quiet frame skips the products; a key at the threshold must never look quiet."""
    bank = dtmf._bank(8000, dtmf.DtmfParams())
    tone = tones.to_int16(tones.dtmf_burst("1", 0.05, bank.params.threshold_dbm0))
    tail = tone[:bank.ext - bank.hop].astype(np.float64)
    assert tail @ tail > 10 * bank.skip_below


class _Ungated(dtmf.DtmfReceiver):
    """The receiver with no shortcut before the per-block tests: no quiet test, no gate."""

    def _frame(self, x):
        self._arrays[0][:] = x
        self._frames += 1
        (_, _, _, blocks, windows, dft, basis, y, square, buf, squares, _, _, _,
         _) = self._four
        blocks[...] = windows
        dft(basis, y)
        square(buf, squares)
        passed = [1.0] * 4 + [math.inf] * 8 + [0.0]     # every block past the gate
        events = self._blocks(passed, (self._frames - 1) * self._bank.frame - self._bank.n)
        self._kept[:] = self._last
        return events


def _ungated_events(samples: np.ndarray) -> list:
    rx = _Ungated()
    return rx.feed(samples) + rx.flush()


@pytest.mark.parametrize("source", ["prompts", "music", "speech"])
def test_the_gate_and_quiet_test_drop_no_event_on_speech_and_music_with_keys(source):
    """The gate (tone share, row group and column group per block) and the quiet test skip only
    blocks the full tests reject: the events, levels included, are exactly those of the
    receiver without them, on the corpus at three levels with keys mixed in."""
    for gain_db, y in _with_keys(source, seed=13, every_s=5):
        assert dtmf.decode_events(y) == _ungated_events(y), f"{source} at {gain_db} dB"


@pytest.mark.parametrize("case", ["D1", "D3", "D5", "D6", "D8", "D12", "D13"])
def test_the_gate_and_quiet_test_drop_no_event_on_the_specification_signals(case):
    for cond in dcases.build(case):
        assert dtmf.decode_events(cond.samples) == _ungated_events(cond.samples), cond.label


def test_the_idle_shortcut_drops_no_event_on_bursts_at_every_length_and_offset():
    """An idle frame is transformed whole only if its last block passes the gate. Bursts of 15
    to 55 ms (around the 23 ms refused and 40 ms accepted), starting at every offset within a
    frame, some close behind the one before and some over speech, near the threshold and
    loud: the events must be those of the receiver without shortcuts."""
    rng = np.random.default_rng(14)
    speech = corpus.speech(limit_s=30.0).astype(np.float64) * 10 ** (-25 / 20)
    x = np.zeros(len(speech))
    at = 800
    while at < len(x) - 1000:
        ms = int(rng.integers(15, 56))
        level = float(rng.choice([-36.0, -30.0, -12.0]))
        burst = tones.dtmf_burst(str(rng.choice(list(tones.KEYS))), ms / 1000, level, rng=rng)
        x[at:at + len(burst)] += burst
        at += len(burst) + int(rng.integers(8, 400)) + int(rng.integers(0, 160))
    for y in (tones.to_int16(x), tones.to_int16(x + speech)):
        events = dtmf.decode_events(y)
        assert sum(e.down for e in events) > 50
        assert events == _ungated_events(y)
