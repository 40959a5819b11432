"""Turn prompt keys into the words the manifests say they speak, so tests can compare phrases."""
from __future__ import annotations

from appliance.audio.prompts import default_voice_dir, load_manifest
from appliance.audio.sentences import render

TEXTS = {lang: {key: entry["text"] for key, entry in load_manifest(default_voice_dir() / lang).items()}
         for lang in ("en", "ru", "it")}


def words(keys: list[str], language: str) -> str:
    """The spoken text of ``keys``: manifest texts without end punctuation, "," for a pause.

    A key missing from the language's manifest raises KeyError: the test then fails on it.
    """
    out: list[str] = []
    for key in keys:
        if key == "pause":
            out[-1] += ","
        else:
            out.append(TEXTS[language][key].rstrip(" .,!?:—"))
    return " ".join(out)


def say(items, language: str) -> str:
    """The spoken text of Play items in ``language``."""
    return words(render(items, language), language)
