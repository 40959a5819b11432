"""What console handlers may touch: the loop's thread-safe API, the settings store, the call log
read-only, and the simulator's switches. Never engine state itself (style lesson 1)."""
from __future__ import annotations

import concurrent.futures
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from appliance.console.table import ConsoleError
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore

SNAPSHOT_TIMEOUT_S = 5.0


@dataclass
class Context:
    """One appliance as the console sees it; shared by every session (all of it thread-safe)."""

    loop: Any
    data_dir: Path
    sim_lines: dict[str, Any] = field(default_factory=dict)
    sim_handsets: Any = None
    handsets: Any = None            # the handset bank in use (the handset test talks to it)
    lines: dict[str, Any] = field(default_factory=dict)   # drivers by id (``test line`` on analog)
    started_at: float = 0.0
    started_mono: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.store = SettingsStore(self.data_dir)
        self.started_at = self.started_at or self.loop.now()

    def snapshot(self) -> dict:
        """The loop's snapshot; a loop that does not answer is one line of advice, not a hang."""
        try:
            return self.loop.snapshot(timeout=SNAPSHOT_TIMEOUT_S)
        except (TimeoutError, concurrent.futures.TimeoutError):
            raise ConsoleError(f"the appliance did not answer within {SNAPSHOT_TIMEOUT_S:.0f} s "
                               "(its event loop is busy or stuck); try again, then see "
                               "'notices' and the log") from None

    def on_loop(self, fn: Callable[[], Any]) -> None:
        """Run ``fn()`` on the loop thread and wait until it has run, so that what it posted is
        handled before anything the next command asks of the loop."""
        done: concurrent.futures.Future = concurrent.futures.Future()
        self.loop.call_soon(lambda: done.set_result(fn()))
        if self.loop.thread is None:
            return                  # a loop run by its owner (tests): it runs fn when it drains
        try:
            done.result(SNAPSHOT_TIMEOUT_S)
        except concurrent.futures.TimeoutError:
            raise ConsoleError(f"the appliance did not answer within {SNAPSHOT_TIMEOUT_S:.0f} s "
                               "(its event loop is busy or stuck); try again") from None

    def calllog(self) -> CallLog:
        """The call log opened read-only (close it after use: ``with ctx.calllog() as log``)."""
        return CallLog(self.data_dir / CALLLOG_NAME, readonly=True)
