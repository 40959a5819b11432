"""Form values to settings values, and settings errors back to the field they are about.

A field's HTML name is its settings key path (``queues.sales.ring_timeout_s``), the same path a
SettingsError names, so the page can print the message right beside the field. Help texts come
from the declared schema (``schema.describe()``), the one place every setting is documented.

>>> error_path("Setting 'queues.sales.wrapup_s' must be at most 600")
'queues.sales.wrapup_s'
"""
from __future__ import annotations

import re
from functools import lru_cache

from appliance.audio import prompts
from appliance.errors import SettingsError
from appliance.store import schema
from appliance.web.i18n import gettext_now

_PATH = re.compile(r"Setting '([^']+)'")


def error_path(message: str) -> str | None:
    """The key path a SettingsError message names, or None."""
    found = _PATH.search(message)
    return found.group(1) if found else None


def save_or_explain(ctx, change, page, where: str, message, *, ask=None, form=None, renamed=None,
                    **page_values):
    """Save ``change(settings)`` and go back to ``where`` with ``message`` (text, or a function
    giving it once the change is made); if the form or the settings are refused, show ``page``
    again (400) with the error beside its field and, given the posted ``form``, what was typed.

    ``ask(doc)`` may name a consequence the owner must agree to first (the office closed all
    week): unless the form says ``confirmed=1`` nothing is saved and ``page`` shows the question
    (409) with the typed values, its button re-posting them with ``confirmed=1``. ``renamed``
    (filled in by ``change``) tells the engine which queues were renamed."""
    from appliance.web.context import done
    if form is not None:                 # earlier callers passed ``form`` on to their page
        page_values.setdefault("typed", Typed(form))
        page_values.setdefault("form", form)
    try:
        doc = change(ctx.store.load())
        if ask and not confirmed(form):
            question = ask(schema.validate(doc, prompts.known_keys(ctx.store.data_dir)))
            if question:                     # asked only of settings that would be saved
                return page(ctx, 409, confirm=question, **page_values)
        saved = ctx.save(doc, renamed) if renamed else ctx.save(doc)
    except SettingsError as exc:
        where_at = getattr(exc, "path", None) or error_path(str(exc))
        return page(ctx, 400, error=str(exc), error_at=where_at, **page_values)
    done(where, with_warnings(message() if callable(message) else message, saved))


def confirmed(form) -> bool:
    """The owner pressed the button that agrees to the consequence shown (``confirmed=1``)."""
    return form is not None and form.get("confirmed") == "1"


class Typed:
    """What the owner typed, shown again instead of the stored settings after a refused save,
    so that one typo never costs the rest of the form. Without a posted form: the stored values."""

    def __init__(self, form=None):
        self.form = form

    def __call__(self, path: str, stored):
        """A text field, or a select: the typed text, else ``stored``."""
        if self.form is None or self.form.get(path) is None:
            return stored
        return self.form.get(path)

    def ticked(self, path: str, stored: bool) -> bool:
        """A checkbox: a posted form without it means unticked, if that form had the box at all
        (it has fields beside it: ``queues.sales.*``); another form posted on the page does not."""
        if self.form is None:
            return stored
        beside = path.rpartition(".")[0]
        if beside and not any(key.startswith(beside + ".") for key in self.form.keys()):
            return stored
        return checkbox(self.form, path)

    def all(self, path: str, stored: list) -> list:
        """Several boxes of one name (an operator's queues)."""
        return stored if self.form is None else self.form.getall(path)


def with_warnings(message: str, saved: dict) -> str:
    """``message``, then what the saved settings allow but is probably a mistake (an escalation
    target nobody serves), so the owner reads it where they just saved."""
    warning = gettext_now("Warning: {what}.")       # the warning itself is the schema's English
    return " ".join([message, *(warning.format(what=w) for w in schema.warnings(saved))])


@lru_cache(maxsize=1)
def _docs() -> dict[str, str]:
    return {row.path: f"{row.doc} (allowed: {row.allowed})" for row in schema.describe()}


def help_for(path: str) -> str:
    """The schema's one-line doc of ``path``; queue and operator paths use their generic form."""
    generic = re.sub(r"^queues\.[^.]+", "queues.<name>", path)
    generic = re.sub(r"^operators\[\d+\]", "operators[]", generic)
    generic = re.sub(r"^hours\.weekly\.\w+$", "hours.weekly", generic)
    return _docs().get(generic) or _docs().get(path, "")


def number(form, path: str, nullable: bool = False):
    """A number field: int when whole, float otherwise; empty means null where allowed."""
    text = (form.get(path) or "").strip()
    if text == "" and nullable:
        return None
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"Setting '{path}' must be a number (got \"{text[:20]}\")") from None
    return int(value) if value.is_integer() else value


def checkbox(form, path: str) -> bool:
    """A checkbox: present means true (browsers send nothing for an unticked box)."""
    return form.get(path) in ("on", "true", "1", "yes")


def text(form, path: str, nullable: bool = False) -> str | None:
    value = (form.get(path) or "").strip()
    return None if value == "" and nullable else value


def words(form, path: str) -> list[str]:
    """A list typed as words separated by commas or spaces (queues of an operator)."""
    return [part for part in re.split(r"[,\s]+", form.get(path) or "") if part]
