"""``test line N`` on an analog line: the line tried for real through its V.253 voice modem.

A GSM module tells by itself whether it can take calls (registration, signal); an analog line
says nothing until it is used. So the check takes it off hook (``AT+VLS=1``), listens two seconds
in voice receive (``AT+VRX``) for the exchange's dial tone, puts it back on hook (``AT+VLS=0``)
and reports each step with what to check when one fails. Dial tone is what proves the cord and
the exchange: its frequencies and level are measured from the audio itself (350+440 Hz in North
America, 425 Hz in most of Europe, at about -10 to -20 dBm0), and the modem's own ``<DLE>d``
report counts too where the modem gives one. A line with a call on it is never touched.
"""
from __future__ import annotations

import concurrent.futures
import math

import numpy as np

from appliance.console.table import ConsoleError
from appliance.line_states import is_free, label

PROBE_WAIT_S = 20.0         # listen 2 s plus a few modem commands, with room for a slow modem
RATE = 8000
SETTLE_S = 0.3              # the first audio after the relay closes is clicks, not the line
SILENT_DBM0 = -40.0         # quieter than this is line noise at most: no exchange
TONE_SHARE = 0.7            # share of the energy in at most two narrow peaks: a tone
PEAK_HZ = 12.0              # half width of a peak
STEADY_DB = 6.0             # a dial tone is continuous: every 100 ms within this of the median
FULL_SCALE_DBM0 = 3.14      # a full-scale sine (G.711 and appliance.audio.tones)
DIAL_TONE_CODES = ("d", "i")
CORD = ("check the phone cord from the modem's LINE socket to the wall socket, and that a phone "
        "on that wall socket gets dial tone")


def can_check(driver) -> bool:
    """True for a driver that can be taken off hook for a check (the V.253 line)."""
    return callable(getattr(driver, "probe_line", None))


def check(line: dict, driver) -> str:
    """The verdict on snapshot row ``line`` after trying its driver (the console's thread)."""
    if not is_free(line["state"]):
        return (f"line {line['id']}: not tested: it is busy with a call ({label(line['state'])}); "
                "test it once it is free")
    found: concurrent.futures.Future = concurrent.futures.Future()
    driver.probe_line(found.set_result)
    try:
        probe = found.result(PROBE_WAIT_S)
    except concurrent.futures.TimeoutError:
        raise ConsoleError(f"line {line['id']}: the voice modem did not finish the check within "
                           f"{PROBE_WAIT_S:.0f} s; see 'notices'") from None
    return report(line["id"], probe)


def report(line_id: str, probe) -> str:
    """The steps and the verdict, from a ``voicemodem.LineProbe``."""
    if probe.refused:
        return (f"line {line_id}: not tested: it is {label(probe.refused).lower()}; test it once "
                "it is free")
    errors = probe.errors
    rows = [f"line {line_id} (analog)"]
    if "off hook" in errors:
        rows.append(f"  off hook: FAILED ({errors['off hook']}): the modem would not take the "
                    "line; check its power and USB cable, then 'notices'")
        failed = "the line cannot be seized"
    else:
        rows.append("  off hook: ok")
        tone_row, failed = _tone_row(probe, errors.get("listen"))
        rows.append(tone_row)
    if "on hook" in errors:
        rows.append(f"  on hook: FAILED ({errors['on hook']}): the line may still be held; "
                    "unplug the modem's USB cable and plug it in again")
        failed = failed or "the line could not be released"
    elif "off hook" not in errors:
        rows.append("  on hook: ok")
    rows.append(f"line {line_id}: FAILED: {failed}" if failed else
                f"line {line_id}: OK: ready for calls")
    return "\n".join(rows)


def _tone_row(probe, refused: str | None) -> tuple[str, str | None]:
    """The dial tone row and, if there is no dial tone, what failed."""
    if refused:
        return (f"  dial tone: not checked: the modem would not listen ({refused})",
                "the modem cannot listen to the line")
    reported = any(code in DIAL_TONE_CODES for code in probe.events)
    heard = describe(np.concatenate(probe.frames) if probe.frames else np.zeros(0, np.int16))
    kind, text = heard
    if kind == "dial tone":
        return f"  dial tone: heard ({text})", None
    if reported:
        return f"  dial tone: heard (reported by the modem; {text})", None
    if kind == "silence":
        return f"  dial tone: none, the line is silent ({text}): {CORD}", "no dial tone"
    if kind == "cadence":
        return (f"  dial tone: none, a tone that comes and goes ({text}): the line is in use or "
                "barred; try a phone on the same socket", "no dial tone")
    return (f"  dial tone: none, sound but no tone ({text}): another phone on this line may be "
            "off hook, or the line is noisy; " + CORD, "no dial tone")


def describe(pcm: np.ndarray) -> tuple[str, str]:
    """What 8 kHz int16 audio heard off hook is: ``("dial tone", "350+440 Hz, -10 dBm0")``,
    or ``"cadence"``, ``"sound"`` or ``"silence"`` with its level."""
    samples = pcm.astype(np.float64)[int(SETTLE_S * RATE):]
    if len(samples) < RATE // 4:
        return "silence", "no audio from the modem"
    samples -= samples.mean()
    level = dbm0(samples)
    if level < SILENT_DBM0:
        return "silence", f"{level:.0f} dBm0" if level > -90 else "no sound at all"
    freqs, share = _peaks(samples)
    if share < TONE_SHARE:
        return "sound", f"{level:.0f} dBm0"
    tone = f"{'+'.join(f'{f:.0f}' for f in freqs)} Hz, {level:.0f} dBm0"
    return ("dial tone" if _steady(samples) else "cadence"), tone


def dbm0(samples: np.ndarray) -> float:
    rms = math.sqrt(float(np.mean(samples ** 2))) if len(samples) else 0.0
    return FULL_SCALE_DBM0 + 20 * math.log10(max(rms, 1e-9) * math.sqrt(2) / 32767)


def _peaks(samples: np.ndarray) -> tuple[list[float], float]:
    """The (at most two) strongest narrow peaks, rounded to 5 Hz, and their share of the energy."""
    power = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) ** 2
    hz = np.fft.rfftfreq(len(samples), 1 / RATE)
    total, left, found, strongest = float(power.sum()), power.copy(), [], 0.0
    for _ in range(2):
        at = int(np.argmax(left))
        if found and left[at] < 0.05 * strongest:
            break                                       # nothing near as strong: one tone
        strongest = max(strongest, float(left[at]))
        found.append(float(hz[at]))
        left[np.abs(hz - hz[at]) <= PEAK_HZ] = 0.0
    share = 1.0 - float(left.sum()) / total if total else 0.0
    return sorted(5 * round(f / 5) for f in found), share


def _steady(samples: np.ndarray) -> bool:
    blocks = [dbm0(samples[i:i + RATE // 10]) for i in range(0, len(samples) - RATE // 10 + 1,
                                                             RATE // 10)]
    return bool(blocks) and max(abs(b - float(np.median(blocks))) for b in blocks) <= STEADY_DB
