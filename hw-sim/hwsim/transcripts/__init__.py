"""Recorded AT sessions (``*.at``) and a port that replays one against the real AT code.

File format, one step a line:

* ``# text``: a comment (where the session comes from, notes);
* ``→ COMMAND``: the host sends ``COMMAND<CR>``;
* ``← TEXT``: the modem sends ``<CR><LF>TEXT<CR><LF>``; ``<CR>``/``<LF>`` spelled out in TEXT
  are sent exactly as written instead, and a TEXT of Python string literals
  (``"\\r\\r\\n+RXDTMF: *\\r\\r\\n"``) is sent as those bytes.

``ReplayPort`` behaves like an opened pyserial port: what the modem says before the first
command is readable at once; each write must be the next command of the script (anything else
is recorded in ``mismatches``), and makes the modem's lines up to the next command readable.

Example::

    port = ReplayPort(load("sim800-s3-incoming-answered"))
    channel = AtChannel(port, SIM800.urcs, post_urc=urcs.append)
"""
from __future__ import annotations

import ast
import threading
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Step:
    """One line of a session: ``host`` True for a command we send."""
    host: bool
    text: str

    def wire(self) -> bytes:
        """The bytes this step puts on the wire."""
        if self.host:
            return self.text.encode("ascii") + b"\r"
        if self.text.startswith('"'):
            return ast.literal_eval(self.text).encode("latin-1")   # adjacent literals join
        if "<CR>" in self.text or "<LF>" in self.text:
            return self.text.replace("<CR>", "\r").replace("<LF>", "\n").encode("latin-1")
        return f"\r\n{self.text}\r\n".encode("latin-1")


def names() -> list[str]:
    """Every stored session, by file name without ``.at``."""
    return sorted(path.stem for path in HERE.glob("*.at"))


def load(name: str) -> list[Step]:
    """The steps of session ``name``."""
    steps = []
    for line in (HERE / f"{name}.at").read_text(encoding="utf-8").splitlines():
        if line.startswith("→"):
            steps.append(Step(True, line[1:].strip()))
        elif line.startswith("←"):
            steps.append(Step(False, line[1:].strip()))
    return steps


class ReplayPort:
    """A pyserial-like port that plays the modem's side of a session."""

    def __init__(self, steps: list[Step]):
        self._steps = list(steps)
        self._buffer = b""
        self._ready = threading.Condition()
        self.mismatches: list[tuple[str, str]] = []
        self.closed = False
        self._release_modem_lines()

    @property
    def in_waiting(self) -> int:
        """Bytes readable now."""
        return len(self._buffer)

    def write(self, data: bytes) -> int:
        """The host's command: check it against the script, then let the modem answer."""
        sent = data.decode("ascii").rstrip("\r")
        with self._ready:
            expected = self._steps.pop(0).text if self._steps and self._steps[0].host else None
            if sent != expected:
                self.mismatches.append((sent, expected))
            self._release_modem_lines()
        return len(data)

    def read(self, size: int = 1) -> bytes:
        """Up to ``size`` bytes, waiting at most 0.05 s for some."""
        with self._ready:
            if not self._buffer:
                self._ready.wait(0.05)
            chunk, self._buffer = self._buffer[:size], self._buffer[size:]
        return chunk

    def close(self) -> None:
        """Nothing to release."""
        self.closed = True

    @property
    def pending_host_steps(self) -> list[str]:
        """Commands of the script the host has not sent yet."""
        return [step.text for step in self._steps if step.host]

    def _release_modem_lines(self) -> None:
        with self._ready:
            while self._steps and not self._steps[0].host:
                self._buffer += self._steps.pop(0).wire()
            self._ready.notify_all()
