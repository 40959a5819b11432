"""``ivr-appliance dtmf decode FILE.wav`` through the real command (contracts.md)."""
from __future__ import annotations

import subprocess
import wave
import sys
from pathlib import Path

import numpy as np

from appliance.audio import codecs, tones
from tests.audio.dcases import bursts

COMMAND = Path(sys.executable).with_name("ivr-appliance")


def _decode(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(COMMAND), "dtmf", "decode", *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def test_prints_the_keys_as_one_line(tmp_path):
    codecs.write_wav(tmp_path / "keys.wav", tones.dtmf_sequence("4711#", level_dbm0=-20.0))
    out = _decode(tmp_path / "keys.wav")
    assert (out.returncode, out.stdout, out.stderr) == (0, "4711#\n", "")


def test_prints_an_empty_line_when_there_are_no_keys(tmp_path):
    codecs.write_wav(tmp_path / "quiet.wav", np.zeros(8000, dtype=np.int16))
    out = _decode(tmp_path / "quiet.wav")
    assert (out.returncode, out.stdout) == (0, "\n")


def test_events_add_one_line_per_key_with_time_length_and_level(tmp_path):
    x = bursts("91", 0.08, 0.1, np.random.default_rng(1), -18.0, lead_s=0.5)
    codecs.write_wav(tmp_path / "ev.wav", tones.to_int16(x))
    lines = _decode(tmp_path / "ev.wav", "--events").stdout.splitlines()
    assert lines[0] == "91" and len(lines) == 3
    key, _, at, _, _, length, _, _, level, _ = lines[1].split()
    assert key == "9" and abs(float(at) - 0.5) <= 0.005
    assert abs(float(length) - 80) <= 5 and abs(float(level) + 18.0) <= 1.0


def test_converts_a_44k_stereo_file(tmp_path):
    rng = np.random.default_rng(3)
    x = np.concatenate([np.concatenate((np.zeros(4410), tones.dtmf_burst(k, 0.06, -12.0, 44100,
                                                                          rng=rng)))
                        for k in "2580"] + [np.zeros(4410)])
    pcm = tones.to_int16(x)
    with wave.open(str(tmp_path / "cd.wav"), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(np.repeat(pcm, 2).astype("<i2").tobytes())
    assert _decode(tmp_path / "cd.wav").stdout == "2580\n"


def test_sox_generated_pcm_and_ulaw_files(tmp_path):
    parts = []
    for key in "159":
        row, col = tones.key_frequencies(key)
        part = tmp_path / f"{key}.wav"
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(part), "synth", "0.1",
                        "sine", str(row), "sine", str(col), "channels", "1", "gain", "-n", "-6",
                        "pad", "0", "0.1"], check=True, capture_output=True)
        parts.append(str(part))
    subprocess.run(["sox", *parts, str(tmp_path / "seq.wav")], check=True)
    subprocess.run(["sox", str(tmp_path / "seq.wav"), "-e", "u-law", str(tmp_path / "seq_u.wav")],
                   check=True)
    assert _decode(tmp_path / "seq.wav").stdout == "159\n"
    assert _decode(tmp_path / "seq_u.wav").stdout == "159\n"


def test_bad_input_is_one_line_of_error_and_exit_1(tmp_path):
    (tmp_path / "notes.wav").write_text("not audio")
    for path in (tmp_path / "notes.wav", tmp_path / "missing.wav"):
        out = _decode(path)
        assert out.returncode == 1 and out.stdout == ""
        assert out.stderr.startswith("ivr-appliance dtmf: error: ") and out.stderr.count("\n") == 1
