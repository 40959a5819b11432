"""Caller ID on the desk phones' displays: the FSK burst an exchange sends in the first ring pause.

With ``handsets.caller_id`` set (``bell202`` or ``v23``), a desk phone that starts ringing for a
caller gets their number, the name the phone book has for it, and the office's date and time,
half a second into the first silence of the cadence (after the us 2 s ring, after the uk double
ring), so the operator reads who it is before lifting. The burst (about 0.7 s, built by
``appliance.audio.callerid``) goes out on the service bus: the phone's crosspoint to row Y4 is
closed for it and opened again afterwards. The line card must pass audio on hook (a SLIC in
forward-active mode does; docs/wiring.md).

The service bus carries one thing at a time. A burst is sent only while the bus is free (no
whisper, no operator on hold); handsets ringing for the same caller at the same moment (the
``ring_all`` strategy) get one burst together. A phone lifted or silenced before its moment gets
nothing; one lifted during the burst keeps its crosspoint if a whisper has claimed it meanwhile.

Example::

    display = CallerDisplay(settings, service, switch, scheduler, clock, names=book.find)
    display.ringing(3, "+441632960001")      # the bank started ringing handset 3
    display.stopped(3)                       # it stopped (lifted, or the call was taken)
"""
from __future__ import annotations

import datetime
import logging
from typing import Callable
from zoneinfo import ZoneInfo

from appliance.audio.callerid import burst
from appliance.handsets.shiftchain import CADENCES, service_crosspoint

log = logging.getLogger("appliance.handsets.caller_display")

PAUSE_LEAD_S = 0.5         # GR-30 and EN 300 659-1: at least 0.5 s after the ring ends
DRAIN_S = 0.25             # silence after the burst: the card's output buffer empties before the
                           # crosspoint opens (the bus reports a job done once it is *written*)


def first_pause_s(cadence: str) -> float:
    """Seconds from the start of ringing to the moment to send: into the first long silence."""
    pairs = CADENCES[cadence]
    longest = max(range(len(pairs)), key=lambda i: pairs[i][1])
    return sum(on + off for on, off in pairs[:longest]) + pairs[longest][0] + PAUSE_LEAD_S


class CallerDisplay:
    """Schedules and sends the caller ID bursts for one handset bank.

    ``switch(crosspoint, close)`` drives the MT8816; ``bus_free(handset=None)`` says whether the
    service bus is free of whispers and holds (of that handset's, if given); ``names(number)``
    gives a phone-book entry (a dict with ``name``) or None.
    """

    def __init__(self, settings: dict, service, switch: Callable, bus_free: Callable[[], bool],
                 scheduler, clock, names: Callable[[str], dict | None] | None = None):
        cfg = settings["handsets"]              # settings from before caller ID: it is off
        self.standard = cfg.get("caller_id", "off")
        self.handsets = set(cfg.get("caller_id_handsets") or range(1, cfg["count"] + 1))
        self.delay_s = first_pause_s(cfg.get("cadence", "us"))
        self.zone = ZoneInfo(settings.get("hours", {}).get("timezone") or "UTC")
        self.service, self._switch, self._bus_free = service, switch, bus_free
        self._scheduler, self._clock, self._names = scheduler, clock, names
        self._due: dict[int, tuple[str | None, object]] = {}   # handset -> (caller, timer)
        self.sending: set[int] = set()
        self.sent = 0

    @property
    def enabled(self) -> bool:
        return self.standard != "off" and self.service is not None

    def ringing(self, handset: int, caller: str | None) -> None:
        """``handset`` began to ring for ``caller``: send at the first pause, if it has a display."""
        if not self.enabled or handset not in self.handsets:
            return
        self.stopped(handset)
        timer = self._scheduler.call_later(self.delay_s, lambda: self._send(handset))
        self._due[handset] = (caller, timer)

    def close(self) -> None:
        """Nothing more to send (the bank is closing)."""
        for handset in list(self._due):
            self.stopped(handset)

    def stopped(self, handset: int) -> None:
        """``handset`` stopped ringing before its moment: nothing to send."""
        due = self._due.pop(handset, None)
        if due is not None:
            due[1].cancel()

    def _send(self, handset: int) -> None:
        caller, _ = self._due.pop(handset, (None, None))
        together = [handset] + [h for h, (c, _) in self._due.items() if c == caller]
        for other in together[1:]:
            self.stopped(other)
        if self.sending or not self._bus_free():
            log.info("caller ID for handset(s) %s skipped: the service bus is busy", together)
            return
        pcm = burst(caller, self._name(caller), self._local_now(), withheld=caller is None,
                    standard=self.standard) + bytes(2 * int(DRAIN_S * 8000))
        for h in together:
            self._switch(service_crosspoint(h), True)
        self.sending = set(together)
        self.service.say(pcm, on_done=lambda result: self._scheduler.call_soon(self._sent))

    def _sent(self) -> None:
        """The burst is out: open the crosspoints of phones nobody else has claimed since."""
        for h in self.sending:
            if self._bus_free(h):
                self._switch(service_crosspoint(h), False)
        self.sending = set()
        self.sent += 1

    def _name(self, caller: str | None) -> str | None:
        if caller is None or self._names is None:
            return None
        try:
            entry = self._names(caller)
        except Exception as exc:                    # noqa: BLE001 - a damaged book: number only
            log.warning("caller ID without a name: the phone book could not be read (%s)", exc)
            return None
        return (entry.get("name") or entry.get("company") or None) if entry else None

    def _local_now(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self._clock.now(), self.zone)
