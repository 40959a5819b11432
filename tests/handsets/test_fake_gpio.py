"""The fake RPi.GPIO refuses misuse the way the real module does (hwsim.board.fake_rpi_gpio)."""
from __future__ import annotations

import pytest

from hwsim.board.fake_rpi_gpio import FakeRPiGPIO


def test_setup_before_setmode_is_refused():
    gpio = FakeRPiGPIO()
    with pytest.raises(RuntimeError, match="set pin numbering mode"):
        gpio.setup(17, gpio.OUT)


def test_input_before_setup_and_output_on_an_input_are_refused():
    gpio = FakeRPiGPIO()
    gpio.setmode(gpio.BCM)
    with pytest.raises(RuntimeError, match="setup\\(\\) the GPIO channel first"):
        gpio.input(23)
    gpio.setup(23, gpio.IN)
    with pytest.raises(RuntimeError, match="not been set up as an OUTPUT"):
        gpio.output(23, 1)


def test_bad_mode_channel_and_pull_on_output_are_value_errors():
    gpio = FakeRPiGPIO()
    gpio.setmode(gpio.BCM)
    with pytest.raises(ValueError, match="different mode"):
        gpio.setmode(gpio.BOARD)
    with pytest.raises(ValueError, match="invalid on a Raspberry Pi"):
        gpio.setup(40, gpio.OUT)
    with pytest.raises(ValueError, match="not valid for outputs"):
        gpio.setup(17, gpio.OUT, pull_up_down=gpio.PUD_UP)


def test_outputs_reach_their_sink_and_inputs_read_their_source_or_pull():
    seen = []
    gpio = FakeRPiGPIO(sinks={17: seen.append}, sources={23: lambda: True})
    gpio.setmode(gpio.BCM)
    gpio.setup([17], gpio.OUT, initial=gpio.HIGH)
    gpio.output(17, False)
    gpio.setup(23, gpio.IN)
    gpio.setup(24, gpio.IN, pull_up_down=gpio.PUD_UP)
    assert seen == [1, 0] and gpio.input(23) == 1 and gpio.input(24) == 1


def test_board_numbering_maps_header_pins_to_bcm():
    seen = []
    gpio = FakeRPiGPIO(sinks={17: seen.append})
    gpio.setmode(gpio.BOARD)
    gpio.setup(11, gpio.OUT)                # header pin 11 is BCM 17
    gpio.output(11, 1)
    assert seen == [1]


def test_cleanup_of_some_channels_keeps_the_others():
    gpio = FakeRPiGPIO()
    gpio.setmode(gpio.BCM)
    gpio.setup([5, 6, 7], gpio.OUT)
    gpio.cleanup([5, 6])
    assert list(gpio.pins_set_up()) == [7] and gpio.getmode() == gpio.BCM
    gpio.cleanup()
    assert gpio.getmode() is None
