"""Facts the engine consumes: what happened on a line, a handset, a timer or from the owner.

Events are immutable and carry no time: the loop hands the engine ``now`` with each one, so a
fake clock can replay a month of traffic in seconds. Names are past-tense facts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class LineRinging:
    """An inbound call is presented on ``line``; ``caller`` is the caller ID, None if withheld."""
    line: str
    caller: str | None


@dataclass(frozen=True, slots=True)
class CallAnswered:
    """The far end answered the number we dialled on ``line`` (a callback)."""
    line: str


@dataclass(frozen=True, slots=True)
class CalleeHeard:
    """After CallAnswered, the line's voice detector judged who picked up: ``kind`` is
    ``person`` (a short "hello?" then a pause), ``machine`` (a long greeting) or ``silent``."""
    line: str
    kind: str


@dataclass(frozen=True, slots=True)
class DialFailed:
    """The number dialled on ``line`` did not answer; ``reason`` is busy, no_answer or failed."""
    line: str
    reason: str


@dataclass(frozen=True, slots=True)
class DigitPressed:
    """The far end on ``line`` pressed a DTMF key (0-9, *, #, A-D)."""
    line: str
    key: str


@dataclass(frozen=True, slots=True)
class PromptDone:
    """The playback started by ``Play(play_id=...)`` on ``line`` reached its end."""
    line: str
    play_id: int


@dataclass(frozen=True, slots=True)
class RecordingDone:
    """A voicemail recording on ``line`` ended by itself: ``reason`` is silence or max_length."""
    line: str
    path: str
    seconds: float
    reason: str


@dataclass(frozen=True, slots=True)
class LineHungUp:
    """The far end on ``line`` hung up."""
    line: str


@dataclass(frozen=True, slots=True)
class LineFailed:
    """``line`` dropped the call or vanished (modem unplugged, network lost); ``reason`` says why."""
    line: str
    reason: str


@dataclass(frozen=True, slots=True)
class LineReady:
    """``line`` is (back) in service: registered, SIM ready, modem answering."""
    line: str


@dataclass(frozen=True, slots=True)
class LineHealthReported:
    """How ``line`` is doing, polled by its driver while idle (shown on the console and web).

    ``health`` is plain data; every key may be None where the line kind has no such fact:
    ``registration`` (home, roaming, searching, denied, not_registered, unknown), ``network``
    (operator name), ``signal_dbm`` and ``bars`` (0-5), ``sim`` (ready, pin, puk, absent,
    failure), ``plan`` (how the line carries calls: "call state by ccinfo, keys by QTONEDET ..."),
    ``model``, ``last_error``, ``voice`` (why the desk phones cannot hear the line's callers: a
    bridge or sound card missing or failed; None when all is well).
    """
    line: str
    health: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SmsSent:
    """The text message asked by ``SendSms(call_id=...)`` on ``line`` was sent (``ok``) or not;
    ``detail`` says why not (a modem error), or the module's message reference."""
    line: str
    call_id: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class HandsetOffHook:
    """Desk handset number ``handset`` (1-20) was lifted."""
    handset: int


@dataclass(frozen=True, slots=True)
class HandsetOnHook:
    """Desk handset number ``handset`` was put down."""
    handset: int


@dataclass(frozen=True, slots=True)
class HookFlash:
    """Desk handset ``handset`` was put down for 100-600 ms and lifted again (a hook flash)."""
    handset: int


@dataclass(frozen=True, slots=True)
class OperatorKey:
    """The operator on ``handset`` pressed ``key`` while on the service bus (a caller on hold)."""
    handset: int
    key: str


@dataclass(frozen=True, slots=True)
class TimerFired:
    """The timer started with ``StartTimer(key, ...)`` is due."""
    key: tuple


@dataclass(frozen=True, slots=True)
class OperatorPaused:
    """The owner or a technician paused ``operator``: no calls are offered until unpaused."""
    operator: str


@dataclass(frozen=True, slots=True)
class OperatorUnpaused:
    """``operator`` is back: calls are offered again (also clears an automatic pause)."""
    operator: str


@dataclass(frozen=True, slots=True)
class TransferRequested:
    """The operator on ``handset`` passes the caller to ``queue`` (the caller keeps priority)."""
    handset: int
    queue: str


@dataclass(frozen=True, slots=True)
class SettingsChanged:
    """New, already validated settings take effect for calls from now on. ``renamed`` maps a
    queue's old name to its new one, so that its waiting callers follow it."""
    settings: dict[str, Any]
    renamed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ShutdownRequested:
    """The daemon is stopping: every live call ends now, with its call record."""
    reason: str = "shutdown"


Event = (LineRinging | CallAnswered | CalleeHeard | DialFailed | DigitPressed | PromptDone | RecordingDone
         | LineHungUp
         | LineFailed | LineReady | LineHealthReported | SmsSent | HandsetOffHook | HandsetOnHook | HookFlash | TimerFired | OperatorPaused
         | OperatorUnpaused | TransferRequested | SettingsChanged | ShutdownRequested)
