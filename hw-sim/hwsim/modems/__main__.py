"""`python -m hwsim.modems --dialect sim800`: a simulated module on a pty, for a bench or a test.

Prints the port to put in ``lines[].port``, then reads commands from stdin: ``call +4477...``,
``call`` (withheld), ``press 2#``, ``hangup``, ``callee +1555 busy|no_answer|unreachable|answer``,
and the fault switches ``garble [n]``, ``stall [n]``, ``cme <code> [n]``, ``keep_call [n]``,
``bad_key``, ``drop``, ``restart``, ``noreg``, ``reg``, ``halfdead``, ``deaf``, ``vanish``,
``plugin``; ``quit`` ends it (so does end of input or Ctrl-C). ``--refuse CMD`` (repeatable)
plays a firmware that answers ERROR to a documented command. ``--dialect v253`` is an analog
voice modem (``--flavour usr|conexant``): ``call NUMBER [NAME]``, ``press``, ``hangup [SIGNAL]``
(loop_break, busy_dle, busy_tone, dial_tone, silence, none), ``callee``, ``garble``, ``stall``,
``vanish``, ``plugin``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appliance.lines.dialects import DIALECTS
from hwsim.modems.model import ModemModel


def _actions(modem: ModemModel) -> dict:
    return {
        "call": lambda *a: modem.incoming_call(a[0] if a else None),
        "press": lambda keys: modem.press(keys),
        "hangup": lambda: modem.hang_up(),
        "callee": lambda number, outcome: modem.callees.__setitem__(number, outcome),
        "garble": lambda n="1": modem.garble(int(n)),
        "stall": lambda n="1": modem.stall(int(n)),
        "cme": lambda code, n="1": modem.cme(int(code), int(n)),
        "keep_call": lambda n="1": modem.keep_call(int(n)),
        "bad_key": lambda: modem.bad_key(),
        "drop": lambda: modem.drop(),
        "restart": lambda: modem.restart(),
        "noreg": lambda: modem.lose_registration(),
        "reg": lambda: modem.register(),
        "halfdead": lambda: modem.half_dead_audio(),
        "deaf": lambda: modem.stop_taking_audio(),
        "vanish": lambda: modem.vanish(),
        "plugin": lambda: modem.plug_in(),
    }


def _analog_actions(modem) -> dict:
    """The V.253 voice modem's far end and switches: ``hangup`` takes the disconnect signal
    (loop_break, busy_dle, busy_tone, dial_tone, silence, none)."""
    return {
        "call": lambda *a: modem.incoming_call(a[0] if a else None, " ".join(a[1:]) or None),
        "press": lambda keys: modem.press(keys),
        "hangup": lambda signal="loop_break": modem.hang_up(signal),
        "callee": lambda number, outcome: modem.callees.__setitem__(number, outcome),
        "garble": lambda n="1": modem.garble(int(n)),
        "stall": lambda n="1": modem.stall(int(n)),
        "vanish": lambda: modem.vanish(),
        "plugin": lambda: modem.plug_in(),
    }


def main(argv: list[str] | None = None) -> int:
    """Run one simulated module until ``quit``."""
    parser = argparse.ArgumentParser(prog="python -m hwsim.modems",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--dialect", choices=sorted(DIALECTS) + ["v253"], default="sim800")
    parser.add_argument("--flavour", choices=["usr", "conexant"], default="usr",
                        help="v253 only: a USRobotics (full duplex, 16-bit) or Conexant modem")
    parser.add_argument("--port", type=Path,
                        help="where to put the port's link (default: a temp dir)")
    parser.add_argument("--pin", help="the simulated SIM asks for this PIN")
    parser.add_argument("--refuse", action="append", default=[], metavar="CMD",
                        help="answer ERROR to this command, as some firmware does (repeatable)")
    args = parser.parse_args(argv)
    if args.dialect == "v253":
        from hwsim.modems.v253 import VoiceModemModel
        modem = VoiceModemModel(path=args.port, flavour=args.flavour).start()
        actions = _analog_actions(modem)
        print(f"V.253 voice modem ({args.flavour}) simulated on {modem.path}", flush=True)
    else:
        modem = ModemModel(DIALECTS[args.dialect], path=args.port, pin=args.pin,
                           refuse=set(args.refuse)).start()
        actions = _actions(modem)
        print(f"{DIALECTS[args.dialect].title} simulated on {modem.path} "
              f"(audio port {modem.audio_path})", flush=True)
    try:
        _serve(modem, actions)
    except KeyboardInterrupt:
        pass
    finally:
        modem.stop()
    return 0


def _serve(modem: ModemModel, actions: dict) -> None:
    for text in sys.stdin:
        words = text.split()
        if not words:
            continue
        if words[0] == "quit":
            return
        try:
            actions[words[0]](*words[1:])
            print("ok", flush=True)
        except (KeyError, TypeError, ValueError):
            print(f"? {text.strip()} (commands: {', '.join(actions)}, quit)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
