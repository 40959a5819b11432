"""The voice menu: greeting, barge-in, submenus, timeouts, invalid keys, fallbacks."""
from appliance import commands as cmd
from appliance import events as ev
from tests.engine.rig import Rig

SUBMENU = {"menu": {"root": {"prompt": "menu_main", "options": {
    "1": {"action": "queue", "queue": "sales"},
    "2": {"action": "submenu", "menu": {"prompt": "menu_support", "options": {
        "1": {"action": "queue", "queue": "support"},
        "8": {"action": "message", "prompt": "opening_hours"},
        "9": {"action": "back"}}}},
    "3": {"action": "language", "language": "ru"},
    "0": {"action": "repeat"},
    "7": {"action": "goodbye"}}}}}


def test_answer_plays_greeting_then_root_menu_and_writes_provisional_record():
    rig = Rig()
    out = rig.call_in("+441632960001")
    assert rig.of(cmd.AnswerLine, out) == [cmd.AnswerLine("line1")]
    assert rig.items(out) == [("prompt", "greeting"), ("prompt", "menu_main")]
    record = rig.record()
    assert record["direction"] == "inbound" and record["caller"] == "+441632960001"
    assert record["ended_at"] is None and record["outcome"] is None


def test_key_during_prompt_stops_playback_before_acting():
    rig = Rig()
    rig.call_in()
    out = rig.press("1")
    assert isinstance(out[0], cmd.StopPlayback)
    assert rig.record()["queue"] == "sales" and rig.record()["menu_path"] == "1"


def test_submenu_message_back_and_menu_path():
    rig = Rig(**SUBMENU)
    rig.call_in()
    assert rig.items(rig.press("2")) == [("prompt", "menu_support")]
    assert rig.items(rig.press("8")) == [("prompt", "opening_hours"), ("prompt", "menu_support")]
    assert rig.items(rig.press("9")) == [("prompt", "menu_main")]
    rig.press("21")
    assert rig.record()["menu_path"] == "28921"
    assert rig.record()["queue"] == "support"


def test_repeat_and_language_choice_is_kept_in_the_record():
    rig = Rig(**SUBMENU)
    rig.call_in()
    assert rig.items(rig.press("0")) == [("prompt", "menu_main")]
    out = rig.press("3")
    assert rig.of(cmd.Play, out)[-1].language == "ru"
    rig.press("1")
    assert rig.record()["language"] == "ru"


def test_no_key_times_out_with_retry_prompt_then_falls_back_to_queue():
    rig = Rig()
    rig.call_in()
    rig.prompt_done()
    assert rig.items(rig.advance(4.9)) == []
    out = rig.advance(0.2)
    assert rig.items(out) == [("prompt", "timeout"), ("prompt", "menu_main")]
    rig.prompt_done()
    rig.advance(5)
    rig.prompt_done()
    rig.advance(5)            # third failure: fallback (sales)
    assert rig.record()["queue"] == "sales"
    assert rig.record()["menu_path"] == ""


def test_invalid_keys_then_goodbye_fallback_hangs_up():
    rig = Rig(menu={"fallback": {"action": "goodbye"}})
    rig.call_in()
    assert rig.items(rig.press("5")) == [("prompt", "invalid"), ("prompt", "menu_main")]
    rig.press("5")
    out = rig.press("5")
    assert rig.items(out) == [("prompt", "goodbye")]
    out = rig.prompt_done()
    assert rig.of(cmd.Hangup, out) == [cmd.Hangup("line1")]
    record = rig.record()
    assert (record["outcome"], record["hangup_by"]) == ("abandoned_menu", "system")
    assert record["ended_at"] is not None


def test_per_node_timeout_overrides_menu_level():
    rig = Rig(menu={"root": {"prompt": "menu_main", "timeout_s": 2, "options": {
        "1": {"action": "queue", "queue": "sales"}}}})
    rig.call_in()
    rig.prompt_done()
    assert rig.items(rig.advance(2.1)) == [("prompt", "timeout"), ("prompt", "menu_main")]


def test_goodbye_option_and_caller_hanging_up_in_menu():
    rig = Rig(**SUBMENU)
    rig.call_in()
    rig.press("7")
    rig.send(ev.LineHungUp("line1"))
    record = rig.record()
    assert (record["outcome"], record["hangup_by"]) == ("abandoned_menu", "caller")


def test_stale_prompt_done_is_ignored():
    rig = Rig()
    rig.call_in()
    first = rig.play_ids["line1"]
    rig.press("0")            # invalid: a new play replaces the first
    assert rig.send(ev.PromptDone("line1", first)) == []
