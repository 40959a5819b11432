"""Where the web page's templates and static files are, in a source tree or an installed copy.

Looked for in order: ``$IVR_WEB_DIR``; ``web/`` beside the ``appliance`` package (the source tree
and the editable install); ``<prefix>/share/ivr-appliance/web`` (``pip install .`` puts it there
through pyproject's data-files).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from appliance.errors import ApplianceError


def candidates() -> list[Path]:
    """Every place the ``web/`` folder may be, most specific first."""
    found = [Path(os.environ["IVR_WEB_DIR"])] if os.environ.get("IVR_WEB_DIR") else []
    return found + [Path(__file__).resolve().parents[2] / "web",
                    Path(sys.prefix) / "share" / "ivr-appliance" / "web"]


def web_root() -> Path:
    """The first ``web/`` folder that holds ``templates/layout.tpl``."""
    for folder in candidates():
        if (folder / "templates" / "layout.tpl").is_file():
            return folder
    raise ApplianceError("the web page's templates are missing (looked in "
                         + ", ".join(str(p) for p in candidates()) + "); reinstall the firmware")
