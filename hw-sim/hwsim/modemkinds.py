"""The kinds of simulated module a live simulator's line can run on (a GSM module under
``GsmLine``, an analog voice modem under ``VoiceModemLine``): how each is built, what its states
mean for the person on it, and the fault switches it has. ``hwsim.modemline`` uses one of these
per line, so one line class serves both kinds.
"""
from __future__ import annotations

from pathlib import Path

from appliance.lines.dialects import DIALECTS
from appliance.lines.factory import gsm_line
from appliance.lines.voicemodem import voicemodem_line
from hwsim.modems.model import CALL_STATES, ModemModel
from hwsim.modems.v253 import VoiceModemModel

SIM_PORT = "sim"            # lines[].port / audio_port: a module the simulator starts itself
MAX_COUNT = 1000
RESETS = ("AT+CRESET", "AT+CFUN=1,1")

# name -> (the argument it takes: None, "N" (optional count, default 1) or "CODE" (required)),
# what it does. The console and scenario faults throw these by name.
SWITCHES: dict[str, tuple[str | None, str]] = {
    "drop": (None, "the network loses the call"),
    "unplug": (None, "the USB cable is pulled (the module vanishes)"),
    "plug_in": (None, "the module is back at the same port and boots"),
    "restart": (None, "the module reboots (a USB module leaves the bus and comes back)"),
    "stall": ("N", "no reply to the next N commands"),
    "garble": ("N", "a noise line before the next N replies"),
    "cme": ("CODE", "+CME ERROR: CODE to the next command"),
    "keep_call": ("N", "the next N hang-ups answer OK but keep the call"),
    "bad_key": (None, "a DTMF report of no key"),
    "noreg": (None, "the network registration is lost (a call drops)"),
    "reg": (None, "the network registration is back"),
    "halfdead": (None, "the audio port refuses AT+CPCMREG=1 until the module restarts"),
    "deaf": (None, "the module stops taking the audio the appliance sends"),
    "vanish": (None, "the USB cable is pulled (the module vanishes)"),
    "plugin": (None, "the module is back at the same port and boots"),
}
# The analog line's: the far end hanging up is a switch per signal the line then gives.
V253_SWITCHES: dict[str, tuple[str | None, str]] = {
    "drop": (None, "the far end hangs up; only the loop current breaks (<DLE>l)"),
    "unplug": (None, "the USB cable is pulled (the modem vanishes)"),
    "plug_in": (None, "the modem is back at the same port, in its power-on state"),
    "stall": ("N", "no reply to the next N commands"),
    "garble": ("N", "a noise line before the next N replies"),
    "loop_break": (None, "the far end hangs up; the loop current breaks (<DLE>l)"),
    "busy_tone": (None, "the far end hangs up; busy tone only, no report"),
    "busy_dle": (None, "the far end hangs up; busy tone and the modem's <DLE>b"),
    "dial_tone": (None, "the far end hangs up; dial tone, <DLE>d after 1 s"),
    "silence": (None, "the far end hangs up; silence, <DLE>s after the AT+VSD time"),
    "vanish": (None, "the USB cable is pulled (the modem vanishes)"),
    "plugin": (None, "the modem is back at the same port, in its power-on state"),
}
HANG_UPS = {"drop": "loop_break", "loop_break": "loop_break", "busy_tone": "busy_tone",
            "busy_dle": "busy_dle", "dial_tone": "dial_tone", "silence": "silence"}
ANALOG = "v253"


def is_modem_backed(cfg: dict) -> bool:
    """True for a settings line the simulator runs on a simulated modem: a GSM driver or
    ``v253`` whose ``port`` is ``"sim"`` (or null)."""
    return ((cfg["driver"] in DIALECTS or cfg["driver"] == ANALOG)
            and cfg.get("port") in (None, SIM_PORT))


def switches_for(cfg: dict) -> dict[str, tuple[str | None, str]]:
    """The switch table of a modem-backed settings line."""
    return V253_SWITCHES if cfg["driver"] == ANALOG else SWITCHES


def switch_value(name: str, text: str | None,
                 switches: dict[str, tuple[str | None, str]] = SWITCHES) -> int | None:
    """The argument of switch ``name`` of ``switches`` typed as ``text`` (None: not given),
    checked; ValueError with one line naming what is allowed."""
    if name not in switches:
        raise ValueError(f"a simulated module's switch is one of {switch_list(switches)} "
                         f"(got '{name}')")
    kind = switches[name][0]
    if kind is None:
        if text is not None:
            raise ValueError(f"{name} takes no argument (got '{text}')")
        return None
    if kind == "CODE":
        if text is None or not text.isdigit():
            raise ValueError(f"cme needs the error code the module answers, a whole number such "
                             f"as 100 (got {repr(text) if text is not None else 'none'})")
        return int(text)
    if text is None:
        return 1
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        raise ValueError(f"{name} N: N must be a whole number from 1 to {MAX_COUNT} (got '{text}')")
    return int(text)


