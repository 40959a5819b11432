"""What the engine asks the drivers to do: imperatives, immutable, executed only by the loop.

``Play`` carries *meaning*, not files: ``("prompt", "greeting")``, ``("position", 3)``,
``("wait", 240)``, ``("phone", "+390612345")``, ``("music", "hold")``. The audio layer turns each
item into prompt files in the call's language, so grammar lives in one place per language.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PlayItem = tuple[str, Any]


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """Take the inbound call ringing on ``line`` off hook."""
    line: str


@dataclass(frozen=True, slots=True)
class Hangup:
    """End whatever call is on ``line`` and leave the line idle."""
    line: str


@dataclass(frozen=True, slots=True)
class Dial:
    """Dial ``number`` on idle ``line``; the driver answers with CallAnswered or DialFailed."""
    line: str
    number: str


@dataclass(frozen=True, slots=True)
class Play:
    """Play ``items`` in order to ``line`` in ``language``; PromptDone(play_id) follows at the end.

    With ``loop`` the items repeat (hold music) and no PromptDone is posted. A new Play on the
    same line replaces the one playing.
    """
    line: str
    play_id: int
    items: tuple[PlayItem, ...]
    language: str = "en"
    loop: bool = False


@dataclass(frozen=True, slots=True)
class StopPlayback:
    """Stop what plays on ``line`` within one frame (barge-in); no PromptDone follows."""
    line: str


@dataclass(frozen=True, slots=True)
class RingHandset:
    """Ring desk handset ``handset`` at the configured cadence; ``caller`` is shown where possible."""
    handset: int
    caller: str | None = None


@dataclass(frozen=True, slots=True)
class StopRing:
    """Stop ringing ``handset`` (answered elsewhere, caller gone, or ring timeout)."""
    handset: int


@dataclass(frozen=True, slots=True)
class Bridge:
    """Connect the audio of ``line`` and ``handset``: caller and operator talk.

    ``whisper`` (Play items, in ``language``) is said to the operator alone first, on the
    service bus, where the board has one: who is calling and how long they waited."""
    line: str
    handset: int
    whisper: tuple = ()
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Hold:
    """The operator on ``handset`` flashed: take them off ``line`` (the caller hears what the
    engine plays) onto the service bus, say ``items`` to them and report their keys
    (``OperatorKey``). A ``Bridge`` brings them back to the caller; an ``Unbridge`` lets them go."""
    line: str
    handset: int
    items: tuple = ()
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Unbridge:
    """Disconnect ``line`` from ``handset``; the operator's call is over and they should hang up."""
    line: str
    handset: int


@dataclass(frozen=True, slots=True)
class StartRecording:
    """Record ``line`` to ``path`` (relative to the data folder) as 8 kHz WAV.

    ``kind`` is ``call`` (both directions, ``stereo`` or mixed, until StopRecording) or
    ``voicemail`` (the caller only; ends by itself after ``max_s`` or ``silence_end_s`` of
    silence, and the driver then posts RecordingDone).
    """
    line: str
    path: str
    kind: str
    max_s: float | None = None
    silence_end_s: float | None = None
    stereo: bool = False


@dataclass(frozen=True, slots=True)
class StopRecording:
    """Stop recording ``line`` and close the file."""
    line: str


@dataclass(frozen=True, slots=True)
class SendSms:
    """Send ``text`` to ``number`` from ``line`` once the line is idle; SmsSent(call_id) follows.
    A line that cannot send text messages (analog, simulated without SMS) answers SmsSent with
    ``ok`` False; a failure never holds up calls."""
    line: str
    number: str
    text: str
    call_id: str


@dataclass(frozen=True, slots=True)
class StartTimer:
    """Post TimerFired(key) at time ``at``; a timer with the same key is replaced."""
    key: tuple
    at: float


@dataclass(frozen=True, slots=True)
class CancelTimer:
    """Forget the timer ``key`` if it is pending."""
    key: tuple


@dataclass(frozen=True, slots=True)
class WriteCallRecord:
    """Store ``record`` (contracts.md fields), replacing any earlier version with the same id."""
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Notice:
    """Tell the people who watch the appliance something (log, console, web page)."""
    level: str
    text: str


Command = (AnswerLine | Hangup | Dial | Play | StopPlayback | RingHandset | StopRing | Bridge
           | Unbridge | StartRecording | StopRecording | SendSms | StartTimer | CancelTimer
           | WriteCallRecord | Notice)
