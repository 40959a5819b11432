"""A GSM line from its settings entry: the port, the dialect, the SIM PIN, the audio half where
the module streams PCM (``audio_port`` on sim7600 / ec25), and the sound card that carries the
voice to the desk phones' crosspoint row (``bridge_audio``; design.md, "The voice path").

A port or card that is missing does not stop anything here: the line starts out of service (a
missing port) or without voice to the desks (a missing card), says why (console, web page, log)
and recovers by itself when the device appears."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from appliance.lines.dialects import DIALECTS
from appliance.lines.gsm import GsmLine
from appliance.serial_port import opener

PCM_WRITE_TIMEOUT_S = 0.5      # an uplink the module stops taking for this long is dead


def gsm_line(settings: dict, index: int, post: Callable | None, data_dir: Path | None,
             pyaudio_module=None) -> GsmLine:
    """``settings['lines'][index]`` as a GsmLine. Without ``audio_port`` (sim7600 / ec25) or a
    bridge card (sim800) the line is control only (docs/lines.md). ``pyaudio_module`` is the
    PyAudio API to open cards with (None: the real one; the simulated board passes its own)."""
    cfg = settings["lines"][index]
    dialect = DIALECTS[cfg["driver"]]
    card, setting = cfg.get("bridge_audio"), f"lines[{index}].bridge_audio"
    audio, pcm, audio_path, port = None, None, None, None
    if cfg["audio_port"] and dialect.pcm_steps:
        audio_path = cfg["audio_port"]
        audio, pcm, port = _pcm_audio(cfg, post, data_dir, card, setting, pyaudio_module)
    elif card and cfg["driver"] == "sim800":
        audio, pcm = _card_audio(cfg, post, data_dir, card, setting, pyaudio_module)
        port = pcm
    line = GsmLine(cfg["id"], opener(cfg["port"], cfg["baud"]), dialect, pin=cfg["pin"],
                   audio=audio, pcm=pcm, port_path=cfg["port"], audio_path=audio_path,
                   voice=f"{'bridge' if audio_path else 'sound'} card '{card}'" if port else None,
                   setting=f"lines[{index}]",
                   answer_timeout_s=settings["callbacks"]["answer_timeout_s"])
    if port is not None:
        port.on_problem = line.voice_problem
    return line


def _library(data_dir: Path | None):
    from appliance.audio.prompts import PromptLibrary
    return PromptLibrary(data_dir=data_dir)


def _pcm_audio(cfg: dict, post: Callable, data_dir: Path | None, card: str | None,
               setting: str, pyaudio_module):
    """LineAudio on the module's PCM port; the bridge card pumps to the row while bridged."""
    from appliance.audio.bridge import BLOCK, CardBridge
    from appliance.audio.line_audio import LineAudio
    from appliance.audio.outbox import FrameOutbox
    from appliance.audio.soundcard import card_opener
    from appliance.lines.pcm import PcmLink
    pcm = PcmLink(opener(cfg["audio_port"], cfg["baud"], PCM_WRITE_TIMEOUT_S), cfg["id"])
    bridge = None
    if card:
        bridge = CardBridge(card_opener(card, setting, pyaudio_module, block=BLOCK), cfg["id"],
                            name=card)
    audio = LineAudio(cfg["id"], post, FrameOutbox(), _library(data_dir), data_dir or Path("."),
                      bridge=bridge)
    return audio, pcm, bridge


def _card_audio(cfg: dict, post: Callable, data_dir: Path | None, card: str, setting: str,
                pyaudio_module):
    """A sim800: its audio is the row, which the sound card plays to and hears."""
    from appliance.audio.line_audio import LineAudio
    from appliance.audio.soundcard import card_opener
    from appliance.lines.card_port import CardPort
    port = CardPort(card_opener(card, setting, pyaudio_module), cfg["id"])
    return LineAudio(cfg["id"], post, port, _library(data_dir), data_dir or Path(".")), port
