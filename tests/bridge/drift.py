"""Two clocks and two elastic buffers, simulated event by event (no threads, no sleeping): the
modem puts a 20 ms frame every 160/modem_hz s and takes one back; the card puts a block every
block/card_hz s and takes one back. Used by the drift tests and bench/voice_path."""
from __future__ import annotations

import heapq

import numpy as np

from appliance.audio.elastic import ElasticBuffer

FRAME = 160


def tone(start: int, n: int, hz: float, level: float = 8000.0) -> np.ndarray:
    """Samples ``start .. start+n`` of a continuous tone at 8 kHz."""
    t = (np.arange(start, start + n)) / 8000.0
    return (level * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def run(seconds: float, modem_hz: float = 8000.0, card_hz: float = 8000.5, block: int = 80,
        keep_tail_s: float = 2.0, jitter_s: float = 0.0, seed: int = 0) -> dict:
    """Bridge a 1 kHz caller tone (modem side) and a 700 Hz operator tone (card side) for
    ``seconds``; returns both buffers' stats, the fills seen and the last ``keep_tail_s`` heard."""
    rng = np.random.default_rng(seed)
    down, up = ElasticBuffer(take=block, put=FRAME), ElasticBuffer(take=FRAME, put=block)
    events = [(0.0, 0, "modem"), (0.0, 1, "card")]
    sent = {"modem": 0, "card": 0}
    heard = {"card": [], "modem": []}
    fills = {"down": [], "up": []}
    tail_from = seconds - keep_tail_s
    seq = 2
    while events:
        at, _, side = heapq.heappop(events)
        if at >= seconds:
            break
        if side == "modem":
            down.put(tone(sent["modem"], FRAME, 1000.0))
            sent["modem"] += FRAME
            out = np.frombuffer(up.take(), dtype="<i2")
            fills["up"].append(up.fill)
            if at >= tail_from:
                heard["modem"].append(out)
            nxt = sent["modem"] / modem_hz
        else:
            up.put(tone(sent["card"], block, 700.0))
            sent["card"] += block
            out = np.frombuffer(down.take(), dtype="<i2")
            fills["down"].append(down.fill)
            if at >= tail_from:
                heard["card"].append(out)
            nxt = sent["card"] / card_hz
        if jitter_s:
            nxt += float(rng.uniform(0, jitter_s))
        heapq.heappush(events, (nxt, seq, side))
        seq += 1
    return {"down": down.stats(), "up": up.stats(), "fills": fills,
            "card_heard": np.concatenate(heard["card"]), "modem_heard": np.concatenate(heard["modem"])}
