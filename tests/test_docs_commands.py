"""Every `ivr-appliance` command in README.md and docs/*.md that can run off a Pi runs as written.

The shell blocks of the docs are read line by line; the lines of a block that call
`ivr-appliance` (with `sudo`, `sudo -u ivr`, `.venv/bin/` or `/opt/ivr-appliance/venv/bin/` in
front, as the docs write it) run in order in bash in a scratch folder, with `ivr-appliance` meaning this checkout's and the
system data folder `/var/lib/ivr-appliance` meaning a scratch one. What cannot run here is
listed with the reason (the daemon itself, the console that talks to it, an endless demo), and
nothing else is skipped: a command the docs show that fails here fails the test.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PROGRAM = re.compile(r"^(?:[A-Z_]+=\S+ )*(?:sudo(?: -u ivr)? )?(?:\S*/)?ivr-appliance (?=[a-z])")
NOT_HERE = {   # subcommand -> why it cannot run in a test
    "run": "the daemon: runs until stopped, on the hardware of its settings",
    "console": "talks to a running daemon (or a serial port)",
}
FIXTURES = {"monday.json": "hw-sim/scenarios/busy-day.json"}   # files the docs only describe


def doc_commands() -> list[tuple[str, int, str]]:
    """(doc, line number of its block, command) for every line of a shell block that calls
    ivr-appliance; the lines of one block run together, in order, as a technician types them."""
    found = []
    for doc in DOCS:
        lines = doc.read_text(encoding="utf-8").splitlines()
        inside, block = False, 0
        for number, line in enumerate(lines, 1):
            if line.startswith("```"):
                inside = not inside and line.strip() in ("```sh", "```bash", "```shell")
                block = number
                continue
            command = re.sub(r"\s+#.*$", "", line).strip()
            if inside and not command.startswith("#") and PROGRAM.search(command):
                found.append((doc.name, block, command))
    return found


def subcommand(command: str) -> str:
    return command[PROGRAM.search(command).end():].split()[0]


def runnable(command: str) -> str | None:
    """Why ``command`` cannot run here, or None."""
    name = subcommand(command)
    if name in NOT_HERE:
        return NOT_HERE[name]
    if name == "sim" and "--fast" not in command:
        return "the live demo: runs until Ctrl-C"
    if "python -c" in command or "pip install" in command:
        return "needs the Pi's own install"
    return None


COMMANDS = doc_commands()
BLOCKS: dict[tuple[str, int], list[str]] = {}
for _doc, _block, _command in COMMANDS:
    BLOCKS.setdefault((_doc, _block), []).append(_command)


def test_the_docs_show_commands_and_most_of_them_run_here():
    assert len(COMMANDS) >= 15
    assert sum(runnable(c) is None for _, _, c in COMMANDS) >= 12
    assert all(subcommand(c) in ("run", "console", "sim") for _, _, c in COMMANDS
               if runnable(c) is not None)


@pytest.mark.parametrize("doc,line", list(BLOCKS), ids=[f"{d}:{n}" for d, n in BLOCKS])
def test_a_documented_block_runs_as_written(doc, line, tmp_path):
    commands = [c for c in BLOCKS[(doc, line)] if runnable(c) is None]
    data = tmp_path / "var-lib-ivr-appliance"
    _prepare(tmp_path, data)
    places = {"/var/lib/ivr-appliance": str(data), "/root/": f"{tmp_path}/", "/tmp/": f"{tmp_path}/",
              "/media/usb/": f"{tmp_path}/"}
    for command in commands:
        script = PROGRAM.sub(lambda m: re.sub(r"(?:sudo(?: -u ivr)? )?(?:\S*/)?ivr-appliance ",
                                              "ivr-appliance ", m.group(0)), command)
        script = re.sub("|".join(places), lambda m: places[m.group(0)], script)
        shell = (f"ivr-appliance() {{ '{sys.executable}' -m appliance \"$@\"; }}\n"
                 f"export IVR_DATA_DIR='{data}'\nset -o pipefail\n{script}\n")
        done = subprocess.run(["bash", "-c", shell], cwd=tmp_path, capture_output=True, text=True,
                              timeout=240, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                                                "HOME": str(tmp_path)})
        assert done.returncode in (0, 141), f"{doc}:{line}: {command}\n{done.stderr[-2000:]}"


def _prepare(tmp_path: Path, data: Path) -> None:
    """What the docs assume is there: an installed appliance's data folder with settings (and a
    damaged copy set aside), a settings export (as the line before an import makes it), the
    repository's scenarios, a demo's data."""
    for folder in (data, tmp_path / "demo-data"):
        subprocess.run([sys.executable, "-m", "appliance", "config", "export", "--data-dir",
                        str(folder)], capture_output=True, check=True, cwd=ROOT)
    shutil.copy(data / "settings.json", data / "settings.json.damaged")
    shutil.copy(data / "settings.json", tmp_path / "settings-export.json")
    shutil.copy(data / "settings.json", tmp_path / "settings.json")   # the block's export
    (tmp_path / "hw-sim").symlink_to(ROOT / "hw-sim")
    for name, source in FIXTURES.items():
        shutil.copy(ROOT / source, tmp_path / name)
