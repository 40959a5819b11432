"""A simulated caller: listens to what the appliance plays and reacts as a person would.

Everything a caller does is keyed off the ``Play`` items they hear (docs/architecture.md, "What
the engine plays"), about a second after the prompt that asks for it starts, so the appliance
sees barge-in exactly as with real people:

- a menu prompt (any node prompt of the settings menu): press the next of ``keys``, if any left;
- the first queue announcement or hold music: start the patience clock; hang up after
  ``patience_s`` unless an operator took the call or a callback was accepted first;
- ``callback_offer``: press 1 if they accept callbacks;
- ``callback_confirm``: press 1 if the number read back is their callback number, else 2;
- ``callback_enter_number``: key their callback number's digits and ``#``, 0.3 s apart;
- ``callback_intro`` (they are the callee of a dial-back): press 1, unless their answering
  machine took the call;
- once bridged to an operator: talk, and hang up after ``talk_s`` if they have one;
- after a voicemail beep: speak for ``message_s`` seconds, then fall silent (the line's recorder
  hears the silence and ends the message).

Example::

    spec = CallerSpec(at_s=0, number="+441632960001", keys="1", patience_s=300)
    caller = SimCaller(spec, loop, Speech(settings), callback_number=spec.number)
    line.offer(caller)        # LineRinging if the line is free, else the caller hears busy
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hwsim.speech import Speech, digits

QUEUE_SIGNS = frozenset({("prompt", "queue_position"), ("prompt", "queue_wait"),
                         ("music", "hold")})
REACTION_DELAY_S = 1.0      # a person presses a key about a second into the prompt
KEYING_GAP_S = 0.3          # between the digits of a number keyed in


@dataclass(frozen=True)
class CallerSpec:
    """Who calls and how they behave (a scenario ``callers`` entry, or drawn by traffic)."""

    at_s: float
    number: str | None = None
    line: str | None = None
    keys: str = ""
    patience_s: float | None = None
    accepts_callback: bool = False
    answers_callback_after_s: float | None = 5.0
    callback_number: str | None = None
    talk_s: float | dict | None = None
    message_s: float = 8.0          # how long they speak after a voicemail beep
    answering_machine: bool = False  # a dial-back reaches their machine, not them


class SimCaller:
    """One person with a phone; at most on one line at a time (``line`` is None otherwise)."""

    def __init__(self, spec: CallerSpec, scheduler, speech: Speech, callback_number: str,
                 talk_s: float | None = None) -> None:
        self.spec, self.number, self.callback_number = spec, spec.number, callback_number
        self.talk_s = talk_s
        self.line = None
        self._scheduler, self._speech = scheduler, speech
        self._keys = list(spec.keys)
        self._leg = 0                 # bumps on every join/leave: stale reactions do nothing
        self._patience_started = False
        self._waiting = False

    @property
    def busy(self) -> bool:
        """True while on a call (a dial-back to them then finds the number busy)."""
        return self.line is not None

    @property
    def answers_callback_after_s(self) -> float | None:
        """Seconds before they pick up a dial-back; None: they never do."""
        return self.spec.answers_callback_after_s

    # -- told by the line ------------------------------------------------------------------------

    def joined(self, line) -> None:
        """They are now on ``line`` (ringing in, or having answered a dial-back)."""
        self.line, self._leg = line, self._leg + 1
        self._patience_started = self._waiting = False

    def left(self) -> None:
        """Their call ended (either side hung up, or the line failed)."""
        self.line, self._leg = None, self._leg + 1

    def hears(self, items: tuple[tuple[str, Any], ...]) -> None:
        """The appliance started playing ``items`` to them."""
        if not self._patience_started and QUEUE_SIGNS.intersection(items):
            self._start_patience()
        for index, (kind, value) in enumerate(items):
            if kind == "prompt":
                self._react(value, items, index)

    def bridged(self) -> None:
        """An operator is on the line: no more waiting; talk for ``talk_s`` if they have one."""
        self._waiting = False
        if self.talk_s is not None:
            self._after(self.talk_s, self._hang_up)

    # -- reactions -------------------------------------------------------------------------------

    def _react(self, prompt: str, items: tuple, index: int) -> None:
        start = self._speech.starts_at(items, index)
        if prompt in self._speech.menu_prompts:
            self._choose_option(start)
        elif prompt == "callback_offer" and self.spec.accepts_callback:
            self._waiting = False
            self._press_after(start + REACTION_DELAY_S, "1")
        elif prompt == "callback_confirm":
            self._confirm(items, index)
        elif prompt == "callback_enter_number":
            self._key_number(start + REACTION_DELAY_S)
        elif prompt == "callback_intro" and not self.spec.answering_machine:
            self._press_after(start + REACTION_DELAY_S, "1")

    def _choose_option(self, start: float) -> None:
        if self._keys:
            self._press_after(start + REACTION_DELAY_S, self._keys.pop(0))

    def _confirm(self, items: tuple, index: int) -> None:
        """Listen to the number read back, then 1 if it is theirs, else 2."""
        for later in range(index + 1, len(items)):
            kind, value = items[later]
            if kind == "phone":
                right = digits(value) == digits(self.callback_number)
                end = self._speech.ends_at(items, later)
                self._press_after(end + REACTION_DELAY_S, "1" if right else "2")
                return
        self._press_after(self._speech.ends_at(items, index) + REACTION_DELAY_S, "2")

    def _key_number(self, start: float) -> None:
        for n, key in enumerate(digits(self.callback_number) + "#"):
            self._press_after(start + n * KEYING_GAP_S, key)

    def _start_patience(self) -> None:
        self._patience_started = self._waiting = True
        if self.spec.patience_s is not None:
            self._after(self.spec.patience_s, self._give_up)

    def _give_up(self) -> None:
        if self._waiting:
            self._hang_up()

    # -- acting on the line ----------------------------------------------------------------------

    def _press_after(self, delay: float, key: str) -> None:
        self._after(delay, lambda: self.line.press(self, key))

    def _hang_up(self) -> None:
        self.line.hang_up_by(self)

    def _after(self, delay: float, action) -> None:
        """Run ``action`` after ``delay`` seconds if this call leg is still going by then."""
        leg = self._leg
        self._scheduler.call_later(delay, lambda: self._if_leg(leg, action))

    def _if_leg(self, leg: int, action) -> None:
        if leg == self._leg and self.line is not None:
            action()
