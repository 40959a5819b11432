"""The voice menu tree in settings: nodes whose keys lead to actions, checked with the key path of each.

A node is ``{"prompt": KEY, "options": {"1": ACTION, ...}}`` with optional ``timeout_s``,
``max_tries`` and ``fallback`` overriding the menu-level ones. An action is a map whose ``action``
names its kind; each kind declares its own fields (a ``queue`` action needs ``queue``, a
``submenu`` action holds a whole node in ``menu``).
"""
from __future__ import annotations

from typing import Iterator

from appliance.store.fields import (
    INHERIT, NAME, PROMPT_KEY, REQUIRED, Choice, Custom, Int, Number, Record, Text, as_map, fail,
    join,
)

LANGUAGES = ("en", "ru", "it")
KEYS = "0123456789*#"
MAX_DEPTH = 10


def _prompt(default, doc: str) -> Text:
    return Text(default, doc, PROMPT_KEY)


def _check_submenu(value, path: str) -> dict:
    if path.count(".options.") > MAX_DEPTH:
        fail(path, f"nests menus deeper than {MAX_DEPTH} levels")
    return NODE.check(value, path)


# kind -> (fields besides "action", what the caller experiences)
ACTIONS: dict[str, tuple[dict, str]] = {
    "queue": ({"queue": Text(REQUIRED, "the queue the caller joins", NAME)},
              "the caller waits in queue `queue` for an operator"),
    "submenu": ({"menu": Custom(REQUIRED, "the menu node offered next", _check_submenu,
                                "a menu node")},
                "the caller hears the node in `menu` and chooses again"),
    "message": ({"prompt": _prompt(REQUIRED, "the recorded message played")},
                "plays `prompt`, then offers the same menu again"),
    "repeat": ({}, "plays this menu's prompt again"),
    "back": ({}, "returns to the menu one level up (not allowed in `root`)"),
    "language": ({"language": Choice(REQUIRED, LANGUAGES, "the language of the prompts from now on")},
                 "switches the caller's prompts to `language` and plays this menu again"),
    "goodbye": ({}, "plays the goodbye prompt and hangs up"),
    "voicemail": ({}, "the caller leaves a message after the beep (settings `voicemail`)"),
}
FALLBACK_KINDS = ("queue", "goodbye")


def _records() -> dict[str, Record]:
    kinds = tuple(ACTIONS)
    return {kind: Record({"action": Choice(REQUIRED, kinds, "the kind of action"), **fields})
            for kind, (fields, _) in ACTIONS.items()}


def check_action(value, path: str, kinds=tuple(ACTIONS), root: bool = False) -> dict:
    """One action, with the fields its kind declares (no more, no fewer)."""
    mapping = as_map(value, path)
    if "action" not in mapping:
        fail(join(path, "action"), "is required")
    kind = Choice(REQUIRED, kinds, "").check(mapping["action"], join(path, "action"))
    if root and kind == "back":
        fail(join(path, "action"), "cannot be 'back' in the root menu: there is no menu above it")
    return _ACTION_RECORDS[kind].check(mapping, path)


def _check_fallback(value, path: str) -> dict:
    return check_action(value, path, FALLBACK_KINDS)


def _options(root: bool):
    def check(value, path: str) -> dict:
        mapping = as_map(value, path)
        return {_key(key, path): check_action(action, join(path, key), root=root)
                for key, action in mapping.items()}
    return check


def _key(key: str, path: str) -> str:
    if len(key) != 1 or key not in KEYS:
        fail(join(path, key), "must be a single key: 0-9, * or #")
    return key


def _node(root: bool) -> Record:
    return Record({
        "prompt": _prompt(REQUIRED, "the prompt that lists this node's options"),
        "options": Custom(REQUIRED, "map of one key (0-9, *, #) to the action it chooses",
                          _options(root), "map of key to action (see the actions table)"),
        "timeout_s": Number(INHERIT, "seconds to wait for a key here (overrides menu.timeout_s)",
                            low=1, high=60),
        "max_tries": Int(INHERIT, "tries here before the fallback (overrides menu.max_tries)",
                         low=1, high=10),
        "fallback": Custom(INHERIT, "action after the last try here (overrides menu.fallback)",
                           _check_fallback, "a queue or goodbye action"),
    })


NODE = _node(root=False)
ROOT_NODE = _node(root=True)
_ACTION_RECORDS = _records()

DEFAULT_ROOT = {
    "prompt": "menu_main",
    "options": {
        "1": {"action": "queue", "queue": "sales"},
        "2": {"action": "queue", "queue": "support"},
    },
}

MENU = Record({
    "greeting": _prompt("greeting", "prompt played once when a call is answered"),
    "timeout_s": Number(5, "seconds to wait for a key after a menu prompt", low=1, high=60),
    "max_tries": Int(3, "invalid or missing keys allowed before the fallback", low=1, high=10),
    "invalid_prompt": _prompt("invalid", "prompt played after a key that means nothing here"),
    "timeout_prompt": _prompt("timeout", "prompt played when no key came in time"),
    "fallback": Custom({"action": "queue", "queue": "sales"},
                       "what happens after the last try (a queue or goodbye action)",
                       _check_fallback, "a queue or goodbye action"),
    "root": Custom(DEFAULT_ROOT, "the first menu node callers hear (see menu nodes below)",
                   ROOT_NODE.check, "a menu node"),
}, doc="the voice menu")


def queue_refs(menu: dict) -> Iterator[tuple[str, str]]:
    """Every ``(key path, queue name)`` the menu sends callers to, fallbacks included."""
    yield from _action_refs(menu["fallback"], "menu.fallback")
    yield from _node_refs(menu["root"], "menu.root")


def _node_refs(node: dict, path: str) -> Iterator[tuple[str, str]]:
    if "fallback" in node:
        yield from _action_refs(node["fallback"], join(path, "fallback"))
    for key, action in node["options"].items():
        yield from _action_refs(action, join(join(path, "options"), key))


def _action_refs(action: dict, path: str) -> Iterator[tuple[str, str]]:
    if action["action"] == "queue":
        yield join(path, "queue"), action["queue"]
    elif action["action"] == "submenu":
        yield from _node_refs(action["menu"], join(path, "menu"))


def prompt_refs(menu: dict) -> Iterator[tuple[str, str]]:
    """Every ``(key path, prompt key)`` the menu plays: greeting, retry prompts, nodes, messages."""
    for name in ("greeting", "invalid_prompt", "timeout_prompt"):
        yield join("menu", name), menu[name]
    yield from _node_prompts(menu["root"], "menu.root")


def _node_prompts(node: dict, path: str) -> Iterator[tuple[str, str]]:
    yield join(path, "prompt"), node["prompt"]
    for key, action in node["options"].items():
        where = join(join(path, "options"), key)
        if action["action"] == "message":
            yield join(where, "prompt"), action["prompt"]
        elif action["action"] == "submenu":
            yield from _node_prompts(action["menu"], join(where, "menu"))


def check_queue_refs(menu: dict, queues: dict) -> None:
    """A menu that routes to a missing queue would drop callers: refuse it with the key path."""
    for path, queue in queue_refs(menu):
        if queue not in queues:
            fail(path, f"names queue '{queue}', which does not exist")
