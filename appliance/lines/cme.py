"""+CME ERROR codes (3GPP TS 27.007 and the modules' manuals) mapped to what a technician can do."""
from __future__ import annotations

from appliance.errors import CmeError, SimNotInserted, SimPinRequired, SimPukRequired

MEANINGS = {
    3: "operation not allowed (the call has probably just ended)",
    4: "operation not supported by this module",
    10: "SIM not inserted: power off, seat the SIM card firmly, power on",
    11: "SIM PIN required: set lines[].pin to the SIM card's PIN",
    12: "SIM PUK required: the SIM is blocked; unblock it in a phone with its PUK",
    13: "SIM failure: try the SIM card in a phone; replace it if it fails there too",
    14: "SIM busy (retried automatically)",
    16: "incorrect password: lines[].pin is not this SIM card's PIN",
    22: "not found",
    30: "no network service: check the antenna and the signal, and that the SIM is active",
    515: "please wait, the module is still starting (retried automatically)",
}
RETRY = frozenset({14, 515})          # transient: wait a little and send the command again
_SUBCLASS = {10: SimNotInserted, 11: SimPinRequired, 12: SimPukRequired, 16: SimPinRequired}


def meaning(code: int | None) -> str:
    """The table's words for ``code``; unknown codes say so with their number."""
    return MEANINGS.get(code, f"error code {code} (see the module's AT manual)")


def parse_code(text: str) -> int | None:
    """The number in ``+CME ERROR: <n>``; the text form (``AT+CMEE=2``) is looked up by meaning.

    Quectel prints ``+CME ERROR: 1 3`` for 13 in one manual example; the stray space is dropped.
    """
    body = text.split(":", 1)[1].strip() if ":" in text else ""
    digits = body.replace(" ", "")
    if digits.isdigit():
        return int(digits)
    for code, words in MEANINGS.items():
        if body and words.lower().startswith(body.lower()):
            return code
    return None


def cme_error(command: str, text: str) -> CmeError:
    """The narrowest CmeError for the final line ``text`` answered to ``command``."""
    code = parse_code(text)
    return _SUBCLASS.get(code, CmeError)(command, code, meaning(code))
