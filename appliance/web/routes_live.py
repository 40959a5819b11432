"""The dashboard: lines, queue, callbacks, operators and today, refreshed by polling `/live`."""
from __future__ import annotations

import bottle

from appliance.events import OperatorPaused, OperatorUnpaused
from appliance.line_states import health_text
from appliance.web.context import WebContext, done

# Operator states; a line's state carries its own label (appliance.line_states).
STATE_WORDS = {"available": "Available", "reserved": "Calling back", "ringing": "Ringing",
               "wrapup": "Wrap-up", "talking": "Talking", "paused": "Paused", "offhook": "Off hook",
               "disabled": "Disabled"}


def _live_values(ctx: WebContext) -> dict:
    snap = ctx.snapshot()
    notices = [text for _, _, text in ctx.source.recent_notices()][-5:] \
        if hasattr(ctx.source, "recent_notices") else []
    return {"snap": snap, "words": STATE_WORDS, "health_text": health_text,
            "notices": list(reversed(notices))}


def dashboard(ctx: WebContext):
    return ctx.render("dashboard.tpl", **_live_values(ctx))


def live(ctx: WebContext):
    bottle.response.set_header("Cache-Control", "no-store")
    return ctx.render("dashboard_live.tpl", **_live_values(ctx))


def pause(ctx: WebContext, operator_id: str):
    ctx.source.post(OperatorPaused(operator_id))
    done("/", f"{operator_id} is paused: no calls are offered until unpaused.")


def unpause(ctx: WebContext, operator_id: str):
    ctx.source.post(OperatorUnpaused(operator_id))
    done("/", f"{operator_id} is back: calls are offered again.")


OPERATOR = "<operator_id:re:[A-Za-z0-9_-]+>"
ROUTES = (("GET", "/", dashboard), ("GET", "/live", live),
          ("POST", f"/operators/{OPERATOR}/pause", pause),
          ("POST", f"/operators/{OPERATOR}/unpause", unpause))

