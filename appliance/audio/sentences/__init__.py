"""The engine's Play items (meaning) turned into prompt keys, by the grammar of the call's language.

Adding a language is a folder of prompts (voice_prompts/<lang>/) and a module here with the same
four functions as ``en``: ``number``, ``position``, ``wait`` and ``phone``, each returning prompt
keys. Prompts the engine names directly (``("prompt", key)``) pass through unchanged.

>>> render([("prompt", "queue_position"), ("position", 3)], "en")
['queue_position', 'num_3']
>>> render([("prompt", "queue_wait"), ("wait", 120)], "ru")
['queue_wait', 'num_2f', 'minute_few']
"""
from __future__ import annotations

from types import ModuleType
from typing import Any, Iterable

from appliance.audio.sentences import en, it, ru

GRAMMARS: dict[str, ModuleType] = {module.LANGUAGE: module for module in (en, ru, it)}
# prompts that are the same in every language, kept in voice_prompts/common/
COMMON_KEYS = frozenset({"pause", "music_hold", "tone_beep"})
# item kinds each grammar module says with a function of the same name
SPOKEN_KINDS = ("position", "wait", "phone")


def languages() -> tuple[str, ...]:
    """The languages there is a grammar for, in registry order."""
    return tuple(GRAMMARS)


def grammar(language: str) -> ModuleType:
    """The grammar module of ``language``; ValueError for a language without one."""
    try:
        return GRAMMARS[language]
    except KeyError:
        raise ValueError(f"no grammar for language {language!r} "
                         f"(known: {', '.join(GRAMMARS)})") from None


def item_keys(item: tuple[str, Any], language: str) -> list[str]:
    """The prompt keys of one Play item, in order."""
    kind, value = item
    if kind == "prompt":
        return [value]
    if kind in ("music", "tone"):
        return [f"{kind}_{value}"]
    if kind not in SPOKEN_KINDS:
        raise ValueError(f"unknown play item kind {kind!r}")
    return getattr(grammar(language), kind)(value)


def render(items: Iterable[tuple[str, Any]], language: str) -> list[str]:
    """Every prompt key the Play ``items`` stand for, in order, in ``language``."""
    return [key for item in items for key in item_keys(item, language)]
