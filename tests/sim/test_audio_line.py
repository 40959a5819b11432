"""Scenarios through the real audio path: real prompts in the caller's language, keys as DTMF
tones over the echo of the prompt, heard (or not) by the appliance's own receiver."""
from __future__ import annotations

from appliance import commands as cmd
from appliance import timefmt
from appliance.audio.prompts import PromptLibrary
from appliance.clock import SimClock
from appliance.cli.sim import build_sim, run_scenario, scenario_span_s
from hwsim import scenario as scenarios
from tests.sim.test_properties import Records

START = timefmt.parse("2026-11-23T09:00:00Z")
MENU = {"root": {"prompt": "menu_main", "options": {"1": {"action": "queue", "queue": "sales"},
                                                    "2": {"action": "queue", "queue": "support"}}}}


def play(doc: dict) -> tuple[list[dict], list]:
    scenario = scenarios.parse(doc, 0)
    records = Records()
    appliance, world, _ = build_sim(scenario, SimClock(START), START, 0, records)
    plays = []
    handle = appliance.engine.handle

    def watch(event, now):
        out = handle(event, now)
        plays.extend((now, c) for c in out if isinstance(c, cmd.Play))
        return out
    appliance.engine.handle = watch
    run_scenario(appliance, world, START, scenario_span_s(scenario))
    return sorted(records.by_id.values(), key=lambda r: r["started_at"]), plays


def caller(keys: str, **more) -> dict:
    return {"at_s": 0, "number": "+441632960001", "keys": keys, **more}


def test_a_key_pressed_over_a_quiet_echo_is_heard_and_routes_the_call():
    [record], _ = play({"audio": {"echo_db": -30}, "callers": [caller("2")],
                        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 3, "talk_s": 30}]})
    assert (record["menu_path"], record["queue"], record["outcome"]) == ("2", "support", "answered")


def test_a_key_drowned_by_a_loud_echo_never_reaches_the_engine():
    [record], _ = play({"audio": {"echo_db": 12}, "callers": [caller("2", patience_s=5)],
                        "settings": {"menu": {"fallback": {"action": "goodbye"}}}})
    assert record["menu_path"] == "" and record["outcome"] == "abandoned_menu"


def test_a_play_lasts_as_long_as_its_prompts_in_the_callers_language():
    library = PromptLibrary()
    greeting = [("prompt", "greeting"), ("prompt", "menu_main")]
    for language in ("en", "ru", "it"):
        _, plays = play({"audio": {}, "settings": {"language": language},
                         "callers": [caller("", patience_s=5)]})
        (t0, first), (t1, _) = plays[0], plays[1]
        assert first.items == tuple(greeting) and first.language == language
        expected = len(library.pcm(greeting, language)) / 16000
        assert abs((t1 - t0) - (expected + 5)) < 0.05      # the prompt, then the 5 s timeout
