"""What callers hear besides the menu: their first language, the recording of conversations,
voicemail, and (read-only: the settings have no key for it) the hold music."""
from __future__ import annotations

import bottle

from appliance.audio import prompts as library
from appliance.audio import sentences
from appliance.store.menu_schema import LANGUAGES
from appliance.web import forms
from appliance.web.context import WebContext
from appliance.web.prompt_files import settings_keys
from appliance.web.i18n import N_, gettext_now

LANGUAGE_NAMES = {"en": N_("English"), "ru": N_("Russian"), "it": N_("Italian")}  # voice.tpl: _()
HOLD_KEY = "music_hold"           # the engine's ("music", "hold"), in every language


def caller_languages() -> list[tuple[str, str]]:
    """The languages settings allow that the prompt library also speaks: ``(code, name)``."""
    spoken = set(sentences.languages())
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES if code in spoken]


def hold_music(ctx: WebContext) -> list[dict]:
    """Per language, the file callers on hold hear: the owner's upload or the firmware's."""
    found = library.PromptLibrary(data_dir=ctx.data_dir)
    rows = []
    for code, name in caller_languages():
        hit = found.find(HOLD_KEY, code)
        custom = hit is not None and hit[0].is_relative_to(ctx.data_dir)
        rows.append({"code": code, "name": name, "exists": hit is not None, "custom": custom})
    return rows


def _prompt_choices(ctx: WebContext, settings: dict) -> list[str]:
    """Whole messages a setting may name (not the words announcements are built from): the
    engine's, the settings', the owner's uploads; the current ones even if they vanished."""
    uploaded = set().union(*library.owner_keys(ctx.data_dir).values())
    wanted = set(library.ENGINE_KEYS) | settings_keys(settings) | uploaded
    keys = wanted & set(library.known_keys(ctx.data_dir))
    keys |= {settings["recording"]["notice_prompt"], settings["voicemail"]["prompt"]}
    return sorted(keys)


def voice_page(ctx: WebContext, status: int = 200, **values):
    settings = ctx.store.load()
    return ctx.render("voice.tpl", status=status, settings=settings, help=forms.help_for,
                      languages=caller_languages(), prompts=_prompt_choices(ctx, settings),
                      hold=hold_music(ctx), **values)


def _recording(form, old: dict) -> dict:
    return {**old, "enabled": forms.checkbox(form, "recording.enabled"),
            "notice_prompt": forms.text(form, "recording.notice_prompt"),
            "stereo": forms.checkbox(form, "recording.stereo"),
            "keep_days": forms.number(form, "recording.keep_days"),
            "min_free_mb": forms.number(form, "recording.min_free_mb")}


def _voicemail(form, old: dict) -> dict:
    return {**old, "when_closed": forms.checkbox(form, "voicemail.when_closed"),
            "prompt": forms.text(form, "voicemail.prompt"),
            "max_s": forms.number(form, "voicemail.max_s"),
            "silence_end_s": forms.number(form, "voicemail.silence_end_s")}


def save_voice(ctx: WebContext):
    form = bottle.request.forms.decode()

    def change(settings: dict) -> dict:
        return {**settings, "language": forms.text(form, "language"),
                "recording": _recording(form, settings["recording"]),
                "voicemail": _voicemail(form, settings["voicemail"])}
    return forms.save_or_explain(ctx, change, voice_page, "/voice", gettext_now("Voice settings saved."),
                                 form=form)


def hold_sound(ctx: WebContext, lang: str):
    """The hold music callers of ``lang`` hear, for the page's player."""
    if lang not in dict(caller_languages()):
        raise bottle.HTTPError(404, gettext_now("No such language."))
    hit = library.PromptLibrary(data_dir=ctx.data_dir).find(HOLD_KEY, lang)
    if hit is None:
        raise bottle.HTTPError(404, "There is no hold music on this appliance.")
    reply = bottle.static_file(hit[0].name, root=str(hit[0].parent), mimetype="audio/wav")
    reply.set_header("Cache-Control", "no-store")
    return reply


ROUTES = (("GET", "/voice", voice_page), ("POST", "/voice", save_voice),
          ("GET", "/voice/hold/<lang:re:[a-z]{2}>.wav", hold_sound))
