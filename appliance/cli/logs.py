"""The commands that read and change the stores from a shell: ``calls``, ``stats``, ``config`` and
``backup``.

They work while the daemon runs: the call log is opened read-only (SQLite's WAL lets a reader
and the daemon's writer work at once), and settings are written atomically.
"""
from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable
from zoneinfo import ZoneInfo

from appliance import present, timefmt
from appliance.audio import prompts
from appliance.errors import ApplianceError, SettingsError, StoreError
from appliance.store import audit, callstats, schema
from appliance.store.callnotes import CallNotes
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore, check_whole, parse_settings


# ---- shared --------------------------------------------------------------------------------------

def _bound(text: str | None, option: str, zone: str) -> str | None:
    try:
        return callstats.local_bound(text, zone)
    except ValueError as exc:
        raise ApplianceError(f"{option}: {exc}") from None


def _period(args, zone: str = "UTC") -> tuple[str | None, str | None]:
    """``--since``/``--until`` as UTC text; a date or a time without an offset is the office's
    (``hours.timezone``), so ``--since 2026-11-23`` starts at the owner's midnight."""
    since, until = _bound(args.since, "--since", zone), _bound(args.until, "--until", zone)
    if since and until and since >= until:
        raise ApplianceError(f"--since ({since}) must be before --until ({until})")
    return since, until


def _settings(data_dir: Path) -> dict:
    """The settings in force; the defaults when the appliance has none saved yet."""
    store_files = [Path(data_dir) / name for name in ("settings.json", "settings.json.bak")]
    if not any(path.exists() for path in store_files):
        return schema.defaults()
    return SettingsStore(data_dir, readonly=True).load()


def _zone(data_dir: Path) -> str:
    return _settings(data_dir)["hours"]["timezone"] or "UTC"


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
    since, until = _period(args, _zone(args.data_dir))
    writer = _write_csv if args.format == "csv" else _write_json
    with _open_log(args.data_dir) as log:
        records = log.iter_calls(since, until)
        if writer is _write_json:       # JSON records carry the operators' notes (null if none)
            records = CallNotes(args.data_dir, readonly=True).merge(records)
        try:
            writer(records, sys.stdout)
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

def cmd_stats(args) -> int:
    """``ivr-appliance stats``: the figures of the reports page, as text for a person or JSON."""
    settings = _settings(args.data_dir)
    since, until = _period(args, settings["hours"]["timezone"] or "UTC")
    with _open_log(args.data_dir) as log:
        figures = callstats.report(log, since, until, settings)
    try:
        print(json.dumps(figures, indent=2) if args.format == "json" else render_text(figures))
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
    return 0


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _local(text: str, zone: str) -> str:
    moment = datetime.fromtimestamp(timefmt.parse(text), timezone.utc).astimezone(ZoneInfo(zone))
    return moment.strftime("%Y-%m-%d %H:%M")


def _heading(figures: dict) -> list[str]:
    period = figures["period"]
    zone = period.get("timezone") or "UTC"
    if zone == "UTC":
        span = f"{period['since'] or 'the first call'} to {period['until'] or 'now'}"
    else:
        span = (f"{_local(period['since'], zone) if period['since'] else 'the first call'} to "
                f"{_local(period['until'], zone) if period['until'] else 'now'}")
    return [f"Calls from {span} ({zone})",
            f"  {figures['calls']} calls: {figures['inbound']} inbound, "
            f"{figures['callbacks_dialled']} callbacks dialled", ""]


def _outcome_lines(figures: dict) -> list[str]:
    counts = [(name, count) for name, count in figures["outcomes"].items() if count]
    return ["Outcomes"] + [f"  {name:<20}{count:>7}" for name, count in counts] + [""]


