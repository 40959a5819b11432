"""The import rules that keep the house in order (docs/architecture.md): hardware libraries only in
drivers, an engine with no I/O, and no two modules importing each other in a circle."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HARDWARE = {"serial", "RPi", "pyaudio", "lgpio"}
ENGINE_MAY_IMPORT = ("appliance.engine", "appliance.events", "appliance.commands", "appliance.errors",
                     "appliance.timefmt", "appliance.line_states")


def imports(path: Path) -> set[str]:
    """Every module name ``path`` imports (absolute names; relative imports are not used here)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_only_drivers_import_hardware_libraries():
    allowed = ("appliance/lines/", "appliance/handsets/", "appliance/audio/soundcard.py",
               "appliance/serial_port.py")             # the one serial opener
    offenders = []
    for path in (ROOT / "appliance").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(allowed):
            continue
        bad = {name for name in imports(path) if name.split(".")[0] in HARDWARE}
        if bad:
            offenders.append(f"{rel}: {sorted(bad)}")
    assert offenders == []


def test_one_serial_opener():
    """Modem ports and the console port are opened one way: only appliance/serial_port.py
    imports pyserial."""
    users = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "appliance").rglob("*.py")
                   if any(name.split(".")[0] == "serial" for name in imports(path)))
    assert users == ["appliance/serial_port.py"]


def test_engine_imports_only_events_commands_errors_timefmt_line_states_and_itself():
    offenders = []
    for path in (ROOT / "appliance" / "engine").rglob("*.py"):
        for name in imports(path):
            if name.startswith("appliance") and not name.startswith(ENGINE_MAY_IMPORT) \
                    and name not in ("appliance",):
                offenders.append(f"{path.name}: {name}")
            if name.split(".")[0] in {"time", "threading", "socket", "sqlite3", "os", "asyncio"}:
                offenders.append(f"{path.name}: {name} (no I/O, threads or clocks in the engine)")
    assert offenders == []


def _module_edges() -> dict[str, set[str]]:
    """For each appliance module, the appliance modules it imports at module level (imports
    inside functions are deliberate late bindings and are left out; so is the implicit import
    of a package's ``__init__``)."""
    modules = {}
    for path in (ROOT / "appliance").rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        modules[name] = path
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
        edges[name] = {n for n in found if n in modules and n != name and
                       not name.startswith(n + ".")}
    return edges


def test_no_two_appliance_modules_import_each_other_in_a_circle():
    edges = _module_edges()
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def _all_imports(path: Path) -> set[str]:
    """Every module name ``path`` imports, at module level or inside functions."""
    return imports(path)


def test_only_the_simulators_command_imports_the_simulator():
    """The daemon and every driver reach the simulator only through appliance/drivers.py's
    registry (by name, imported when a simulated driver is asked for); the `sim` command is
    the one piece of the appliance that is the simulator's front end."""
    offenders = []
    for path in (ROOT / "appliance").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "appliance/cli/sim.py":
            continue
        bad = sorted(name for name in _all_imports(path) if name.split(".")[0] == "hwsim")
        if bad:
            offenders.append(f"{rel}: {bad}")
    assert offenders == []


def test_drivers_are_built_only_through_the_registry():
    """The daemon names no driver module: appliance/drivers.py maps each settings name to what
    builds it."""
    driver_packages = ("appliance.lines", "appliance.handsets", "hwsim")
    found = sorted(name for name in _all_imports(ROOT / "appliance" / "daemon.py")
                   if name.startswith(driver_packages))
    assert found == []


def test_nothing_below_the_command_line_imports_the_daemon():
    """The daemon is a composition root: only the command-line layer (appliance/cli/) may
    import it."""
    offenders = []
    for path in (ROOT / "appliance").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("appliance/cli/"):
            continue
        if any(name == "appliance.daemon" or name.startswith("appliance.daemon.")
               for name in _all_imports(path)):
            offenders.append(rel)
    assert offenders == []


def test_only_the_codecs_read_and_write_wav_files():
    """One WAV codec (appliance/audio/codecs.py): every other module reads and writes WAV files
    through it, so a damaged file is the same clear error everywhere."""
    offenders = []
    for path in (ROOT / "appliance").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "appliance/audio/codecs.py":
            continue
        if any(name.split(".")[0] == "wave" for name in _all_imports(path)):
            offenders.append(rel)
    assert offenders == []


def test_the_daemon_stays_small():
    lines = (ROOT / "appliance" / "daemon.py").read_text().count("\n")
    assert lines < 300, f"appliance/daemon.py has {lines} lines: move a piece out"


def test_the_stores_import_no_front_end():
    """Settings, call log, phone book and backups sit below the web page, the console and the
    command line; they may use audio (a restored prompt is converted) but never a front end."""
    fronts = ("appliance.web", "appliance.console", "appliance.cli", "appliance.daemon")
    offenders = []
    for path in (ROOT / "appliance" / "store").rglob("*.py"):
        bad = sorted(name for name in _all_imports(path) if name.startswith(fronts))
        if bad:
            offenders.append(f"{path.name}: {bad}")
    assert offenders == []


def test_the_web_pieces_live_in_one_package():
    assert not (ROOT / "appliance" / "webapp.py").exists()
    assert not (ROOT / "appliance" / "web_audio.py").exists()
    assert (ROOT / "appliance" / "web" / "app.py").exists()
