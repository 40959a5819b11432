"""boot/install.sh laid out under a scratch root (--root), as a technician's Pi would get it:
every file in its place, again is an upgrade that keeps the data, --dry-run changes nothing,
--uninstall keeps the data unless --purge, and a 32-bit system is refused with the reason.
The unit passes systemd-analyze; the shell passes shellcheck; the polkit rule lets user ivr
reboot and nothing else (judged by node, as polkitd's JavaScript would)."""
import json
import shutil
import subprocess
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "boot" / "install.sh"
UNIT = ROOT / "boot" / "ivr-appliance.service"
POLKIT_RULE = "etc/polkit-1/rules.d/50-ivr-appliance.rules"
REBOOT = "org.freedesktop.login1.reboot"


def install(root: Path, *args: str, arch: str = "arm64") -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(INSTALL), "--root", str(root), *args],
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin",
                                                               "IVR_ARCH": arch})


def pi_image(root: Path) -> Path:
    """The boot partition of a fresh Raspberry Pi OS image."""
    boot = root / "boot" / "firmware"
    boot.mkdir(parents=True)
    (boot / "config.txt").write_text("dtparam=audio=on\n[all]\n")
    (boot / "cmdline.txt").write_text("console=serial0,115200 console=tty1 root=PARTUUID=1 rootwait\n")
    return boot


def test_every_file_lands_in_its_place(tmp_path):
    boot = pi_image(tmp_path)
    done = install(tmp_path)
    assert done.returncode == 0, done.stderr
    for path in ("etc/systemd/system/ivr-appliance.service", "etc/udev/rules.d/99-ivr-appliance.rules",
                 "usr/local/lib/ivr-appliance/ivr-usb-name",
                 "etc/systemd/system.conf.d/ivr-appliance-watchdog.conf", "var/lib/ivr-appliance"):
        assert (tmp_path / path).exists(), path
    assert (tmp_path / "usr/local/lib/ivr-appliance/ivr-usb-name").stat().st_mode & 0o111
    config = (boot / "config.txt").read_text()
    assert "enable_uart=1" in config and "dtparam=watchdog=on" in config
    assert config.startswith("dtparam=audio=on\n[all]\n")           # the image's own lines kept
    assert "console=serial0" not in (boot / "cmdline.txt").read_text()
    assert "console=tty1" in (boot / "cmdline.txt").read_text()
    assert "RuntimeWatchdogSec=15s" in (tmp_path / "etc/systemd/system.conf.d/"
                                        "ivr-appliance-watchdog.conf").read_text()
    assert "would run: systemctl mask --now ModemManager.service" in done.stdout
    assert "would run: apt-get update -qq" in done.stdout             # no packages under --root
    rule = tmp_path / POLKIT_RULE
    assert rule.stat().st_mode & 0o777 == 0o644
    assert f'action.id == "{REBOOT}"' in rule.read_text()
    assert f'action.id == "{REBOOT}-multiple-sessions"' in rule.read_text()
    assert 'subject.user == "ivr"' in rule.read_text()


def test_again_is_an_upgrade_that_keeps_the_data_and_adds_no_second_block(tmp_path):
    boot = pi_image(tmp_path)
    install(tmp_path)
    data = tmp_path / "var/lib/ivr-appliance"
    (data / "settings.json").write_text('{"kept": true}')
    again = install(tmp_path)
    assert again.returncode == 0, again.stderr
    assert (data / "settings.json").read_text() == '{"kept": true}'
    assert (boot / "config.txt").read_text().count("enable_uart=1") == 1


def test_dry_run_prints_every_action_and_changes_nothing(tmp_path):
    pi_image(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    config = (tmp_path / "boot/firmware/config.txt").read_text()
    out = install(tmp_path, "--dry-run")
    assert out.returncode == 0, out.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "boot/firmware/config.txt").read_text() == config
    for action in ("would install: /etc/udev/rules.d/99-ivr-appliance.rules",
                   "would install: /etc/systemd/system/ivr-appliance.service",
                   "would set in /boot/firmware/config.txt: enable_uart=1 dtparam=watchdog=on",
                   "would remove console=serial0", "would run: systemctl enable ivr-appliance.service",
                   f"would write: /{POLKIT_RULE} (mode 0644):",
                   f'        if ((action.id == "{REBOOT}" ||', "polkitd"):
        assert action in out.stdout, action


