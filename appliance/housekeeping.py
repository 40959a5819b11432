"""Chores the daemon does off the call-handling thread: keeping recordings from filling the disk.

``tick()`` is called once a second by the daemon's main thread; the sweep itself runs at most
once per ``every_s`` and its result reaches the owner as a notice through the loop.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

from appliance.audio.retention import sweep
from appliance.commands import Notice

log = logging.getLogger("appliance.housekeeping")


class Housekeeping:
    """Runs the recordings sweep now and then, with the settings in force at the time."""

    def __init__(self, loop, data_dir: Path, settings: Callable[[], dict], every_s: float = 3600.0,
                 clock: Callable[[], float] = time.time):
        self.loop, self.data_dir, self.settings = loop, data_dir, settings
        self.every_s, self.clock = every_s, clock
        self.last: float | None = None

    def tick(self) -> None:
        """Sweep if the last sweep is ``every_s`` old (or there was none)."""
        now = self.clock()
        if self.last is not None and now - self.last < self.every_s:
            return
        self.last = now
        conf = self.settings()["recording"]
        try:
            report = sweep(self.data_dir, conf["keep_days"], conf["min_free_mb"], now)
        except OSError as exc:
            self._tell("error", f"recordings housekeeping failed: {exc}")
            return
        if report.deleted or not report.target_met:
            self._tell("info" if report.target_met else "warning", report.summary())

    def _tell(self, level: str, text: str) -> None:
        log.log(logging.WARNING if level != "info" else logging.INFO, text)
        self.loop.call_soon(lambda: self.loop.execute(Notice(level, text)))
