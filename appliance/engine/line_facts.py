"""What the engine knows of each line beyond its calls: down and why, and its health as the
driver last reported it (registration, network, signal, SIM, plan), for the snapshot.

A line that has not been registered on its network for two minutes carries a warning the web
dashboard and the console show; registration lost during a call is the driver's to act on (it
ends the call with a failed record). A dial-back waits for a line that is registered.
"""
from __future__ import annotations

from appliance.events import LineHealthReported
from appliance.line_states import LineState

UNREGISTERED_WARNING_S = 120.0
REGISTERED = ("home", "roaming")


class LineFacts:
    """Per line: the last health report, since when it is unregistered, why it is down."""

    def __init__(self) -> None:
        self.health: dict[str, dict] = {}
        self.unregistered_since: dict[str, float] = {}
        self.down_reason: dict[str, str] = {}
        self._calls: dict[str, tuple[str, int]] = {}       # line -> (office date, calls)

    def count_call(self, line: str, day: str) -> None:
        """One more call (inbound or dialled) on ``line`` on the office's date ``day``."""
        seen, count = self._calls.get(line, (day, 0))
        self._calls[line] = (day, count + 1 if seen == day else 1)

    def calls_on(self, line: str, day: str) -> int:
        """Calls on ``line`` on ``day`` (0 for another day)."""
        seen, count = self._calls.get(line, (day, 0))
        return count if seen == day else 0

    def reported(self, event: LineHealthReported, now: float) -> None:
        """Keep the report; start or stop the unregistered clock."""
        self.health[event.line] = dict(event.health)
        registration = event.health.get("registration")
        if registration is None or registration in REGISTERED:
            self.unregistered_since.pop(event.line, None)
        else:
            self.unregistered_since.setdefault(event.line, now)

    def registered(self, line: str) -> bool:
        """False while the line's last report says it is off its network (a call dialled now
        would fail); True for a registered line and for one that reports no registration."""
        return line not in self.unregistered_since

    def failed(self, line: str, reason: str) -> None:
        """The line is out of service for ``reason``."""
        self.down_reason[line] = reason

    def ready(self, line: str) -> None:
        """The line is back in service."""
        self.down_reason.pop(line, None)

    def warning(self, line: str, now: float) -> str | None:
        """What the owner should know about ``line`` now, or None."""
        if line in self.down_reason:
            return f"out of service: {self.down_reason[line]}"
        voice = self.health.get(line, {}).get("voice")
        if voice:
            return f"the desk phones cannot hear callers: {voice}"
        since = self.unregistered_since.get(line)
        if since is not None and now - since >= UNREGISTERED_WARNING_S:
            word = self.health.get(line, {}).get("registration", "unknown")
            return f"not registered on the network for {int((now - since) // 60)} min ({word})"
        return None

    def row(self, line: str, state: LineState, now: float, day: str) -> dict:
        """The snapshot's facts for one line besides its call."""
        return {"state": state.value, "label": state.label,
                "health": dict(self.health.get(line, {})),
                "warning": self.warning(line, now), "calls_today": self.calls_on(line, day)}
