"""Which prompts the prompts page lists per language, and where their default and owner files are.

It follows the prompt library (``appliance.audio.prompts``): defaults in
``voice_prompts/<lang>/<key>.wav`` described by ``manifest.json``, owner uploads in
``data_dir/prompts/<lang>/<key>.wav``, which win over the default. The keys listed are the
manifest's, the engine's own, the ones the settings name and the ones the owner uploaded.
"""
from __future__ import annotations

import re
from pathlib import Path

from appliance.audio import prompts as library
from appliance.errors import ApplianceError
from appliance.store.menu_schema import LANGUAGES

KEY = re.compile(r"[a-z0-9_]{1,64}")


def manifest(folder: Path) -> dict[str, dict]:
    """The manifest of one language folder; empty when it is missing or unreadable."""
    try:
        return library.load_manifest(folder)
    except (OSError, ValueError, KeyError, TypeError, ApplianceError):
        return {}


def settings_keys(settings: dict) -> set[str]:
    """Every prompt key the settings name (menu, closed message, recording notice)."""
    from appliance.store import menu_schema
    found = {key for _, key in menu_schema.prompt_refs(settings["menu"])}
    found.add(settings["hours"]["closed_prompt"])
    return found


class PromptFiles:
    """The prompt list of one appliance: defaults (firmware) and replacements (data folder)."""

    def __init__(self, data_dir: Path, voice_dir: Path | None = None):
        self.data_dir = Path(data_dir)
        self.uploads = self.data_dir / "prompts"
        self.voice_dir = Path(voice_dir) if voice_dir else library.default_voice_dir()

    def custom_path(self, lang: str, key: str) -> Path:
        return self.uploads / lang / f"{key}.wav"

    def default_path(self, lang: str, key: str) -> Path | None:
        path = self.voice_dir / lang / f"{key}.wav"
        return path if path.is_file() else None

    def listing(self, settings: dict) -> dict[str, list[dict]]:
        """Per language: ``{key, text, custom, default, used}`` rows, sorted by key; ``used`` is
        false for the words that announcements are built from (numbers, "minutes", ...)."""
        named = settings_keys(settings) | set(library.ENGINE_KEYS)
        uploaded = set().union(*library.owner_keys(self.data_dir).values())
        out = {}
        for lang in LANGUAGES:
            entries = manifest(self.voice_dir / lang)
            out[lang] = [{"key": key, "text": entries.get(key, {}).get("text", ""),
                          "custom": self.custom_path(lang, key).is_file(),
                          "default": self.default_path(lang, key) is not None,
                          "used": key in named or key in uploaded}
                         for key in sorted(set(entries) | named | uploaded)]
        return out
