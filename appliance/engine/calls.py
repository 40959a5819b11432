"""The life of one call: its states, the moves allowed between them, and what it has gathered."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from appliance.errors import IllegalTransition


class CallState(Enum):
    """Where a call stands. Inbound calls start in MENU or CLOSED, dial-backs in DIALLING."""
    MENU = "menu"                      # greeting and menu prompts, waiting for a key
    CLOSED = "closed"                  # hearing the closed message
    GOODBYE = "goodbye"                # hearing a last message before the appliance hangs up
    QUEUED = "queued"                  # waiting for an operator (announcements, hold music)
    CB_CONFIRM = "cb_confirm"          # callback: number read back, 1 to confirm, 2 to change
    CB_ENTRY = "cb_entry"              # callback: keying a number, ending with #
    CB_THANKS = "cb_thanks"            # callback booked; hearing the thanks before hang-up
    CB_KNOWN = "cb_known"              # calling again with a callback booked: keep it or cancel
    VM_GREETING = "vm_greeting"        # voicemail: hearing the prompt and the beep
    VM_RECORDING = "vm_recording"      # voicemail: speaking after the beep
    DIALLING = "dialling"              # dial-back: an operator kept, the customer's phone rings
    CB_INTRO = "cb_intro"              # dial-back: customer answered, hearing "press 1"
    TALKING = "talking"                # caller and operator connected
    ON_HOLD = "on_hold"                # the operator flashed: caller on hold music, operator keys
    ENDED = "ended"


WAITING_STATES = frozenset({CallState.QUEUED, CallState.CB_CONFIRM, CallState.CB_ENTRY})
CALLBACK_DIALOGUE = frozenset({CallState.CB_CONFIRM, CallState.CB_ENTRY})
DIALBACK_STATES = frozenset({CallState.DIALLING, CallState.CB_INTRO})

_S = CallState
ALLOWED: dict[CallState, frozenset[CallState]] = {
    _S.MENU: frozenset({_S.MENU, _S.GOODBYE, _S.QUEUED, _S.VM_GREETING, _S.CB_KNOWN, _S.ENDED}),
    _S.CLOSED: frozenset({_S.VM_GREETING, _S.ENDED}),
    _S.VM_GREETING: frozenset({_S.VM_RECORDING, _S.ENDED}),
    _S.VM_RECORDING: frozenset({_S.GOODBYE, _S.ENDED}),
    _S.GOODBYE: frozenset({_S.ENDED}),
    _S.QUEUED: frozenset({_S.CB_CONFIRM, _S.CB_ENTRY, _S.TALKING, _S.GOODBYE, _S.VM_GREETING,
                          _S.ENDED}),                       # voicemail: a queue's overflow
    _S.CB_CONFIRM: frozenset({_S.CB_ENTRY, _S.CB_THANKS, _S.QUEUED, _S.TALKING, _S.ENDED}),
    _S.CB_ENTRY: frozenset({_S.CB_CONFIRM, _S.QUEUED, _S.TALKING, _S.ENDED}),
    _S.CB_THANKS: frozenset({_S.ENDED}),
    _S.CB_KNOWN: frozenset({_S.CB_THANKS, _S.MENU, _S.ENDED}),
    _S.DIALLING: frozenset({_S.CB_INTRO, _S.ENDED}),
    _S.CB_INTRO: frozenset({_S.QUEUED, _S.ENDED}),      # pressed 1: first in line, operator rung
    _S.TALKING: frozenset({_S.QUEUED, _S.ON_HOLD, _S.ENDED}),
    _S.ON_HOLD: frozenset({_S.TALKING, _S.QUEUED, _S.ENDED}),
    _S.ENDED: frozenset(),
}


@dataclass
class RingAttempt:
    """One ring of one operator's handset for one call, as the call record lists it."""
    operator: str
    handset: int
    started_at: float
    ended_at: float | None = None
    result: str | None = None


@dataclass
class Call:
    """Everything one call record needs, plus the little the engine must remember while it lives.

    ``rank`` orders waiting callers: the time the caller first joined any queue, then a sequence
    number, so that a caller who is transferred or asks for a callback keeps their place.
    """
    id: str
    direction: str
    line: str | None
    caller: str | None
    language: str
    started_at: float
    state: CallState
    parent_id: str | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    menu_path: str = ""
    queue: str | None = None
    queued_at: float | None = None
    position_at_entry: int | None = None
    announced_wait_s: float | None = None
    wait_s: float | None = None
    callback_offered: bool = False
    callback_number: str | None = None
    operator: str | None = None
    handset: int | None = None
    ring_attempts: list[RingAttempt] = field(default_factory=list)
    ring_s: float | None = None
    talk_s: float | None = None
    hold_s: float | None = None
    wrapup_s: float | None = None
    outcome: str | None = None
    hangup_by: str | None = None
    recording: str | None = None
    voicemail: str | None = None
    sms: str | None = None                  # the text message after the call: sent, failed
    failure: str | None = None              # why a failed call failed (the line's reason)
    transfers: list[dict] = field(default_factory=list)   # {at, from_queue, to_queue, by}
    callback_expected_at: float | None = None  # when the caller was told to expect the dial-back
    # What the engine remembers while the call lives (not part of the record):
    rank: tuple[float, int] | None = None
    play_id: int = 0
    node_path: tuple[str, ...] = ()
    tries: int = 0
    digits: str = ""
    pending_number: str | None = None
    tried_handsets: set[int] = field(default_factory=set)
    talk_started_at: float | None = None
    leg_started_at: float | None = None     # when the current operator answered
    hold_started_at: float | None = None
    pool: tuple[str, ...] = ()              # queues whose operators may take it (escalation)
    record_queue: str | None = None         # the first queue, once an overflow moved the call
    request_id: str | None = None
    timers: set[str] = field(default_factory=set)
    sms_out: tuple[str, str] | None = None  # (number, text) to send once the call has ended

    kind = "caller"

    def move(self, new: CallState) -> None:
        """Change state through the one place that refuses moves the call model does not allow."""
        if new not in ALLOWED[self.state]:
            raise IllegalTransition(f"call {self.id}: {self.state.value} -> {new.value}")
        self.state = new

    @property
    def live(self) -> bool:
        """True until the call has ended."""
        return self.state is not CallState.ENDED

    def ringing(self) -> list[RingAttempt]:
        """The ring attempts still in progress (handsets ringing for this call right now)."""
        return [a for a in self.ring_attempts if a.result is None]

    def add_talk(self, now: float) -> None:
        """Add the conversation since ``talk_started_at`` to ``talk_s`` (legs add up on transfer)."""
        if self.talk_started_at is not None:
            self.talk_s = (self.talk_s or 0.0) + (now - self.talk_started_at)
            self.talk_started_at = None
