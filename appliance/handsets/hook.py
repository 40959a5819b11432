"""Hook debouncing and hook-flash detection: raw hook samples in, hook events out. Pure, no I/O.

A hook contact bounces for a few milliseconds when a handset is lifted or put down, so a new
level counts only once it has held for ``DEBOUNCE_S``. A put-down is not reported at once: if the
handset comes back up within ``FLASH_MAX_S`` after at least ``FLASH_MIN_S`` down, that was a hook
flash (``HookFlash``), not a hang-up and a new lift. An on-hook shorter than ``FLASH_MIN_S`` is a
glitch and is ignored. So ``HandsetOnHook`` comes ``FLASH_MAX_S`` after the handset went down.

Example::

    hooks = HookFilter(count=3)
    hooks.feed({2}, now=0.00)      # handset 2 reads off hook (raw)
    hooks.feed({2}, now=0.04)      # still off hook after 30 ms -> [HandsetOffHook(2)]
"""
from __future__ import annotations

from dataclasses import dataclass

from appliance.events import HandsetOffHook, HandsetOnHook, HookFlash

DEBOUNCE_S = 0.03
FLASH_MIN_S = 0.1
FLASH_MAX_S = 0.6


@dataclass
class _Hook:
    """One handset's hook: the raw level and since when, the debounced level, a pending put-down."""

    raw: bool = False
    raw_since: float = 0.0
    stable: bool = False
    down_since: float | None = None       # debounced on hook, not yet reported (flash window)


class HookFilter:
    """Debounced hook state of handsets 1..count; ``feed`` returns the events to post."""

    def __init__(self, count: int) -> None:
        self._hooks = {handset: _Hook() for handset in range(1, count + 1)}
        self.reported: set[int] = set()       # off hook as far as the engine was told

    def feed(self, off_hook: set[int], now: float) -> list:
        """Take one raw sample (the set of handsets reading off hook) taken at ``now``."""
        events = []
        for handset, hook in self._hooks.items():
            event = self._sample(handset, hook, handset in off_hook, now)
            if event is not None:
                events.append(event)
        return events

    def _sample(self, handset: int, hook: _Hook, raw: bool, now: float):
        if raw != hook.raw:
            hook.raw, hook.raw_since = raw, now
        if raw != hook.stable and now - hook.raw_since >= DEBOUNCE_S:
            hook.stable = raw
            return self._settled(handset, hook)
        if not hook.stable and hook.down_since is not None and now - hook.down_since >= FLASH_MAX_S:
            return self._report(handset, HandsetOnHook(handset))
        return None

    def _settled(self, handset: int, hook: _Hook):
        """The debounced level just changed to ``hook.stable``."""
        if not hook.stable:
            hook.down_since = hook.raw_since
            return None
        down_since, hook.down_since = hook.down_since, None
        if down_since is None:
            return self._report(handset, HandsetOffHook(handset))
        if hook.raw_since - down_since >= FLASH_MIN_S:
            return HookFlash(handset)
        return None                            # a glitch: the handset never really went down

    def _report(self, handset: int, event):
        hook = self._hooks[handset]
        hook.down_since = None
        if isinstance(event, HandsetOffHook):
            self.reported.add(handset)
        else:
            self.reported.discard(handset)
        return event
