"""The one vocabulary of a phone line's states, shared by the drivers, the engine's snapshot, the
console, the live view and the web page.

A driver knows what the module's call is doing (``RINGING``, ``CONNECTED``, ``DIALLING``,
``ENDING`` ...); the engine knows what the caller is doing on a connected line (``MENU``,
``WAITING``, ``TALKING`` ...). Both name their states here, once, with the words people read.

>>> LineState("waiting").label, LineState.WAITING.carries_call, LineState.DOWN.carries_call
('Waiting', True, False)
"""
from __future__ import annotations

from enum import Enum


class LineState(str, Enum):
    """What one line is doing; the value is the word in snapshots and on the console."""

    label: str
    carries_call: bool

    def __new__(cls, value: str, label: str, carries_call: bool):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label, member.carries_call = label, carries_call
        return member

    # no call on the line
    DOWN = ("down", "Out of service", False)          # no module, no SIM, not registered ...
    STARTING = ("starting", "Starting", False)        # the driver is initialising the module
    RESETTING = ("resetting", "Restarting", False)    # the module is being restarted
    IDLE = ("idle", "Idle", False)
    # what the module's call is doing (drivers)
    ALERTING = ("alerting", "Ringing", True)          # RING seen, caller ID not yet
    RINGING = ("ringing", "Ringing", True)            # an inbound call presented to the engine
    CONNECTED = ("connected", "Connected", True)      # off hook, call up
    DIALLING = ("dialling", "Dialling", True)         # a callback being dialled
    ENDING = ("ending", "Hanging up", True)           # hang-up sent, not yet confirmed
    # what the caller is doing on a connected line (the engine's snapshot)
    MENU = ("menu", "In menu", True)
    CLOSED = ("closed", "Closed message", True)
    WAITING = ("waiting", "Waiting", True)
    VOICEMAIL = ("voicemail", "Voicemail", True)
    TALKING = ("talking", "Talking", True)
    ON_HOLD = ("on_hold", "On hold", True)            # the operator flashed: hold music


def label(value: str) -> str:
    """The words for a state's value; an unknown value is shown as it is."""
    try:
        return LineState(value).label
    except ValueError:
        return value


def is_free(value: str) -> bool:
    """True when a line in state ``value`` carries no call (idle, down, starting ...)."""
    try:
        return not LineState(value).carries_call
    except ValueError:
        return False


REGISTRATION_WORDS = {"home": "registered", "roaming": "roaming", "searching": "searching",
                      "denied": "registration denied", "not_registered": "not registered",
                      "unknown": "registration unknown"}
SIM_WORDS = {"ready": "", "pin": "SIM asks for its PIN", "puk": "SIM blocked (PUK)",
             "absent": "no SIM", "failure": "SIM failure"}


def health_text(health: dict) -> str:
    """A line's health as people read it: ``registered, SimNet, -73 dBm (5/5)``; empty when
    the line reported nothing (a simulated or analog line)."""
    parts = [REGISTRATION_WORDS.get(health.get("registration"), ""),
             health.get("network") or "",
             f"{health['signal_dbm']} dBm ({health.get('bars', 0)}/5)"
             if health.get("signal_dbm") is not None else "",
             SIM_WORDS.get(health.get("sim"), "")]
    return ", ".join(part for part in parts if part)
