"""SIMCom SIM7600 (Waveshare 4G HAT, AT on USB interface 02): line-interfaces.md section 3."""
from __future__ import annotations

import re

from appliance.lines.at import UrcRule
from appliance.lines.dialects.base import COMMON, Dialect, Step, Wire

RXDTMF = UrcRule("key", re.compile(r"^\+RXDTMF: ?([0-9A-D*#])$"), lambda m: m.group(1))
BEGIN = UrcRule("answered", re.compile(r"^VOICE CALL: ?BEGIN$"))
END = UrcRule("hangup", re.compile(r"^VOICE CALL: ?END(?:: ?\d+)?$"))
MISSED = UrcRule("info", re.compile(r"^MISSED_CALL: ?.+$"))
BOOT = UrcRule("reset", re.compile(r"^(?:RDY|Call Ready|SMS Ready|PB DONE)$", re.I))
INFO = UrcRule("info", re.compile(r"^(?:\+CFUN: \d|\+CPIN: READY)$"))

SIM7600 = Dialect(
    name="sim7600",
    title="SIMCom SIM7600",
    identify="AT+CGMM",
    models=("SIM7600", "SIM7500", "A7600"),
    # DDET=1 is sent by several public SIM7600 drivers; a SIM7600E-H refuses it, and some
    # firmware sends +RXDTMF without it: refused, keys are heard in-band from the PCM stream.
    steps=(Step("ATE0"), Step("AT+CMEE=1"), Step("AT+CLIP=1"),
           Step("AT+CREG=1", "registration", "reported", "polled"),
           Step('AT+COPS=3,0', "network name", "long", "as the module gives it"),
           Step("AT+DDET=1", "keys", "+RXDTMF", "in-band")),
    urcs=COMMON + (RXDTMF, BEGIN, END, MISSED, BOOT, INFO),
    wire=Wire(identity="SIMCOM_SIM7600G-H",
              boot=("RDY", "+CPIN: READY", "SMS Ready"),
              key="+RXDTMF: {key}",
              answered_in=("VOICE CALL: BEGIN",),
              answered_out=("VOICE CALL: BEGIN",),
              ended=("VOICE CALL: END: 000041", "NO CARRIER"),
              after_hangup=("VOICE CALL: END: 000034", "NO CARRIER"),
              eol="\r\r\n"),
    hangup="AT+CHUP",
    reset="AT+CRESET",
    lte=True,
    call_state="urc",                    # VOICE CALL: BEGIN / END on every call
    # Probe first (ModemManager does): "OK" to AT+CPCMREG=? means the USB audio port exists.
    pcm_steps=(Step("AT+CPCMREG=?", "audio", "CPCMREG on the audio port"),),
    pcm_start="AT+CPCMREG=1",            # >= 100 ms after VOICE CALL: BEGIN; 320 B / 20 ms
    pcm_check="AT+CPCMREG?",
)
