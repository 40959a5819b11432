"""A GSM line from its settings entry: the port, the dialect, the SIM PIN and, where the module
streams PCM (``audio_port`` on sim7600 / ec25), the audio half."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from appliance.lines.dialects import DIALECTS
from appliance.lines.gsm import GsmLine
from appliance.lines.serial_port import opener, require_device


def gsm_line(settings: dict, index: int, post: Callable | None, data_dir: Path | None) -> GsmLine:
    """``settings['lines'][index]`` as a GsmLine; a missing device is a one-line DriverError
    naming the setting. Without ``audio_port`` the line is control only (docs/lines.md)."""
    cfg = settings["lines"][index]
    dialect = DIALECTS[cfg["driver"]]
    require_device(cfg["port"], f"lines[{index}].port")
    audio, pcm = None, None
    if cfg["audio_port"] and dialect.pcm_init + dialect.pcm_start:
        audio, pcm = _pcm_audio(cfg, index, post, data_dir)
    return GsmLine(cfg["id"], opener(cfg["port"], cfg["baud"]), dialect, pin=cfg["pin"],
                   audio=audio, pcm=pcm, answer_timeout_s=settings["callbacks"]["answer_timeout_s"])


def _pcm_audio(cfg: dict, index: int, post: Callable, data_dir: Path | None):
    from appliance.audio.line_audio import LineAudio
    from appliance.audio.prompts import PromptLibrary
    from appliance.lines.pcm import PcmLink
    require_device(cfg["audio_port"], f"lines[{index}].audio_port")
    pcm = PcmLink(opener(cfg["audio_port"], cfg["baud"]))
    library = PromptLibrary(data_dir=data_dir)
    return LineAudio(cfg["id"], post, pcm, library, data_dir or Path(".")), pcm
