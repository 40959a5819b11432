"""The daemon builds the gpio driver: the real RPi.GPIO on a Pi, the simulated board on request."""
from __future__ import annotations

import pytest

from appliance import commands as c
from appliance import drivers
from appliance.clock import SimClock
from appliance.errors import DriverError
from appliance.handsets import selftest
from appliance.loop import Loop
from appliance.store import schema
from hwsim.board.desks import BoardHandsets

from .rig import START

GPIO = {"handsets": {"driver": "gpio"}}


def settings_with(**patch):
    return schema.validate(schema.merge(schema.defaults(), patch))


def test_off_a_pi_the_gpio_driver_fails_with_one_clear_line(monkeypatch):
    monkeypatch.delenv("IVR_GPIO", raising=False)
    with pytest.raises(DriverError) as caught:
        drivers.build_handsets(settings_with(**GPIO), scheduler=None)
    message = str(caught.value)
    assert message.startswith("RPi.GPIO could not be loaded (not a Raspberry Pi?)")
    assert "rpi-lgpio" in message and "IVR_GPIO=sim" in message and "\n" not in message


def test_ivr_gpio_sim_builds_the_driver_on_the_simulated_board(monkeypatch):
    monkeypatch.setenv("IVR_GPIO", "sim")
    loop = Loop(selftest.HookLog(), SimClock(START))
    bank = drivers.build_handsets(settings_with(**GPIO), loop)
    assert isinstance(bank, BoardHandsets)
    bank.execute(c.RingHandset(1))
    assert bank.board.ringing() == {1}


def test_an_unknown_ivr_gpio_value_is_named(monkeypatch):
    monkeypatch.setenv("IVR_GPIO", "pi")
    with pytest.raises(DriverError, match="IVR_GPIO is 'pi'"):
        drivers.build_handsets(settings_with(**GPIO), scheduler=None)


def test_the_selftest_rings_each_handset_and_reports_hook_changes(monkeypatch):
    monkeypatch.setenv("IVR_GPIO", "sim")
    settings = settings_with(**GPIO)
    log = selftest.HookLog()
    loop = Loop(log, SimClock(START))
    bank = drivers.build_handsets(settings, loop)
    loop.connect(handsets=bank)
    report, passed = selftest.run(loop, bank, log, settings)
    assert passed and len(report) == settings["handsets"]["count"]
    assert all("off hook at" in line and "on hook at" in line for line in report)


def test_the_selftest_says_when_a_handset_was_never_lifted(monkeypatch):
    monkeypatch.setenv("IVR_GPIO", "sim")
    settings = settings_with(**GPIO)
    log = selftest.HookLog()
    loop = Loop(log, SimClock(START))
    bank = drivers.build_handsets(settings, loop)
    bank.desks.operators[1].present = False
    loop.connect(handsets=bank)
    report, passed = selftest.run(loop, bank, log, settings)
    assert not passed and "no hook change seen" in report[0]


def test_on_the_simulated_board_the_lines_and_the_service_bus_use_its_sound_cards(monkeypatch,
                                                                                tmp_path):
    monkeypatch.setenv("IVR_GPIO", "sim")
    settings = settings_with(handsets={"driver": "gpio", "service_audio": "Service bus"},
                             lines=[{"id": "line1", "driver": "sim7600", "port": "/dev/null",
                                     "audio_port": "/dev/null", "bridge_audio": "Bridge line 1"}])
    loop = Loop(selftest.HookLog(), SimClock(START))
    board = drivers.simulated_board(settings, loop)
    cards = board.sound_cards()
    line = drivers.build_line(settings, 0, loop, tmp_path, cards)
    bank = drivers.build_handsets(settings, loop, tmp_path, cards, board)
    assert bank.board is board and bank.bank.service is not None
    card = line.audio.bridge.opener()
    try:
        assert card.device_name == "Bridge line 1"
    finally:
        card.close()
    bank.close()


def test_without_ivr_gpio_sim_there_is_no_simulated_board(monkeypatch):
    monkeypatch.delenv("IVR_GPIO", raising=False)
    assert drivers.simulated_board(settings_with(**GPIO), scheduler=None) is None
