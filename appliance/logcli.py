"""The commands that read and change the stores from a shell: ``calls``, ``stats`` and ``config``.

They work while the daemon runs: the call log is opened read-only (SQLite's WAL lets a reader
and the daemon's writer work at once), and settings are written atomically.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Iterable

from appliance import present, timefmt
from appliance.audio import prompts
from appliance.errors import ApplianceError, SettingsError, StoreError
from appliance.store import schema
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore, parse_settings


# ---- shared --------------------------------------------------------------------------------------

def _bound(text: str | None, option: str) -> str | None:
    if text is None:
        return None
    try:
        return timefmt.canonical(text)
    except ValueError as exc:
        raise ApplianceError(f"{option}: {exc}") from None


def _period(args) -> tuple[str | None, str | None]:
    since, until = _bound(args.since, "--since"), _bound(args.until, "--until")
    if since and until and since >= until:
        raise ApplianceError(f"--since ({since}) must be before --until ({until})")
    return since, until


def _open_log(data_dir: Path) -> CallLog:
    """Read-only; a data folder without a call log reads as "no calls yet"."""
    return CallLog(Path(data_dir) / CALLLOG_NAME, readonly=True)


# ---- calls ---------------------------------------------------------------------------------------

def _write_csv(records: Iterable[dict], out) -> None:
    for chunk in present.csv_chunks(records):
        out.write(chunk)


def _write_json(records: Iterable[dict], out) -> None:
    """One JSON array, written record by record so a year of calls needs no year of memory."""
    out.write("[")
    for index, record in enumerate(records):
        out.write(",\n" if index else "\n")
        out.write(json.dumps(record, ensure_ascii=False))
    out.write("\n]\n")


def cmd_calls(args) -> int:
    """``ivr-appliance calls``: the call records that started in the period, oldest first."""
    since, until = _period(args)
    writer = _write_csv if args.format == "csv" else _write_json
    with _open_log(args.data_dir) as log:
        try:
            writer(log.iter_calls(since, until), sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()
    return 0


def _quiet_stdout() -> None:
    """``calls | head`` closed the pipe early: that is what the person wanted, not an error."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


# ---- stats ---------------------------------------------------------------------------------------

def _report_settings(data_dir: Path) -> dict:
    """The ``reports`` settings in force; the defaults when the appliance has none saved yet."""
    store_files = [Path(data_dir) / name for name in ("settings.json", "settings.json.bak")]
    if not any(path.exists() for path in store_files):
        return schema.defaults()["reports"]
    return SettingsStore(data_dir).load()["reports"]


def cmd_stats(args) -> int:
    """``ivr-appliance stats``: the figures of the reports page, as text for a person or JSON."""
    since, until = _period(args)
    reports = _report_settings(args.data_dir)
    with _open_log(args.data_dir) as log:
        figures = log.stats(since, until, reports["service_level_s"], reports["missed_rings_flag"])
    print(json.dumps(figures, indent=2) if args.format == "json" else render_text(figures))
    return 0


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _heading(figures: dict) -> list[str]:
    period = figures["period"]
    span = f"{period['since'] or 'the first call'} to {period['until'] or 'now'}"
    return [f"Calls from {span} (UTC)",
            f"  {figures['calls']} calls: {figures['inbound']} inbound, "
            f"{figures['callbacks_dialled']} callbacks dialled", ""]


def _outcome_lines(figures: dict) -> list[str]:
    counts = [(name, count) for name, count in figures["outcomes"].items() if count]
    return ["Outcomes"] + [f"  {name:<20}{count:>7}" for name, count in counts] + [""]


def _service_lines(figures: dict) -> list[str]:
    level, wait, handle = figures["service_level"], figures["wait"], figures["handle"]
    return [
        f"Service level   {_share(level['share'])} answered within {level['target_s']} s "
        f"({level['answered_within']} of {level['offered']} callers who queued)",
        f"Waiting         average {present.duration(wait['average_s'])}, "
        f"longest {present.duration(wait['longest_s'])}",
        f"Handling        ring {present.duration(handle['ring_s'])} + talk {present.duration(handle['talk_s'])} "
        f"+ hold {present.duration(handle['hold_s'])} + wrap-up {present.duration(handle['wrapup_s'])} = "
        f"{present.duration(handle['average_handle_s'])} average over {handle['answered_calls']} "
        "answered calls", ""]


def _operator_lines(figures: dict) -> list[str]:
    lines = ["Operators", f"  {'operator':<16}{'calls':>6}{'talk':>10}{'avg talk':>10}"
                          f"{'missed rings':>14}"]
    for row in figures["per_operator"]:
        flag = "  <- many missed rings" if row["flagged"] else ""
        lines.append(f"  {row['operator']:<16}{row['calls_taken']:>6}{present.duration(row['talk_s']):>10}"
                     f"{present.duration(row['average_talk_s']):>10}{row['rings_missed']:>14}{flag}")
    return lines + ([] if figures["per_operator"] else ["  (none)"]) + [""]


def _hour_lines(figures: dict) -> list[str]:
    hours = figures["per_hour"]
    scale = max(hours) or 1
    return ["Calls by hour (UTC)"] + [
        f"  {hour:02d}:00  {'#' * max(1, round(30 * count / scale)):<31}{count}"
        for hour, count in enumerate(hours) if count] + [""]


def _day_lines(figures: dict) -> list[str]:
    return ["Calls by day"] + [f"  {day}  {count}" for day, count in figures["per_day"].items()]


def render_text(figures: dict) -> str:
    """The ``stats`` figures as a report a person reads in a terminal."""
    if not figures["calls"]:
        return "\n".join(_heading(figures)[:1] + ["  no calls in this period"])
    parts = (_heading, _outcome_lines, _service_lines, _operator_lines, _hour_lines, _day_lines)
    return "\n".join(line for part in parts for line in part(figures))


# ---- config --------------------------------------------------------------------------------------

def _read_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _change_line(old: dict | None, new: dict, source: Path) -> str:
    if old is None:
        return f"settings imported from {source} (the previous settings were unreadable)"
    paths = schema.changes(old, new)
    if not paths:
        return f"settings imported from {source}: no changes"
    shown = ", ".join(paths[:8]) + (f" and {len(paths) - 8} more" if len(paths) > 8 else "")
    return f"settings imported from {source}: {len(paths)} changed: {shown}"


def _import(store: SettingsStore, path: Path) -> str:
    """Check the whole file before touching the store, so a bad file changes nothing at all."""
    text = _read_text(path)
    try:
        schema.validate(parse_settings(text), prompts.known_keys(store.data_dir))
    except SettingsError as exc:
        raise SettingsError(f"{path}: {exc}; nothing was changed") from None
    try:
        old = store.load()
    except StoreError:
        old = None
    return _change_line(old, store.import_json(text), path)


def cmd_config(args) -> int:
    """``ivr-appliance config export`` / ``config import FILE``."""
    store = SettingsStore(args.data_dir)
    if args.config_command == "export":
        print(store.export_json())
    else:
        print(_import(store, args.file))
    return 0
