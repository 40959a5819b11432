"""Simulated GSM modules (SIM800, SIM7600, EC25) on ptys, for tests and a technician's bench.

All three are one ``ModemModel`` driven by the dialect descriptors the real driver uses
(``appliance.lines.dialects``): where the families differ (framing, DTMF URC, how a call
starts and ends), the difference is data in the dialect, so no per-family model is needed.
"""
from __future__ import annotations

from appliance.lines.dialects import DIALECTS
from hwsim.modems.model import ModemModel


def simulated(name: str, **options) -> ModemModel:
    """A started model of the dialect called ``name`` (sim800, sim7600, ec25)."""
    return ModemModel(DIALECTS[name], **options).start()


__all__ = ["ModemModel", "simulated"]
