"""A callback request: a caller's place in line kept while they hang up (virtual hold)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CallbackRequest:
    """One promise to call a customer back, from the queue position they left.

    ``id`` is the inbound call's id (the dial-back records' ``parent_id``). ``rank`` is the
    inbound caller's rank, so the request is served before anyone who joined after them.
    ``pool`` names the queues whose operators may take the request: it widens by escalation as
    the caller's would have (engine/escalation.py).
    """
    id: str
    number: str
    queue: str
    language: str
    rank: tuple[float, int]
    requested_at: float
    attempts: int = 0
    eligible_at: float = 0.0
    dialback_id: str | None = None          # the dial-back call in progress, if any
    carried_rings: list = field(default_factory=list)   # operator rings before a dial happened
    tried_handsets: set[int] = field(default_factory=set)
    pool: tuple[str, ...] = ()

    kind = "callback"

    def eligible(self, now: float) -> bool:
        """True when no dial-back is in progress and the retry delay has passed."""
        return self.dialback_id is None and now >= self.eligible_at
