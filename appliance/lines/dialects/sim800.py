"""SIMCom SIM800/SIM800C (2G, UART, analog audio): line-interfaces.md section 2."""
from __future__ import annotations

import re

from appliance.lines.at import UrcRule
from appliance.lines.dialects.base import COMMON, Dialect, Step, Wire

DTMF = UrcRule("key", re.compile(r"^\+DTMF: ?([0-9A-D*#])(?:,\d+)?$"), lambda m: m.group(1))
BOOT = UrcRule("reset", re.compile(r"^(?:RDY|Call Ready|SMS Ready)$", re.I))
INFO = UrcRule("info", re.compile(r"^(?:\+CFUN: \d|\+CPIN: READY)$"))

SIM800 = Dialect(
    name="sim800",
    title="SIMCom SIM800",
    identify="AT+CGMM",
    models=("SIM800",),
    # CMEE=1: numeric codes, mapped to meanings by appliance.lines.cme. CLCC=1: a +CLCC line on
    # every call change, which tells us when a number we dialled answers. DDET=1: +DTMF: k.
    steps=(Step("ATE0"), Step("AT+CMEE=1"), Step("AT+CLIP=1"),
           Step("AT+CREG=1", "registration", "reported", "polled"),
           Step('AT+COPS=3,0', "network name", "long", "as the module gives it"),
           Step("AT+CLCC=1", "call state", "+CLCC reports", "AT+CLCC every 500 ms"),
           Step("AT+DDET=1", "keys", "+DTMF", "in-band")),
    urcs=COMMON + (DTMF, BOOT, INFO),
    wire=Wire(identity="SIMCOM_SIM800C",
              boot=("RDY", "+CFUN: 1", "+CPIN: READY", "Call Ready", "SMS Ready"),
              call_reports="clcc"),
    hangup="ATH",
)
