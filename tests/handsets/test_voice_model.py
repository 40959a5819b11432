"""The board's voice model: crosspoint rows as voice buses, USB bridge cards on their own clocks,
desk phones' ears and mouths, a SIM800's analog audio on a row, and the modems' audio clocks."""
from __future__ import annotations

import os
import random
import threading
import time

import numpy as np
import pytest

from appliance import commands as c
from appliance.lines.dialects import DIALECTS
from hwsim.board.handset import DeskPhone
from hwsim.board.soundcards import CardSpec, FakePyAudioModule
from hwsim.board.voice import VoiceBuses
from hwsim.modems.model import ModemModel
from hwsim.modems.v253 import VoiceModemModel
from tests.handsets.rig import Rig

RATE = 8000


def tone(freq: float, seconds: float, amplitude: float = 10000.0, rate: int = RATE) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(int(seconds * rate)) / rate)).astype(np.int16)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.asarray(x, dtype=np.float64) ** 2))) if len(x) else 0.0


def level(x: np.ndarray) -> float:
    """RMS from the first to the last sound (a tone's level, whatever silence is around it)."""
    sound = np.flatnonzero(x)
    return rms(x[sound[0]:sound[-1] + 1])


def amplitude(x: np.ndarray, freq: float) -> float:
    """The amplitude of ``freq`` in ``x`` (8 kHz), over the whole of it."""
    n = np.arange(len(x))
    return float(2 * abs(np.dot(x.astype(np.float64), np.exp(-2j * np.pi * freq * n / RATE))) / len(x))


def db(a: float, b: float) -> float:
    return 20 * np.log10(a / b)


