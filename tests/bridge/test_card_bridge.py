"""CardBridge on its own: it pumps only while connected, hands the caller to the card and the card
to the caller, closes the card when disconnected, and reports a missing or failing card."""
import threading
import time

import numpy as np

from appliance.audio.bridge import CardBridge, wait_connected


class TinyCard:
    """A card whose input is a constant and whose output is kept; 10 ms blocks, real pace."""

    def __init__(self, value: int = 700, fail_after: int | None = None):
        self.value, self.fail_after = value, fail_after
        self.written: list[bytes] = []
        self.reads = 0
        self.closed = threading.Event()

    def read_frame(self) -> bytes:
        time.sleep(0.01)
        self.reads += 1
        if self.fail_after is not None and self.reads > self.fail_after:
            raise OSError("the card vanished")
        return np.full(80, self.value, dtype="<i2").tobytes()

    def write_frame(self, frame: bytes) -> None:
        self.written.append(frame)

    def close(self) -> None:
        self.closed.set()


def test_nothing_is_exchanged_until_a_handset_is_connected():
    bridge = CardBridge(TinyCard, "line1")
    assert bridge.exchange(bytes(320)) is None


def test_the_caller_reaches_the_card_and_the_card_reaches_the_caller():
    card = TinyCard()
    bridge = CardBridge(lambda: card, "line1")
    bridge.connect()
    assert wait_connected(bridge)
    caller = np.full(160, 1000, dtype="<i2").tobytes()
    back = []
    for _ in range(30):                          # 0.6 s of modem frames at real pace
        back.append(bridge.exchange(caller))
        time.sleep(0.02)
    heard_by_card = np.frombuffer(b"".join(card.written), dtype="<i2")
    assert (heard_by_card == 1000).sum() > 160 * 15
    to_caller = np.frombuffer(b"".join(b for b in back if b), dtype="<i2")
    assert (to_caller == 700).sum() > 160 * 15
    bridge.disconnect()
    assert card.closed.wait(1.0)
    assert bridge.exchange(caller) is None


def test_a_card_that_cannot_be_opened_is_reported_and_the_call_goes_on():
    problems = []

    def missing():
        raise OSError("no such card")

    bridge = CardBridge(missing, "line1", on_problem=problems.append)
    bridge.connect()
    deadline = time.monotonic() + 2
    while not problems and time.monotonic() < deadline:
        time.sleep(0.01)
    assert problems and "cannot be opened" in problems[0]
    assert bridge.exchange(bytes(320)) is None


def test_a_card_unplugged_mid_call_is_reported_and_closed():
    problems = []
    card = TinyCard(fail_after=5)
    bridge = CardBridge(lambda: card, "line1", on_problem=problems.append)
    bridge.connect()
    assert card.closed.wait(2.0)
    assert problems[-1].startswith("bridge card failed")
    assert not bridge.connected


def test_reconnecting_at_once_reuses_one_card_thread():
    cards = []

    def opener():
        cards.append(TinyCard())
        return cards[-1]

    bridge = CardBridge(opener, "line1")
    bridge.connect()
    assert wait_connected(bridge)
    bridge.disconnect()
    bridge.connect()
    time.sleep(0.2)
    assert bridge.connected
    bridge.close()
    assert all(card.closed.is_set() for card in cards)
