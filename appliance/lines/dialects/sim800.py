"""SIMCom SIM800/SIM800C (2G, UART, analog audio): line-interfaces.md section 2."""
from __future__ import annotations

import re

from appliance.lines.at import UrcRule
from appliance.lines.dialects.base import CLCC_ACTIVE_MO, CLCC_OTHER, COMMON, Dialect, Wire

DTMF = UrcRule("key", re.compile(r"^\+DTMF: ?([0-9A-D*#])(?:,\d+)?$"), lambda m: m.group(1))
BOOT = UrcRule("reset", re.compile(r"^(?:RDY|Call Ready|SMS Ready)$", re.I))

SIM800 = Dialect(
    name="sim800",
    title="SIMCom SIM800",
    identify="AT+CGMM",
    models=("SIM800",),
    # CMEE=1: numeric codes, mapped to meanings by appliance.lines.cme. CLCC=1: call-state URCs,
    # which tell us when a number we dialled answers. DDET=1: DTMF detection (+DTMF: k).
    init=("ATE0", "AT+CMEE=1", "AT+CLIP=1", "AT+CLCC=1", "AT+DDET=1"),
    urcs=COMMON + (DTMF, BOOT, CLCC_ACTIVE_MO, CLCC_OTHER),
    wire=Wire(identity="SIMCOM_SIM800C",
              boot=("RDY", "+CFUN: 1", "+CPIN: READY", "Call Ready", "SMS Ready")),
    hangup="ATH",
)
