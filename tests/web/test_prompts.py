"""The prompts page: list with players, uploads checked and converted, defaults restored."""
from __future__ import annotations

import io
import wave

import numpy as np

from appliance.audio.uploads import MAX_BYTES, make_wav, read_info


def stereo_44k(seconds: float = 0.5) -> bytes:
    t = np.arange(int(44100 * seconds)) / 44100
    tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(44100)
        writer.writeframes(np.repeat(tone, 2).tobytes())
    return buffer.getvalue()


def test_every_prompt_is_listed_per_language_with_a_player(owner):
    page = owner.get("/prompts").text
    for lang in ("en", "ru", "it"):
        assert f'id="prompt-{lang}-greeting"' in page
    assert '<audio controls preload="none" src="/prompts/en/greeting.wav">' in page
    assert "Hello, and thank you for calling." in page
    reply = owner.get("/prompts/en/greeting.wav")
    assert reply.status == 200 and reply.body[:4] == b"RIFF"


def test_an_upload_is_converted_to_8_khz_mono_and_replaces_the_default(owner, tmp_path):
    owner.get("/prompts")
    reply = owner.upload("/prompts/en/greeting", "sound", "hello.wav", stereo_44k())
    assert reply.status == 303, reply.text
    saved = tmp_path / "prompts" / "en" / "greeting.wav"
    rate, channels, width, frames = read_info(saved.read_bytes())
    assert (rate, channels, width) == (8000, 1, 2) and abs(frames - 4000) <= 2
    assert owner.get("/prompts/en/greeting.wav").body == saved.read_bytes()
    assert "your recording" in owner.get("/prompts").text


def test_restore_brings_back_the_default(owner, tmp_path):
    owner.get("/prompts")
    owner.upload("/prompts/it/goodbye", "sound", "bye.wav", make_wav([0, 100] * 2000))
    owner.get("/prompts")
    assert owner.post("/prompts/it/goodbye/restore").status == 303
    assert not (tmp_path / "prompts" / "it" / "goodbye.wav").exists()


def test_a_new_prompt_can_be_added_and_used_by_the_menu(owner, tmp_path):
    owner.get("/prompts")
    reply = owner.request("POST", "/prompts/new", *multipart(owner, {"key": "opening_times",
                                                                     "lang": "en"}))
    assert reply.status == 303, reply.text
    assert (tmp_path / "prompts" / "en" / "opening_times.wav").is_file()
    assert 'id="prompt-en-opening_times"' in owner.get("/prompts").text


def multipart(owner, fields: dict) -> tuple[bytes, str]:
    boundary = "xyzzy"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in {**fields, "csrf": owner.csrf}.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="sound"; '
                 f'filename="a.wav"\r\n\r\n'.encode() + make_wav([1, 2, 3] * 1000) + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_file_that_is_not_audio_is_refused_clearly(owner, tmp_path):
    owner.get("/prompts")
    reply = owner.upload("/prompts/en/greeting", "sound", "song.mp3", b"ID3\x03\x00" + b"\x00" * 500)
    assert reply.status == 400 and "not a PCM WAV file" in reply.text
    assert not (tmp_path / "prompts").exists()


def test_a_name_with_a_path_is_refused(owner, tmp_path):
    owner.get("/prompts")
    for name in ("../../etc/passwd.wav", "..\\..\\boot.wav", "sub/dir.wav"):
        reply = owner.upload("/prompts/en/greeting", "sound", name, make_wav([0] * 800))
        assert reply.status == 400 and "without folders" in reply.text, name
    assert owner.get("/prompts/en/..%2F..%2Fauth.wav").status == 404
    assert owner.post("/prompts/xx/greeting").status == 404
    assert not (tmp_path / "prompts").exists()


def test_a_huge_file_is_refused(owner, tmp_path):
    owner.get("/prompts")
    reply = owner.upload("/prompts/en/greeting", "sound", "long.wav", b"\x00" * (MAX_BYTES + 10))
    assert reply.status == 400 and "too large" in reply.text
    assert not (tmp_path / "prompts").exists()


def test_an_empty_or_missing_upload_is_explained(owner):
    owner.get("/prompts")
    assert "holds no sound" in owner.upload("/prompts/en/greeting", "sound", "e.wav",
                                            make_wav([])).text
    assert "Choose a WAV file" in owner.post("/prompts/en/greeting").text
