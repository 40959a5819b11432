"""DTMF receiver benchmark: speed per channel, the D1-D14 scorecard beside spandsp and multimon-ng,
and talk-off per hour on the whole Debian corpus (shared/reference/dsp.md sections 8 and 9).

Speed is measured side by side with spandsp (through ctypes, fed the same 20 ms frames) in one
run, ours and spandsp's taking turns every 5 seconds of audio, because the machine is shared
and its speed drifts: the ratio to spandsp is the figure that holds from one run to the next.
The line's whole hearing path (bench/audio_path_bench.py) is measured in the same run, against
its target. (--quick's five minutes hold a key every 1.5 s, so a key is down or a run of hits
open far more often than in a call, and the ratio is lower: a smoke check, not the figure.)

Needs the Debian packages dev.sh installs (libspandsp2, multimon-ng, sox, espeak-ng, the Asterisk
sounds, codec2-examples). Prints JSON. Run: python bench/dtmf_bench.py [--quick]
(--quick: three speed runs and the base corpus only, for a smoke check).
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import audio_path_bench                                             # noqa: E402
from appliance.audio import dtmf, tones                             # noqa: E402
from tests.audio import corpus, dcases                              # noqa: E402
from tests.audio.peers import multimon_decode, spandsp_decode       # noqa: E402

DECODERS = {"ours": dtmf.decode, "spandsp": spandsp_decode, "multimon": multimon_decode}
FRAME = 160
# Step 10's targets (per channel, × real time) and spandsp's figure in the run that set them.
TARGET_DTMF, TARGET_HEARING, SPANDSP_AT_TARGETS = 4000, 1500, 3600


def speed_mix(minutes: float = 60.0, digits: int = 200) -> np.ndarray:
    """Prompts, music and speech looped to ``minutes``, with ``digits`` keys spread over it."""
    base = np.concatenate((corpus.prompts(), corpus.music(), corpus.speech()))
    n = int(minutes * 60 * 8000)
    mix = np.resize(base, n).astype(np.float64) * 10 ** (-10 / 20)
    rng = np.random.default_rng(11)
    for at in np.linspace(8000, n - 8000, digits).astype(int):
        burst = tones.dtmf_burst(str(rng.choice(list(tones.KEYS))), 0.08, -12.0, rng=rng)
        mix[at:at + len(burst)] += burst
    return tones.to_int16(mix)


def _one_run(samples: np.ndarray, chunk_s: float = 5.0) -> tuple[float, float]:
    """Ours and spandsp's audio seconds per CPU second on one channel, taking turns every
    ``chunk_s`` of audio (so that both see the same minutes of a shared machine). Ours is one
    receiver fed the whole signal in 20 ms frames; spandsp's ``dtmf_rx`` gets each chunk in
    20 ms chunks through ctypes."""
    step = int(chunk_s * 8000)
    rx, ours, theirs = dtmf.DtmfReceiver(), 0.0, 0.0
    for start in range(0, len(samples) - FRAME + 1, step):
        part = samples[start:start + step]
        frames = [part[i:i + FRAME] for i in range(0, len(part) - FRAME + 1, FRAME)]
        began = time.process_time()
        for frame in frames:
            rx.feed(frame)
        ours += time.process_time() - began
        began = time.process_time()
        spandsp_decode(part)
        theirs += time.process_time() - began
    seconds = len(samples) / 8000
    return seconds / ours, seconds / theirs


def spandsp_factor(samples: np.ndarray) -> float:
    """Audio seconds per CPU second of spandsp's ``dtmf_rx`` through ctypes, fed 20 ms chunks."""
    start = time.process_time()
    spandsp_decode(samples)
    return len(samples) / 8000 / (time.process_time() - start)


def side_by_side(signals: dict[str, np.ndarray], runs: int) -> dict:
    """Ours and spandsp on each signal, taking turns; medians and the median ratio."""
    out = {}
    for name, samples in signals.items():
        ours, theirs = zip(*(_one_run(samples) for _ in range(runs)))
        ratio = statistics.median(a / b for a, b in zip(ours, theirs))
        out[name] = {"ours": round(statistics.median(ours)),
                     "spandsp": round(statistics.median(theirs)), "ratio": round(ratio, 2),
                     # what ours would do in the run where spandsp did 3,600×
                     "ours_at_spandsp_3600": round(ratio * SPANDSP_AT_TARGETS)}
    return out


def hearing_path(runs: int) -> dict:
    """A line's whole hearing path (audio_path_bench.py) while a voicemail is recorded, and
    while none is (a prompt playing, keys awaited), beside spandsp on the same audio."""
    pcm = audio_path_bench.test_audio()
    recording, listening, theirs = [], [], []
    for _ in range(runs):
        recording.append(audio_path_bench.hearing_factor(pcm))
        listening.append(audio_path_bench.hearing_factor(pcm, record=False))
        theirs.append(spandsp_factor(pcm))
    out = {"spandsp_same_audio": round(statistics.median(theirs)), "target": TARGET_HEARING}
    for name, figures in (("line_audio_hearing_dtmf_vad_voicemail", recording),
                          ("line_audio_hearing_no_recording", listening)):
        ratio = statistics.median(a / b for a, b in zip(figures, theirs))
        out[name] = {"ours": round(statistics.median(figures)), "ratio": round(ratio, 2),
                     "at_spandsp_3600": round(ratio * SPANDSP_AT_TARGETS)}
    return out


