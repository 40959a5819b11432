"""``ivr-appliance dtmf decode FILE.wav``: the appliance's own DTMF receiver over a recording.

A technician's tool for "the menu does not hear my keys": record the line (or have the caller
press keys into a recorder), then see what the receiver hears, and with ``--events`` when and how
loud each key was (docs/audio.md explains how to read it).
"""
from __future__ import annotations

from appliance.audio import codecs, dtmf


def cmd_dtmf(args) -> int:
    """Print the keys found in ``args.file`` as one line; with ``args.events`` one line per key."""
    samples = codecs.read_wav(args.file)
    events = dtmf.decode_events(samples)
    print("".join(ev.key for ev in events if ev.down))
    if args.events:
        for line in describe(events):
            print(line)
    return 0


def describe(events: list[dtmf.KeyEvent]) -> list[str]:
    """One line per key: start time, duration and the weaker tone's level."""
    lines = []
    for down, up in zip(events[0::2], events[1::2]):
        lines.append(f"{down.key}  at {down.seconds:8.3f} s  for {up.duration_s * 1000:5.0f} ms  "
                     f"level {up.level_dbm0:6.1f} dBm0")
    return lines
