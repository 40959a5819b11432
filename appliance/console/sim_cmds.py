"""The simulator's fault switches from the console (style lesson 6): drop a call, unplug or plug
in a line, play a GSM module's own failures on a plain simulated line (a module reset, a garbled
reply, registration lost and back: the soak's faults), lift or put down a handset, and on a line
that runs the real driver on a simulated modem (``"port": "sim"``, live ``sim``) every switch
of that modem: on a GSM module restart, stall, lost registration ...; on an analog V.253 modem
the far end's hang-up signals, stall, garble, vanish. Only simulated drivers have them; the
switch is thrown on the loop thread, as the simulator itself throws them.

A module-backed line offers ``SWITCHES`` (name -> argument, what it does; only the switches
that line has), ``title``, ``switch_value``, ``switch_list``, ``refusal`` and ``fault``
(``hwsim.modemline``); the console only asks the line, so it imports nothing of the simulator."""
from __future__ import annotations

from appliance.console.context import Context
from appliance.console.table import ConsoleError, expect

PLAIN_USAGE = ("sim fault LINE drop|unplug|plug_in|module_reset|garbled_reply|registration_lost|"
               "registration_back")
MODULE_SWITCHES = ("restart|stall [N]|noreg|reg|garble [N]|cme CODE|keep_call [N]|bad_key|"
                   "halfdead|deaf|vanish|plugin")
ANALOG_SWITCHES = ("stall [N]|garble [N]|loop_break|busy_tone|busy_dle|dial_tone|silence|vanish|"
                   "plugin")
USAGE = (f"{PLAIN_USAGE} (a line on a simulated module also: {MODULE_SWITCHES}; on a simulated "
         f"analog modem: {ANALOG_SWITCHES}) | sim handset N lift|put_down")
LINE_SWITCHES = {"drop": "drop_call", "drop_call": "drop_call", "unplug": "unplug",
                 "plug_in": "plug_in", "module_reset": "module_reset",
                 "garbled_reply": "garbled_reply", "registration_lost": "registration_lost",
                 "registration_back": "registration_back"}
HANDSET_SWITCHES = ("lift", "put_down")


def cmd_sim(ctx: Context, args: list[str]) -> str:
    if not args or args[0] not in ("fault", "handset"):
        raise ConsoleError(f"usage: {USAGE}")
    return (sim_fault if args[0] == "fault" else sim_handset)(ctx, args[1:])


def sim_fault(ctx: Context, args: list[str]) -> str:
    if not args:
        raise ConsoleError(f"usage: sim fault LINE SWITCH [ARG]: {PLAIN_USAGE}, and on a line on "
                           f"a simulated module also {MODULE_SWITCHES} (on a simulated analog "
                           f"modem: {ANALOG_SWITCHES})")
    line = _sim_line(ctx, args[0])
    if hasattr(line, "SWITCHES"):
        return _module_fault(ctx, line, args)
    line_id, switch = expect(args, PLAIN_USAGE, 2)
    if switch not in LINE_SWITCHES:
        raise ConsoleError(f"a line switch is drop, unplug, plug_in, module_reset, garbled_reply, "
                           f"registration_lost or registration_back (got '{switch}')")
    ctx.on_loop(getattr(line, LINE_SWITCHES[switch]))
    return f"line {line_id}: {LINE_SWITCHES[switch]} thrown"


def _module_fault(ctx: Context, line, args: list[str]) -> str:
    """A switch of the simulated modem under the real driver (only those that line has), with
    its argument checked."""
    line_id, switch, *rest = expect(args, f"sim fault {args[0]} SWITCH [ARG]; switches: "
                                    f"{line.switch_list()}", 2, 3)
    text = rest[0] if rest else None
    try:
        value = line.switch_value(switch, text)
    except ValueError as exc:
        raise ConsoleError(f"line {line_id} is a simulated {line.title}: {exc}") from None
    refused = line.refusal(switch)
    if refused is not None:
        raise ConsoleError(refused)
    ctx.on_loop(lambda: line.fault(switch, value))
    return f"line {line_id}: {switch}{'' if text is None else ' ' + text} thrown"


def _sim_line(ctx: Context, line_id: str):
    known = [line["id"] for line in ctx.snapshot()["lines"]]
    if line_id not in known:
        raise ConsoleError(f"no line '{line_id}'; lines are: {', '.join(known)}")
    if line_id not in ctx.sim_lines:
        raise ConsoleError(f"line '{line_id}' is real hardware, not the simulator's: fault "
                           "switches work only on lines with driver 'sim'")
    return ctx.sim_lines[line_id]


def sim_handset(ctx: Context, args: list[str]) -> str:
    number, switch = expect(args, "sim handset N lift|put_down", 2)
    if switch not in HANDSET_SWITCHES:
        raise ConsoleError(f"a handset switch is lift or put_down (got '{switch}')")
    bank = _sim_bank(ctx)
    if not number.isdigit() or not 1 <= int(number) <= bank.count:
        raise ConsoleError(f"handset must be a number from 1 to {bank.count} (got '{number}')")
    ctx.on_loop(lambda: getattr(bank, switch)(int(number)))
    return f"handset {number}: {switch} thrown"


def _sim_bank(ctx: Context):
    if ctx.sim_handsets is None:
        raise ConsoleError("the handsets are real hardware, not the simulator's: handset "
                           "switches work only with handsets.driver 'sim'")
    return ctx.sim_handsets


COMMANDS = [
    ("sim", cmd_sim, "simulator only: drop a call, unplug or plug in a line, lift a handset, "
     "throw a simulated module's faults", USAGE),
]
