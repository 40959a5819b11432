"""Simulated operators at the simulated board's desk phones, and the bank the simulator wires in.

An operator hears their phone ring, reaches for it after ``answer_after_s`` and lifts it while
it rings (or at the next burst; if ringing stops first, they leave it). Once the line's audio
reaches them (the crosspoint closes) they talk for their talk time and hang up; if the audio is
cut (crosspoint opened) while they hold the handset, they hang up a second later; if no audio
comes at all within ``SILENCE_PATIENCE_S`` of answering, they hang up too. These are the
same habits as ``hwsim.handsets.SimHandsets``, acted out on the chips instead of posted.

``BoardHandsets`` is what ``sim`` (and ``run`` with ``IVR_GPIO=sim``) plugs into the loop when
``handsets.driver`` is ``gpio``: the real ``GpioHandsetBank`` on a ``ReferenceBoard``, with the
simulator's switches (``lift``, ``put_down``, ``operators``) on top.

Example::

    bank = board_handsets(settings, loop, operators, seed=0)
    loop.connect(lines=lines, handsets=bank, calllog=log)
    bank.board.ringing()          # which ring bits are latched on
"""
from __future__ import annotations

from appliance.commands import Command
from appliance.handsets.base import HandsetBank, Post
from appliance.handsets.gpio import GpioHandsetBank
from appliance.handsets.shiftchain import longest_silence
from hwsim.board.handset import DeskPhone
from hwsim.board.reference import ReferenceBoard
from hwsim.people.timing import NextMoves

HANG_UP_AFTER_UNBRIDGE_S = 1.0
SILENCE_PATIENCE_S = 60.0      # an operator who hears nobody this long after answering hangs up


class Desks:
    """The operators sitting at ``board``'s phones, acting through ``scheduler``'s timers."""

    def __init__(self, board: ReferenceBoard, scheduler, operators, cadence: str) -> None:
        self.board = board
        self.operators = {op.handset: op for op in operators if op.handset in board.phones}
        self._scheduler = scheduler
        self._quiet_s = longest_silence(cadence) + 0.5
        self._moves = NextMoves(scheduler)   # handset -> its next hook move
        self._reach_from: dict[int, float] = {}       # handset -> when its ringing was first heard
        for phone in board.phones.values():
            phone.on_ring = self._heard
        board.on_crosspoint = self._audio

    # -- switches ----------------------------------------------------------------------------------

    def lift(self, handset: int) -> None:
        """Lift ``handset`` now (an operator answering, or a fault switch)."""
        self._moves.cancel(handset)
        self.board.phones[handset].lift(self._scheduler.now())

    def put_down(self, handset: int) -> None:
        """Put ``handset`` back now."""
        self._moves.cancel(handset)
        self.board.phones[handset].put_down(self._scheduler.now())

    def idle(self) -> bool:
        """No handset lifted and no operator about to move one."""
        return not self._moves and not any(p.off_hook for p in self.board.phones.values())

    # -- habits ------------------------------------------------------------------------------------

    def _heard(self, phone: DeskPhone, on: bool, now: float) -> None:
        operator = self.operators.get(phone.number)
        if not on or operator is None or phone.off_hook:
            return
        began = self._reach_from.get(phone.number)
        if began is None or self._new_ringing(phone, now):
            self._reach_from[phone.number] = now
            self._moves.later(phone.number, operator.answer_after_s, self._reach)
        elif now - began >= operator.answer_after_s:
            self._answer(phone.number)            # reached for it during the silence

    def _new_ringing(self, phone: DeskPhone, now: float) -> bool:
        """A burst after more silence than the cadence has: a new call ringing, not the same."""
        return phone.last_ring_end is None or now - phone.last_ring_end > self._quiet_s

    def _reach(self, handset: int) -> None:
        """The operator's hand reaches the phone: lift it if it is sounding now."""
        self._moves.done(handset)
        phone = self.board.phones[handset]
        if phone.ringing and self.operators[handset].present:
            self._answer(handset)

    def _answer(self, handset: int) -> None:
        self._reach_from.pop(handset, None)
        if self.operators[handset].present:
            self.lift(handset)
            self._moves.later(handset, SILENCE_PATIENCE_S, self._give_up)

    def _give_up(self, handset: int) -> None:
        """Nobody came on the line (no crosspoint closed): the operator hangs up."""
        self._moves.done(handset)
        if not self.board.phones[handset].lines:
            self.put_down(handset)

    def _audio(self, handset: int, line_index: int, closed: bool) -> None:
        operator, phone = self.operators.get(handset), self.board.phones.get(handset)
        if operator is None or phone is None or not phone.off_hook:
            return
        if closed:
            talk = operator.talk_duration()
            if talk is not None:
                self._moves.later(handset, talk, self.put_down)
        else:
            self._moves.later(handset, HANG_UP_AFTER_UNBRIDGE_S, self.put_down)


class BoardHandsets(HandsetBank):
    """``GpioHandsetBank`` on a simulated board, with the simulator's handset switches."""

    def __init__(self, bank: GpioHandsetBank, desks: Desks) -> None:
        self.bank, self.desks, self.board = bank, desks, desks.board
        self.count = bank.count
        self.operators = desks.operators

    def start(self, post: Post) -> None:
        """Start the driver's polling."""
        self.bank.start(post)

    def test_handset(self, handset: int, report, seconds: float = 8.0) -> None:
        """The technician's handset test, on the simulated board's service bus."""
        self.bank.test_handset(handset, report, seconds)

    def execute(self, command: Command) -> None:
        """Hand the command to the driver (which drives the simulated chips)."""
        self.bank.execute(command)

    def close(self) -> None:
        """Close the driver."""
        self.bank.close()

    def lift(self, handset: int) -> None:
        """Fault switch: take ``handset`` off hook by hand."""
        self.desks.lift(handset)

    def put_down(self, handset: int) -> None:
        """Fault switch: put ``handset`` back on hook."""
        self.desks.put_down(handset)

    def is_off_hook(self, handset: int) -> bool:
        """True while ``handset`` is lifted."""
        return self.board.phones[handset].off_hook

    def all_on_hook(self) -> bool:
        """Every phone down, no operator about to move, and the driver has reported it all."""
        return self.desks.idle() and not self.bank.off_hook()


def board_handsets(settings: dict, scheduler, operators, seed: int = 0, board=None,
                   service=None, library=None, names=None) -> BoardHandsets:
    """The gpio driver on a simulated reference board (``board``, or a new one) with
    ``operators`` at its phones, and the service bus (``service``, its prompts ``library``).
    With ``handsets.caller_id`` on, the phones it names have a display (``phone.shown``).

    ``scheduler`` is the loop (it has ``now``, ``call_later``); the board's clock is the loop's.
    """
    cfg = settings["handsets"]
    if board is None:
        board = ReferenceBoard(scheduler, count=cfg["count"], pins=cfg["pins"], seed=seed)
    if cfg.get("caller_id", "off") != "off":
        board.fit_displays(cfg["caller_id"], cfg["caller_id_handsets"])
    bank = GpioHandsetBank(board.gpio, settings, clock=scheduler, scheduler=scheduler,
                           service=service, library=library, names=names)
    return BoardHandsets(bank, Desks(board, scheduler, operators, cfg["cadence"]))
