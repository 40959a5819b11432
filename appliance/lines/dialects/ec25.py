"""Quectel EC25/EG25-G (AT on USB interface 02): line-interfaces.md section 4."""
from __future__ import annotations

import re

from appliance.lines.at import UrcRule
from appliance.lines.dialects.base import CLCC_ACTIVE_MO, CLCC_OTHER, COMMON, Dialect, Wire

# +QTONEDET carries the key's ASCII code: 49 = '1', 35 = '#', 42 = '*'.
QTONEDET = UrcRule("key", re.compile(r"^\+QTONEDET: ?(\d+)$"), lambda m: chr(int(m.group(1))))
BOOT = UrcRule("reset", re.compile(r"^(?:RDY|\+QIND: (?:SMS|PB) DONE)$", re.I))
INFO = UrcRule("info", re.compile(r"^(?:\+QIND: .+|\+QUSIM: \d|\+CFUN: \d|\+CPIN: READY)$"))

EC25 = Dialect(
    name="ec25",
    title="Quectel EC25",
    identify="AT+CGMM",
    models=("EC25", "EG25"),
    # URCs to the AT port we read; QTONEDET is not saved, so it is re-sent after every RDY.
    # CLCC=1 (call-state URCs for a dialled number answering) is inferred for Quectel, not seen.
    init=("ATE0", "AT+CMEE=1", 'AT+QURCCFG="urcport","usbat"', "AT+CLIP=1", "AT+CLCC=1",
          "AT+QTONEDET=1"),
    urcs=COMMON + (QTONEDET, BOOT, CLCC_ACTIVE_MO, CLCC_OTHER, INFO),
    wire=Wire(identity="EC25",
              boot=("RDY", "+CFUN: 1", "+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE",
                    "+QIND: PB DONE"),
              clip='+CLIP: "{number}",{type},,,,0',
              key="+QTONEDET: {key}",
              answered_out=('+CLCC: 1,0,0,0,0,"{number}",129',)),
    hangup="ATH",
    key_wire=lambda key: str(ord(key)),
    # PCM shares interface 01 with GNSS: NMEA output off first, or sentences land in the audio.
    # QPCMV is not saved: re-armed with every init, before any call (it is refused mid-call).
    pcm_init=('AT+QGPSCFG="outport","none"', "AT+QPCMV=1,0"),
)
