"""Every console command, its output and its errors, against the real engine on simulated
hardware (simulated clock: what a command posts is handled before the next one is typed)."""
from __future__ import annotations

import pytest

from appliance.console.commands import build_table
from appliance.console.context import Context
from appliance.console.table import SessionEnd
from appliance.cli.sim import run_scenario, scenario_span_s
from appliance.store.settings import SettingsStore

from tests.console.rig import NOBODY_ANSWERS, ONE_CALL, QUIET, START, make_rig, play_until


@pytest.fixture
def rig(tmp_path):
    rig = make_rig(tmp_path, QUIET)
    yield rig
    rig.appliance.calllog.close()


def test_help_lists_every_command_of_the_table(rig):
    text = rig.run("help")
    for command in rig.table.commands.values():
        assert command.usage in text and command.help in text
    assert len(text.splitlines()) >= len(rig.table.commands)


def test_help_for_one_command_gives_its_usage(rig):
    assert rig.run("help pause") == "usage: pause OP\nstop offering calls to operator OP (a break)"
    assert rig.run("help stat") == ("error: unknown command 'stat'; did you mean 'stats'? "
                                    "(type 'help' for the list)")


def test_an_unknown_command_suggests_the_nearest(rig):
    assert rig.run("opertors") == ("error: unknown command 'opertors'; did you mean 'operators'? "
                                   "(type 'help' for the list)")
    assert rig.run("xyzzy") == "error: unknown command 'xyzzy' (type 'help' for the list)"


def test_blank_lines_and_stray_quotes(rig):
    assert rig.run("   ") == ""
    assert rig.run('pause "ann') == ("error: cannot read the line: No closing quotation "
                                     "(close the quote)")


def test_status_shows_lines_queue_callbacks_operators_and_today(rig):
    text = rig.run("status")
    assert text.startswith("at 2026-11-23T09:00:00.000Z: lines 0/2 busy, 0 waiting, 0 callbacks")
    for part in ("Lines", "  line1      idle", "  line2      idle", "Waiting (0)",
                 "Pending callbacks (0)", "Operators", "today: 0 calls, 0 answered"):
        assert part in text
    assert rig.run("status now") == "error: usage: status"


def test_lines_and_operators(rig):
    assert rig.run("lines") == "Lines\n  line1      idle\n  line2      idle"
    rows = rig.run("operators").splitlines()
    assert rows[0] == "Operators"
    assert rows[1].split() == ["ann", "handset", "1", "available", "0", "today"]


def test_queue_shows_a_waiting_caller(tmp_path):
    rig = make_rig(tmp_path, NOBODY_ANSWERS)
    play_until(rig, lambda: any(rig.loop.snapshot()["queues"].values()))
    text = rig.run("queue")
    assert "Waiting (1)" in text and " 1. +441632960001" in text and "Pending callbacks (0)" in text
    assert "waiting" in rig.run("lines")
    rig.appliance.calllog.close()


def test_pause_and_unpause_reach_the_engine(rig):
    assert rig.run("pause ann") == "ann paused: no calls are offered until 'unpause ann'"
    assert "paused (manual)" in rig.run("operators").splitlines()[1]
    assert rig.run("unpause ann") == "ann unpaused: calls are offered again"
    assert "available" in rig.run("operators").splitlines()[1]


def test_pause_errors_name_what_exists(rig):
    assert rig.run("pause zed") == "error: no operator 'zed'; operators are: ann, bob, cat"
    assert rig.run("pause") == "error: usage: pause OP"
    assert rig.run("unpause ann bob") == "error: usage: unpause OP"


def test_calls_lists_the_last_records_one_line_each(tmp_path):
    rig = make_rig(tmp_path, ONE_CALL)
    run_scenario(rig.appliance, rig.world, START, scenario_span_s(rig.scenario))
    rows = rig.run("calls").splitlines()
    assert len(rows) == 1
    assert rows[0].startswith("2026-11-23 09:00:00  inbound  line1    +441632960001")
    assert "answered" in rows[0] and "sales" in rows[0]
    assert rig.run("calls 5") == rows[0]
    rig.appliance.calllog.close()


