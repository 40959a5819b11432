"""Building the drivers the settings name: one registry from a driver's name to what builds it.

The daemon, the simulator's command and the handset self-test ask here for a line or a handset
bank by the name in settings (``lines[].driver``, ``handsets.driver``) and never import a driver
or the simulator themselves. Each entry is a ``"module:function"`` imported only when that driver
is used, so a Pi runs without the simulator's code loaded and a laptop without RPi.GPIO; the
simulated drivers (``sim`` lines and handsets, the reference board for ``IVR_GPIO=sim``) live in
``hwsim.drivers``.

Every line builder is ``build(settings, index, scheduler, data_dir, pyaudio_module)``; every
handset builder ``build(settings, scheduler, data_dir, pyaudio_module, board)``.

Example::

    line = build_line(settings, 0, loop, data_dir)          # lines[0].driver, e.g. "sim800"
    bank = build_handsets(settings, loop, data_dir)         # handsets.driver, e.g. "gpio"
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path

from appliance.errors import DriverError

LINES = {
    "sim800": "appliance.drivers:gsm_line",
    "sim7600": "appliance.drivers:gsm_line",
    "ec25": "appliance.drivers:gsm_line",
    "v253": "appliance.drivers:voice_modem_line",
    "sim": "hwsim.drivers:sim_line",
}
HANDSETS = {
    "gpio": "appliance.drivers:gpio_handsets",
    "sim": "hwsim.drivers:sim_handsets",
}
BOARDS = {"sim": "hwsim.drivers:reference_board"}     # IVR_GPIO=sim: the simulated board
GPIO_ENV = "IVR_GPIO"          # rpi (default): the real RPi.GPIO; sim: the simulated board


def resolve(target: str):
    """The function a registry entry names (imported now)."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def build_line(settings: dict, index: int, scheduler, data_dir: Path | None = None,
               pyaudio_module=None):
    """The driver for ``settings['lines'][index]`` (validated settings name only drivers this
    firmware has). A line whose device is missing is still built: it starts out of service.
    ``pyaudio_module`` opens its bridge card (None: the real PyAudio)."""
    build = resolve(LINES[settings["lines"][index]["driver"]])
    return build(settings, index, scheduler, data_dir, pyaudio_module)


def build_handsets(settings: dict, scheduler, data_dir: Path | None = None, pyaudio_module=None,
                   board=None):
    """The handset bank driver named by ``handsets.driver``: ``sim`` (simulated desks) or
    ``gpio`` (the reference board through RPi.GPIO, or ``board``, a simulated one), with the
    service bus card (``handsets.service_audio``) opened through ``pyaudio_module``."""
    build = resolve(HANDSETS[settings["handsets"]["driver"]])
    return build(settings, scheduler, data_dir, pyaudio_module, board)


def simulated_board(settings: dict, scheduler):
    """With ``handsets.driver`` gpio and ``IVR_GPIO=sim``: the simulated reference board (its
    chips, desk phones and sound cards) the drivers are wired to; otherwise None."""
    board = os.environ.get(GPIO_ENV, "rpi")
    if board not in ("rpi", "sim"):
        raise DriverError(f"environment variable {GPIO_ENV} is '{board}': it must be rpi (the "
                          "real board, the default) or sim (the simulated board)")
    if settings["handsets"]["driver"] != "gpio" or board == "rpi":
        return None
    return resolve(BOARDS[board])(settings, scheduler)


# -- the appliance's own drivers --------------------------------------------------------------

def gsm_line(settings: dict, index: int, scheduler, data_dir: Path | None, pyaudio_module):
    """A SIM800 / SIM7600 / EC25 line (appliance.lines.factory); docs/lines.md."""
    from appliance.lines.factory import gsm_line as build
    return build(settings, index, getattr(scheduler, "post", None), data_dir, pyaudio_module)


def voice_modem_line(settings: dict, index: int, scheduler, data_dir: Path | None,
                     pyaudio_module):
    """An analog line on a V.253 voice modem; docs/v253.md."""
    from appliance.lines.voicemodem import voicemodem_line
    return voicemodem_line(settings, index, getattr(scheduler, "post", None), data_dir,
                           pyaudio_module)


def gpio_handsets(settings: dict, scheduler, data_dir: Path | None, pyaudio_module, board):
    """The gpio driver on the real board, or on ``board`` (a simulated one, for a
    demonstration or ``IVR_GPIO=sim``), with its service bus."""
    board = board if board is not None else simulated_board(settings, scheduler)
    if board is not None and pyaudio_module is None:
        pyaudio_module = board.sound_cards()
    from appliance.audio.prompts import PromptLibrary
    library = PromptLibrary(data_dir=data_dir, default_language=settings["language"])
    service, names = service_bus(settings, pyaudio_module), phone_book_names(data_dir)
    if board is not None:
        return resolve("hwsim.drivers:board_bank")(settings, scheduler, board, service,
                                                   library, names)
    from appliance.handsets import gpio
    return gpio.open_bank(gpio.load_rpi_gpio(), settings, scheduler, scheduler, service, library,
                          names)


def service_bus(settings: dict, pyaudio_module):
    """The service bus card (``handsets.service_audio``), or None when none is fitted."""
    name = settings["handsets"].get("service_audio")
    if not name:
        return None
    from appliance.audio.soundcard import card_opener
    from appliance.handsets.service_bus import ServiceBus
    return ServiceBus(card_opener(name, "handsets.service_audio", pyaudio_module))


def phone_book_names(data_dir: Path | None):
    """The phone book's lookup for caller ID on the desk phones' displays (read only: the web
    page is the one that writes it)."""
    if data_dir is None:
        return None
    from appliance.store.phonebook import PhoneBook
    return PhoneBook(data_dir, readonly=True).find
