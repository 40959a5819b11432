"""A caller per language through the whole simulator: what they hear, rendered by the sentence
grammar of their language; and the menu option that switches language on the record."""
from __future__ import annotations

import pytest

from appliance import commands as cmd
from appliance import events as ev
from appliance import timefmt
from appliance.clock import SimClock
from appliance.cli.sim import build_sim, run_scenario, scenario_span_s
from appliance.engine.ewt import round_for_speech
from hwsim import scenario as scenarios
from tests.engine.rig import Rig
from tests.prompts.phrases import TEXTS, say
from tests.prompts.spelling import WAIT

START = timefmt.parse("2026-11-23T09:00:00Z")
NUMBERS = {"en": "+441632960001", "ru": "+79161234567", "it": "+390612345678"}
READ_BACK = {
    "en": "plus four four, one six three, two nine six, zero zero zero one",
    "ru": "плюс семь, девять один шесть, один два три, четыре пять, шесть семь",
    "it": "più tre nove, zero sei uno, due tre quattro, cinque sei sette otto",
}
ONE = {"en": "one", "ru": "один", "it": "uno"}


class Plays:
    """Every Play the engine sends in one run, by line, in order."""

    def __init__(self, engine):
        self.by_line: dict[str, list[cmd.Play]] = {}
        self._handle, engine.handle = engine.handle, self.handle

    def handle(self, event, now):
        out = self._handle(event, now)
        for c in out:
            if isinstance(c, cmd.Play):
                self.by_line.setdefault(c.line, []).append(c)
        return out


def scenario(language: str) -> dict:
    """One operator busy with a first caller; the second waits, takes a callback, is called back."""
    return {
        "settings": {"language": language, "lines": [{"id": "line1"}, {"id": "line2"}],
                     "handsets": {"count": 1},
                     "operators": [{"id": "ann", "handset": 1, "queues": ["sales", "support"]}],
                     "queues": {"sales": {"callback_offer_after_s": 0}, "support": {}}},
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 2, "talk_s": 400}],
        "callers": [
            {"at_s": 0, "number": "+441632960999", "line": "line1", "keys": "1", "patience_s": 900},
            {"at_s": 30, "number": NUMBERS[language], "line": "line2", "keys": "1",
             "patience_s": 900, "accepts_callback": True, "answers_callback_after_s": 2},
        ],
    }


class Records:
    """The call log of one run, in memory."""

    def __init__(self):
        self.by_id: dict[str, dict] = {}

    def write(self, record: dict) -> None:
        self.by_id[record["id"]] = record


def run(language: str) -> dict[str, list[cmd.Play]]:
    parsed = scenarios.parse(scenario(language), 1)
    appliance, world, _ = build_sim(parsed, SimClock(START), START, 1, Records())
    plays = Plays(appliance.engine)
    run_scenario(appliance, world, START, scenario_span_s(parsed))
    return plays.by_line


def text(language: str, key: str) -> str:
    return TEXTS[language][key].rstrip(" .,!?:—")


@pytest.mark.parametrize("language", ["en", "ru", "it"])
def test_a_caller_hears_everything_in_the_settings_language(language):
    by_line = run(language)
    plays = by_line["line2"]
    heard = [say(p.items, language) for p in plays]
    t = lambda key: text(language, key)                       # noqa: E731
    wait = next(value for p in plays for kind, value in p.items if kind == "wait")

    assert {p.language for p in plays} == {language}
    assert heard[0] == f"{t('greeting')} {t('menu_main')}"
    assert heard[1] == (f"{t('queue_position')} {ONE[language]} {t('queue_wait')} "
                        f"{WAIT[language](wait // 60)} {t('callback_offer')}")
    assert wait == round_for_speech(wait) and wait > 0
    assert heard[2] == f"{t('callback_confirm')} {READ_BACK[language]} {t('callback_confirm_keys')}"
    assert heard[3] == t("callback_thanks")
    intros = [p for line in by_line.values() for p in line if ("prompt", "callback_intro") in p.items]
    assert intros and {(p.language, say(p.items, language)) for p in intros} == {
        (language, t("callback_intro"))}


def test_a_language_option_switches_the_prompts_and_the_record_keeps_it():
    rig = Rig(menu={"root": {"prompt": "menu_main", "options": {
        "1": {"action": "queue", "queue": "sales"},
        "9": {"action": "language", "language": "it"}}}})
    first = rig.of(cmd.Play, rig.call_in())
    assert [p.language for p in first] == ["en"]
    again = rig.of(cmd.Play, rig.press("9"))
    assert [(p.language, p.items) for p in again] == [("it", (("prompt", "menu_main"),))]
    assert say(again[0].items, "it") == text("it", "menu_main")
    rig.send(ev.LineHungUp("line1"))
    assert rig.record()["language"] == "it"