def test_calls_with_no_calls_and_bad_counts(rig):
    assert rig.run("calls") == "no calls yet"
    assert rig.run("calls 0") == "error: N must be a whole number from 1 to 1000 (got '0')"
    assert rig.run("calls many") == "error: N must be a whole number from 1 to 1000 (got 'many')"


def test_stats_for_today_week_and_month(tmp_path):
    rig = make_rig(tmp_path, ONE_CALL)
    run_scenario(rig.appliance, rig.world, START, scenario_span_s(rig.scenario))
    assert rig.run("stats").startswith("Calls from 2026-11-23T00:00:00.000Z to now (UTC)\n"
                                       "  1 calls: 1 inbound")
    assert rig.run("stats week").startswith("Calls from 2026-11-23T00:00:00.000Z")  # a Monday
    assert rig.run("stats month").startswith("Calls from 2026-11-01T00:00:00.000Z")
    assert rig.run("stats year") == "error: period must be today, week or month (got 'year')"
    rig.appliance.calllog.close()


def test_notices_show_what_the_appliance_reported(rig):
    assert rig.run("notices") == "no notices"
    rig.run("sim fault line1 unplug")
    assert "error   line line1 failed: unplugged" in rig.run("notices 1")
    assert rig.run("notices -1") == "error: N must be a whole number from 1 to 1000 (got '-1')"


def test_config_get(rig):
    assert rig.run("config get queues.sales.ring_timeout_s") == "queues.sales.ring_timeout_s = 15"
    assert rig.run("config get lines[1].id") == 'lines[1].id = "line2"'
    assert rig.run("config get lines.0.driver") == 'lines.0.driver = "sim"'
    assert rig.run("config get queues.nope") == \
        "error: no setting 'queues.nope' (see 'config show')"


def test_config_set_saves_and_applies_live(rig):
    assert rig.run("config set queues.sales.ring_timeout_s 20") == \
        "queues.sales.ring_timeout_s = 20 (in effect now)"
    assert SettingsStore(rig.data_dir).load()["queues"]["sales"]["ring_timeout_s"] == 20
    assert rig.appliance.engine.queue_conf("sales")["ring_timeout_s"] == 20
    assert rig.run("config set hours.timezone Europe/London") == \
        'hours.timezone = "Europe/London" (in effect now)'
    assert rig.run("config set lines[1].baud 9600") == "lines[1].baud = 9600 (in effect now)"
    assert SettingsStore(rig.data_dir).load()["lines"][0]["id"] == "line1"


def test_config_set_refuses_a_bad_value_naming_the_key(rig):
    assert rig.run("config set queues.sales.ring_timeout_s 3") == (
        "error: Setting 'queues.sales.ring_timeout_s' must be at least 5; nothing was changed")
    assert rig.run("config set queues.sales.colour 3").startswith(
        "error: Setting 'queues.sales.colour'")
    assert rig.run("config set nothing.here 3") == \
        "error: no setting 'nothing.here' (see 'config show')"
    assert rig.run("config set console.baud 1234").startswith(
        "error: Setting 'console.baud' must be a serial speed: 1200, 2400,")
    for wrong in ("web.port.x", "lines.x", "lines[2]", "lines[5].id"):
        assert rig.run(f"config set {wrong} 3") == f"error: no setting '{wrong}' (see 'config show')"
    assert SettingsStore(rig.data_dir).load()["queues"]["sales"]["ring_timeout_s"] == 15


