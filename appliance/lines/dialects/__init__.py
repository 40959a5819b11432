"""Modem dialects as data: what the driver sends and recognises, and what the simulator says.

Each module (``sim800``, ``sim7600``, ``ec25``) declares one ``Dialect``: how to identify the
module, its init commands, its URC table (regex -> kind + payload) and its call-control
commands, plus the ``Wire`` lines a module of that family prints. The real driver
(``appliance.lines.gsm``) and the simulated modem (``hwsim.modems``) are both built from it.
"""
from __future__ import annotations

from appliance.lines.dialects.base import Dialect, Wire
from appliance.lines.dialects.ec25 import EC25
from appliance.lines.dialects.sim800 import SIM800
from appliance.lines.dialects.sim7600 import SIM7600

DIALECTS: dict[str, Dialect] = {d.name: d for d in (SIM800, SIM7600, EC25)}

__all__ = ["DIALECTS", "Dialect", "Wire", "SIM800", "SIM7600", "EC25"]
