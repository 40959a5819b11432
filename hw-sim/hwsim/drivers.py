"""The simulator's drivers, as ``appliance.drivers`` builds them by name: ``sim`` lines and
handsets, and the simulated reference board (``IVR_GPIO=sim``) with operators at its phones.
Same signatures as the appliance's own builders (see appliance/drivers.py)."""
from __future__ import annotations

import random
from pathlib import Path


def sim_line(settings: dict, index: int, scheduler, data_dir: Path | None = None,
             pyaudio_module=None):
    """A simulated line: its callers come from the simulated network."""
    from hwsim.lines import SimLine
    from hwsim.network import Network
    from hwsim.speech import Speech
    cfg = settings["lines"][index]
    return SimLine(cfg["id"], scheduler, Network(), Speech(settings),
                   settings["callbacks"]["answer_timeout_s"])


def sim_handsets(settings: dict, scheduler, data_dir: Path | None = None, pyaudio_module=None,
                 board=None):
    """Simulated desks: the operators of the settings answer and talk by themselves."""
    from hwsim.handsets import SimHandsets
    from hwsim.people.operator import operators_from_settings
    cfg = settings["handsets"]
    people = operators_from_settings(settings, cfg["sim_talk_s"], random.Random())
    return SimHandsets(scheduler, people, cfg["count"])


def reference_board(settings: dict, scheduler):
    """The simulated reference board (chips, desk phones, sound cards) the gpio driver drives."""
    from hwsim.board.reference import ReferenceBoard
    cfg = settings["handsets"]
    return ReferenceBoard(scheduler, count=cfg["count"], pins=cfg["pins"],
                          seed=random.randrange(2**31))


def board_bank(settings: dict, scheduler, board, service, library, names):
    """The gpio driver on ``board``, with the settings' operators at its phones."""
    from hwsim.board.desks import board_handsets
    from hwsim.people.operator import operators_from_settings
    people = operators_from_settings(settings, settings["handsets"]["sim_talk_s"],
                                     random.Random())
    return board_handsets(settings, scheduler, people, board=board, service=service,
                          library=library, names=names)
