"""Which card a setting names (find_device), and what opening, losing and closing one does, against
a fake PyAudio module: the rules people configure by, and the messages they get when it goes wrong."""
import pytest

from appliance.audio.soundcard import (FRAME_BYTES, SoundCard, SoundCardError, card_opener,
                                       find_device, list_devices)
from appliance.errors import DriverError
from tests.soundcards import device, fake_pyaudio

DEVICES = [
    device(0, "bcm2835 Headphones: - (hw:0,0)", inputs=0, outputs=8),
    device(1, "USB Audio Device: #1 (hw:1,0)"),
    device(2, "USB Audio Device: #2 (hw:2,0)"),
    device(3, "C-Media USB Headset: - (hw:3,0)"),
    device(4, "C-Media USB Headset: - (hw:3,0) rear", inputs=1, outputs=1),
    device(5, "I2S mic: - (hw:4,0)", inputs=2, outputs=0),
    device(6, "default"),
]


def names(found):
    return found["name"]


def test_a_full_name_or_a_piece_of_exactly_one_name_finds_the_card():
    assert names(find_device(DEVICES, "USB Audio Device: #2 (hw:2,0)", "lines[0].bridge_audio")) \
        == "USB Audio Device: #2 (hw:2,0)"
    assert names(find_device(DEVICES, "#1", "lines[0].bridge_audio")) == "USB Audio Device: #1 (hw:1,0)"
    assert find_device(DEVICES, "hw:2", "x")["index"] == 2


def test_a_full_name_wins_over_longer_names_that_contain_it():
    found = find_device(DEVICES, "C-Media USB Headset: - (hw:3,0)", "lines[2].bridge_audio")
    assert found["index"] == 3                      # not refused as ambiguous with "... rear"


def test_a_piece_matching_several_cards_is_refused_naming_them():
    with pytest.raises(SoundCardError) as e:
        find_device(DEVICES, "USB Audio", "lines[1].bridge_audio")
    assert str(e.value) == ("lines[1].bridge_audio 'USB Audio' matches 2 sound cards"
                            " (USB Audio Device: #1 (hw:1,0), USB Audio Device: #2 (hw:2,0));"
                            " give more of the name")
    with pytest.raises(SoundCardError, match=r"^handsets.service_audio 'USB' matches 4 sound cards"):
        find_device(DEVICES, "USB", "handsets.service_audio")


def test_case_is_ignored_only_when_nothing_matches_as_written():
    assert find_device(DEVICES, "c-media usb headset: - (hw:3,0) REAR", "x")["index"] == 4
    assert find_device(DEVICES, "Default", "x")["index"] == 6


def test_only_full_duplex_cards_count():
    # "bcm2835" and "I2S" name real devices, but a bridge card needs input and output
    with pytest.raises(SoundCardError) as e:
        find_device(DEVICES, "bcm2835", "lines[0].bridge_audio")
    message = str(e.value)
    assert message.startswith("lines[0].bridge_audio 'bcm2835' names 'bcm2835 Headphones: - (hw:0,0)'"
                              " (output-only): a bridge card needs both input and output")
    assert "USB Audio Device: #1 (hw:1,0)" in message            # what could be given instead
    with pytest.raises(SoundCardError, match=r"'I2S mic: - \(hw:4,0\)' \(input-only\)"):
        find_device(DEVICES, "I2S", "x")
    # a piece that matches one duplex card and one output-only device picks the duplex one
    assert find_device(DEVICES + [device(7, "USB Headphones", 0, 2)], "Headset: - (hw:3,0) r", "x")["index"] == 4


def test_no_match_lists_the_cards_there_are():
    with pytest.raises(SoundCardError) as e:
        find_device(DEVICES, "Behringer UCA202", "lines[3].bridge_audio")
    assert str(e.value) == (
        "lines[3].bridge_audio 'Behringer UCA202' matches no sound card with input and output"
        " (there are: USB Audio Device: #1 (hw:1,0), USB Audio Device: #2 (hw:2,0),"
        " C-Media USB Headset: - (hw:3,0), C-Media USB Headset: - (hw:3,0) rear, default);"
        " check that the card is plugged in and give one of those names or a piece of one")
    with pytest.raises(SoundCardError, match="there are none: is the USB sound card plugged in"):
        find_device([], "USB", "lines[0].bridge_audio")
    with pytest.raises(SoundCardError, match=r"^lines\[0\].bridge_audio is empty"):
        find_device(DEVICES, "", "lines[0].bridge_audio")


def test_the_error_is_a_driver_error():
    assert issubclass(SoundCardError, DriverError)


# -- opening, sharing, losing and closing ------------------------------------------------------------

