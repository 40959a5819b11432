"""SIMCom SIM7600 (Waveshare 4G HAT, AT on USB interface 02): line-interfaces.md section 3."""
from __future__ import annotations

import re

from appliance.lines.at import UrcRule
from appliance.lines.dialects.base import CLCC_OTHER, COMMON, Dialect, Wire

RXDTMF = UrcRule("key", re.compile(r"^\+RXDTMF: ?([0-9A-D*#])$"), lambda m: m.group(1))
BEGIN = UrcRule("answered", re.compile(r"^VOICE CALL: ?BEGIN$"))
END = UrcRule("hangup", re.compile(r"^VOICE CALL: ?END(?:: ?\d+)?$"))
MISSED = UrcRule("info", re.compile(r"^MISSED_CALL: ?.+$"))
BOOT = UrcRule("reset", re.compile(r"^(?:RDY|Call Ready|SMS Ready|PB DONE)$", re.I))

SIM7600 = Dialect(
    name="sim7600",
    title="SIMCom SIM7600",
    identify="AT+CGMM",
    models=("SIM7600", "SIM7500", "A7600"),
    # DDET=1 is sent by several public SIM7600 drivers; +RXDTMF may be on without it.
    init=("ATE0", "AT+CMEE=1", "AT+CLIP=1", "AT+DDET=1"),
    urcs=COMMON + (RXDTMF, BEGIN, END, MISSED, BOOT, CLCC_OTHER),
    wire=Wire(identity="SIMCOM_SIM7600G-H",
              boot=("RDY", "+CPIN: READY", "SMS Ready"),
              key="+RXDTMF: {key}",
              answered_in=("VOICE CALL: BEGIN",),
              answered_out=("VOICE CALL: BEGIN",),
              ended=("VOICE CALL: END: 000041", "NO CARRIER"),
              after_hangup=("VOICE CALL: END: 000034", "NO CARRIER"),
              eol="\r\r\n"),
    hangup="AT+CHUP",
    pcm_start=("AT+CPCMREG=1",),         # after VOICE CALL: BEGIN; 320 B / 20 ms on interface 04
    pcm_stop=("AT+CPCMREG=0",),
)