def test_config_show_lists_the_schema(rig):
    text = rig.run("config show")
    assert "queues.<name>.ring_timeout_s  [number 5 to 120; default 15]" in text
    assert rig.run("config show console.baud").startswith("console.baud  [a serial speed")
    assert rig.run("config show zzz") == \
        "error: no setting starts with 'zzz' (try 'config show' alone)"
    assert rig.run("config").startswith("error: usage: config get KEY | config set KEY VALUE")
    assert rig.run("config get") == "error: usage: config get KEY"


def test_version_and_uptime(rig):
    assert rig.run("version").startswith("ivr-appliance 0.1.0 (Python ")
    assert rig.run("uptime").startswith("up 0:00 since 2026-11-23T09:00:00.000Z; appliance clock")


def test_sim_line_switches(rig):
    assert rig.run("sim fault line1 unplug") == "line line1: unplug thrown"
    assert rig.run("lines").splitlines()[1].split() == ["line1", "down"]
    assert rig.run("sim fault line1 plug_in") == "line line1: plug_in thrown"
    assert rig.run("lines").splitlines()[1].split() == ["line1", "idle"]
    assert rig.run("sim fault line1 drop") == "line line1: drop_call thrown"


def test_sim_module_failures_on_a_plain_line(rig):
    """The soak's GSM faults, thrown by hand, and what the engine makes of them."""
    facts = rig.appliance.engine.line_facts
    assert rig.run("sim fault line1 registration_lost") == "line line1: registration_lost thrown"
    assert facts.registered("line1") is False
    assert rig.run("sim fault line1 registration_back") == "line line1: registration_back thrown"
    assert facts.registered("line1") is True
    assert rig.run("sim fault line1 garbled_reply") == "line line1: garbled_reply thrown"
    assert rig.run("sim fault line1 module_reset") == "line line1: module_reset thrown"
    # a restart with no call on the line costs no call: it is back before the next one rings
    assert rig.run("lines").splitlines()[1].split()[:2] == ["line1", "idle"]


def test_sim_line_switch_errors(rig):
    assert rig.run("sim fault line7 drop") == "error: no line 'line7'; lines are: line1, line2"
    assert rig.run("sim fault line1 garble") == (
        "error: a line switch is drop, unplug, plug_in, module_reset, garbled_reply, "
        "registration_lost or registration_back (got 'garble')")
    assert rig.run("sim fault line1") == ("error: usage: sim fault LINE drop|unplug|plug_in|"
                                          "module_reset|garbled_reply|registration_lost|"
                                          "registration_back")
    assert rig.run("sim").startswith("error: usage: sim fault LINE")


def test_sim_handset_switches(rig):
    assert rig.run("sim handset 2 lift") == "handset 2: lift thrown"
    assert "offhook" in rig.run("operators").splitlines()[2]
    assert rig.run("sim handset 2 put_down") == "handset 2: put_down thrown"
    assert "available" in rig.run("operators").splitlines()[2]
    assert rig.run("sim handset 9 lift") == "error: handset must be a number from 1 to 3 (got '9')"
    assert rig.run("sim handset 1 smash") == \
        "error: a handset switch is lift or put_down (got 'smash')"


def test_switches_on_real_hardware_say_so(rig):
    table = build_table(Context(rig.loop, rig.data_dir))          # no simulated drivers
    assert table.run("sim fault line1 drop") == (
        "error: line 'line1' is real hardware, not the simulator's: fault switches work only on "
        "lines with driver 'sim'")
    assert table.run("sim handset 1 lift") == (
        "error: the handsets are real hardware, not the simulator's: handset switches work only "
        "with handsets.driver 'sim'")


def test_quit_ends_the_session(rig):
    with pytest.raises(SessionEnd):
        rig.run("quit")


@pytest.mark.parametrize("value", ["9" * 400, "1e999", "NaN", "[" * 5000])
def test_config_set_with_an_absurd_number_is_one_clear_error(rig, value):
    answer = rig.run(f"config set queues.sales.ring_timeout_s {value}")
    assert answer.startswith("error: ") and "Traceback" not in answer
    assert "queues.sales.ring_timeout_s" in answer