def cell(cond: dcases.Condition, decoded: str) -> str:
    """``found/sent`` (+ extra or wrong digits), or the number of false digits for a reject row."""
    if not cond.expected:
        return str(len(decoded))
    found = dcases.matched(decoded, cond.expected)
    extra = len(decoded) - found
    return f"{found}/{len(cond.expected)}" + (f" +{extra}" if extra else "")


def scorecard(conditions: list[dcases.Condition]) -> dict:
    rows, passed = [], {name: 0 for name in DECODERS}
    for cond in conditions:
        row = {"case": cond.case, "condition": cond.label, "must": cond.must}
        for name, decode in DECODERS.items():
            decoded = decode(cond.samples)
            row[name] = cell(cond, decoded)
            passed[name] += cond.must and dcases.passes(cond, decoded)
        rows.append(row)
    return {"must_rows": sum(c.must for c in conditions), "must_passed": passed, "rows": rows}


def d4_sweep() -> list[dcases.Condition]:
    """Mitel test 3 style: one tone of keys 1,5,9,D offset 0.5 ... 4.0 % each way, 20 bursts."""
    rng, out = np.random.default_rng(4), []
    for key in "159D":
        for side, name in ((0, "low"), (1, "high")):
            for step in range(2, 17):
                for sign in (1, -1):
                    off = [0.0, 0.0]
                    off[side] = sign * step * 0.0025
                    x = dcases.bursts(key * 20, 0.05, 0.05, rng, -17.0, offsets=tuple(off))
                    accept = abs(off[side]) <= 0.015
                    out.append(dcases.Condition("D4", f"key {key} {name} {off[side]:+.2%}",
                                                tones.to_int16(x), key * 20 if accept else "",
                                                must=False))
    return out


def d4_edges(rows: list[dict]) -> dict:
    """Per decoder, per tone and side: the largest offset still accepted by half the bursts."""
    edges: dict = {name: {} for name in DECODERS}
    for row in rows:
        _, key, side, off = row["condition"].split()
        for name in DECODERS:
            value = row[name]
            found = int(value.split("/")[0]) if "/" in value else int(value)
            tone = f"{key}/{side}/{'+' if off.startswith('+') else '-'}"
            if found >= 10:
                edges[name][tone] = max(edges[name].get(tone, 0.0), abs(float(off.rstrip('%'))))
    return edges


def talkoff(quick: bool) -> dict:
    """False digits on the corpus and its sox / μ-law variants, ours vs spandsp vs multimon-ng."""
    bases = {"prompts": corpus.prompts(), "music": corpus.music(), "speech": corpus.speech(),
             "espeak": corpus.synthetic()}
    variants = [("original", None)] + ([] if quick else list(corpus.SOX_VARIANTS) + [("ulaw", "ulaw")])
    totals = {name: 0 for name in DECODERS}
    per_key = {name: {} for name in DECODERS}
    seconds = 0.0
    for label, effect in variants:
        for source, x in bases.items():
            y = x if effect is None else (corpus.ulaw_variant(x) if effect == "ulaw"
                                          else corpus.sox_variant(x, effect))
            seconds += len(y) / 8000
            for name, decode in DECODERS.items():
                for key in decode(y):
                    totals[name] += 1
                    per_key[name][key] = per_key[name].get(key, 0) + 1
    hours = seconds / 3600
    return {"hours": round(hours, 2), "false_digits": totals,
            "per_hour": {k: round(v / hours, 3) for k, v in totals.items()}, "per_key": per_key}


def talkdown() -> dict:
    """D15: keys at -20 dBm0 per tone over prompt / music echo at several levels."""
    out = {}
    keys = tones.KEYS * 8
    backgrounds = {"prompts": corpus.prompts(limit_s=120.0), "music": corpus.music(limit_s=120.0)}
    for source, bg in backgrounds.items():
        for level in (-35, -30, -25, -20):
            x = dcases.bursts(keys, 0.05, 0.1, np.random.default_rng(5), -20.0)
            y = tones.to_int16(x + bg[:len(x)] * 10 ** ((level - corpus.LEVEL_DBM0) / 20))
            cond = dcases.Condition("D15", f"{source} at {level} dBm0", y, keys, must=False)
            out[cond.label] = {name: cell(cond, decode(y)) for name, decode in DECODERS.items()}
    return out


def main() -> None:
    quick = "--quick" in sys.argv
    mix = speed_mix(5.0 if quick else 60.0)
    silence = np.zeros(8000 * (60 if quick else 600), dtype=np.int16)
    runs = 3 if quick else 5
    speed = side_by_side({"mix": mix, "silence": silence}, runs)
    conditions = [c for case in dcases.CASES for c in dcases.build(case)]
    conditions += dcases.d12_sweep(np.random.default_rng(4))
    card = scorecard(conditions)
    d4 = scorecard(d4_sweep())
    result = {
        "realtime_factor_per_channel": {
            "mix_20ms_frames": speed["mix"]["ours"],
            "silence_20ms_frames": speed["silence"]["ours"],
            "spandsp_ctypes_20ms_chunks_mix": speed["mix"]["spandsp"],
            "spandsp_ctypes_20ms_chunks_silence": speed["silence"]["spandsp"],
            "mix_minutes": len(mix) / 8000 / 60, "runs": runs},
        "side_by_side_with_spandsp": speed, "target_dtmf": TARGET_DTMF,
        "hearing_path": hearing_path(runs),
        "scorecard_must_rows": card["must_rows"], "scorecard_must_passed": card["must_passed"],
        "d4_accept_edge_percent": d4_edges(d4["rows"]),
        "talkoff": talkoff(quick), "talkdown": talkdown(), "scorecard": card["rows"],
    }
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
