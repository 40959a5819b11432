"""Prompts reach the line sample-exact, at real pace, and stop within a frame on a key."""
import struct
import threading
import time

from appliance.audio.player import FRAME_BYTES, LinePlayer


class Sink:
    """Collects frames with the time each was written."""

    def __init__(self):
        self.frames, self.times = [], []

    def write(self, frame: bytes) -> None:
        self.frames.append(frame)
        self.times.append(time.monotonic())

    @property
    def data(self) -> bytes:
        return b"".join(self.frames)


def ramp(seconds: float) -> bytes:
    n = int(8000 * seconds)
    return struct.pack(f"<{n}h", *((i * 37) % 30000 - 15000 for i in range(n)))


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_a_prompt_is_played_sample_exact_at_real_pace_then_done():
    sink, done = Sink(), []
    player = LinePlayer(sink, done.append)
    pcm = ramp(0.5)
    started = time.monotonic()
    player.play(7, pcm)
    wait_for(lambda: done)
    elapsed = time.monotonic() - started
    assert done == [7] and sink.data == pcm
    assert 0.45 < elapsed < 0.8                    # 25 frames of 20 ms, paced, not dumped
    player.close()


def test_a_partial_last_frame_is_padded_with_silence():
    sink, done = Sink(), []
    player = LinePlayer(sink, done.append)
    player.play(1, b"\x01\x00" * 100)              # 12.5 ms
    wait_for(lambda: done)
    assert sink.data == b"\x01\x00" * 100 + b"\0" * (FRAME_BYTES - 200)
    player.close()


def test_stop_silences_within_one_frame_and_says_nothing():
    sink, done = Sink(), []
    player = LinePlayer(sink, done.append)
    player.play(1, ramp(2.0))
    time.sleep(0.2)
    stopped_at = time.monotonic()
    player.stop()
    time.sleep(0.2)
    assert done == []
    late = [t for t in sink.times if t > stopped_at + 0.025]
    assert late == [] and not player.playing
    player.close()


def test_hold_music_loops_until_replaced_and_the_new_play_starts_at_once():
    sink, done = Sink(), []
    player = LinePlayer(sink, done.append)
    music = ramp(0.06)                               # three frames
    player.play(1, music, loop=True)
    time.sleep(0.25)
    assert sink.data.startswith(music * 3)
    player.play(2, b"\x05\x00" * 160)
    wait_for(lambda: done)
    assert done == [2] and sink.frames[-1] == b"\x05\x00" * 160
    player.close()


def test_replacing_a_prompt_never_reports_the_replaced_one_done():
    sink, done = Sink(), []
    player = LinePlayer(sink, done.append)
    for play_id in range(1, 6):
        player.play(play_id, ramp(0.04))
    wait_for(lambda: done)
    time.sleep(0.1)
    assert done == [5]
    player.close()


def test_the_player_thread_never_blocks_the_caller():
    class SlowSink(Sink):
        def write(self, frame):
            time.sleep(0.05)
            super().write(frame)
    player = LinePlayer(SlowSink(), lambda pid: None)
    started = time.monotonic()
    for play_id in range(50):
        player.play(play_id, ramp(1.0))
    assert time.monotonic() - started < 0.05
    assert threading.active_count() >= 2
    player.close()
