"""Box-level console commands: ``net`` shows where the owner's page is, ``log level`` turns the
log up and down, ``factory-reset`` asks twice and the next start erases the data folder."""
from __future__ import annotations

import logging
import re
import signal
import subprocess
import sys
import time

import pytest

from appliance.console import system_cmds
from appliance.store.settings import SettingsStore
from tests.console.rig import QUIET, make_rig


@pytest.fixture
def rig(tmp_path):
    return make_rig(tmp_path, QUIET)


def test_net_lists_the_addresses_with_the_web_page_on_each(rig):
    text = rig.run("net")
    port = SettingsStore(rig.data_dir).load()["web"]["port"]
    assert text.startswith("host name: ")
    assert re.search(rf"https://\S+:{port}/", text), text          # web.https auto, 0.0.0.0
    assert "certificate: not made yet" in text
    from appliance.web import tls
    tls.ensure_certificate(rig.data_dir)
    assert f"certificate: {tls.current_fingerprint(rig.data_dir)}" in rig.run("net")
    SettingsStore(rig.data_dir).update({"web": {"https": "off"}})
    text = rig.run("net")
    assert re.search(rf"http://\S+:{port}/", text) and "certificate" not in text, text


def test_log_level_shows_and_sets_the_daemon_s_log_level(rig):
    logger = logging.getLogger("appliance")
    before = logger.level
    try:
        assert rig.run("log level").startswith("log level: ")
        assert rig.run("log level debug") == "log level: debug (until the daemon restarts)"
        assert logger.getEffectiveLevel() == logging.DEBUG
        assert "must be one of debug, info, warning, error" in rig.run("log level loud")
    finally:
        logger.setLevel(before)


def test_factory_reset_asks_twice_then_restarts_to_erase(rig, monkeypatch):
    killed = []
    monkeypatch.setattr(system_cmds.os, "kill", lambda pid, sig: killed.append(sig))
    assert "To go on, type: factory-reset erase" in rig.run("factory-reset")
    code = re.search(r"factory-reset erase (\d{4})", rig.run("factory-reset erase")).group(1)
    wrong = "0000" if code != "0000" else "1111"
    assert "not the code shown" in rig.run(f"factory-reset erase {wrong}")
    assert killed == [] and not (rig.data_dir / system_cmds.RESET_MARK).exists()
    code = re.search(r"factory-reset erase (\d{4})", rig.run("factory-reset erase")).group(1)
    assert "restarts now" in rig.run(f"factory-reset erase {code}")
    assert killed == [signal.SIGTERM] and (rig.data_dir / system_cmds.RESET_MARK).exists()


def test_the_next_start_erases_the_data_folder_before_opening_anything(tmp_path):
    data = tmp_path / "data"
    (data / "prompts" / "en").mkdir(parents=True)
    (data / "prompts" / "en" / "greeting.wav").write_bytes(b"RIFF")
    settings = SettingsStore(data).load()
    settings["language"] = "it"
    SettingsStore(data).save(settings)
    assert system_cmds.erase_if_asked(data) is False            # nothing asked: nothing erased
    (data / system_cmds.RESET_MARK).write_text("asked\n")
    proc = subprocess.Popen([sys.executable, "-m", "appliance", "run", "--data-dir", str(data)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (data / "settings.json").exists() or (data / system_cmds.RESET_MARK).exists():
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert "factory reset" in err
    assert SettingsStore(data).load()["language"] == "en"
    assert not (data / "prompts").exists()


def test_password_reset_forgets_the_web_password_and_prints_a_setup_code(rig):
    from appliance.web.auth import Auth
    auth = Auth(rig.data_dir)
    code = auth.setup_code()
    auth.finish_setup(code, "a long password 2026", "a long password 2026", "127.0.0.1", 0.0) \
        if hasattr(auth, "finish_setup") else None
    text = rig.run("password reset")
    new = re.search(r"Setup code for the next visit: (\S+)", text).group(1)
    assert Auth(rig.data_dir).needs_setup() and Auth(rig.data_dir).setup_code() == new


def test_tail_shows_the_daemon_s_last_log_lines(rig):
    logging.getLogger("appliance.lines").warning("line1: the module stopped answering")
    text = rig.run("tail 5")
    assert text.splitlines()[-1].endswith("WARNING appliance.lines: line1: the module stopped answering")
    assert rig.run("tail x") == "error: usage: tail [N] [-f]"
