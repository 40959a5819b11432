"""The prompt library: owner uploads first, the default language when a language lacks a prompt,
``unavailable`` when no language has it; each gap logged once, never silence, never an error."""
from __future__ import annotations

import logging
import shutil
import wave
from pathlib import Path

import pytest

from appliance.audio import codecs
from appliance.audio.prompts import PromptLibrary, default_voice_dir, known_keys, owner_keys

VOICES = default_voice_dir()


def upload(data_dir: Path, language: str, key: str, source: Path | None = None) -> Path:
    """Put a WAV where the web page stores an owner's prompt."""
    target = data_dir / "prompts" / language / f"{key}.wav"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source or VOICES / "en" / "goodbye.wav", target)
    return target


def test_default_prompts_are_found_per_language():
    library = PromptLibrary()
    assert library.path("greeting", "ru") == VOICES / "ru" / "greeting.wav"
    assert library.path("music_hold", "it") == VOICES / "common" / "music_hold.wav"


def test_an_owner_upload_replaces_the_default_in_its_language_only(tmp_path):
    mine = upload(tmp_path, "it", "greeting")
    library = PromptLibrary(data_dir=tmp_path)
    assert library.path("greeting", "it") == mine
    assert library.path("greeting", "en") == VOICES / "en" / "greeting.wav"


def test_a_prompt_missing_in_a_language_plays_in_the_default_language_and_is_logged_once(
        tmp_path, caplog):
    mine = upload(tmp_path, "ru", "opening_times")
    library = PromptLibrary(data_dir=tmp_path, default_language="ru")
    with caplog.at_level(logging.WARNING, logger="appliance.audio.prompts"):
        assert library.path("opening_times", "it") == mine
        assert library.path("opening_times", "it") == mine
    assert [r.getMessage() for r in caplog.records] == [
        "prompt 'opening_times' is missing in language 'it': playing the ru one"]
    assert library.gaps == {("opening_times", "it")}


def test_the_default_language_comes_before_other_languages(tmp_path):
    upload(tmp_path, "en", "promo")
    italian = upload(tmp_path, "it", "promo")
    library = PromptLibrary(data_dir=tmp_path, default_language="it")
    assert library.path("promo", "ru") == italian


def test_a_prompt_missing_everywhere_plays_unavailable(caplog):
    library = PromptLibrary()
    with caplog.at_level(logging.WARNING, logger="appliance.audio.prompts"):
        assert library.path("deleted_message", "it") == VOICES / "it" / "unavailable.wav"
    assert "playing 'unavailable' instead" in caplog.text


def test_a_whole_play_becomes_files_in_order():
    library = PromptLibrary()
    files = library.paths([("prompt", "callback_confirm"), ("phone", "+7 916"),
                           ("prompt", "callback_confirm_keys")], "ru")
    assert [f"{p.parent.name}/{p.stem}" for p in files] == [
        "ru/callback_confirm", "ru/plus", "ru/num_7", "common/pause", "ru/num_9", "ru/num_1",
        "ru/num_6", "ru/callback_confirm_keys"]


def test_durations_come_from_the_manifest_or_the_uploaded_file(tmp_path):
    upload(tmp_path, "en", "greeting", VOICES / "en" / "goodbye.wav")
    shipped, owned = PromptLibrary(), PromptLibrary(data_dir=tmp_path)
    assert shipped.duration("greeting", "en") > 1.0
    expected = shipped.duration("goodbye", "en")
    assert owned.duration("greeting", "en") == pytest.approx(expected, abs=0.001)


def test_known_keys_add_the_owner_uploads_in_any_language(tmp_path):
    upload(tmp_path, "it", "promo_estate")
    assert owner_keys(tmp_path) == {"it": {"promo_estate"}}
    assert known_keys(tmp_path) == known_keys() | {"promo_estate"}
    assert owner_keys(tmp_path / "nothing_here") == {}


def test_a_language_without_prompts_or_grammar_is_spoken_in_the_default_language(caplog):
    library = PromptLibrary(default_language="it")
    with caplog.at_level(logging.WARNING, logger="appliance.audio.prompts"):
        files = library.paths([("prompt", "queue_wait"), ("wait", 60)], "de")
    assert files == [VOICES / "it" / "queue_wait.wav", VOICES / "it" / "about.wav",
                     VOICES / "it" / "minute_one.wav"]
    assert len(caplog.records) == 3


def test_a_play_becomes_one_stretch_of_phone_pcm():
    library = PromptLibrary()
    items = [("prompt", "queue_wait"), ("wait", 120)]
    pcm = library.pcm(items, "en")
    parts = [codecs.read_pcm(path)[1] for path in library.paths(items, "en")]
    assert pcm == b"".join(parts) and len(pcm) > 2 * 8000


def test_a_damaged_upload_plays_unavailable_and_is_logged(tmp_path, caplog):
    broken = upload(tmp_path, "en", "greeting")
    broken.write_bytes(b"RIFF....WAVEjunk")
    library = PromptLibrary(data_dir=tmp_path)
    with caplog.at_level(logging.ERROR, logger="appliance.audio.prompts"):
        pcm = library.pcm([("prompt", "greeting")], "en")
    assert pcm == codecs.read_pcm(VOICES / "en" / "unavailable.wav")[1]
    assert "cannot be played" in caplog.text


def test_an_upload_in_the_wrong_format_is_not_played(tmp_path):
    wrong = upload(tmp_path, "en", "greeting")
    with wave.open(str(wrong), "wb") as wav:
        wav.setparams((1, 2, 16000, 0, "NONE", "not compressed"))
        wav.writeframes(b"\x00\x10" * 1600)
    pcm = PromptLibrary(data_dir=tmp_path).pcm([("prompt", "greeting")], "en")
    assert pcm == codecs.read_pcm(VOICES / "en" / "unavailable.wav")[1]
