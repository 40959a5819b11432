"""Prompts reach the line sample-exact, at real pace, and stop within a frame on a key."""
import struct
import threading
import time

from appliance.audio.player import FRAME_BYTES, FRAME_S, LinePlayer


class ManualClock:
    """The player's clock and sleep, moved by the test: frame times are exact and a loaded
    machine cannot make a frame late (the player's pacing is what is tested, not the host)."""

    def __init__(self):
        self.now = 1000.0
        self.asleep = False
        self._cv = threading.Condition()

    def __call__(self) -> float:
        with self._cv:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._cv:
            until = self.now + seconds
            self.asleep = True
            self._cv.notify_all()
            while self.now < until - 1e-9:
                self._cv.wait()
            self.asleep = False

    def advance(self, seconds: float, player) -> None:
        """Move time on one frame at a time, letting the player catch up after each step."""
        for _ in range(round(seconds / FRAME_S)):
            with self._cv:
                self.now += FRAME_S
                self.asleep = False
                self._cv.notify_all()
            self.settle(player)

    def settle(self, player) -> None:
        """Wait until the player sleeps until its next frame, or has nothing to play."""
        deadline = time.monotonic() + 5
        with self._cv:
            while not self.asleep and player.playing:
                assert time.monotonic() < deadline, "the player never went back to sleep"
                self._cv.wait(0.01)


class Sink:
    """Collects frames with the time (of ``clock``) each was written."""

    def __init__(self, clock=time.monotonic):
        self.frames, self.times, self.clock = [], [], clock

    def write(self, frame: bytes) -> None:
        self.frames.append(frame)
        self.times.append(self.clock())

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


def paced():
    """A player on a manual clock, its sink, and the ids it reports done."""
    clock, done = ManualClock(), []
    sink = Sink(clock)
    return LinePlayer(sink, done.append, clock=clock, sleep=clock.sleep), sink, clock, done


def test_a_prompt_is_played_sample_exact_at_real_pace_then_done():
    player, sink, clock, done = paced()
    pcm = ramp(0.5)
    started = clock()
    player.play(7, pcm)
    clock.settle(player)
    clock.advance(0.48, player)
    assert done == [] and len(sink.frames) == 25           # the last frame is on its way
    clock.advance(0.02, player)
    wait_for(lambda: done)
    assert done == [7] and sink.data == pcm
    assert [round(t - started, 6) for t in sink.times] == [round(i * FRAME_S, 6)
                                                           for i in range(25)]
    player.close()


def test_a_partial_last_frame_is_padded_with_silence():
    sink, done = Sink(), []
    player = LinePlayer(sink, done.append)
    player.play(1, b"\x01\x00" * 100)              # 12.5 ms
    wait_for(lambda: done)
    assert sink.data == b"\x01\x00" * 100 + b"\0" * (FRAME_BYTES - 200)
    player.close()


def test_stop_silences_within_one_frame_and_says_nothing():
    player, sink, clock, done = paced()
    player.play(1, ramp(2.0))
    clock.settle(player)
    clock.advance(0.2, player)
    stopped_at = clock()
    player.stop()
    clock.advance(0.2, player)
    assert done == [] and not player.playing
    assert [t for t in sink.times if t > stopped_at] == []
    player.close()


def test_hold_music_loops_until_replaced_and_the_new_play_starts_at_once():
    player, sink, clock, done = paced()
    music = ramp(0.06)                               # three frames
    player.play(1, music, loop=True)
    clock.settle(player)
    clock.advance(0.24, player)
    assert sink.data == music * 4 + music[:FRAME_BYTES]    # 13 frames: four loops and one
    replaced_at = clock()
    player.play(2, b"\x05\x00" * 160)
    clock.advance(0.02, player)                      # the frame under way ends: the new one
    assert done == []
    clock.advance(0.02, player)                      # ... has played
    wait_for(lambda: done)
    assert done == [2] and sink.frames[-1] == b"\x05\x00" * 160
    assert sink.times[-1] == replaced_at + FRAME_S
    player.close()


def test_replacing_a_prompt_never_reports_the_replaced_one_done():
    player, sink, clock, done = paced()
    for play_id in range(1, 6):
        player.play(play_id, ramp(0.04))
    clock.settle(player)
    clock.advance(0.1, player)
    assert done == [5]
    player.close()


def test_the_player_thread_never_blocks_the_caller():
    """A sink stuck in a write (a serial port that stopped draining) holds only the player's
    thread: every play() returns while it is stuck."""
    release, writing = threading.Event(), threading.Event()

    class StuckSink(Sink):
        def write(self, frame):
            writing.set()
            release.wait(5)
            super().write(frame)
    player = LinePlayer(StuckSink(), lambda pid: None)
    player.play(0, ramp(1.0))
    assert writing.wait(5)                           # the player's thread is stuck in write
    for play_id in range(1, 50):
        player.play(play_id, ramp(1.0))              # would hang here if play() waited
    assert player.playing and not release.is_set()
    release.set()
    player.close()