def _service_lines(figures: dict) -> list[str]:
    level, wait, handle = figures["service_level"], figures["wait"], figures["handle"]
    asa, abandon, menu = figures["asa"], figures["abandon"], figures["menu"]
    d = present.duration
    short = f"{abandon['short_abandons']} short abandons under {abandon['short_abandon_s']:g} s"
    return [
        f"In the menu     {menu['self_service']} self-service (heard a message, then left), "
        f"{menu['abandoned']} gave up",
        f"Service level   {_share(level['share'])} answered within {level['target_s']} s "
        f"({level['answered_within']} of {level['offered']} callers who queued)",
        f"Answer speed    {d(asa['average_s'])} average wait of the {asa['answered']} answered "
        "callers (ASA)",
        f"Abandon rate    {_share(abandon['rate'])} ({abandon['abandoned']} gave up in the queue "
        f"of {abandon['reached_queue'] - abandon['short_abandons']} callers who queued; {short} "
        "not counted)",
        f"Waiting         average {d(wait['average_s'])}, longest {d(wait['longest_s'])}",
        f"Handling        talk {d(handle['talk_s'])} + hold {d(handle['hold_s'])} + wrap-up "
        f"{d(handle['wrapup_s'])}: {d(handle['average_handle_s'])} average handle time over "
        f"{handle['answered_calls']} answered calls (ring {d(handle['ring_s'])} apart)",
        *_transfer_callback_lines(figures), ""]


def _transfer_callback_lines(figures: dict) -> list[str]:
    moved, back = figures["transfers"], figures["callbacks"]
    delay = back["time_to_callback"]
    return [f"Transfers       {moved['count']} ({moved['calls']} calls; {moved['by_system']} by "
            "the system)",
            f"Callbacks       {back['requested']} requested, {back['answered']} answered, "
            f"{back['failed']} failed; time to callback average "
            f"{present.duration(delay['average_s'])}, longest "
            f"{present.duration(delay['longest_s'])} ({delay['served']} served)"]


def _queue_lines(figures: dict) -> list[str]:
    d = present.duration
    lines = ["Queues", f"  {'queue':<14}{'queued':>7}{'answered':>9}{'in target':>10}"
                       f"{'service':>9}{'ASA':>7}{'gave up':>8}{'short':>6}{'abandon':>9}"]
    for row in figures["per_queue"]:
        lines.append(f"  {row['queue'] or '-':<14}{row['offered']:>7}{row['answered']:>9}"
                     f"{row['answered_within']:>10}{_share(row['service_level']):>9}"
                     f"{d(row['asa_s']):>7}{row['abandoned']:>8}{row['short_abandons']:>6}"
                     f"{_share(row['abandon_rate']):>9}")
    return lines + ([] if figures["per_queue"] else ["  (none)"]) + [""]


def _operator_lines(figures: dict) -> list[str]:
    lines = ["Operators", f"  {'operator':<16}{'calls':>6}{'talk':>10}{'avg talk':>10}"
                          f"{'missed rings':>14}"]
    for row in figures["per_operator"]:
        flag = "  <- many missed rings" if row["flagged"] else ""
        lines.append(f"  {row['operator']:<16}{row['calls_taken']:>6}{present.duration(row['talk_s']):>10}"
                     f"{present.duration(row['average_talk_s']):>10}{row['rings_missed']:>14}{flag}")
    return lines + ([] if figures["per_operator"] else ["  (none)"]) + [""]


def _occupancy_lines(figures: dict) -> list[str]:
    if not figures["per_operator"]:
        return []
    d = present.duration
    lines = ["Operator time (busy = talk + hold + wrap-up; present = first ring to end of last "
             "wrap-up, each day)",
             f"  {'operator':<16}{'busy':>10}{'present':>10}{'occupancy':>11}{'handle':>9}"]
    for row in figures["per_operator"]:
        lines.append(f"  {row['operator']:<16}{d(row['busy_s']):>10}{d(row['present_s']):>10}"
                     f"{_share(row['occupancy']):>11}{d(row['average_handle_s']):>9}")
    return lines + [""]


def _hour_lines(figures: dict) -> list[str]:
    hours = figures["per_hour"]
    scale = max(hours) or 1
    return [f"Calls by hour ({figures['period'].get('timezone') or 'UTC'})"] + [
        f"  {hour:02d}:00  {'#' * max(1, round(30 * count / scale)):<31}{count}"
        for hour, count in enumerate(hours) if count] + [""]


