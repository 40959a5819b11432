"""``reboot``: asks first, then ``systemctl reboot`` (allowed to user ivr by the polkit rule
boot/install.sh installs); a refusal is one line saying what to fix. The subprocess is faked."""
from __future__ import annotations

import subprocess

import pytest

from appliance.console import system_cmds
from tests.console.rig import QUIET, make_rig


@pytest.fixture
def rig(tmp_path):
    return make_rig(tmp_path, QUIET)


class FakeRun:
    """Stands in for ``subprocess.run``: records the command, answers as told."""

    def __init__(self, returncode: int = 0, stderr: str = "", raises: Exception | None = None):
        self.calls: list[list[str]] = []
        self.returncode, self.stderr, self.raises = returncode, stderr, raises

    def __call__(self, cmd, **kwargs):
        self.calls.append(cmd)
        if self.raises is not None:
            raise self.raises
        return subprocess.CompletedProcess(cmd, self.returncode, "", self.stderr)


def faked(monkeypatch, **kwargs) -> FakeRun:
    run = FakeRun(**kwargs)
    monkeypatch.setattr(system_cmds.subprocess, "run", run)
    return run


def test_reboot_alone_explains_and_does_nothing(rig, monkeypatch):
    run = faked(monkeypatch)
    text = rig.run("reboot")
    assert "every call in progress is cut" in text and text.endswith("type: reboot now")
    assert run.calls == []
    assert rig.run("reboot later") == "error: usage: reboot [now]"
    assert rig.run("reboot now please") == "error: usage: reboot [now]"
    assert run.calls == []


def test_reboot_now_asks_systemd(rig, monkeypatch, caplog):
    run = faked(monkeypatch)
    assert rig.run("reboot now") == "Rebooting now: the box is back in about a minute."
    assert run.calls == [["systemctl", "reboot"]]
    assert "reboot requested from the console" in caplog.text


def test_a_refused_reboot_says_why_and_what_to_fix(rig, monkeypatch):
    faked(monkeypatch, returncode=1, stderr="Call to Reboot failed: Access denied\n")
    assert rig.run("reboot now") == (
        "error: the reboot was refused: Call to Reboot failed: Access denied (user ivr may reboot "
        "only with the polkit rule /etc/polkit-1/rules.d/50-ivr-appliance.rules: run "
        "boot/install.sh again)")
    faked(monkeypatch, returncode=1)
    assert rig.run("reboot now").startswith("error: the reboot was refused: exit status 1 (")


def test_no_systemctl_is_one_line_too(rig, monkeypatch):
    faked(monkeypatch, raises=FileNotFoundError(2, "No such file or directory", "systemctl"))
    assert rig.run("reboot now") == ("error: the reboot could not be asked for: [Errno 2] No such "
                                     "file or directory: 'systemctl'")


def test_help_lists_reboot(rig):
    assert "reboot [now]" in rig.run("help")
    assert rig.run("help reboot") == ("usage: reboot [now]\n"
                                      "restart the whole box (asks first: reboot now)")