def test_list_devices_gives_pyaudios_dicts_and_all_cards_share_one_pyaudio():
    module = fake_pyaudio(DEVICES)
    assert [d["name"] for d in list_devices(module)] == [d["name"] for d in DEVICES]
    first = SoundCard("#1", pyaudio_module=module)
    second = SoundCard("#2", pyaudio_module=module)
    assert len(module.instances) == 1                # PortAudio scanned the devices once
    other = fake_pyaudio(DEVICES)                    # another module (a test's fake) gets its own
    SoundCard("#1", pyaudio_module=other)
    assert len(other.instances) == 1 and len(module.instances) == 1
    first.close()
    second.close()


def test_list_devices_adds_the_index_when_the_module_leaves_it_out():
    bare = [{k: v for k, v in d.items() if k != "index"} for d in DEVICES]
    assert [d["index"] for d in list_devices(fake_pyaudio(bare))] == list(range(len(DEVICES)))


def test_opening_asks_for_one_full_duplex_8khz_stream_of_20ms_blocks():
    module = fake_pyaudio(DEVICES)
    card = SoundCard("#2", setting="lines[1].bridge_audio", pyaudio_module=module)
    assert module.opened == [{"rate": 8000, "channels": 1, "format": module.paInt16, "input": True,
                              "output": True, "input_device_index": 2, "output_device_index": 2,
                              "frames_per_buffer": 160}]
    assert (card.device_name, card.rate, card.resampled) == ("USB Audio Device: #2 (hw:2,0)", 8000, False)
    stream = module.streams[0]
    assert stream.written == [bytes(FRAME_BYTES)] * 2        # the output's cushion of silence
    assert len(card.read_frame()) == FRAME_BYTES and stream.read_sizes == [160]
    card.write_frame(b"\x01\x00" * 160)
    assert stream.written[-1] == b"\x01\x00" * 160
    assert card.latency_s() == (0.03, 0.05)
    with pytest.raises(ValueError, match="320 bytes"):
        card.write_frame(bytes(100))


def test_a_card_that_vanishes_raises_a_sound_card_error_saying_what_to_check():
    module = fake_pyaudio(DEVICES)
    card = SoundCard("#1", setting="lines[0].bridge_audio", pyaudio_module=module)
    module.streams[0].fail = OSError(-9999, "Unanticipated host error")
    with pytest.raises(SoundCardError) as e:
        card.read_frame()
    assert str(e.value).startswith("lines[0].bridge_audio: sound card 'USB Audio Device: #1 (hw:1,0)'"
                                   " failed while reading (Unanticipated host error);"
                                   " check that it is still plugged in")
    with pytest.raises(SoundCardError, match="failed while writing"):
        card.write_frame(bytes(FRAME_BYTES))
    card.close()                                     # closing a dead card does not raise


def test_close_is_idempotent_and_a_closed_card_says_so():
    module = fake_pyaudio(DEVICES)
    card = SoundCard("#1", pyaudio_module=module)
    card.close()
    card.close()
    stream = module.streams[0]
    assert stream.stopped and stream.closed
    with pytest.raises(SoundCardError, match="is closed"):
        card.read_frame()


def test_a_card_that_cannot_open_at_any_rate_says_why_per_rate():
    module = fake_pyaudio(DEVICES, rates=(8000, 48000), open_fails=(8000, 48000))
    with pytest.raises(SoundCardError) as e:
        SoundCard("#1", setting="lines[0].bridge_audio", pyaudio_module=module)
    assert str(e.value) == (
        "lines[0].bridge_audio: sound card 'USB Audio Device: #1 (hw:1,0)' cannot run 16-bit mono"
        " with input and output at once (8000 Hz: Device unavailable; 16000 Hz: Invalid sample rate;"
        " 48000 Hz: Device unavailable; 44100 Hz: Invalid sample rate); check that no other program"
        " holds it and that it is a full-duplex card")


def test_opening_a_name_that_is_not_there_lists_the_cards():
    with pytest.raises(SoundCardError, match=r"'Nope' matches no sound card .*there are: USB Audio"):
        SoundCard("Nope", pyaudio_module=fake_pyaudio(DEVICES))


def test_card_opener_opens_a_fresh_card_each_time():
    module = fake_pyaudio(DEVICES)
    opener = card_opener("#2", "lines[1].bridge_audio", pyaudio_module=module)
    a, b = opener(), opener()
    assert a is not b and a.device_name == b.device_name == "USB Audio Device: #2 (hw:2,0)"
    assert len(module.streams) == 2 and len(module.instances) == 1
    assert "lines[1].bridge_audio" in opener.__doc__
