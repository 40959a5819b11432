"""voice_prompts/build.py on small manifests: the files it makes meet the set's quality bar.

Uses espeak-ng and sox (dev.sh installs both); a few prompts, so it takes about a second.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.audio import codecs, level
from appliance.audio.prompts import default_voice_dir

BUILD = default_voice_dir() / "build.py"
RUSSIAN = {"language": "ru", "voice": None, "level_dbfs": -20.0, "prompts": [
    {"key": "greeting", "text": "Здравствуйте! Спасибо за звонок.", "duration_s": None},
    {"key": "num_40", "text": "сорок", "say": "[[s'orVk]]", "duration_s": None}]}


def build(voice_dir: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(BUILD), *args, "--voice-dir", str(voice_dir)],
                   check=True, capture_output=True, timeout=120)


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_a_language_is_built_at_phone_format_level_and_trimmed(tmp_path):
    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "manifest.json").write_text(json.dumps(RUSSIAN, ensure_ascii=False))
    build(tmp_path, "ru", "--espeak-only")
    built = manifest(tmp_path / "ru")
    assert built["voice"] == "espeak-ng ru, 150 wpm"
    for entry in built["prompts"]:
        path = tmp_path / "ru" / f"{entry['key']}.wav"
        info, samples = codecs.wav_info(path), codecs.read_wav_native(path)[0]
        assert (info.rate, info.channels, info.width) == (8000, 1, 2)
        assert info.seconds == pytest.approx(entry["duration_s"], abs=0.002) and info.seconds > 0.2
        assert level.active_level_dbfs(samples) == pytest.approx(-20.0, abs=0.3)
        assert level.clipped(samples) == 0 and max(level.edge_silence_s(samples)) <= 0.05


def test_only_the_named_prompts_are_rebuilt(tmp_path):
    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "manifest.json").write_text(json.dumps(RUSSIAN, ensure_ascii=False))
    build(tmp_path, "ru", "--espeak-only", "--only", "num_40")
    assert sorted(p.name for p in (tmp_path / "ru").glob("*.wav")) == ["num_40.wav"]
    assert [e["duration_s"] is None for e in manifest(tmp_path / "ru")["prompts"]] == [True, False]


def test_the_common_prompts_are_rebuilt_as_shipped(tmp_path):
    shutil.copytree(default_voice_dir() / "common", tmp_path / "common",
                    ignore=shutil.ignore_patterns("*.wav"))
    build(tmp_path, "common")
    assert manifest(tmp_path / "common") == manifest(default_voice_dir() / "common")
    for shipped in (default_voice_dir() / "common").glob("*.wav"):
        made = codecs.read_wav_native(tmp_path / "common" / shipped.name)[0]
        kept = codecs.read_wav_native(shipped)[0]
        assert len(made) == len(kept)
        assert level.active_level_dbfs(made) == pytest.approx(level.active_level_dbfs(kept), abs=0.1)