def open_duplex(pa, module, index: int, rate: int = RATE):
    return pa.open(rate=rate, channels=1, format=module.paInt16, input=True, output=True,
                   input_device_index=index, output_device_index=index, frames_per_buffer=rate // 50)


def read_for(stream, seconds: float, rate: int = RATE) -> np.ndarray:
    block = rate // 50
    data = b"".join(stream.read(block) for _ in range(int(seconds * 50)))
    return np.frombuffer(data, dtype="<i2")


@pytest.fixture
def board_rig():
    rig = Rig("gpio", count=3)
    module = rig.board.sound_cards()
    pa = module.PyAudio()
    yield rig, module, pa
    pa.terminate()


# -- the buses, without threads ------------------------------------------------------------------

class Ear:
    def __init__(self):
        self.blocks = []

    def hear(self, t0, block):
        self.blocks.append((t0, block.copy()))


def test_a_source_is_heard_by_the_row_and_by_other_sources_but_not_by_itself():
    buses, ear, speaker, t = VoiceBuses(), Ear(), DeskPhone(1, random.Random(0)), 1000.0
    buses.attach(0, ear)
    buses.attach(0, speaker)
    speaker.say(np.full(160, 100, np.int16), at=t)
    played = tone(1000, 0.02)
    buses.play(0, t, played, source="card A")
    assert np.array_equal(buses.capture(0, t, 160, source="card A"), np.full(160, 100))
    both = buses.capture(0, t, 160, source="card B")
    assert np.array_equal(both, played.astype(np.int32) + 100)
    assert np.array_equal(np.concatenate([b for _, b in ear.blocks]), both)   # the ear: everything
    assert speaker.heard(since=t)[1].tolist() == played.tolist()               # not its own voice
    assert not buses.capture(1, t, 160).any()                                 # other rows: silent


# -- bridge cards on the board -----------------------------------------------------------------

def test_a_cards_tone_reaches_the_bridged_phone_only_within_60_ms(board_rig):
    rig, module, pa = board_rig
    rig.execute(c.Bridge("line1", 2))                  # through the gpio driver and the MT8816
    assert (2, 0) in rig.board.crosspoints()
    assert rig.board.sound_cards() is module            # one set of cards on the board
    stream = open_duplex(pa, module, 0)
    assert pa.get_device_info_by_index(0)["name"] == "Bridge line 1"
    assert pa.get_device_info_by_index(4)["name"] == "Service bus"
    signal = tone(1000, 0.5)
    time.sleep(0.05)
    started = time.monotonic()
    stream.write(signal.tobytes())
    time.sleep(0.1)
    start, ear = rig.board.phones[2].heard(since=started - 0.1)
    first = start + np.flatnonzero(ear)[0] / RATE
    assert 0 <= first - started < 0.06
    assert abs(db(level(ear), level(signal))) < 0.1
    for other in (1, 3):
        assert not rig.board.phones[other].heard(since=started)[1].any()
    assert stream.get_output_latency() == pytest.approx(0.04)
    assert stream.get_input_latency() == pytest.approx(0.02)


def test_the_bridged_phones_mouth_reaches_the_cards_read_and_unbridging_cuts_it(board_rig):
    rig, module, pa = board_rig
    rig.execute(c.Bridge("line2", 3))
    stream = open_duplex(pa, module, 1)
    rig.board.phones[3].say(tone(700, 0.2), at=time.monotonic() + 0.05)
    rig.board.phones[1].say(tone(700, 1.0), at=time.monotonic())      # not bridged: not heard
    heard = read_for(stream, 0.4)
    assert abs(db(level(heard), level(tone(700, 0.2)))) < 0.1
    sound = np.flatnonzero(heard)
    assert sound[-1] - sound[0] == pytest.approx(1599, abs=2)
    rig.execute(c.Unbridge("line2", 3))
    rig.board.phones[3].say(tone(700, 0.2), at=time.monotonic())
    assert not read_for(stream, 0.2).any()


def test_a_card_runs_at_its_own_clock():
    buses = VoiceBuses()
    phone = DeskPhone(1, random.Random(0))
    buses.attach(0, phone)
    buses.attach(1, phone)
    module = FakePyAudioModule([CardSpec("exact", 0, buses, 8000.0),
                                CardSpec("fast", 1, buses, 8010.0)])
    pa = module.PyAudio()
    clicks = np.zeros(int(2.0 * RATE) + 1, dtype=np.int16)
    clicks[0] = clicks[-1] = 20000                      # two clicks 2.000 s apart on the row
    results = {}

    def listen(index):
        stream = open_duplex(pa, module, index)
        began = time.monotonic()
        results[index] = (read_for(stream, 2.4), time.monotonic() - began)
        stream.close()

    threads = [threading.Thread(target=listen, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    phone.say(clicks, at=time.monotonic() + 0.15)
    for thread in threads:
        thread.join()
    for index, clock_hz in ((0, 8000.0), (1, 8010.0)):
        heard, took = results[index]
        first = int(np.argmax(heard[:RATE]))
        second = RATE + int(np.argmax(heard[RATE:]))
        assert abs((second - first) / 2.0 - clock_hz) < clock_hz * 0.0005, (index, second - first)
        assert took == pytest.approx(len(heard) / clock_hz, abs=0.1)   # paced in real time
    pa.terminate()


def test_a_48_khz_stream_is_converted_to_and_from_the_8_khz_row(board_rig):
    rig, module, pa = board_rig
    rig.execute(c.Bridge("line1", 1))
    assert pa.is_format_supported(48000, input_device=0, input_channels=1, input_format=module.paInt16)
    with pytest.raises(ValueError, match="Invalid sample rate"):
        pa.is_format_supported(11025, output_device=0, output_channels=1, output_format=module.paInt16)
    stream = open_duplex(pa, module, 0, rate=48000)
    started = time.monotonic()
    rig.board.phones[1].say(tone(1000, 0.2), at=started + 0.05)
    stream.write(tone(1000, 0.3, rate=48000).tobytes())
    heard = read_for(stream, 0.4, rate=48000)
    assert len(heard) == 0.4 * 48000
    assert abs(db(level(heard), level(tone(1000, 0.2)))) < 0.3
    crossings = np.count_nonzero(np.diff(np.signbit(heard[np.flatnonzero(heard)[0]:][:9600])))
    assert crossings == pytest.approx(400, abs=4)        # 1 kHz: 400 sign changes in 0.2 s
    ear = rig.board.phones[1].heard(since=started)[1]
    assert abs(db(level(ear), level(tone(1000, 0.3)))) < 0.3


def test_an_unplugged_card_fails_its_streams_and_leaves_the_list(board_rig):
    rig, module, pa = board_rig
    stream = open_duplex(pa, module, 2)
    stream.read(160)
    card = module.card("Bridge line 3")
    card.unplug()
    with pytest.raises(OSError) as read_error:
        stream.read(160)
    assert read_error.value.errno == -9999
    with pytest.raises(OSError):
        stream.write(bytes(320))
    stream.close()
    names = [d["name"] for d in map(module.PyAudio().get_device_info_by_index, range(4))]
    assert "Bridge line 3" not in names
    with pytest.raises(OSError):                   # the old PortAudio list still has it
        open_duplex(pa, module, 2)
    card.plug_in()
    again = module.PyAudio()
    assert again.get_device_count() == 5
    open_duplex(again, module, 2).read(160)
    again.terminate()


def test_unread_input_overflows(board_rig):
    rig, module, pa = board_rig
    stream = pa.open(rate=RATE, channels=1, format=module.paInt16, input=True,
                     input_device_index=4, frames_per_buffer=160)
    time.sleep(0.65)
    with pytest.raises(OSError) as error:
        stream.read(160)
    assert error.value.errno == -9981
    assert stream.read(160) and stream.overflows >= 1
    with pytest.raises(OSError):
        stream.write(bytes(320))                   # an input-only stream


# -- a SIM800's analog audio on its row --------------------------------------------------------

def test_a_sim800s_speaker_and_microphone_are_on_the_row(board_rig, tmp_path):
    rig, module, pa = board_rig
    modem = ModemModel(DIALECTS["sim800"], path=tmp_path / "modem").start()
    try:
        rig.board.voice.attach(0, modem.analog_part())
        rig.execute(c.Bridge("line1", 2))
        port = os.open(modem.path, os.O_RDWR | os.O_NOCTTY)
        modem.incoming_call("+447700900123")
        os.write(port, b"ATA\r")
        deadline = time.monotonic() + 2
        while modem.state != "active" and time.monotonic() < deadline:
            time.sleep(0.01)
        stream = open_duplex(pa, module, 0)
        started = time.monotonic()
        modem.say(tone(600, 0.2).tobytes())
        prompt = tone(1200, 0.2)
        stream.write(prompt.tobytes())
        heard = read_for(stream, 0.4)
        assert abs(db(level(heard), level(tone(600, 0.2)))) < 0.1   # the caller's voice
        mic = np.frombuffer(bytes(modem.heard), dtype="<i2")
        assert bytes(prompt[1:].tobytes()) in bytes(modem.heard)                   # the prompt, exact
        assert modem.heard_log[0][0] >= started - 0.05 and modem.said
        assert rms(mic) > 0
        ear = rig.board.phones[2].heard(since=started)[1]
        both = ear[np.flatnonzero(ear)[0] + 400:][:1000]    # the caller and the prompt at once
        assert amplitude(both, 600) == pytest.approx(10000, rel=0.05)
        assert amplitude(both, 1200) == pytest.approx(10000, rel=0.05)
        os.close(port)
    finally:
        modem.stop()


# -- the modems' own clocks -----------------------------------------------------------------------

def test_modem_models_send_frames_at_their_own_clock(tmp_path):
    def drain(path, stop):
        fd = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        while not stop.is_set():
            try:
                os.read(fd, 65536)
            except BlockingIOError:
                time.sleep(0.005)
        os.close(fd)

    stop, rates = threading.Event(), {}
    models = []
    try:
        for clock_hz in (8000.0, 8100.0):
            gsm = ModemModel(DIALECTS["sim7600"], path=tmp_path / f"gsm{int(clock_hz)}",
                             clock_hz=clock_hz).start()
            v253 = VoiceModemModel(path=tmp_path / f"v253-{int(clock_hz)}", clock_hz=clock_hz).start()
            models += [gsm, v253]
            for path in (gsm.audio_path, v253.path):
                threading.Thread(target=drain, args=(path, stop), daemon=True).start()
            port = os.open(gsm.path, os.O_RDWR | os.O_NOCTTY)
            gsm.incoming_call("+447700900123")
            os.write(port, b"ATA\r")
            time.sleep(0.15)
            os.write(port, b"AT+CPCMREG=1\r")
            os.close(port)
            modem_port = os.open(v253.path, os.O_WRONLY | os.O_NOCTTY)
            os.write(modem_port, b"AT+FCLASS=8\rAT+VLS=1\rAT+VRX\r")
            os.close(modem_port)
        time.sleep(1.2)
        for model in models:
            times = [t for t, _ in model.said]
            assert len(times) > 40, model
            # frames a second from the least-squares slope of all send times, not the first and
            # last alone: one late wake-up of a loaded machine at either end skewed the old way
            index = np.arange(len(times))
            rates[(type(model).__name__, model.clock_hz)] = 1.0 / np.polyfit(index, times, 1)[0]
    finally:
        stop.set()
        for model in models:
            model.stop()
    for kind in ("ModemModel", "VoiceModemModel"):
        assert rates[(kind, 8000.0)] == pytest.approx(50.0, rel=0.004)
        assert rates[(kind, 8100.0)] == pytest.approx(50.625, rel=0.004)
