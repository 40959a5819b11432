"""A damaged WAV (cut mid-sample, an absurd rate, a chunk size past the end) is one clear error
from the reader and from `ivr-appliance dtmf decode`, never a traceback or a huge allocation."""
from __future__ import annotations

import io
import struct
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from appliance.audio import codecs
from appliance.errors import AudioError

ROOT = Path(__file__).resolve().parents[2]


def wav(rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x01\x00" * 800)
    return buffer.getvalue()


def patched(offset: int, value: int) -> bytes:
    data = bytearray(wav())
    struct.pack_into("<I", data, offset, value)
    return bytes(data)


def test_a_file_cut_in_the_middle_of_a_sample_loses_only_that_half(tmp_path):
    path = tmp_path / "cut.wav"
    path.write_bytes(wav()[:-1])
    assert len(codecs.read_wav(path)) == 799


@pytest.mark.parametrize("name,data,says", [
    ("rate", patched(24, 4_000_000_000), "4000000000 Hz, not a rate a recording has"),
    ("slow", patched(24, 1), "1 Hz, not a rate a recording has"),
    ("fmt", patched(16, 0xFFFFFFF0), "without fmt or data chunk"),
    ("text", b"hello, not a wave", "is not a WAV file")])
def test_a_damaged_header_is_one_clear_error(tmp_path, name, data, says):
    path = tmp_path / f"{name}.wav"
    path.write_bytes(data)
    with pytest.raises(AudioError, match=says):
        codecs.read_wav(path)
    out = subprocess.run([sys.executable, "-m", "appliance", "dtmf", "decode", str(path)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 1 and "Traceback" not in out.stderr and says in out.stderr


def test_a_data_chunk_that_claims_more_than_the_file_reads_what_is_there(tmp_path):
    path = tmp_path / "long.wav"
    path.write_bytes(patched(40, 0xFFFFFFF0))
    assert len(codecs.read_wav(path)) == 800
