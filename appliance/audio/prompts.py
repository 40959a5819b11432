"""The prompt library: which WAV file says a prompt key in a language, owner recordings first.

Default prompts live in ``voice_prompts/<lang>/<key>.wav`` with a ``manifest.json`` (key, text,
duration); the language-free ones (the pause between phone-number groups, the voicemail beep, hold
music) in ``voice_prompts/common/``. An owner's upload ``<data dir>/prompts/<lang>/<key>.wav``
replaces the default of that key in that language.

A key that is missing in the caller's language is played in the default language, then in any
language that has it, and the gap is logged once; a key missing everywhere plays ``unavailable``
("Sorry, this message is not available"). The caller never hears silence and nothing raises.

>>> library = PromptLibrary()
>>> library.path("greeting", "it").name
'greeting.wav'
>>> [p.name for p in library.paths([("prompt", "queue_wait"), ("wait", 120)], "ru")]
['queue_wait.wav', 'num_2f.wav', 'minute_few.wav']
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Iterable

from appliance.audio import codecs, sentences
from appliance.errors import AudioError

log = logging.getLogger(__name__)

COMMON = "common"
UNAVAILABLE = "unavailable"
# Every key the engine plays by name, and the prompts of the default settings (menu, hours).
ENGINE_KEYS = frozenset({
    "greeting", "menu_main", "invalid", "timeout", "goodbye", "closed", "no_operators",
    "queue_position", "queue_wait", "callback_offer", "callback_confirm", "callback_confirm_keys",
    "callback_enter_number", "callback_thanks", "callback_intro", "transferring",
    "recording_notice", "voicemail_greeting", "hold_operator", "callback_already_booked",
    "callback_thanks_next_day",
})


def default_voice_dir() -> Path:
    """The default prompts shipped with the firmware (``voice_prompts/`` beside the package)."""
    return Path(__file__).resolve().parents[2] / "voice_prompts"


def load_manifest(folder: Path) -> dict[str, dict]:
    """One prompt folder's manifest by key: ``{"greeting": {"text": ..., "duration_s": ...}}``."""
    path = Path(folder) / "manifest.json"
    if not path.exists():
        return {}
    return {entry["key"]: entry for entry in json.loads(path.read_text(encoding="utf-8"))["prompts"]}


def owner_keys(data_dir: Path | None) -> dict[str, set[str]]:
    """Keys the owner has uploaded, by language folder: ``{"en": {"opening_hours"}}``."""
    root = Path(data_dir) / "prompts" if data_dir is not None else None
    if root is None or not root.is_dir():
        return {}
    return {folder.name: {wav.stem for wav in folder.glob("*.wav")}
            for folder in sorted(root.iterdir()) if folder.is_dir()}


def known_keys(data_dir: Path | None = None, voice_dir: Path | None = None) -> frozenset[str]:
    """Prompt keys a menu may name: those every default language has, and any the owner uploaded.

    Settings validation uses this to refuse a menu that names a prompt that does not exist.
    """
    voice_dir = Path(voice_dir) if voice_dir is not None else default_voice_dir()
    defaults = [set(load_manifest(voice_dir / lang)) for lang in sentences.languages()]
    shipped = set.intersection(*defaults) if defaults else set()
    uploaded = set().union(*owner_keys(data_dir).values())
    return frozenset(shipped | uploaded)


def _phone_pcm(path: Path) -> bytes:
    """The samples of an 8 kHz mono 16-bit WAV (what the build and the web page's upload make)."""
    info, samples = codecs.read_pcm(path)
    if (info.rate, info.channels, info.width) != (codecs.RATE, 1, 2):
        raise AudioError(f"{info.rate} Hz, {info.channels} channel(s), {8 * info.width}-bit "
                         "instead of 8000 Hz mono 16-bit")
    return samples


