"""Phone lines: each line's driver, ports and bridge sound card, its health as the dashboard shows
it, and adding or removing a line (1 to 4, in crosspoint row order).

Sound cards are offered from the ones PortAudio sees on this box; where that cannot be asked (no
PyAudio, no cards) the card is typed instead and the page says why. The line drivers are built when
the appliance starts, so a change here takes effect at the next restart.
"""
from __future__ import annotations

import bottle

from appliance.errors import SettingsError
from appliance.line_states import health_text
from appliance.store.schema import LINE_DRIVERS, PCM_DRIVERS
from appliance.web import forms
from appliance.web.context import WebContext
from appliance.web.i18n import N_, gettext_now

MAX_LINES = 4
DRIVER_WORDS = {"sim": N_("simulated line (no hardware)"), "sim800": N_("SIM800 (GSM, analog audio)"),
                "sim7600": N_("SIM7600 (4G, USB audio)"), "ec25": N_("Quectel EC25 (4G, USB audio)"),
                "v253": N_("voice modem (landline, V.253)")}
LINE_ID = "<line_id:re:[A-Za-z0-9_-]{1,64}>"


def sound_cards() -> tuple[list[str], str | None]:
    """Names of the full-duplex cards PortAudio lists, and why there are none when there are none.

    Never raises: a page must open on a machine without PyAudio, PortAudio or any card.
    """
    try:
        from appliance.audio import soundcard
        devices = soundcard.list_devices()
    except Exception as exc:                # noqa: BLE001 - no PyAudio, PortAudio failing ...
        return [], f"the sound cards cannot be listed here ({exc})"
    names = [d["name"] for d in devices
             if d.get("maxInputChannels", 0) >= 1 and d.get("maxOutputChannels", 0) >= 1]
    if not names:
        return [], ("PortAudio lists no sound card with both input and output: is the USB sound "
                    "card plugged in? ('arecord -l' lists the cards; a card plugged in after the "
                    "appliance started needs a restart)")
    return list(dict.fromkeys(names)), None


def _health(snap: dict | None) -> dict[str, dict]:
    """The dashboard's line rows by id (state label, network, warning), or {} if the loop is away."""
    if snap is None:
        return {}
    return {row["id"]: {"label": row["label"], "state": row["state"], "warning": row["warning"],
                        "health": health_text(row["health"]), "calls_today": row["calls_today"]}
            for row in snap["lines"]}


def lines_page(ctx: WebContext, status: int = 200, **values):
    settings = ctx.store.load()
    cards, why = sound_cards()
    snap = ctx.snapshot()
    return ctx.render("lines.tpl", status=status, lines=settings["lines"], drivers=LINE_DRIVERS,
                      driver_words=DRIVER_WORDS, pcm=PCM_DRIVERS, cards=cards, no_cards=why,
                      health=_health(snap), loop_away=snap is None, max_lines=MAX_LINES,
                      gpio=settings["handsets"]["driver"] == "gpio", help=forms.help_for,
                      **{"form": {}, **values})


def _card(form, path: str) -> str | None:
    """The typed name wins over the list (a piece of a name, or a card not plugged in now)."""
    typed = forms.text(form, path + "_typed")
    return typed or forms.text(form, path, nullable=True)


def _line(form, path: str, old: dict) -> dict:
    """One line's fields from the form; the SIM PIN is kept unless typed anew or cleared."""
    pin = old.get("pin")
    if forms.checkbox(form, path + ".pin_clear"):
        pin = None
    elif forms.text(form, path + ".pin"):
        pin = forms.text(form, path + ".pin")
    line = {**old, "driver": forms.text(form, path + ".driver"),
            "port": forms.text(form, path + ".port", nullable=True),
            "audio_port": forms.text(form, path + ".audio_port", nullable=True),
            "bridge_audio": _card(form, path + ".bridge_audio"),
            "pin": pin, "baud": forms.number(form, path + ".baud")}
    if path + ".sound_card" in form:
        line["sound_card"] = forms.text(form, path + ".sound_card", nullable=True)
    return line


def save_lines(ctx: WebContext):
    form = bottle.request.forms.decode()

    def change(settings: dict) -> dict:
        ids = [line["id"] for line in settings["lines"]]
        if [form.get(f"lines[{index}].id") for index in range(len(ids))] != ids:
            raise SettingsError("The lines were changed elsewhere since this page was loaded; "
                                "nothing was saved. Here they are as they are now.")
        lines = [_line(form, f"lines[{index}]", old) for index, old in enumerate(settings["lines"])]
        return {**settings, "lines": lines}
    return forms.save_or_explain(ctx, change, lines_page, "/lines",
                                 gettext_now("Lines saved. They take effect when the appliance "
                                             "restarts."),
                                 form=form)


def add_line(ctx: WebContext):
    form = bottle.request.forms.decode()

    def change(settings: dict) -> dict:
        if len(settings["lines"]) >= MAX_LINES:
            raise SettingsError(f"There are already {MAX_LINES} lines, the most the crosspoint "
                                "has rows for. Remove one first.")
        index = len(settings["lines"])
        line = _line(form, f"lines[{index}]", {"id": forms.text(form, f"lines[{index}].id")})
        return {**settings, "lines": settings["lines"] + [line]}
    return forms.save_or_explain(ctx, change, lines_page, "/lines",
                                 gettext_now("Line added. It starts working when the appliance "
                                             "restarts."),
                                 form=form)


def remove_line(ctx: WebContext, line_id: str):
    def change(settings: dict) -> dict:
        kept = [line for line in settings["lines"] if line["id"] != line_id]
        if len(kept) == len(settings["lines"]):
            raise bottle.HTTPError(404, gettext_now("There is no line {line}.").format(line=line_id))
        return {**settings, "lines": kept}
    return forms.save_or_explain(ctx, change, lines_page, "/lines",
                                 gettext_now("Line {line} removed; the lines after it moved up "
                                             "one crosspoint row. This takes effect when the "
                                             "appliance restarts.").format(line=line_id))


ROUTES = (("GET", "/lines", lines_page), ("POST", "/lines", save_lines),
          ("POST", "/lines/add", add_line), ("POST", f"/lines/{LINE_ID}/delete", remove_line))
