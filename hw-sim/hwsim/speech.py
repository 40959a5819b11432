"""How long the appliance's words take to say, and which of them are menu prompts.

The simulated line needs a duration for every ``Play`` (to post ``PromptDone`` at its end), and
simulated callers need to know when in a Play a given prompt starts (to press a key about a
second into it). Both use this one table of typical recorded-prompt lengths:

==========================================  =========
item                                         seconds
==========================================  =========
``("prompt", "greeting")``                   3.0
any menu node's prompt (settings ``menu``)   4.0
``("prompt", "queue_position")``             1.5
``("position", n)``  "caller number three"   1.5
``("prompt", "queue_wait")``                 2.0
``("wait", s)``  "about four minutes"        2.0
``("phone", number)``                        0.5 per digit
``("prompt", "callback_offer")``             4.0
``("prompt", "callback_confirm")``           2.0
``("prompt", "callback_confirm_keys")``      3.0
``("prompt", "callback_enter_number")``      3.0
``("prompt", "callback_thanks")``            3.0
``("prompt", "callback_intro")``             3.0
``("prompt", "closed")``                     4.0
``("prompt", "no_operators")``               4.0
``("prompt", "invalid")``, ``"timeout"``     2.0
``("prompt", "transferring")``               2.0
``("prompt", "goodbye")``                    1.5
any other prompt (menu messages)             3.0
``("music", "hold")`` (one pass)             30.0
``("tone", "beep")``                         0.5
==========================================  =========
"""
from __future__ import annotations

from typing import Any, Iterable

PROMPT_SECONDS = {
    "greeting": 3.0, "queue_position": 1.5, "queue_wait": 2.0, "callback_offer": 4.0,
    "callback_confirm": 2.0, "callback_confirm_keys": 3.0, "callback_enter_number": 3.0,
    "callback_thanks": 3.0, "callback_intro": 3.0, "closed": 4.0, "no_operators": 4.0,
    "invalid": 2.0, "timeout": 2.0, "transferring": 2.0, "goodbye": 1.5,
}
MENU_PROMPT_SECONDS = 4.0
OTHER_PROMPT_SECONDS = 3.0
ITEM_SECONDS = {"position": 1.5, "wait": 2.0, "music": 30.0, "tone": 0.5}
PHONE_DIGIT_SECONDS = 0.5


def menu_prompts(menu: dict) -> frozenset[str]:
    """Every node prompt in the settings ``menu`` tree: the root and all submenus."""
    found: set[str] = set()
    _walk(menu["root"], found)
    return frozenset(found)


def _walk(node: dict, found: set[str]) -> None:
    found.add(node["prompt"])
    for action in node.get("options", {}).values():
        if action.get("action") == "submenu":
            _walk(action["menu"], found)


def digits(number: str | None) -> str:
    """The keys a number is dialled or keyed with: ``"+44 1632"`` -> ``"441632"``."""
    return "".join(ch for ch in (number or "") if ch.isdigit())


class Speech:
    """Durations of Play items for one settings document (its menu prompts are 4 s each)."""

    def __init__(self, settings: dict) -> None:
        self.menu_prompts = menu_prompts(settings["menu"])

    def item_seconds(self, item: tuple[str, Any]) -> float:
        """How long one Play item takes to say."""
        kind, value = item
        if kind == "prompt":
            if value in self.menu_prompts:
                return MENU_PROMPT_SECONDS
            return PROMPT_SECONDS.get(value, OTHER_PROMPT_SECONDS)
        if kind == "phone":
            return PHONE_DIGIT_SECONDS * max(1, len(digits(value)))
        return ITEM_SECONDS.get(kind, OTHER_PROMPT_SECONDS)

    def seconds(self, items: Iterable[tuple[str, Any]]) -> float:
        """How long a whole Play takes (one pass)."""
        return sum(self.item_seconds(item) for item in items)

    def starts_at(self, items: tuple, index: int) -> float:
        """Seconds from the start of the Play to the start of ``items[index]``."""
        return self.seconds(items[:index])

    def ends_at(self, items: tuple, index: int) -> float:
        """Seconds from the start of the Play to the end of ``items[index]``."""
        return self.seconds(items[:index + 1])
