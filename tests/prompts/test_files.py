"""The shipped prompt files: all there in every language, phone format, trimmed, level, listed."""
from __future__ import annotations

import ast
import statistics
from pathlib import Path

import pytest

from appliance.audio import codecs, level, sentences
from appliance.audio.prompts import ENGINE_KEYS, default_voice_dir, known_keys, load_manifest
from appliance.store import schema

VOICES = default_voice_dir()
LANGUAGES = sentences.languages()
FOLDERS = (*LANGUAGES, "common")
REPO = Path(__file__).resolve().parents[2]
# what the issue asks every language to have, besides the engine's own keys
REQUIRED = {"recording_notice", "voicemail_greeting", "less_than_minute", "unavailable", "plus"}


def manifest(folder: str) -> dict[str, dict]:
    return load_manifest(VOICES / folder)


def sound(path: Path):
    """A prompt's samples (int16), as the appliance reads them."""
    return codecs.read_wav_native(path)[0]


def all_files() -> list[tuple[str, str]]:
    return [(folder, key) for folder in FOLDERS for key in manifest(folder)]


def speech_files() -> list[Path]:
    return [VOICES / lang / f"{key}.wav" for lang in LANGUAGES for key in manifest(lang)]


def engine_prompt_literals() -> set[str]:
    """Every ``("prompt", "literal")`` in the engine's source."""
    found = set()
    for path in (REPO / "appliance" / "engine").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Tuple) and len(node.elts) == 2 and all(
                    isinstance(e, ast.Constant) for e in node.elts) and node.elts[0].value == "prompt":
                found.add(node.elts[1].value)
    return found


def test_every_key_the_engine_names_is_in_the_engine_key_list():
    assert engine_prompt_literals() <= ENGINE_KEYS


def test_every_prompt_of_the_default_settings_is_an_engine_key():
    assert {key for _, key in schema.prompt_refs(schema.defaults())} <= ENGINE_KEYS


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_engine_and_required_prompt_exists_in_every_language(language):
    assert ENGINE_KEYS | REQUIRED <= set(manifest(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_the_grammar_can_say_exists(language):
    grammar = sentences.grammar(language)
    said = {key for n in range(10000) for key in grammar.number(n)}
    said |= {key for m in range(0, 181) for key in grammar.wait(m * 60)}
    said |= set(grammar.phone("+390612345678")) | set(grammar.phone("+79161234567"))
    assert said - set(manifest(language)) - sentences.COMMON_KEYS == set()


def test_the_common_prompts_are_the_ones_the_sentences_use():
    assert set(manifest("common")) == sentences.COMMON_KEYS


@pytest.mark.parametrize("folder,key", all_files())
def test_each_listed_prompt_is_an_8khz_mono_16bit_wav_of_the_listed_length(folder, key):
    entry = manifest(folder)[key]
    info = codecs.wav_info(VOICES / folder / f"{key}.wav")
    assert (info.rate, info.channels, info.width) == (8000, 1, 2)
    assert entry["text"].strip()
    assert info.seconds == pytest.approx(entry["duration_s"], abs=0.002)


def test_no_wav_is_left_out_of_the_manifests():
    listed = {VOICES / folder / f"{key}.wav" for folder, key in all_files()}
    assert set(VOICES.glob("*/*.wav")) == listed


def test_speech_is_not_clipped_and_is_trimmed():
    problems = []
    for path in speech_files():
        samples = sound(path)
        lead, trail = level.edge_silence_s(samples)
        if level.clipped(samples) or lead > 0.05 or trail > 0.05:
            problems.append((path.parent.name, path.stem, level.clipped(samples), lead, trail))
    assert problems == []


def test_speech_is_within_1_db_of_the_set_level():
    levels = {path: level.active_level_dbfs(sound(path)) for path in speech_files()}
    middle = statistics.median(levels.values())
    assert abs(middle - (-20.0)) < 0.5
    assert {f"{p.parent.name}/{p.stem}": round(v, 2) for p, v in levels.items()
            if abs(v - middle) > 1.0} == {}


def test_music_and_beep_sit_below_speech_and_are_not_clipped():
    for key in ("music_hold", "tone_beep"):
        samples = sound(VOICES / "common" / f"{key}.wav")
        assert level.clipped(samples) == 0
        assert -30 < level.active_level_dbfs(samples) < -12


def test_the_whole_set_stays_small():
    assert sum(path.stat().st_size for path in VOICES.glob("*/*.wav")) < 10_000_000


def test_known_keys_are_what_every_language_ships():
    shipped = set.intersection(*(set(manifest(lang)) for lang in LANGUAGES))
    assert known_keys() == shipped and "num_1f" not in shipped
