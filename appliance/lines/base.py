"""The Line interface: what the loop needs from one phone line, whatever hardware is behind it.

A line translates hardware facts into events (``LineRinging``, ``DigitPressed``, ``PromptDone``,
``LineHungUp``, ``CallAnswered``, ``DialFailed``, ``LineFailed``) that it posts into the loop, and
carries out the line commands the engine emits (``AnswerLine``, ``Play``, ``StopPlayback``,
``Hangup``, ``Dial``, ``Bridge``, ``Unbridge``). ``execute`` runs on the loop thread and must not
block for long: a driver that talks to a modem queues the work for its own I/O thread. A driver
that cannot carry out a command raises; the loop logs it and posts ``LineFailed`` for it.

Example::

    class EchoLine(Line):
        def __init__(self, line_id):
            self.id = line_id
        def start(self, post):
            self._post = post
        def execute(self, command):
            if isinstance(command, Play) and not command.loop:
                self._post(PromptDone(self.id, command.play_id))

    loop.connect(lines=[EchoLine("line1")], handsets=bank, calllog=log)
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable

from appliance.commands import Command
from appliance.events import Event

Post = Callable[[Event], None]


class Line(ABC):
    """One phone line; ``id`` is the line's id from settings (``lines[].id``)."""

    id: str

    @abstractmethod
    def start(self, post: Post) -> None:
        """Begin reporting events through ``post`` (thread-safe; call it from any thread)."""

    @abstractmethod
    def execute(self, command: Command) -> None:
        """Carry out one line command on the loop thread; raise if the hardware cannot."""

    def close(self) -> None:
        """Release the hardware (ports, threads). Called once, after the loop has stopped."""