def test_uninstall_keeps_the_data_and_purge_removes_it(tmp_path):
    boot = pi_image(tmp_path)
    install(tmp_path)
    (tmp_path / "var/lib/ivr-appliance/calls.sqlite3").write_text("log")
    out = install(tmp_path, "--uninstall")
    assert out.returncode == 0, out.stderr
    assert not (tmp_path / "etc/systemd/system/ivr-appliance.service").exists()
    assert not (tmp_path / "etc/udev/rules.d/99-ivr-appliance.rules").exists()
    assert not (tmp_path / POLKIT_RULE).exists()
    assert "enable_uart" not in (boot / "config.txt").read_text()
    assert (tmp_path / "var/lib/ivr-appliance/calls.sqlite3").read_text() == "log"
    out = install(tmp_path, "--uninstall", "--purge")
    assert out.returncode == 0 and not (tmp_path / "var/lib/ivr-appliance").exists()


JUDGE = """
const rules = [];
const polkit = {Result: {YES: "yes", NO: "no"}, addRule: (rule) => rules.push(rule)};
eval(require("fs").readFileSync(process.argv[1], "utf8"));
const asks = JSON.parse(process.argv[2]);
console.log(JSON.stringify(asks.map(([id, user]) =>
    rules.map((rule) => rule({id: id}, {user: user})).find((r) => r !== undefined) || null)));
"""


def test_the_polkit_rule_lets_user_ivr_reboot_and_nobody_else_anything_else(tmp_path):
    node = shutil.which("node")
    assert node, "node is missing: ./dev.sh setup installs it (polkit rules are JavaScript)"
    pi_image(tmp_path)
    assert install(tmp_path).returncode == 0
    asks = [[REBOOT, "ivr"], [f"{REBOOT}-multiple-sessions", "ivr"], [REBOOT, "pi"],
            ["org.freedesktop.login1.power-off", "ivr"], [f"{REBOOT}-ignore-inhibit", "ivr"],
            ["org.freedesktop.systemd1.manage-units", "ivr"]]
    out = subprocess.run([node, "-e", JUDGE, str(tmp_path / POLKIT_RULE), json.dumps(asks)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["yes", "yes", None, None, None, None]


def test_a_32_bit_system_is_refused_with_the_reason(tmp_path):
    out = install(tmp_path, arch="armhf")
    assert out.returncode == 1
    assert "64-bit" in out.stderr and "numpy" in out.stderr
    assert not (tmp_path / "etc").exists()


def test_bad_options_say_what_is_wrong(tmp_path):
    assert "unknown option --fast" in install(tmp_path, "--fast").stderr
    assert "--purge goes with --uninstall" in install(tmp_path, "--purge").stderr
    assert "Raspberry Pi OS bookworm 64-bit" in install(tmp_path, "--help").stdout


def test_the_unit_passes_systemd_analyze(tmp_path):
    unit = tmp_path / "ivr-appliance.service"
    unit.write_text(UNIT.read_text().replace("/opt/ivr-appliance/venv/bin/ivr-appliance run",
                                             "/bin/true"))
    out = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr.strip() == "", out.stderr
    text = UNIT.read_text()
    for line in ("Type=notify", "WatchdogSec=", "Restart=always", "ProtectSystem=strict",
                 "PrivateTmp=yes", "NoNewPrivileges=yes", "DevicePolicy=closed",
                 "WorkingDirectory=/var/lib/ivr-appliance", "OPENBLAS_NUM_THREADS=1",
                 "After=network-online.target time-sync.target"):
        assert line in text, line


def test_the_shell_scripts_pass_shellcheck():
    assert shutil.which("shellcheck"), "shellcheck is missing: ./dev.sh setup installs it"
    out = subprocess.run(["shellcheck", str(INSTALL), str(ROOT / "dev.sh"), str(ROOT / ".ci/run")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_a_second_run_changes_nothing(tmp_path):
    pi_image(tmp_path)
    install(tmp_path)

    def tree():
        return {p.relative_to(tmp_path): (p.read_bytes() if p.is_file() else None, p.stat().st_mode)
                for p in sorted(tmp_path.rglob("*"))}
    before = tree()
    assert install(tmp_path).returncode == 0
    assert tree() == before