def _day_lines(figures: dict) -> list[str]:
    return ["Calls by day"] + [f"  {day}  {count}" for day, count in figures["per_day"].items()]


def render_text(figures: dict) -> str:
    """The ``stats`` figures as a report a person reads in a terminal."""
    if not figures["calls"]:
        return "\n".join(_heading(figures)[:1] + ["  no calls in this period"])
    parts = (_heading, _outcome_lines, _service_lines, _queue_lines, _operator_lines,
             _occupancy_lines, _hour_lines, _day_lines)
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


def _import(store: SettingsStore, path: Path, partial: bool = False) -> str:
    """Check the whole file before touching the store, so a bad file changes nothing at all."""
    text = _read_text(path)
    try:
        doc = parse_settings(text)
        if partial and isinstance(doc, dict):
            doc = schema.merge(store.load(), doc)
        schema.validate(doc, prompts.known_keys(store.data_dir))
        if not partial:
            check_whole(doc)
    except SettingsError as exc:
        raise SettingsError(f"{path}: {exc}; nothing was changed") from None
    try:
        old = store.load()
    except StoreError:
        old = None
    new = store.import_json(text, partial)
    audit.record(store.data_dir, "cli", old, new, f"cli: config import {path}")
    return "\n".join([_change_line(old, new, path),
                      *(f"warning: {w}" for w in schema.warnings(new))])


def cmd_config(args) -> int:
    """``ivr-appliance config export`` / ``config import FILE``."""
    store = SettingsStore(args.data_dir, readonly=args.config_command == "export")
    if args.config_command == "export":
        print(store.export_json())
    else:
        print(_import(store, args.file, args.partial))
    return 0


# ---- backup --------------------------------------------------------------------------------------

def _firmware() -> str:
    from importlib import metadata
    try:
        return metadata.version("ivr-appliance")
    except metadata.PackageNotFoundError:
        return "unknown"


def _backup_create(data_dir: Path, target: Path, media: bool) -> str:
    """Written beside ``target`` and renamed onto it, so a half-written archive is never left."""
    from appliance.store import backup           # numpy (prompt checks): only when needed
    tmp = target.with_name(f".{target.name}.part")
    try:
        with open(tmp, "wb") as out:
            backup.write_backup(data_dir, out, media, _firmware(), time.time())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ApplianceError(f"cannot write {target}: {exc.strerror or exc}") from None
    size = target.stat().st_size
    return f"backup written to {target} ({size / 1e6:.1f} MB{', with recordings' if media else ''})"


def _backup_restore(data_dir: Path, source: Path) -> str:
    """Checked completely first, then swapped in (``appliance.store.backup``); audit-logged."""
    from appliance.store import backup
    store = SettingsStore(data_dir)
    try:
        old = store.load()
    except StoreError:
        old = None
    try:
        with open(source, "rb") as upload:
            staged = backup.stage(data_dir, upload)
    except OSError as exc:
        raise ApplianceError(f"cannot read {source}: {exc.strerror or exc}") from None
    except ApplianceError as exc:
        raise ApplianceError(f"{source}: {exc}; nothing was changed") from None
    new = backup.apply(data_dir, staged.token, store)
    audit.record(data_dir, "cli", old, new, f"cli: backup restore {source}")
    return "\n".join([f"restored from {source}: {staged.summary()}",
                      _change_line(old, new, source).replace("settings imported", "settings"),
                      *(f"warning: {w}" for w in schema.warnings(new)),
                      "restart the appliance to use them: sudo systemctl restart ivr-appliance"])


def cmd_backup(args) -> int:
    """``ivr-appliance backup create FILE [--media]`` / ``backup restore FILE``."""
    if args.backup_command == "create":
        print(_backup_create(Path(args.data_dir), Path(args.file), args.media))
    else:
        print(_backup_restore(Path(args.data_dir), Path(args.file)))
    return 0
