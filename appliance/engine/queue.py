"""Waiting lines per queue: callers and callback requests in order of rank (who came first)."""
from __future__ import annotations

import bisect
import heapq
from typing import Iterator


def _rank(member) -> tuple[float, int]:
    return member.rank


class QueueBook:
    """Every queue's members, each list kept sorted by ``member.rank``.

    A member is anything with ``rank``, ``queue`` and ``kind`` ("caller" or "callback"). Ranks are
    the time a caller first joined a queue, so a transferred caller or a callback request keeps
    its place among later arrivals.
    """

    def __init__(self, names):
        self._lines: dict[str, list] = {name: [] for name in names}

    def ensure(self, name: str) -> None:
        """Make room for a queue added by new settings."""
        self._lines.setdefault(name, [])

    def add(self, member) -> int:
        """Put ``member`` in its place in ``member.queue``; returns its position (1 = next)."""
        line = self._lines[member.queue]
        index = bisect.bisect_right(line, member.rank, key=_rank)
        line.insert(index, member)
        return index + 1

    def remove(self, member) -> None:
        """Take ``member`` out of its queue, if it is there."""
        line = self._lines.get(member.queue, [])
        if member in line:
            line.remove(member)

    def position(self, member) -> int:
        """Place in line of ``member`` (1 = next)."""
        return self._lines[member.queue].index(member) + 1

    def members(self, name: str) -> list:
        """The members of queue ``name`` in order (a copy is not made: do not mutate)."""
        return self._lines.get(name, [])

    def names(self) -> list[str]:
        """Queue names, in settings order."""
        return list(self._lines)

    def by_rank(self) -> Iterator:
        """All members of all queues, oldest rank first."""
        return heapq.merge(*self._lines.values(), key=_rank)

    def __len__(self) -> int:
        return sum(len(line) for line in self._lines.values())
