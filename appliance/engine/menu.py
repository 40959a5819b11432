"""The voice menu tree from settings: where a caller stands, and what a key there means.

A caller's place is the tuple of keys that opened submenus from the root, e.g. ``("2",)``.
Per-node ``timeout_s``, ``max_tries`` and ``fallback`` override the menu-level ones, and a
submenu inherits from its parents.
"""
from __future__ import annotations


def node_at(menu: dict, path: tuple[str, ...]) -> dict:
    """The menu node reached from the root by the submenu keys in ``path``."""
    node = menu["root"]
    for key in path:
        node = node["options"][key]["menu"]
    return node


def _nodes_on_path(menu: dict, path: tuple[str, ...]) -> list[dict]:
    nodes = [menu["root"]]
    for key in path:
        nodes.append(nodes[-1]["options"][key]["menu"])
    return nodes


def setting(menu: dict, path: tuple[str, ...], name: str):
    """``name`` (timeout_s, max_tries, fallback) for the node at ``path``, inherited upwards."""
    for node in reversed(_nodes_on_path(menu, path)):
        if node.get(name) is not None:
            return node[name]
    return menu[name]


def option(menu: dict, path: tuple[str, ...], key: str) -> dict | None:
    """The action bound to ``key`` at ``path``, or None for a key the menu does not offer."""
    return node_at(menu, path).get("options", {}).get(key)


def prompt(menu: dict, path: tuple[str, ...]) -> tuple[str, str]:
    """The play item for the menu prompt at ``path``."""
    return ("prompt", node_at(menu, path)["prompt"])


def menu_prompts(menu: dict) -> set[str]:
    """Every node's prompt key: what a listener can take as "a menu is being read to me"."""
    found, todo = set(), [menu["root"]]
    while todo:
        node = todo.pop()
        found.add(node["prompt"])
        todo.extend(a["menu"] for a in node.get("options", {}).values() if a.get("action") == "submenu")
    return found
