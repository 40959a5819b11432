"""The simulated handset bank: desk phones with simulated operators sitting at them.

``RingHandset(h)``: if someone present sits at handset h, they lift it (``HandsetOffHook``)
after their ``answer_after_s``; ``StopRing`` cancels that. ``Bridge(line, h)``: the operator
talks and puts the handset down (``HandsetOnHook``) after their talk time, if they have one.
``Unbridge(line, h)`` while off hook: the operator hangs up a second later. An operator with
``flash`` plans flashes during each call: ``{"after_s": 60, "keys": "0"}`` puts the caller on
hold and keys 0 (a transfer) a second later; ``{"after_s": 60, "hold_s": 20}`` flashes back to
the caller after 20 s. ``Hold(line, h)`` changes nothing for the person: they wait on hold.

Fault and diagnosis switches: ``lift(h)`` / ``put_down(h)`` move a handset's hook by hand (a
handset left off hook is busy to the engine); an operator's ``present`` flag makes them walk
away from the desk.

Example::

    bank = SimHandsets(loop, [SimOperator("ann", 1, answer_after_s=4, talk_s=60)], count=3)
    loop.connect(lines=lines, handsets=bank, calllog=log)
    bank.lift(2)          # someone took handset 2 off hook by hand
"""
from __future__ import annotations

from appliance import commands as c
from appliance.events import HandsetOffHook, HandsetOnHook, HookFlash, OperatorKey
from appliance.handsets.base import HandsetBank
from hwsim.people.timing import NextMoves

HANG_UP_AFTER_UNBRIDGE_S = 1.0
KEY_AFTER_FLASH_S = 1.0


class SimHandsets(HandsetBank):
    """``count`` handsets; ``operators`` says who sits at which (others are empty desks)."""

    def __init__(self, scheduler, operators, count: int) -> None:
        self.count = count
        self.operators = {op.handset: op for op in operators}
        self._scheduler = scheduler
        self._off_hook: set[int] = set()
        self._held: set[int] = set()          # handsets whose caller is on hold
        self._call_no: dict[int, int] = {}    # handset -> which call its flashes belong to
        self._moves = NextMoves(scheduler)   # handset -> its next hook move
        self._post = None
        self._handlers = {c.RingHandset: self._ring, c.StopRing: self._stop_ring,
                          c.Bridge: self._bridge, c.Unbridge: self._unbridge,
                          c.Hold: self._hold}

    # -- HandsetBank interface -------------------------------------------------------------------

    def start(self, post) -> None:
        """Begin posting hook events into the loop."""
        self._post = post

    def execute(self, command: c.Command) -> None:
        """Carry out RingHandset, StopRing, Bridge or Unbridge."""
        self._handlers[type(command)](command)

    def close(self) -> None:
        """Cancel every pending hook move."""
        self._moves.cancel_all()

    # -- switches and state ----------------------------------------------------------------------

    def post_event(self, event) -> None:
        """Post what a person at a desk tells the appliance besides the hook (the desk page's
        "I'm back"): the ``back_at_desk`` switch."""
        self._post(event)

    def is_off_hook(self, handset: int) -> bool:
        """True while ``handset`` is lifted."""
        return handset in self._off_hook

    def all_on_hook(self) -> bool:
        """True when every handset is down and no hook move is pending."""
        return not self._off_hook and not self._moves

    def lift(self, handset: int) -> None:
        """Take ``handset`` off hook (an operator answering, or by hand)."""
        self._moves.cancel(handset)
        if handset not in self._off_hook:
            self._off_hook.add(handset)
            self._post(HandsetOffHook(handset))

    def put_down(self, handset: int) -> None:
        """Put ``handset`` back on hook."""
        self._moves.cancel(handset)
        if handset in self._off_hook:
            self._off_hook.discard(handset)
            self._post(HandsetOnHook(handset))

    # -- commands --------------------------------------------------------------------------------

    def _ring(self, command: c.RingHandset) -> None:
        operator = self.operators.get(command.handset)
        if operator is not None and operator.present and not self.is_off_hook(command.handset):
            self._moves.later(command.handset, operator.answer_after_s, self.lift)

    def _stop_ring(self, command: c.StopRing) -> None:
        if not self.is_off_hook(command.handset):
            self._moves.cancel(command.handset)

    def _bridge(self, command: c.Bridge) -> None:
        if command.handset in self._held:            # back from hold: the call goes on
            self._held.discard(command.handset)
            return
        operator = self.operators.get(command.handset)
        talk = operator.talk_duration() if operator is not None else None
        if talk is not None:
            self._moves.later(command.handset, talk, self.put_down)
        if operator is not None:
            self._plan_flashes(command.handset, operator.flash)

    def _hold(self, command: c.Hold) -> None:
        self._held.add(command.handset)

    def _plan_flashes(self, handset: int, plans) -> None:
        """Post each planned flash (and its keys, or the flash back) while this call lasts."""
        number = self._call_no[handset] = self._call_no.get(handset, 0) + 1

        def act(event) -> None:
            if self._call_no.get(handset) == number and self.is_off_hook(handset):
                self._post(event)

        def later(after: float, event) -> None:
            self._scheduler.call_later(after, lambda: act(event))

        for plan in plans:
            later(plan["after_s"], HookFlash(handset))
            for index, key in enumerate(plan.get("keys") or ""):
                later(plan["after_s"] + KEY_AFTER_FLASH_S * (index + 1), OperatorKey(handset, key))
            if plan.get("hold_s"):
                later(plan["after_s"] + plan["hold_s"], HookFlash(handset))

    def _unbridge(self, command: c.Unbridge) -> None:
        self._held.discard(command.handset)
        self._call_no[command.handset] = self._call_no.get(command.handset, 0) + 1
        if self.is_off_hook(command.handset):
            self._moves.later(command.handset, HANG_UP_AFTER_UNBRIDGE_S, self.put_down)
