"""The long mode (tests/long_mode.py): tests marked ``long`` run only with ``IVR_LONG=1``; the
default run says how many it left for the long mode."""
from __future__ import annotations

from tests.long_mode import LONG


def pytest_configure(config):
    config.addinivalue_line("markers", "long: runs only in the long mode (IVR_LONG=1), "
                                       "see tests/long_mode.py")


def pytest_collection_modifyitems(config, items):
    if LONG:
        return
    left = [item for item in items if item.get_closest_marker("long")]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if not item.get_closest_marker("long")]
        config._ivr_long_left = len(left)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    left = getattr(config, "_ivr_long_left", 0)
    if left:
        terminalreporter.write_line(f"{left} long-mode tests not run: IVR_LONG=1 ./dev.sh test "
                                    "runs them too (tests/long_mode.py)")
