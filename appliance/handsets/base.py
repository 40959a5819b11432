"""The HandsetBank interface: the operators' desk phones, seen by the loop as one device.

A bank reports hook changes as ``HandsetOffHook(n)`` / ``HandsetOnHook(n)`` (handsets are
numbered 1-20), and carries out ``RingHandset``, ``StopRing``, ``Bridge`` and ``Unbridge``
(connecting a line's audio to a handset, and disconnecting it). ``execute`` runs on the loop
thread and must not block; cadence timing and hook debouncing are the driver's own business.

Example::

    class SilentBank(HandsetBank):
        def start(self, post):
            self._post = post            # e.g. a GPIO edge callback calls self._post(...)
        def execute(self, command):
            pass                          # rings nobody: a bench without desk phones

    loop.connect(lines=lines, handsets=SilentBank(), calllog=log)
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable

from appliance.commands import Command
from appliance.events import Event

Post = Callable[[Event], None]


class HandsetBank(ABC):
    """The bank of up to 20 desk handsets."""

    @abstractmethod
    def start(self, post: Post) -> None:
        """Begin reporting hook events through ``post`` (thread-safe)."""

    @abstractmethod
    def execute(self, command: Command) -> None:
        """Carry out RingHandset, StopRing, Bridge or Unbridge on the loop thread."""

    def close(self) -> None:
        """Stop ringing everything, open every crosspoint, release the hardware."""
