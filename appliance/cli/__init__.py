"""The command line: ``ivr-appliance`` and its subcommands (``main``), the call log and settings
commands (``logs``), and the simulator's command (``sim``). ``run`` itself is the daemon's
(``appliance.daemon``); this layer parses, dispatches and prints."""
from appliance.cli.main import main

__all__ = ["main"]
