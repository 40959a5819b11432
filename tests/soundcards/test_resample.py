"""A card that will not run at 8 kHz: SoundCard tries 16, 48 and 44.1 kHz and resamples each 20 ms
frame, carrying the filter's state across frames; measured on tones (level, frequency, aliasing,
continuity), against the fake PyAudio module."""
import numpy as np
import pytest

from appliance.audio.soundcard import FRAME_BYTES, SoundCard, _Resampler
from tests.soundcards import device, fake_pyaudio, rms_dbfs, tone

DEVICES = [device(0, "USB Audio Device: - (hw:1,0)")]


def frames(signal: np.ndarray, size: int):
    return [signal[i:i + size] for i in range(0, len(signal) - size + 1, size)]


def run(resampler: _Resampler, signal: np.ndarray, size: int) -> np.ndarray:
    return np.concatenate([resampler(block) for block in frames(signal, size)])


def peak_hz(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * rate / len(x))


@pytest.mark.parametrize("rate", [16000, 48000, 44100])
def test_twenty_ms_in_gives_exactly_twenty_ms_out_every_frame(rate):
    down, up = _Resampler(rate, 8000), _Resampler(8000, rate)
    for block in frames(tone(1000, rate, rate), rate // 50):
        assert len(down(block)) == 160
    for block in frames(tone(1000, 8000, 8000), 160):
        assert len(up(block)) == rate // 50


@pytest.mark.parametrize("rate", [16000, 48000, 44100])
def test_frame_by_frame_is_the_same_signal_as_one_block(rate):
    # the state carried between frames makes the frame edges invisible: no clicks, no phase jumps
    signal = tone(1000, rate, rate) + tone(300, rate, rate, dbfs=-20)
    whole = _Resampler(rate, 8000)(signal[:rate // 50 * 50])
    assert np.abs(run(_Resampler(rate, 8000), signal, rate // 50) - whole).max() <= 1
    narrow = tone(1000, 8000, 8000)
    whole_up = _Resampler(8000, rate)(narrow)
    assert np.abs(run(_Resampler(8000, rate), narrow, 160) - whole_up).max() <= 1


@pytest.mark.parametrize("rate", [16000, 48000, 44100])
@pytest.mark.parametrize("hz", [300.0, 1000.0, 3000.0])
def test_a_tone_in_the_telephone_band_keeps_its_level_and_pitch_both_ways(rate, hz):
    down = run(_Resampler(rate, 8000), tone(hz, rate, rate), rate // 50)[400:]     # skip the filter's start
    assert abs(rms_dbfs(down) - (-10.0)) < 0.2
    assert abs(peak_hz(down, 8000) - hz) <= 8000 / len(down) * 1.5
    up = run(_Resampler(8000, rate), tone(hz, 8000, 8000), 160)[rate // 20:]
    assert abs(rms_dbfs(up) - (-10.0)) < 0.2
    assert abs(peak_hz(up, rate) - hz) <= rate / len(up) * 1.5


@pytest.mark.parametrize("rate", [16000, 48000, 44100])
def test_decimation_low_passes_first_so_nothing_above_4khz_folds_into_the_band(rate):
    for hz in (4600.0, 5500.0, 7000.0):
        out = run(_Resampler(rate, 8000), tone(hz, rate, rate), rate // 50)[400:]
        assert rms_dbfs(out) < -10.0 - 60, (hz, rms_dbfs(out))      # would alias to 3.4, 2.5, 1 kHz


@pytest.mark.parametrize("rate", [16000, 48000, 44100])
def test_interpolation_leaves_no_images_above_4khz(rate):
    out = run(_Resampler(8000, rate), tone(1000, 8000, 8000), 160)[rate // 20:].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(out * np.hanning(len(out)))) ** 2
    hz = np.fft.rfftfreq(len(out), 1 / rate)
    images = spectrum[hz > 4500].sum() / spectrum.sum()
    assert 10 * np.log10(images) < -60


def test_the_filter_delay_is_a_few_ms():
    for rate in (16000, 48000, 44100):
        assert 0.001 < _Resampler(rate, 8000).delay_s < 0.01
        assert 0.001 < _Resampler(8000, rate).delay_s < 0.01


# -- SoundCard on a card that refuses 8 kHz -----------------------------------------------------------

def test_a_card_that_refuses_8khz_runs_at_the_first_rate_it_takes_and_is_resampled():
    module = fake_pyaudio(DEVICES, rates=(44100, 48000), signal=tone(1000, 48000, 48000))
    card = SoundCard("USB Audio", pyaudio_module=module)
    assert module.checked == [8000, 16000, 48000]            # 8000 first, then the fallbacks in order
    assert (card.rate, card.resampled) == (48000, True)
    assert module.opened[0]["rate"] == 48000 and module.opened[0]["frames_per_buffer"] == 960
    captured = np.frombuffer(b"".join(card.read_frame() for _ in range(50)), dtype="<i2")
    assert len(captured) == 8000 and module.streams[0].read_sizes == [960] * 50
    assert abs(rms_dbfs(captured[400:]) - (-10.0)) < 0.2 and abs(peak_hz(captured[400:], 8000) - 1000) < 10
    for block in frames(tone(1000, 8000, 8000), 160):
        card.write_frame(block.astype("<i2").tobytes())
    written = module.streams[0].written
    assert [len(w) for w in written] == [1920] * 52           # 2 cushion frames, then 50 of ours
    played = np.frombuffer(b"".join(written[2:]), dtype="<i2")
    assert abs(rms_dbfs(played[2400:]) - (-10.0)) < 0.2 and abs(peak_hz(played[2400:], 48000) - 1000) < 10
    latency_in, latency_out = card.latency_s()              # the stream's, plus the filters'
    assert 0.03 < latency_in < 0.04 and 0.05 < latency_out < 0.06
    card.close()


def test_a_card_whose_open_fails_at_8khz_is_tried_at_16khz():
    module = fake_pyaudio(DEVICES, rates=(8000, 16000), open_fails=(8000,))
    card = SoundCard("USB Audio", pyaudio_module=module)
    assert [o["rate"] for o in module.opened] == [8000, 16000]
    assert (card.rate, card.resampled) == (16000, True)
    assert len(card.read_frame()) == FRAME_BYTES
    card.close()