def switch_list(switches: dict[str, tuple[str | None, str]] = SWITCHES) -> str:
    """Every switch with its argument, as the console's usage shows them."""
    return ", ".join(name + (f" [{kind}]" if kind == "N" else f" {kind}" if kind else "")
                     for name, (kind, _) in switches.items())


# -- what differs between the kinds of modem -------------------------------------------------

class GsmKind:
    """A SIM800 / SIM7600 / EC25 under ``GsmLine``. ``gone`` is the model unplugged (or off the
    bus while it restarts); a call is up while the model is ringing, active or dialling."""

    switches = SWITCHES
    call_states = busy_states = CALL_STATES
    unplugged = "gone"

    def __init__(self, cfg: dict) -> None:
        self.dialect = DIALECTS[cfg["driver"]]
        self.title = self.dialect.title

    def model(self, settings: dict, cfg: dict, folder: Path) -> ModemModel:
        return ModemModel(self.dialect, path=folder / "modem", pin=cfg.get("pin"),
                          no_answer_after_s=settings["callbacks"]["answer_timeout_s"])

    def driver(self, settings: dict, index: int, post, folder: Path):
        return gsm_line(settings, index, post, folder)

    @staticmethod
    def ports(entry: dict, model: ModemModel) -> None:
        entry["port"] = str(model.path)
        if entry.get("audio_port") == SIM_PORT:
            entry["audio_port"] = str(model.audio_path)

    @staticmethod
    def resetting(model: ModemModel) -> bool:
        """The driver's own AT+CRESET / AT+CFUN=1,1 took the module off the bus."""
        return bool(model.received) and model.received[-1].upper() in RESETS

    @staticmethod
    def actions(model: ModemModel, value: int | None) -> dict:
        return {"drop": model.drop, "unplug": model.vanish, "vanish": model.vanish,
                "plug_in": model.plug_in, "plugin": model.plug_in, "restart": model.restart,
                "stall": lambda: model.stall(value or 1),
                "garble": lambda: model.garble(value or 1), "cme": lambda: model.cme(value),
                "keep_call": lambda: model.keep_call(value or 1), "bad_key": model.bad_key,
                "noreg": model.lose_registration, "reg": model.register,
                "halfdead": model.half_dead_audio, "deaf": model.stop_taking_audio}

    @staticmethod
    def hang_up(model: ModemModel) -> None:
        model.hang_up()


class AnalogKind:
    """A V.253 voice modem (USR5637 flavour) under ``VoiceModemLine``. The person's call is up
    while the model rings, dials or talks; ``gone`` (the far end hung up, its signal playing)
    and ``offhook`` still keep the line busy until the driver puts it on hook."""

    switches = V253_SWITCHES
    call_states = ("ringing", "dialling", "talking")
    busy_states = (*call_states, "offhook", "gone")
    unplugged = "vanished"
    title = "V.253 voice modem"

    def model(self, settings: dict, cfg: dict, folder: Path) -> VoiceModemModel:
        return VoiceModemModel(path=folder / "modem")

    def driver(self, settings: dict, index: int, post, folder: Path):
        return voicemodem_line(settings, index, post, folder)

    @staticmethod
    def ports(entry: dict, model: VoiceModemModel) -> None:
        entry["port"] = str(model.path)

    @staticmethod
    def resetting(model: VoiceModemModel) -> bool:
        return False                    # an analog modem has no restart switch

    @staticmethod
    def actions(model: VoiceModemModel, value: int | None) -> dict:
        hang_ups = {name: (lambda signal=signal: model.hang_up(signal))
                    for name, signal in HANG_UPS.items()}
        return {**hang_ups, "unplug": model.vanish, "vanish": model.vanish,
                "plug_in": model.plug_in, "plugin": model.plug_in,
                "stall": lambda: model.stall(value or 1),
                "garble": lambda: model.garble(value or 1)}

    @staticmethod
    def hang_up(model: VoiceModemModel) -> None:
        model.hang_up("loop_break")


def kind_of(cfg: dict) -> GsmKind | AnalogKind:
    """The adapter for a modem-backed settings line."""
    return AnalogKind() if cfg["driver"] == ANALOG else GsmKind(cfg)
