"""Prompts: every prompt per language with a player, upload a replacement (checked and converted
to 8 kHz mono 16-bit WAV), restore the default."""
from __future__ import annotations

import logging
import struct

import bottle

from appliance.store.menu_schema import LANGUAGES
from appliance.store.settings import atomic_write
from appliance.web.context import WebContext, done
from appliance.web.prompt_files import KEY, PromptFiles
from appliance.audio.uploads import MAX_BYTES, AudioRejected, read_info, to_phone_wav
from appliance.web.i18n import gettext_now

LANG = "<lang:re:[a-z]{2}>"
PROMPT = "<key:re:[a-z0-9_]{1,64}>"
log = logging.getLogger("appliance.web")
# what the codecs raise on a damaged or absurd header (0 Hz, 0 channels, a chunk size of 4 GB;
# their AudioError is a ValueError), and what arithmetic on such a header may: a file from
# outside, so its mistakes get a 400, never a 500
DAMAGED = (ValueError, RuntimeError, ZeroDivisionError, OverflowError, struct.error, MemoryError)


# sample rates a recording program writes; outside them the resampler's work grows with the
# rate (a 44-byte file claiming 4 GHz took 18 s of CPU on a PC), so they are refused first
RATES = (8000, 192000)


class UploadRejected(ValueError):
    """An upload refused before its sound is looked at."""


def _rate_checked(data: bytes) -> bytes:
    """``data``, unless its WAV header names a sample rate no recording has."""
    try:
        rate = read_info(data)[0]
    except DAMAGED:
        return data                             # to_phone_wav says what is wrong with it
    if not RATES[0] <= rate <= RATES[1]:
        raise UploadRejected(f"The recording's sample rate ({rate} Hz) is not one a recording "
                             f"has; save it at {RATES[0]} to {RATES[1]} Hz (44100 is usual).")
    return data


def _checked(lang: str, key: str) -> None:
    if lang not in LANGUAGES or not KEY.fullmatch(key):
        raise bottle.HTTPError(404, gettext_now("No such prompt."))


def _upload_bytes() -> bytes:
    if (bottle.request.content_length or 0) > MAX_BYTES + 64 * 1024:
        raise UploadRejected(f"The file is too large; the limit is {MAX_BYTES // 2 ** 20} MB.")
    upload = bottle.request.files.get("sound")
    if upload is None:
        raise UploadRejected(gettext_now("Choose a WAV file to upload."))
    name = upload.raw_filename or ""
    if any(part in name for part in ("/", "\\", "..")) or "\x00" in name:
        raise UploadRejected("The file name must be a plain name, without folders or '..'.")
    data = upload.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UploadRejected(f"The file is too large; the limit is {MAX_BYTES // 2 ** 20} MB.")
    return data


def prompts_page(ctx: WebContext, status: int = 200, **values):
    files = PromptFiles(ctx.data_dir)
    return ctx.render("prompts.tpl", status=status, prompts=files.listing(ctx.store.load()),
                      **values)


def sound(ctx: WebContext, lang: str, key: str):
    _checked(lang, key)
    files = PromptFiles(ctx.data_dir)
    custom = files.custom_path(lang, key)
    path = custom if custom.is_file() else files.default_path(lang, key)
    if path is None:
        raise bottle.HTTPError(404, gettext_now("This prompt has no recording yet."))
    return bottle.static_file(path.name, root=str(path.parent), mimetype="audio/wav")


def upload(ctx: WebContext, lang: str, key: str):
    _checked(lang, key)
    try:
        converted = to_phone_wav(_rate_checked(_upload_bytes()))
    except (UploadRejected, AudioRejected) as exc:
        return prompts_page(ctx, 400, error=f"{lang}/{key}: {exc}")
    except DAMAGED as exc:
        log.warning("prompt upload %s/%s refused: %s: %s", lang, key, type(exc).__name__, exc)
        return prompts_page(ctx, 400, error=f"{lang}/{key}: " + gettext_now(
            "this WAV file is damaged or not usable (its header is wrong). Save it as WAV (PCM) "
            "again and upload it."))
    target = PromptFiles(ctx.data_dir).custom_path(lang, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, converted)
    done("/prompts", gettext_now("New recording for {key} ({lang}) saved.").format(
        key=key, lang=lang))


def upload_new(ctx: WebContext):
    form = bottle.request.forms
    lang, key = form.getunicode("lang", ""), form.getunicode("key", "").strip()
    if lang not in LANGUAGES or not KEY.fullmatch(key):
        return prompts_page(ctx, 400, error=gettext_now(
            "A new prompt needs a language and a name of lowercase letters, digits and '_' "
            "(for example opening_times)."))
    return upload(ctx, lang, key)


def restore(ctx: WebContext, lang: str, key: str):
    _checked(lang, key)
    PromptFiles(ctx.data_dir).custom_path(lang, key).unlink(missing_ok=True)
    done("/prompts", gettext_now("{key} ({lang}) is back to the default recording.").format(
        key=key, lang=lang))


ROUTES = (("GET", "/prompts", prompts_page), ("GET", f"/prompts/{LANG}/{PROMPT}.wav", sound),
          ("POST", "/prompts/new", upload_new), ("POST", f"/prompts/{LANG}/{PROMPT}", upload),
          ("POST", f"/prompts/{LANG}/{PROMPT}/restore", restore))

