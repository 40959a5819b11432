"""The ``ivr-appliance`` command: one parser, one line of error on bad input, exit codes that mean it."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from appliance.errors import ApplianceError

DEFAULT_DATA_DIR = "/var/lib/ivr-appliance"


def data_dir_default() -> str:
    """``$IVR_DATA_DIR`` when set, else the system location the Pi install uses."""
    return os.environ.get("IVR_DATA_DIR", DEFAULT_DATA_DIR)


def _add_data_dir(p: argparse.ArgumentParser, top: bool = False) -> None:
    """On the top parser and on every subcommand at any depth: a technician types it where the
    docs or their habit put it (``config import F --data-dir D`` as well as before ``config``)."""
    # SUPPRESS on subcommands so that `--data-dir X sim` is not overwritten by sim's default.
    p.add_argument("--data-dir", type=Path, default=None if top else argparse.SUPPRESS,
                   help="folder for settings, the call log, recordings (default $IVR_DATA_DIR or "
                        f"{DEFAULT_DATA_DIR})")


def _port(text: str) -> int:
    """A TCP port, 1-65535, or 0 for any free one (70000 used to be served, silently, on 4464)."""
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535, or 0 for any "
                                         f"free port (got {text})")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """All subcommands and their options, with help that a technician can read."""
    parser = argparse.ArgumentParser(prog="ivr-appliance", description=__doc__)
    _add_data_dir(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("run", help="the daemon on the hardware described in settings")
    _add_data_dir(p)

    p = sub.add_parser("sim", help="the whole appliance on simulated hardware (demo, or a scenario)")
    _add_data_dir(p)
    p.add_argument("--scenario", type=Path, help="JSON scenario file (see docs/simulator.md)")
    p.add_argument("--fast", action="store_true",
                   help="simulated clock: run the scenario as fast as the CPU allows, then exit")
    p.add_argument("--web-port", type=_port, default=8080,
                   help="port of the web page, 1-65535, 0: any free port (default 8080)")
    p.add_argument("--seed", type=int, default=None, help="random seed for reproducible runs")
    p.add_argument("--quiet", action="store_true", help="no live view, only the summary")

    for name, what in (("calls", "the call log"), ("stats", "report figures for a period")):
        p = sub.add_parser(name, help=what)
        _add_data_dir(p)
        p.add_argument("--since", help="from this time (ISO 8601, e.g. 2026-11-23 or 2026-11-23T09:00Z)")
        p.add_argument("--until", help="up to this time, exclusive (ISO 8601)")
    sub.choices["calls"].add_argument("--format", choices=("json", "csv"), default="json")
    sub.choices["stats"].add_argument("--format", choices=("json", "text"), default="text")

    p = sub.add_parser("web-reset", help="forget the web page's password (prints a new setup code)")
    _add_data_dir(p)

    p = sub.add_parser("dtmf", help="run the appliance's DTMF receiver over a recording")
    _add_data_dir(p)
    dsub = p.add_subparsers(dest="dtmf_command", metavar="ACTION")
    dsub.required = True
    dec = dsub.add_parser("decode", help="print the keys heard in FILE.wav as one line")
    _add_data_dir(dec)
    dec.add_argument("file", type=Path, help="WAV file (8 kHz 16-bit mono, or any rate/width/G.711)")
    dec.add_argument("--events", action="store_true", help="also one line per key: time, length, level")

    p = sub.add_parser("console", help="the technician console of the running appliance, on "
                                       "this terminal or served on a serial port")
    _add_data_dir(p)
    p.add_argument("--port", help="serve the console on this serial device (e.g. /dev/ttyUSB0) "
                                  "instead of this terminal")
    p.add_argument("--baud", type=int, default=None,
                   help="serial speed, 8N1 (default: the console.baud setting, 115200)")

    p = sub.add_parser("backup", help="a full backup of the owner's data, or restore one")
    _add_data_dir(p)
    bsub = p.add_subparsers(dest="backup_command", metavar="ACTION")
    bsub.required = True
    make = bsub.add_parser("create", help="write settings, prompts, phone book and notes to FILE "
                                          "(.zip)")
    _add_data_dir(make)
    make.add_argument("file", type=Path)
    make.add_argument("--media", action="store_true", help="also the call recordings and voicemail")
    res = bsub.add_parser("restore", help="check FILE completely; only if all of it is valid, "
                                          "restore it")
    _add_data_dir(res)
    res.add_argument("file", type=Path)

    p = sub.add_parser("export", help="write what another phone system needs to take over")
    _add_data_dir(p)
    esub = p.add_subparsers(dest="export_target", metavar="TARGET")
    esub.required = True
    ast = esub.add_parser("asterisk", help="extensions.conf, queues.conf, prompts, phone book "
                                           "and call history for Asterisk/FreePBX, into DIR")
    _add_data_dir(ast)
    ast.add_argument("dir", type=Path, metavar="DIR", help="an empty or new folder")
    ast.add_argument("--member", default="PJSIP/handset{n}",
                     help="the Asterisk endpoint of desk handset {n} (default PJSIP/handset{n})")
    ast.add_argument("--mailbox", default="100@ivr",
                     help="the voicemail box BOX@CONTEXT messages go to (default 100@ivr)")
    ast.add_argument("--force", action="store_true",
                     help="write into a folder that is not empty (replaces the exported files)")

    p = sub.add_parser("config", help="export or import all settings as one JSON document")
    _add_data_dir(p)
    csub = p.add_subparsers(dest="config_command", metavar="ACTION")
    csub.required = True
    _add_data_dir(csub.add_parser("export", help="print the settings as JSON"))
    imp = csub.add_parser("import", help="validate FILE and, only if all of it is valid, apply it")
    _add_data_dir(imp)
    imp.add_argument("file", type=Path)
    imp.add_argument("--partial", action="store_true",
                     help="change only the sections FILE has (else FILE must be whole)")
    return parser


def _handler(command: str):
    """Import only what the subcommand needs: a Pi Zero starts faster, and tests import less."""
    if command == "run":
        from appliance import daemon
        return daemon.cmd_run
    if command == "sim":
        from appliance.cli import sim
        return sim.cmd_sim
    if command == "web-reset":
        from appliance.web.auth import cmd_web_reset
        return cmd_web_reset
    if command == "console":
        from appliance.console.client import cmd_console
        return cmd_console
    if command == "export":
        from appliance.export_asterisk import cmd_export
        return cmd_export
    if command == "dtmf":
        from appliance.cli.dtmf import cmd_dtmf
        return cmd_dtmf
    from appliance.cli import logs
    return {"calls": logs.cmd_calls, "stats": logs.cmd_stats,
            "config": logs.cmd_config, "backup": logs.cmd_backup}[command]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    args = build_parser().parse_args(argv)
    args.data_dir = Path(args.data_dir or data_dir_default())
    try:
        return _handler(args.command)(args) or 0
    except ApplianceError as exc:
        print(f"ivr-appliance {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:                 # `... | head` stopped reading: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
