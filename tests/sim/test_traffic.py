"""Random traffic: seeded, at the asked rate, with the asked shares and means."""
from __future__ import annotations

import statistics

from hwsim.speech import Speech
from hwsim.traffic import TrafficSpec, traffic_callers
from appliance.store import schema


def day(**overrides):
    spec = TrafficSpec(**{"calls_per_hour": 200, "hours": 10, "talk_s_mean": 120,
                          "patience_s_mean": 300, "callback_share": 0.3, "keys": ("1", "2"),
                          "seed": 3, **overrides})
    return list(traffic_callers(spec))


def test_the_same_seed_gives_the_same_callers_and_another_seed_others():
    assert day() == day()
    assert day() != day(seed=4)


def test_arrivals_come_at_the_asked_rate_within_the_hours_in_order():
    callers = day()
    assert 1800 < len(callers) < 2200
    times = [c.at_s for c in callers]
    assert times == sorted(times) and 0 < times[0] and times[-1] < 10 * 3600


def test_talk_and_patience_are_exponential_with_the_asked_means():
    callers = day()
    assert 110 < statistics.mean(c.talk_s for c in callers) < 130
    assert 280 < statistics.mean(c.patience_s for c in callers) < 320


def test_shares_of_callback_takers_keys_and_dial_back_answers():
    callers = day()
    share = sum(c.accepts_callback for c in callers) / len(callers)
    assert 0.26 < share < 0.34
    assert {c.keys for c in callers} == {"1", "2"}
    never = [c for c in callers if c.answers_callback_after_s is None]
    assert 0.07 < len(never) / len(callers) < 0.13
    assert all(2 <= c.answers_callback_after_s <= 10 for c in callers if c not in never)


def test_every_caller_has_a_distinct_number():
    numbers = [c.number for c in day()]
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith("+4477009") and len(n) == 13 for n in numbers)


def test_the_prompt_length_table():
    speech = Speech(schema.defaults())
    assert speech.seconds([("prompt", "greeting"), ("prompt", "menu_main")]) == 7.0
    assert speech.seconds([("prompt", "queue_position"), ("position", 3),
                           ("prompt", "queue_wait"), ("wait", 240)]) == 7.0
    assert speech.item_seconds(("phone", "+441632960001")) == 6.0
    assert speech.item_seconds(("prompt", "opening_hours")) == 3.0
