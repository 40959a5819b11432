"""A GSM line from its settings entry: the port, the dialect, the SIM PIN and, where the module
streams PCM (``audio_port`` on sim7600 / ec25), the audio half.

A port that is missing does not stop anything here: the line starts out of service, says why
(console, web page, log) and takes the module into service by itself when it appears."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from appliance.lines.dialects import DIALECTS
from appliance.lines.gsm import GsmLine
from appliance.lines.serial_port import opener

PCM_WRITE_TIMEOUT_S = 0.5      # an uplink the module stops taking for this long is dead


def gsm_line(settings: dict, index: int, post: Callable | None, data_dir: Path | None) -> GsmLine:
    """``settings['lines'][index]`` as a GsmLine. Without ``audio_port`` the line is control
    only (docs/lines.md)."""
    cfg = settings["lines"][index]
    dialect = DIALECTS[cfg["driver"]]
    audio, pcm, audio_path = None, None, None
    if cfg["audio_port"] and dialect.pcm_steps:
        audio_path = cfg["audio_port"]
        audio, pcm = _pcm_audio(cfg, post, data_dir)
    return GsmLine(cfg["id"], opener(cfg["port"], cfg["baud"]), dialect, pin=cfg["pin"],
                   audio=audio, pcm=pcm, port_path=cfg["port"], audio_path=audio_path,
                   setting=f"lines[{index}]",
                   answer_timeout_s=settings["callbacks"]["answer_timeout_s"])


def _pcm_audio(cfg: dict, post: Callable, data_dir: Path | None):
    from appliance.audio.line_audio import LineAudio
    from appliance.audio.prompts import PromptLibrary
    from appliance.lines.pcm import PcmLink
    pcm = PcmLink(opener(cfg["audio_port"], cfg["baud"], PCM_WRITE_TIMEOUT_S), cfg["id"])
    library = PromptLibrary(data_dir=data_dir)
    return LineAudio(cfg["id"], post, pcm, library, data_dir or Path(".")), pcm
