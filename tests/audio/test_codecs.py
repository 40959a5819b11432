"""G.711, PCM widths, the resampler, levels and WAV files in and out (appliance/audio/codecs.py)."""
from __future__ import annotations

import struct
import wave

import numpy as np
import pytest

from appliance.audio import codecs, tones
from appliance.errors import AudioError

EVERY = np.arange(-32768, 32768).astype(np.int16)


def test_ulaw_known_values():
    assert codecs.ulaw_encode([0, -1, 1000, -1000, 32767, -32768]).tolist() == \
        [0xFF, 0x7E, 0xCE, 0x4E, 0x80, 0x00]
    assert codecs.ulaw_decode(bytes([0x00, 0x80, 0xFF, 0x7F, 0xCE])).tolist() == \
        [-32124, 32124, 0, 0, 988]


def test_alaw_known_values():
    assert codecs.alaw_encode([0, -1, 1000, -1000, 32767, -32768]).tolist() == \
        [0xD5, 0x55, 0xFA, 0x7A, 0xAA, 0x2A]
    assert codecs.alaw_decode(bytes([0xD5, 0x55, 0xAA, 0x2A, 0xFA])).tolist() == \
        [8, -8, 32256, -32256, 1008]


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_every_code_survives_decode_then_encode(law):
    enc, dec = getattr(codecs, f"{law}_encode"), getattr(codecs, f"{law}_decode")
    codes = np.arange(256, dtype=np.uint8)
    back = enc(dec(codes))
    same = back == codes
    # μ-law has two codes for zero (0x7F and 0xFF); encoding 0 gives 0xFF.
    assert same.all() if law == "alaw" else (~same).nonzero()[0].tolist() == [0x7F]


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_round_trip_error_stays_within_the_logarithmic_step(law):
    enc, dec = getattr(codecs, f"{law}_encode"), getattr(codecs, f"{law}_decode")
    back = dec(enc(EVERY)).astype(np.int32)
    err = np.abs(back - EVERY.astype(np.int32))
    # G.711 keeps about 4.5 % relative precision, and a small absolute step near zero.
    assert (err <= np.maximum(20, 0.045 * np.abs(EVERY.astype(np.int32)))).all()
    assert np.all(np.diff(back) >= 0)          # monotonic


def test_g711_accepts_bytes_and_arrays_alike():
    pcm = tones.dtmf_sequence("12")
    assert np.array_equal(codecs.ulaw_decode(codecs.ulaw_encode(pcm).tobytes()),
                          codecs.ulaw_decode(codecs.ulaw_encode(pcm)))


@pytest.mark.parametrize("width", [1, 2])
def test_linear_widths_round_trip(width):
    pcm = (EVERY[::97] >> 8 << 8) if width == 1 else EVERY[::97]
    assert np.array_equal(codecs.linear_to_int16(codecs.int16_to_linear(pcm, width), width), pcm)


def test_24_and_32_bit_keep_the_top_16_bits():
    assert codecs.linear_to_int16(b"\x11\x34\x12", 3).tolist() == [0x1234]
    assert codecs.linear_to_int16(struct.pack("<i", -0x12345678), 4).tolist() == [-0x1235]


