"""``ivr-appliance calls``, ``stats`` and ``config``: in-process through cli.main and as a real command."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.cli import main
from appliance.store import schema
from appliance.store.callnotes import CallNotes
from appliance.store.calllog import CALL_FIELDS, CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore

COMMAND = Path(sys.executable).with_name("ivr-appliance")


def record(call_id: str, started_at: str, **fields) -> dict:
    out = dict.fromkeys(CALL_FIELDS)
    out.update(id=call_id, direction="inbound", line="line1", started_at=started_at,
               ring_attempts=[], callback_offered=False)
    out.update(fields)
    return out


RECORDS = [
    record("c1", "2026-11-22T18:00:00.000Z", outcome="closed"),
    record("c2", "2026-11-23T09:00:00.000Z", outcome="answered", operator="ann", handset=1,
           queue="sales", queued_at="2026-11-23T09:00:05.000Z", wait_s=12.5, talk_s=95.0,
           ring_s=4.0, callback_offered=True, caller="+441632960001",
           ring_attempts=[{"operator": "bob", "handset": 2, "started_at": "2026-11-23T09:00:05.000Z",
                           "ended_at": "2026-11-23T09:00:20.000Z", "result": "no_answer"},
                          {"operator": "ann", "handset": 1, "started_at": "2026-11-23T09:00:20.000Z",
                           "ended_at": "2026-11-23T09:00:24.000Z", "result": "answered"}]),
    record("c3", "2026-11-23T11:30:00.000Z", outcome="abandoned_queue", queue="sales",
           queued_at="2026-11-23T11:30:04.000Z", wait_s=75.0),
]


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "data"
    with CallLog(folder / CALLLOG_NAME) as log:
        log.write_many(RECORDS)
    return folder


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def command(*argv, env_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, **({"IVR_DATA_DIR": str(env_dir)} if env_dir else {}))
    return subprocess.run([str(COMMAND), *argv], capture_output=True, text=True, env=env,
                          timeout=60)


# ---- calls ---------------------------------------------------------------------------------------

def test_calls_json_prints_the_records_as_one_array(capsys, data_dir):
    code, out, err = run(capsys, "--data-dir", str(data_dir), "calls", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [{**r, "notes": None} for r in RECORDS]


def test_calls_json_carries_the_notes_written_on_the_web_page(capsys, data_dir):
    CallNotes(data_dir).save("c2", "Wants a quote", "2026-11-23T09:10:00.000Z")
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "calls", "--format", "json")
    assert [r["notes"] for r in json.loads(out)] == [None, "Wants a quote", None]
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "calls", "--format", "csv")
    assert "notes" not in out.splitlines()[0].split(",")          # CSV keeps the contract columns


def test_calls_period_is_since_inclusive_until_exclusive(capsys, data_dir):
    code, out, _ = run(capsys, "calls", "--data-dir", str(data_dir), "--since", "2026-11-23",
                       "--until", "2026-11-23T11:30:00.000Z")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["c2"]


def test_calls_csv_has_a_header_and_a_row_per_call(capsys, data_dir):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "calls", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(rows[0]) == list(CALL_FIELDS)
    assert [row["id"] for row in rows] == ["c1", "c2", "c3"]
    assert json.loads(rows[1]["ring_attempts"]) == RECORDS[1]["ring_attempts"]
    assert (rows[1]["callback_offered"], rows[1]["wait_s"], rows[1]["parent_id"]) == ("true", "12.5", "")


def test_calls_on_a_new_appliance_is_an_empty_list(capsys, tmp_path):
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "fresh"), "calls")
    assert (code, json.loads(out), err) == (0, [], "")
    assert not (tmp_path / "fresh").exists()


def test_bad_since_is_one_line_of_error_and_exit_1(capsys, data_dir):
    code, out, err = run(capsys, "--data-dir", str(data_dir), "calls", "--since", "last tuesday")
    assert (code, out) == (1, "")
    assert err == ("ivr-appliance calls: error: --since: 'last tuesday' is not a date or time; "
                   "use e.g. 2026-11-23 or 2026-11-23T09:15:02.125Z\n")


def test_since_after_until_is_an_error(capsys, data_dir):
    code, _, err = run(capsys, "--data-dir", str(data_dir), "stats", "--since", "2026-11-24",
                       "--until", "2026-11-23")
    assert code == 1 and err.count("\n") == 1 and "must be before --until" in err


def test_damaged_call_log_is_one_line_that_says_what_to_do(capsys, tmp_path):
    (tmp_path / CALLLOG_NAME).write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "--data-dir", str(tmp_path), "calls")
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("ivr-appliance calls: error: call log ") and "move it aside" in err


# ---- stats ---------------------------------------------------------------------------------------

def test_stats_json_is_the_call_log_figures(capsys, data_dir):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "stats", "--format", "json",
                       "--since", "2026-11-23")
    with CallLog(data_dir / CALLLOG_NAME, readonly=True) as log:
        assert code == 0 and json.loads(out) == log.stats("2026-11-23")
    figures = json.loads(out)
    assert figures["calls"] == 2 and figures["service_level"]["answered_within"] == 1


def test_stats_use_the_report_settings(capsys, data_dir):
    SettingsStore(data_dir).update({"reports": {"service_level_s": 90, "missed_rings_flag": 1}})
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "stats", "--format", "json")
    figures = json.loads(out)
    assert figures["service_level"]["target_s"] == 90
    bob = figures["per_operator"][1]
    assert {key: bob[key] for key in ("operator", "calls_taken", "rings_missed", "talk_s",
                                      "average_talk_s", "flagged")} == {
        "operator": "bob", "calls_taken": 0, "rings_missed": 1, "talk_s": 0.0,
        "average_talk_s": None, "flagged": True}


def test_stats_text_is_a_report_for_a_person(capsys, data_dir):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "stats")
    assert code == 0
    assert "Calls from the first call to now (UTC)" in out
    assert "3 calls: 3 inbound, 0 callbacks dialled" in out
    assert "50.0% answered within 20 s (1 of 2 callers who queued)" in out
    assert "average 0:44, longest 1:15" in out
    assert "Calls by day" in out and "2026-11-23  2" in out
    ann = next(line for line in out.splitlines() if line.strip().startswith("ann"))
    assert ann.split() == ["ann", "1", "1:35", "1:35", "0"]


def test_stats_text_for_an_empty_period(capsys, data_dir):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "stats", "--since", "2030-01-01")
    assert code == 0 and "no calls in this period" in out


# ---- config --------------------------------------------------------------------------------------

def test_config_export_prints_the_settings(capsys, tmp_path):
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "config", "export")
    assert code == 0 and json.loads(out) == schema.defaults()


def test_config_import_applies_and_says_what_changed(capsys, tmp_path):
    wanted = schema.merge(schema.defaults(), {"language": "it", "web": {"port": 8081}})
    (tmp_path / "new.json").write_text(json.dumps(wanted))
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "d"), "config", "import",
                       str(tmp_path / "new.json"))
    assert code == 0
    assert out == f"settings imported from {tmp_path / 'new.json'}: 2 changed: language, web.port\n"
    assert SettingsStore(tmp_path / "d").load() == wanted


def test_config_import_of_the_same_settings_changes_nothing(capsys, tmp_path):
    (tmp_path / "same.json").write_text(json.dumps(schema.defaults()))
    _, out, _ = run(capsys, "--data-dir", str(tmp_path), "config", "import", str(tmp_path / "same.json"))
    assert out.endswith(": no changes\n")


@pytest.mark.parametrize("text, message", [
    ('{"queues": {"sales": {"ring_timeout_s": 2}}}',
     "Setting 'queues.sales.ring_timeout_s' must be at least 5; nothing was changed"),
    ('{"web": {"port": 8080,}}', "line 1 column 23: Expecting property name enclosed in double quotes"),
])
def test_config_import_of_a_bad_file_changes_nothing(capsys, tmp_path, text, message):
    data = tmp_path / "d"
    SettingsStore(data).update({"language": "ru"})
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    (tmp_path / "bad.json").write_text(text)
    code, out, err = run(capsys, "--data-dir", str(data), "config", "import", str(tmp_path / "bad.json"))
    assert (code, out) == (1, "")
    assert err == f"ivr-appliance config: error: {tmp_path / 'bad.json'}: {message}" + \
        ("" if message.endswith("changed") else "; nothing was changed") + "\n"
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_config_import_of_a_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "--data-dir", str(tmp_path), "config", "import", str(tmp_path / "no.json"))
    assert code == 1 and "cannot read" in err and "No such file" in err and err.count("\n") == 1


# ---- the installed command -----------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["--help"], ["calls", "--help"], ["stats", "--help"],
                                  ["config", "--help"], ["config", "import", "--help"]])
def test_help_of_each_command(argv):
    done = command(*argv)
    assert done.returncode == 0 and "usage: ivr-appliance" in done.stdout


def test_command_calls_csv_and_env_data_dir(data_dir):
    done = command("calls", "--format", "csv", "--since", "2026-11-23", env_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert [row["id"] for row in csv.DictReader(io.StringIO(done.stdout))] == ["c2", "c3"]


def test_command_reads_the_log_while_the_daemon_holds_it_open(tmp_path):
    with CallLog(tmp_path / CALLLOG_NAME) as writer:
        writer.write(record("live", "2026-11-23T09:00:00.000Z"))
        done = command("--data-dir", str(tmp_path), "calls")
        writer.write(record("next", "2026-11-23T09:01:00.000Z"))
        later = command("--data-dir", str(tmp_path), "stats", "--format", "json")
    assert [r["id"] for r in json.loads(done.stdout)] == ["live"]
    assert json.loads(later.stdout)["calls"] == 2


def test_command_bad_until_exits_1_with_one_line(data_dir):
    done = command("--data-dir", str(data_dir), "stats", "--until", "soon")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("ivr-appliance stats: error: --until: 'soon' is not a date")
    assert done.stderr.count("\n") == 1


def test_command_config_round_trip(tmp_path):
    exported = command("--data-dir", str(tmp_path / "a"), "config", "export")
    (tmp_path / "s.json").write_text(exported.stdout)
    imported = command("--data-dir", str(tmp_path / "b"), "config", "import", str(tmp_path / "s.json"))
    assert imported.returncode == 0 and imported.stdout.endswith(": no changes\n")


def test_command_config_import_error_exits_1(tmp_path):
    (tmp_path / "bad.json").write_text('{"operators": [{"id": "x"}]}')
    done = command("--data-dir", str(tmp_path), "config", "import", str(tmp_path / "bad.json"))
    assert done.returncode == 1
    assert done.stderr.endswith("Setting 'operators[0].handset' is required; nothing was changed\n")
    assert not (tmp_path / "settings.json").exists()


def test_command_without_a_subcommand_is_a_usage_error():
    done = command()
    assert done.returncode == 2 and "usage: ivr-appliance" in done.stderr


def test_command_calls_into_a_pipe_closed_early_is_not_an_error(tmp_path):
    with CallLog(tmp_path / CALLLOG_NAME) as log:
        log.write_many(record(f"c{n:05d}", "2026-11-23T09:00:00.000Z", caller="+4" * 40)
                       for n in range(3000))
    done = subprocess.run(f"'{COMMAND}' --data-dir '{tmp_path}' calls | head -c 100",
                          shell=True, capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("[\n{") and len(done.stdout) == 100
    assert done.stderr == ""


@pytest.mark.parametrize("argv", [
    ["--data-dir", "{d}", "config", "export"], ["config", "--data-dir", "{d}", "export"],
    ["config", "export", "--data-dir", "{d}"], ["config", "import", "{f}", "--data-dir", "{d}"],
    ["--data-dir", "{d}", "config", "import", "{f}"], ["stats", "--data-dir", "{d}"]])
def test_data_dir_is_taken_before_or_after_any_subcommand(argv, tmp_path, capsys):
    data, doc = tmp_path / "data", tmp_path / "settings.json"
    assert main(["config", "export", "--data-dir", str(data)]) == 0
    doc.write_text(capsys.readouterr().out)
    assert main([a.format(d=data, f=doc) for a in argv]) == 0
    assert (data / "settings.json").exists() and not (Path.cwd() / "{d}").exists()


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    out = subprocess.run(f"'{sys.executable}' -m appliance config export --data-dir '{tmp_path}'"
                         " | head -c 10", shell=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout == '{\n  "versi' and "Traceback" not in out.stderr


def test_backup_create_and_restore_from_the_command_line(tmp_path, capsys):
    data, archive = tmp_path / "data", tmp_path / "box.zip"
    assert main(["config", "export", "--data-dir", str(data)]) == 0
    assert main(["backup", "create", str(archive), "--data-dir", str(data)]) == 0
    assert archive.exists() and "backup written" in capsys.readouterr().out
    assert main(["backup", "restore", str(archive), "--data-dir", str(data)]) == 0
    assert "restored from" in capsys.readouterr().out
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["backup", "restore", str(archive), "--data-dir", str(data)]) == 1


@pytest.mark.parametrize("port", ["-5", "70000", "65536", "eighty"])
def test_a_web_port_that_is_not_a_port_is_refused_in_one_line(port, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["sim", "--web-port", port])
    assert stopped.value.code == 2
    assert "must be a port number from 1 to 65535" in capsys.readouterr().err


def test_looking_commands_read_around_a_damaged_settings_file_without_moving_it(tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["config", "export", "--data-dir", str(data)]) == 0
    exported = json.loads(capsys.readouterr().out)
    exported["language"] = "it"
    doc = tmp_path / "it.json"
    doc.write_text(json.dumps(exported))
    assert main(["config", "import", str(doc), "--data-dir", str(data)]) == 0
    doc.write_text(json.dumps(dict(exported, language="ru")))
    assert main(["config", "import", str(doc), "--data-dir", str(data)]) == 0   # .bak: "it"
    (data / "settings.json").write_text("{torn")                   # a power cut, say
    capsys.readouterr()
    assert main(["config", "export", "--data-dir", str(data)]) == 0
    assert json.loads(capsys.readouterr().out)["language"] == "it"  # from the good copy
    assert main(["stats", "--data-dir", str(data)]) == 0
    assert (data / "settings.json").read_text() == "{torn"         # left for the daemon to see
    assert not (data / "settings.json.damaged").exists()


@pytest.mark.parametrize("argv", [["calls", "--since", "0001-01-01", "--until", "0001-01-02"],
                                  ["stats", "--since", "0001-01-01"],
                                  ["calls", "--since", "9999-12-31"],
                                  ["stats", "--since", "9999-12-31"]])
def test_the_ends_of_the_calendar_are_periods_like_any_other(argv, tmp_path, capsys):
    assert main([*argv, "--data-dir", str(tmp_path)]) == 0
