"""The simulated telephone network beyond the lines: whose phone rings when a number is dialled.

Numbers are matched by their digits only, so ``+441632960001`` and ``441632960001`` (what a
caller keys for a callback) reach the same person. A number nobody owns is unobtainable.

Example::

    network = Network()
    network.register("+441632960001", caller)
    network.find("441632960001") is caller    # True
"""
from __future__ import annotations

from hwsim.speech import digits


class Network:
    """Directory of simulated people by phone number (the last one registered wins)."""

    def __init__(self) -> None:
        self._people: dict[str, object] = {}

    def register(self, number: str, person) -> None:
        """Make ``person`` reachable at ``number``."""
        self._people[digits(number)] = person

    def find(self, number: str):
        """The person reachable at ``number``, or None if nobody has it."""
        return self._people.get(digits(number))
