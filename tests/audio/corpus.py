"""Talk-off material from Debian packages (dsp.md section 4), normalised to -15 dBm0.

Sources: ``asterisk-core-sounds-en-wav`` (IVR prompts), ``asterisk-moh-opsound-wav`` (music on hold),
``codec2-examples`` (speech, some over HF radio) and ``espeak-ng`` (synthetic speech in many
languages). ``dev.sh`` installs them; a missing source raises, so the tests that use it fail.
Variants (speed, pitch, gain, tone, μ-law) come from ``sox``, as in dsp.md.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from appliance.audio import codecs

PROMPTS = Path("/usr/share/asterisk/sounds/en")
MOH = Path("/usr/share/asterisk/moh")
CODEC2 = Path("/usr/share/codec2/wav")
LEVEL_DBM0 = -15.0
SENTENCES = {
    "en-us": "Please press one for sales, two for support, or stay on the line for an operator.",
    "de": "Bitte drücken Sie die Eins für den Verkauf oder die Zwei für den Kundendienst.",
    "fr-fr": "Veuillez appuyer sur un pour les ventes ou sur deux pour le support technique.",
    "es": "Por favor marque uno para ventas o dos para soporte técnico, gracias por esperar.",
    "it": "Premere uno per le vendite oppure due per l'assistenza tecnica, grazie.",
    "sv": "Tryck ett för försäljning eller två för support, ditt samtal är viktigt för oss.",
    "ru": "Нажмите один для отдела продаж или два для технической поддержки.",
    "cmn": "请按一号键联系销售部门，或按二号键联系技术支持。",
}
VOICES = ("", "+f3", "+m3", "+f5")
SOX_VARIANTS = (("speed 0.9", ["speed", "0.9"]), ("speed 1.12", ["speed", "1.12"]),
                ("pitch +400", ["pitch", "400"]), ("pitch -400", ["pitch", "-400"]),
                ("gain +6", ["gain", "6"]), ("gain -12", ["gain", "-12"]),
                ("treble +6", ["treble", "6"]), ("bass +6", ["bass", "6"]))


def _files(folder: Path, pattern: str = "*.wav") -> list[Path]:
    found = sorted(folder.rglob(pattern)) if folder.is_dir() else []
    if not found:
        raise RuntimeError(f"no {pattern} under {folder} (./dev.sh setup installs the Debian package)")
    return found


def _load(paths, limit_s: float | None) -> np.ndarray:
    parts, total = [], 0
    for path in paths:
        x = codecs.normalise(codecs.read_wav(path), LEVEL_DBM0)
        parts.append(x)
        total += len(x)
        if limit_s is not None and total >= limit_s * codecs.RATE:
            break
    return np.concatenate(parts)[: None if limit_s is None else int(limit_s * codecs.RATE)]


def prompts(limit_s: float | None = None) -> np.ndarray:
    """The Asterisk English prompts, one after another (25.5 min in all)."""
    return _load(_files(PROMPTS), limit_s)


def music(limit_s: float | None = None) -> np.ndarray:
    """The Asterisk music-on-hold tracks (18.4 min in all)."""
    return _load(_files(MOH), limit_s)


def speech(limit_s: float | None = None) -> np.ndarray:
    """The codec2 example recordings (about 4.5 min, some noisy HF radio)."""
    return _load(_files(CODEC2), limit_s)


def synthetic(languages=tuple(SENTENCES), voices=VOICES) -> np.ndarray:
    """espeak-ng speaking a menu sentence in each language and voice variant."""
    parts = []
    for lang in languages:
        for voice in voices:
            wav = subprocess.run(["espeak-ng", "-v", lang + voice, "-s", "160", "--stdout",
                                  SENTENCES[lang]], capture_output=True, check=True).stdout
            parts.append(codecs.normalise(_wav_bytes(wav), LEVEL_DBM0))
    return np.concatenate(parts)


def _wav_bytes(blob: bytes) -> np.ndarray:
    # espeak-ng's --stdout WAV header has unknown sizes; its format is 16-bit mono 22050 Hz.
    return codecs.resample(np.frombuffer(blob[44:len(blob) - len(blob) % 2], dtype="<i2"), 22050)


def sox_variant(samples: np.ndarray, effect: list[str]) -> np.ndarray:
    """``samples`` (8 kHz int16) through one sox effect, back at 8 kHz."""
    raw = ["-t", "raw", "-r", "8000", "-e", "signed-integer", "-b", "16", "-c", "1"]
    out = subprocess.run(["sox", *raw, "-", *raw, "-", *effect, "rate", "8000"],
                         input=samples.astype("<i2").tobytes(), capture_output=True, check=True)
    return np.frombuffer(out.stdout, dtype="<i2").copy()


def ulaw_variant(samples: np.ndarray) -> np.ndarray:
    """``samples`` after a G.711 μ-law round trip."""
    return codecs.ulaw_decode(codecs.ulaw_encode(samples))
