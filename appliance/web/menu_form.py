"""The voice menu editor: the tree as rows of a form, and the form back into a tree that has no dead ends.

Each menu node gets an id (``root``, ``root-2``, ``root-2-star``) that prefixes its fields:
``root.prompt``, ``root.timeout_s``, ``root.max_tries``, and per option row ``i``:
``root.opt.i.key``, ``root.opt.i.do`` (``queue:sales``, ``submenu``, ``message``, ``repeat``,
``back``, ``language:it``, ``goodbye``), ``root.opt.i.arg`` (the prompt of a message or of a new
submenu) and ``root.opt.i.child`` (the id of the submenu's own fields). The schema checks every
value; this module refuses what the schema allows but strands a caller: a key that does nothing,
a submenu without options.
"""
from __future__ import annotations

import copy
import re

from appliance.errors import SettingsError
from appliance.store.menu_schema import LANGUAGES

_KEY_ID = {"*": "star", "#": "hash"}
NEW_SUBMENU_EXIT = ("*", {"action": "back"})


class RowError(SettingsError):
    """A dead end in the menu, with the form field to show it beside (``root.opt.2.do``)."""

    def __init__(self, message: str, path: str):
        super().__init__(message)
        self.path = path


def child_id(node_id: str, key: str) -> str:
    return f"{node_id}-{_KEY_ID.get(key, key)}"


def choice_of(action: dict) -> str:
    """The select value for ``action``."""
    kind = action["action"]
    if kind == "queue":
        return f"queue:{action['queue']}"
    if kind == "language":
        return f"language:{action['language']}"
    return kind


def choices(queues: list[str]) -> list[tuple[str, str]]:
    """``(value, label)`` of every action the editor offers."""
    return ([("", "— nothing (remove) —")]
            + [(f"queue:{q}", f"Queue: {q}") for q in queues]
            + [("submenu", "Submenu"), ("message", "Play a message"), ("repeat", "Repeat menu"),
               ("back", "Back up a menu"), ("goodbye", "Goodbye, hang up")]
            + [(f"language:{lang}", f"Language: {lang}") for lang in LANGUAGES])


def flatten(root: dict) -> list[dict]:
    """Every node in display order: ``{id, label, node, options: [(key, action, child_id)]}``."""
    rows: list[dict] = []
    _walk(root, "root", "Main menu", rows)
    return rows


def _walk(node: dict, node_id: str, label: str, rows: list[dict]) -> None:
    options = [(key, action, child_id(node_id, key)) for key, action in node["options"].items()]
    rows.append({"id": node_id, "label": label, "node": node, "options": options})
    for key, action, cid in options:
        if action["action"] == "submenu":
            _walk(action["menu"], cid, f"{label} › key {key}", rows)


def parse(form, old_root: dict) -> dict:
    """The menu root the form describes; SettingsError names the menu and key of any dead end."""
    return _node(form, "root", "Main menu", old_root)


def _node(form, node_id: str, label: str, old: dict | None) -> dict:
    node = copy.deepcopy(old) if old else {}
    node["prompt"] = (form.get(f"{node_id}.prompt") or "").strip()
    for field in ("timeout_s", "max_tries"):
        _optional_number(form, node_id, field, node)
    old_options = (old or {}).get("options", {})
    node["options"] = _options(form, node_id, label, old_options)
    if not node["options"]:
        raise RowError(f"{label} has no options: a caller there could not go anywhere. "
                       "Give it at least one option.", f"{node_id}.opt.0.key")
    return node


def _optional_number(form, node_id: str, field: str, node: dict) -> None:
    text = (form.get(f"{node_id}.{field}") or "").strip()
    node.pop(field, None)
    if text:
        try:
            node[field] = int(text) if field == "max_tries" else float(text)
        except ValueError:
            raise SettingsError(f"Setting '{node_id}.{field}' must be a number "
                                f"(got \"{text[:20]}\")") from None


def _row_indices(form, node_id: str) -> list[int]:
    prefix = f"{node_id}.opt."
    found = {int(name[len(prefix):].split(".")[0]) for name in form.keys()
             if name.startswith(prefix) and name[len(prefix):].split(".")[0].isdigit()}
    return sorted(found)


def _options(form, node_id: str, label: str, old_options: dict) -> dict:
    options: dict = {}
    for index in _row_indices(form, node_id):
        field = f"{node_id}.opt.{index}."
        key = (form.get(field + "key") or "").strip()
        do = (form.get(field + "do") or "").strip()
        if not key and not do:
            continue
        _check_row(key, do, label, options, field)
        options[key] = _action(form, field, do, key, label, old_options)
    return options


def _check_row(key: str, do: str, label: str, options: dict, field: str) -> None:
    if not key:
        raise RowError(f"An option in {label} has no key: choose the key (0-9, * or #) "
                       "a caller presses for it.", field + "key")
    if not do:
        raise RowError(f"Key {key} in {label} does nothing: choose what it does, or clear "
                       "the key to remove the option.", field + "do")
    if key in options:
        raise RowError(f"Key {key} is used twice in {label}.", field + "key")


def _action(form, field: str, do: str, key: str, label: str, old_options: dict) -> dict:
    kind, _, value = do.partition(":")
    arg = (form.get(field + "arg") or "").strip()
    if kind == "queue":
        return {"action": "queue", "queue": value}
    if kind == "language":
        return {"action": "language", "language": value}
    if kind == "message":
        if not arg:
            raise RowError(f"Key {key} in {label} plays a message: name its prompt.", field + "arg")
        return {"action": "message", "prompt": arg}
    if kind == "submenu":
        return {"action": "submenu", "menu": _submenu(form, field, key, label, old_options, arg)}
    return {"action": kind}


def _submenu(form, field: str, key: str, label: str, old_options: dict, arg: str) -> dict:
    cid = (form.get(field + "child") or "").strip()
    old = old_options.get(key, {})
    if cid and form.get(f"{cid}.prompt") is not None:
        return _node(form, cid, f"{label} › key {key}", old.get("menu"))
    exit_key, exit_action = NEW_SUBMENU_EXIT
    return {"prompt": arg or f"menu_{_KEY_ID.get(key, key)}", "options": {exit_key: dict(exit_action)}}


def form_path(path: str | None, form) -> str | None:
    """The form field of a settings path in the menu (``menu.root.options.2.menu.prompt`` is
    ``root-2.prompt``; an option's fields are on the row the owner typed its key in)."""
    found = re.fullmatch(r"menu\.root((?:\.options\.[^.]+\.menu)*)(?:\.options\.([^.]+)(\..*)?|\.(\w+))",
                         path or "")
    if not found:
        return path
    node_id = "root"
    for key in re.findall(r"\.options\.([^.]+)\.menu", found.group(1)):
        node_id = child_id(node_id, key)
    if found.group(4):
        return f"{node_id}.{found.group(4)}"
    key, rest = found.group(2), found.group(3) or ""
    for index in _row_indices(form, node_id):
        if (form.get(f"{node_id}.opt.{index}.key") or "").strip() == key:
            return f"{node_id}.opt.{index}." + ("arg" if rest.startswith(".prompt") else "do")
    return path
