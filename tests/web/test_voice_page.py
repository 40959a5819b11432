"""The voice page: language, recording and voicemail saved and applied, errors beside the field,
and the hold music shown (read-only) with a player."""
from __future__ import annotations

import re

import pytest

from appliance.events import SettingsChanged
from tests.web.conftest import owner_of
from tests.web.test_office import edited, fields




@pytest.fixture
def boss(web):
    return owner_of(web[0])


def select_fields(page: str) -> list[tuple[str, str]]:
    """``fields`` for selects whose options carry a value attribute (the language)."""
    pairs = []
    for name, body in re.findall(r'<select name="([^"]+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option (?:value="([^"]*)" )?selected>([^<]*)</option>', body)
        pairs.append((name, (chosen.group(1) or chosen.group(2)) if chosen else ""))
    return pairs


def form_of(page: str) -> list[tuple[str, str]]:
    selects = dict(select_fields(page))
    return [(n, selects.get(n, v)) for n, v in fields(page)]


def test_the_page_shows_every_voice_setting(boss):
    page = boss.get("/voice")
    assert page.status == 200
    for name in ("language", "recording.enabled", "recording.notice_prompt", "recording.stereo",
                 "recording.keep_days", "recording.min_free_mb", "voicemail.when_closed",
                 "voicemail.prompt", "voicemail.max_s", "voicemail.silence_end_s"):
        assert f'name="{name}"' in page.text, name
    assert '<option value="ru"' in page.text and '<option value="it"' in page.text
    assert "recordings and voicemail older than this are deleted" in page.text


def test_voice_settings_are_saved_and_applied(boss, web):
    page = boss.get("/voice").text
    reply = boss.post("/voice", edited(form_of(page), drop=("recording.stereo",), **{
        "language": "it", "recording.enabled": "on", "recording.keep_days": "30",
        "recording.min_free_mb": "500", "voicemail.when_closed": "on", "voicemail.max_s": "60",
        "voicemail.silence_end_s": "4", "voicemail.prompt": "goodbye"}))
    assert reply.status == 303, reply.text
    saved = web[2].load()
    assert saved["language"] == "it"
    assert saved["recording"] == {"enabled": True, "notice_prompt": "recording_notice",
                                  "stereo": False, "keep_days": 30, "min_free_mb": 500}
    assert saved["voicemail"] == {"when_closed": True, "prompt": "goodbye", "max_s": 60,
                                  "silence_end_s": 4}
    assert isinstance(web[1].posted[-1], SettingsChanged)
    assert "Voice settings saved." in boss.get("/voice").text


def test_a_value_out_of_range_is_shown_beside_its_field(boss, web):
    page = boss.get("/voice").text
    reply = boss.post("/voice", edited(form_of(page), **{"recording.keep_days": "0"}))
    assert reply.status == 400
    beside = re.search(r'<label class="has-error">Keep recordings and voicemail for \(days\)\s*'
                       r'<input name="recording.keep_days"[^>]*>\s*<span class="field-error">'
                       r'([^<]*)</span>', reply.text)
    assert beside and "at least 1" in beside.group(1)
    assert web[2].load()["recording"]["keep_days"] == 90


def test_an_unknown_prompt_or_language_is_refused(boss, web):
    page = boss.get("/voice").text
    reply = boss.post("/voice", edited(form_of(page), **{"voicemail.prompt": "no_such_prompt"}))
    assert reply.status == 400 and "does not exist" in reply.text
    assert re.search(r'<label class="has-error">Prompt before the beep', reply.text)
    reply = boss.post("/voice", edited(form_of(page), **{"language": "de"}))
    assert reply.status == 400 and re.search(r'<label class="has-error">Callers hear first',
                                             reply.text)
    assert web[2].load()["language"] == "en"


def test_hold_music_is_shown_and_playable(boss, web, tmp_path):
    page = boss.get("/voice").text
    assert 'id="hold-music"' in page and 'src="/voice/hold/en.wav"' in page
    assert "the default music" in page and 'name="hold' not in page
    played = boss.get("/voice/hold/en.wav")
    assert played.status == 200 and played.body[:4] == b"RIFF"
    assert played.header("Content-Type").startswith("audio/wav")
    (tmp_path / "prompts" / "it").mkdir(parents=True)
    (tmp_path / "prompts" / "it" / "music_hold.wav").write_bytes(b"RIFFmine")
    assert "your recording" in boss.get("/voice").text
    assert boss.get("/voice/hold/it.wav").body == b"RIFFmine"
    assert boss.get("/voice/hold/de.wav").status == 404


def test_a_refused_save_shows_what_was_typed(boss):
    page = boss.get("/voice").text
    reply = boss.post("/voice", edited(form_of(page), drop=("recording.stereo",), **{
        "recording.keep_days": "0", "language": "ru", "recording.enabled": "on"}))
    assert reply.status == 400
    assert re.search(r'<input name="recording.keep_days" value="0"', reply.text)
    assert '<option value="ru" selected>' in reply.text
    assert '<input type="checkbox" name="recording.enabled" checked>' in reply.text
    assert '<input type="checkbox" name="recording.stereo" >' in reply.text
