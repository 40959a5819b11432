"""boot/ivr-usb-name: the same USB socket keeps its line number across boots and in any order of
discovery; a modem's AT and audio ports share it; unused ports get no name; bridge cards are
numbered apart."""
import importlib.machinery
import importlib.util
import subprocess
import sys
import threading
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "boot" / "ivr-usb-name"
PI4 = "/devices/platform/scb/fd500000.pcie/pci0000:00/0000:00:00.0/0000:01:00.0/usb1/1-1"


def load():
    loader = importlib.machinery.SourceFileLoader("ivr_usb_name", str(SCRIPT))
    spec = importlib.util.spec_from_loader("ivr_usb_name", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


usb = load()


def tty(socket: str, interface: int, n: int) -> str:
    return f"{PI4}/{socket}/{socket}:1.{interface}/ttyUSB{n}/tty/ttyUSB{n}"


def test_a_modem_s_at_and_audio_ports_share_one_line_number_and_keep_it(tmp_path):
    state = str(tmp_path / "usb-ports.json")
    assert usb.names("sim7600", tty("1-1.3", 2, 2), state) == {"IVR_NAME": "ivr-line0"}
    assert usb.names("sim7600", tty("1-1.3", 4, 4), state) == {"IVR_NAME": "ivr-line0-audio"}
    assert usb.names("ec25", tty("1-1.1", 2, 7), state) == {"IVR_NAME": "ivr-line1"}
    assert usb.names("ec25", tty("1-1.1", 1, 6), state) == {"IVR_NAME": "ivr-line1-audio"}
    # next boot, discovered the other way round and with other ttyUSB numbers: same names
    assert usb.names("ec25", tty("1-1.1", 2, 2), state) == {"IVR_NAME": "ivr-line1"}
    assert usb.names("sim7600", tty("1-1.3", 2, 9), state) == {"IVR_NAME": "ivr-line0"}


def test_diagnostic_and_gps_ports_get_no_name(tmp_path):
    state = str(tmp_path / "usb-ports.json")
    assert usb.names("sim7600", tty("1-1.3", 0, 0), state) == {}
    assert usb.names("sim7600", tty("1-1.3", 1, 1), state) == {}
    assert usb.names("ec25", tty("1-1.2", 3, 3), state) == {}


def test_bridge_cards_are_numbered_apart_from_lines(tmp_path):
    state = str(tmp_path / "usb-ports.json")
    usb.names("sim7600", tty("1-1.3", 2, 2), state)
    card = f"{PI4}/1-1.4/1-1.4.2/1-1.4.2:1.0/sound/card1"
    assert usb.names("card", card, state) == {"IVR_CARD": "ivrbridge0"}
    assert usb.names("card", f"{PI4}/1-1.4/1-1.4.1/1-1.4.1:1.0/sound/card2", state) == \
        {"IVR_CARD": "ivrbridge1"}
    assert usb.names("card", card, state) == {"IVR_CARD": "ivrbridge0"}


def test_a_damaged_state_file_starts_the_numbering_afresh(tmp_path):
    state = tmp_path / "usb-ports.json"
    state.write_text("{not json")
    assert usb.names("v253", f"{PI4}/1-1.2/1-1.2:1.0/tty/ttyACM0", str(state)) == \
        {"IVR_NAME": "ivr-line0"}
    assert '"1-1.2": 0' in state.read_text()


def test_devices_appearing_at_once_never_share_a_number(tmp_path):
    state = str(tmp_path / "usb-ports.json")
    found = {}

    def one(socket):
        found[socket] = usb.names("sim7600", tty(socket, 2, 2), state)["IVR_NAME"]

    threads = [threading.Thread(target=one, args=(f"1-1.{n}",)) for n in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(found.values()) == ["ivr-line0", "ivr-line1", "ivr-line2", "ivr-line3"]


def test_as_udev_runs_it_it_prints_properties_or_says_what_is_wrong(tmp_path):
    env = {"IVR_USB_STATE": str(tmp_path / "usb-ports.json"), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run([sys.executable, str(SCRIPT), "sim7600", tty("1-1.3", 4, 4)],
                        capture_output=True, text=True, env=env)
    assert (ok.returncode, ok.stdout) == (0, "IVR_NAME=ivr-line0-audio\n")
    bad = subprocess.run([sys.executable, str(SCRIPT), "sim7600", "/devices/virtual/tty/ttyS0"],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "not a USB device" in bad.stderr


@pytest.mark.parametrize("kind", ["sim7600", "ec25", "v253", "card"])
def test_the_rules_file_calls_it_for_each_kind_and_ignores_modems_for_modemmanager(kind):
    rules = (SCRIPT.parent / "99-ivr-appliance.rules").read_text()
    assert f"ivr-usb-name {kind} %p" in rules
    assert rules.count('ENV{ID_MM_DEVICE_IGNORE}="1"') == 3