class PromptLibrary:
    """Finds the file for each prompt key, with owner overrides and a logged fallback.

    ``voice_dir`` holds the default prompts (default: the shipped ``voice_prompts/``),
    ``data_dir`` the owner's uploads, ``default_language`` comes from settings.

    >>> PromptLibrary().path("music_hold", "en").parent.name
    'common'
    """

    def __init__(self, voice_dir: Path | None = None, data_dir: Path | None = None,
                 default_language: str = "en"):
        self.voice_dir = Path(voice_dir) if voice_dir is not None else default_voice_dir()
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.default_language = default_language
        self.gaps: set[tuple[str, str]] = set()
        self._manifests: dict[Path, dict[str, dict]] = {}
        self._pcm: dict[tuple[Path, int], bytes] = {}

    def _candidates(self, key: str, language: str) -> Iterable[tuple[str, Path]]:
        owner = self.data_dir / "prompts" if self.data_dir is not None else None
        for lang in (language, *self._fallback_languages(key, language)):
            if owner is not None:
                yield lang, owner / lang / f"{key}.wav"
            yield lang, self.voice_dir / lang / f"{key}.wav"

    def _fallback_languages(self, key: str, language: str) -> list[str]:
        if key in sentences.COMMON_KEYS:
            return [COMMON]
        order = [self.default_language, *sentences.languages()]
        return [lang for lang in dict.fromkeys(order) if lang != language]

    def find(self, key: str, language: str) -> tuple[Path, str] | None:
        """(file, language it is in) for ``key``, following the fallback order; None if nowhere."""
        for lang, path in self._candidates(key, language):
            if path.is_file():
                return path, lang
        return None

    def path(self, key: str, language: str) -> Path:
        """The file to play for ``key`` to a caller hearing ``language``; never missing."""
        found = self.find(key, language)
        if found is not None and found[1] in (language, COMMON):
            return found[0]
        self._gap(key, language, found[1] if found else None)
        if found is not None:
            return found[0]
        return self.path(UNAVAILABLE, language) if key != UNAVAILABLE else self._last_resort()

    def _gap(self, key: str, language: str, used: str | None) -> None:
        if (key, language) in self.gaps:
            return
        self.gaps.add((key, language))
        instead = f"playing the {used} one" if used else f"playing '{UNAVAILABLE}' instead"
        log.warning("prompt '%s' is missing in language '%s': %s", key, language, instead)

    def _last_resort(self) -> Path:
        found = self.find(UNAVAILABLE, self.default_language)
        if found is None:
            raise FileNotFoundError(f"no prompts at all in {self.voice_dir}")
        return found[0]

    def paths(self, items: Iterable[tuple[str, Any]], language: str) -> list[Path]:
        """The files of a whole Play, in order (``sentences.render``, then ``path`` per key).

        A language without a grammar is spoken with the default language's grammar, so its
        prompts fall back to that language as a whole rather than failing.
        """
        spoken = language if language in sentences.GRAMMARS else self.default_language
        return [self.path(key, language) for key in sentences.render(items, spoken)]

    def pcm(self, items: Iterable[tuple[str, Any]], language: str) -> bytes:
        """A whole Play as 8 kHz mono 16-bit PCM, ready for ``LinePlayer.play``.

        A file that cannot be read as such (a damaged upload) is logged and ``unavailable`` is
        played in its place.
        """
        return b"".join(self._file_pcm(path, language) for path in self.paths(items, language))

    def _file_pcm(self, path: Path, language: str) -> bytes:
        try:
            stamp = (path, path.stat().st_mtime_ns)
            if stamp not in self._pcm:
                self._pcm[stamp] = _phone_pcm(path)
            return self._pcm[stamp]
        except (OSError, AudioError) as exc:
            if path.stem == UNAVAILABLE:
                raise
            log.error("prompt file %s cannot be played (%s): playing '%s' instead", path, exc,
                      UNAVAILABLE)
            return self._file_pcm(self.path(UNAVAILABLE, language), language)

    def duration(self, key: str, language: str) -> float:
        """Seconds the file for ``key`` lasts (the manifest's figure for a default prompt)."""
        path = self.path(key, language)
        if path.is_relative_to(self.voice_dir):
            if path.parent not in self._manifests:
                self._manifests[path.parent] = load_manifest(path.parent)
            entry = self._manifests[path.parent].get(key, {})
            if entry.get("duration_s") is not None:
                return float(entry["duration_s"])
        return codecs.wav_info(path).seconds
