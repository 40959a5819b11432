"""The built-in demo: what ``ivr-appliance sim`` runs when no scenario is given.

Busy enough that within a minute or two an owner watching the live view sees callers choose a
queue, wait with announcements, get offered a callback and be dialled back: four simulated lines,
the three default operators (Ann: sales and support, Bob: sales, Cat: support), about two calls a
minute with 45 s conversations, and a callback offer once the estimated wait passes 30 s. Four
scripted callers in the first 15 seconds make the screen come alive at once.
"""
from __future__ import annotations

DEMO_SCENARIO = {
    "settings": {
        "lines": [{"id": f"line{n}", "driver": "sim"} for n in range(1, 5)],
        "queues": {"sales": {"callback_offer_after_s": 30, "default_handle_s": 60},
                   "support": {"callback_offer_after_s": 30, "default_handle_s": 60}},
    },
    "callers": [
        {"at_s": 2, "number": "+441632960001", "keys": "1", "patience_s": 300},
        {"at_s": 6, "number": "+441632960002", "keys": "1", "patience_s": 300,
         "accepts_callback": True},
        {"at_s": 10, "number": None, "callback_number": "+441632960003", "keys": "1",
         "patience_s": 300, "accepts_callback": True},
        {"at_s": 14, "number": "+441632960004", "keys": "2", "patience_s": 300},
    ],
    "traffic": {"calls_per_hour": 120, "hours": 24, "talk_s_mean": 45,
                "patience_s_mean": 240, "callback_share": 0.6, "keys": ["1", "2"]},
}
