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
        self._ranks: dict[str, list] = {name: [] for name in names}   # the same order, ranks only

    def ensure(self, name: str) -> None:
        """Make room for a queue added by new settings."""
        self._lines.setdefault(name, [])
        self._ranks.setdefault(name, [])

    def add(self, member) -> int:
        """Put ``member`` in its place in ``member.queue``; returns its position (1 = next)."""
        line, ranks = self._lines[member.queue], self._ranks[member.queue]
        index = bisect.bisect_right(ranks, member.rank)
        line.insert(index, member)
        ranks.insert(index, member.rank)
        return index + 1

    def remove(self, member) -> None:
        """Take ``member`` out of its queue, if it is there."""
        line = self._lines.get(member.queue, [])
        index = self._index(line, member)
        if index is not None:
            del line[index]
            del self._ranks[member.queue][index]

    def position(self, member) -> int:
        """Place in line of ``member`` (1 = next)."""
        index = self._index(self._lines[member.queue], member)
        if index is None:
            raise ValueError(f"{member.kind} {member.id} is not in queue {member.queue}")
        return index + 1

    def ahead(self, name: str, rank: tuple[float, int]) -> int:
        """How many members of queue ``name`` rank before ``rank``: a binary search, so that a
        wait estimate never walks a long line."""
        return bisect.bisect_left(self._ranks.get(name, ()), rank)

    def _index(self, line: list, member) -> int | None:
        """Where ``member`` is in ``line``: a binary search by rank, then the member itself.

        Not ``list.index``: members are dataclasses, whose ``==`` compares every field, and a
        long line of callback requests made every announcement walk it. ``_ranks`` holds the
        same order as the lines, so the search needs no key function."""
        if member.rank is None or not line:
            return None
        index = bisect.bisect_left(self._ranks[member.queue], member.rank)
        while index < len(line) and line[index].rank == member.rank:
            if line[index] is member:
                return index
            index += 1
        return None

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