def _tone_gain_db(freq: float, rate_in: int, rate_out: int = 8000) -> float:
    x = tones.to_int16(tones.sine(freq, rate_in * 2, -6.0, rate_in))
    y = codecs.resample(x, rate_in, rate_out).astype(float)[rate_out // 4:-rate_out // 4]
    ref = tones.amplitude(-6.0) / np.sqrt(2.0)
    return 20.0 * np.log10(max(np.sqrt(np.mean(y * y)), 1e-3) / ref)


@pytest.mark.parametrize("freq", [300.0, 1000.0, 2000.0, 3000.0, 3400.0])
def test_resampling_16k_to_8k_passes_the_telephone_band_within_half_a_db(freq):
    assert abs(_tone_gain_db(freq, 16000)) < 0.5


@pytest.mark.parametrize("freq", [4200.0, 5000.0, 6000.0, 7500.0])
def test_resampling_16k_to_8k_stops_above_4k_by_40_db(freq):
    assert _tone_gain_db(freq, 16000) < -40.0


@pytest.mark.parametrize("rate", [11025, 22050, 44100, 48000])
def test_resampling_other_rates_keeps_dtmf_decodable_and_stops_aliases(rate):
    assert abs(_tone_gain_db(1209.0, rate)) < 0.5
    assert _tone_gain_db(4500.0, rate) < -40.0


def test_resampling_up_to_16k_keeps_the_length_and_level():
    x = tones.to_int16(tones.sine(1000.0, 8000, -10.0))
    y = codecs.resample(x, 8000, 16000)
    assert len(y) == 16000 and abs(codecs.level_dbm0(y[4000:-4000]) + 10.0) < 0.1


def test_level_and_normalise():
    x = tones.to_int16(tones.sine(1000.0, 8000, -20.0))
    assert codecs.level_dbm0(x) == pytest.approx(-20.0, abs=0.05)
    assert codecs.level_dbm0(codecs.normalise(x, -15.0)) == pytest.approx(-15.0, abs=0.05)
    loud = codecs.normalise(x, 6.0, peak_dbfs=-1.0)
    assert np.abs(loud).max() <= 32767 * 10 ** (-1 / 20) + 1
    assert codecs.level_dbm0(np.zeros(10)) == -np.inf
    assert np.array_equal(codecs.normalise(np.zeros(10, dtype=np.int16)), np.zeros(10))


def _write(path, rate, width, channels, frames: bytes):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(frames)


def _riff(path, tag: int, bits: int, data: bytes, rate: int = 8000, channels: int = 1):
    block = max(1, channels * bits // 8)
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits) + b"\x00\x00"
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + \
        b"fact" + struct.pack("<I", 4) + struct.pack("<I", len(data) // block) + \
        b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def test_read_wav_16_bit_8k_mono_is_returned_as_is(tmp_path):
    pcm = tones.dtmf_sequence("42")
    codecs.write_wav(tmp_path / "a.wav", pcm)
    assert np.array_equal(codecs.read_wav(tmp_path / "a.wav"), pcm)


def test_read_wav_converts_rate_width_and_channels(tmp_path):
    x = tones.to_int16(tones.sine(1000.0, 16000, -10.0, 16000))
    stereo = np.repeat(x, 2).astype("<i2").tobytes()
    _write(tmp_path / "s.wav", 16000, 2, 2, stereo)
    y = codecs.read_wav(tmp_path / "s.wav")
    assert len(y) == 8000 and abs(codecs.level_dbm0(y[1000:-1000]) + 10.0) < 0.1
    _write(tmp_path / "u8.wav", 8000, 1, 1, codecs.int16_to_linear(x[:8000], 1))
    assert abs(codecs.level_dbm0(codecs.read_wav(tmp_path / "u8.wav")) + 10.0) < 0.3


@pytest.mark.parametrize("tag,encode", [(7, codecs.ulaw_encode), (6, codecs.alaw_encode)])
def test_read_wav_parses_g711_files_by_hand(tmp_path, tag, encode):
    pcm = tones.dtmf_sequence("7#")
    _riff(tmp_path / "g.wav", tag, 8, encode(pcm).tobytes())
    y = codecs.read_wav(tmp_path / "g.wav")
    assert len(y) == len(pcm) and np.abs(y.astype(int) - pcm).max() < 600


def test_read_wav_parses_float_files(tmp_path):
    x = np.array([0.0, 0.5, -0.5, 1.5], dtype="<f4")
    _riff(tmp_path / "f.wav", 3, 32, x.tobytes())
    assert codecs.read_wav(tmp_path / "f.wav").tolist() == [0, 16384, -16384, 32767]


def test_not_a_wav_file_is_a_clear_error(tmp_path):
    (tmp_path / "x.wav").write_text("hello, this is not audio")
    with pytest.raises(AudioError, match="not a WAV file"):
        codecs.read_wav(tmp_path / "x.wav")
    with pytest.raises(AudioError, match="cannot read"):
        codecs.read_wav(tmp_path / "missing.wav")


def test_unsupported_encoding_is_named(tmp_path):
    _riff(tmp_path / "adpcm.wav", 2, 4, bytes(100))
    with pytest.raises(AudioError, match="format tag 2"):
        codecs.read_wav(tmp_path / "adpcm.wav")


def test_the_header_reader_gives_format_and_length_without_decoding(tmp_path):
    _write(tmp_path / "s.wav", 16000, 2, 2, bytes(4 * 8000))
    info = codecs.wav_info(tmp_path / "s.wav")
    assert info == codecs.WavInfo(rate=16000, channels=2, width=2, frames=8000)
    assert info.seconds == 0.5
    assert codecs.wav_info((tmp_path / "s.wav").read_bytes()) == info       # an upload's bytes


def test_the_stored_samples_are_returned_as_they_are_in_whole_frames(tmp_path):
    data = struct.pack("<6h", 1, -1, 2, -2, 3, -3)
    _write(tmp_path / "s.wav", 8000, 2, 2, data)
    assert codecs.read_pcm(tmp_path / "s.wav") == (codecs.WavInfo(8000, 2, 2, 3), data)
    cut = (tmp_path / "s.wav").read_bytes()[:-3]                # cut in the middle of a frame
    assert codecs.read_pcm(cut)[1] == data[:8]


def test_what_the_header_readers_refuse_is_one_clear_error(tmp_path):
    (tmp_path / "x.wav").write_text("hello, this is not audio")
    with pytest.raises(AudioError, match="x.wav is not a PCM WAV file"):
        codecs.wav_info(tmp_path / "x.wav")
    _riff(tmp_path / "f.wav", 3, 32, bytes(16))
    with pytest.raises(AudioError, match="not a PCM WAV file"):
        codecs.read_pcm(tmp_path / "f.wav")
    huge_fmt = bytearray(codecs.wav_bytes([0] * 10))
    struct.pack_into("<I", huge_fmt, 16, 0xFFFFFFF0)
    with pytest.raises(codecs.WavDamaged, match="damaged WAV header"):
        codecs.wav_info(bytes(huge_fmt))
    with pytest.raises(OSError):
        codecs.wav_info(tmp_path / "missing.wav")


def test_written_files_are_what_the_standard_library_writes(tmp_path):
    pcm = tones.dtmf_sequence("1")
    codecs.write_wav(tmp_path / "a.wav", pcm, 16000)
    _write(tmp_path / "b.wav", 16000, 2, 1, pcm.astype("<i2").tobytes())
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    assert codecs.wav_bytes([]) == codecs.wav_bytes(np.zeros(0, dtype=np.int16))
    assert codecs.wav_info(codecs.wav_bytes([])).frames == 0


def test_the_streaming_writer_brings_the_header_up_to_date_once_a_second(tmp_path):
    out = codecs.WavWriter(tmp_path / "live.wav", channels=2, refresh_s=1.0)
    for _ in range(75):
        out.write(bytes(640))                               # 20 ms of stereo
    with wave.open(str(tmp_path / "live.wav")) as w:        # as after a power cut
        assert (w.getnchannels(), w.getframerate(), w.getnframes()) == (2, 8000, 8000)
    out.close()
    out.close()
    assert codecs.wav_info(tmp_path / "live.wav").frames == 12000
