"""Quectel EC25/EG25-G (AT on USB interface 02): line-interfaces.md section 4."""
from __future__ import annotations

import re

from appliance.lines import calllist
from appliance.lines.at import UrcRule
from appliance.lines.dialects.base import COMMON, Dialect, Step, Wire, key_from_ascii

# +QTONEDET carries the key's ASCII code: 49 = '1', 35 = '#', 42 = '*'.
QTONEDET = UrcRule("key", re.compile(r"^\+QTONEDET: ?(\d{1,7})$"), key_from_ascii)
CCINFO = UrcRule("call_list", re.compile(r'^\+QIND: "ccinfo",.*$'),
                 lambda m: calllist.parse_ccinfo(m.group(0)))
BOOT = UrcRule("reset", re.compile(r"^(?:RDY|\+QIND: (?:SMS|PB) DONE)$", re.I))
INFO = UrcRule("info", re.compile(r"^(?:\+QIND: .+|\+QUSIM: \d|\+CFUN: \d|\+CPIN: READY)$"))

EC25 = Dialect(
    name="ec25",
    title="Quectel EC25",
    identify="AT+CGMM",
    models=("EC25", "EG25"),
    # Quectel has no AT+CLCC=1 URC mode (it answers ERROR): call changes come as
    # +QIND: "ccinfo" reports after AT+QINDCFG="ccinfo",1,0, else the driver polls AT+CLCC.
    # QURCCFG routes URCs to the port we read; some firmware refuses it (then they already
    # come there, or the module's default port must be changed by hand).
    # QTONEDET is not saved, so it is re-sent after every RDY.
    steps=(Step("ATE0"), Step("AT+CMEE=1"),
           Step('AT+QURCCFG="urcport","usbat"', "reports", "on the AT port",
                "on the module's default port"),
           Step("AT+CLIP=1"),
           Step("AT+CREG=1", "registration", "reported", "polled"),
           Step('AT+COPS=3,0', "network name", "long", "as the module gives it"),
           Step('AT+QINDCFG="ccinfo",1,0', "call state", "ccinfo", "AT+CLCC every 500 ms"),
           Step("AT+QTONEDET=1", "keys", "QTONEDET", "in-band")),
    urcs=COMMON + (QTONEDET, CCINFO, BOOT, INFO),
    wire=Wire(identity="EC25",
              boot=("RDY", "+CFUN: 1", "+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE",
                    "+QIND: PB DONE"),
              clip='+CLIP: "{number}",{type},,,,0',
              key="+QTONEDET: {key}",
              refuses=frozenset({"AT+CLCC=1"}),
              call_reports="ccinfo"),
    hangup="ATH",
    lte=True,
    key_wire=lambda key: str(ord(key)),
    # PCM shares interface 01 with GNSS: NMEA output off first, or sentences land in the audio.
    # QPCMV is probed (rebadged firmware lists it but refuses it), then armed while idle,
    # before any call (it is refused mid-call), and again after every RDY (it is not saved).
    pcm_steps=(Step("AT+QPCMV=?", "audio", "QPCMV=1,0 on the audio port"),
               Step('AT+QGPSCFG="outport","none"', "NMEA on the audio port", "off",
                    "left as it is"),
               Step("AT+QAUDMOD=3", "echo cancelling", "off (QAUDMOD=3)", "the module's own"),
               Step("AT+QPCMV=1,0")),
)
