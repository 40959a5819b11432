"""The lines page: edit, add and remove lines (1 to 4), sound cards offered from what the box
sees (or typed when it sees none, saying why), the lines' health, errors beside the field."""
from __future__ import annotations

import re

import pytest

from appliance.audio import soundcard
from appliance.events import SettingsChanged
from tests.web.conftest import owner_of
from tests.web.test_office import edited, fields

CARDS = [{"name": "bcm2835 Headphones: - (hw:0,0)", "maxInputChannels": 0, "maxOutputChannels": 8},
         {"name": "USB Audio Device: - (hw:1,0)", "maxInputChannels": 1, "maxOutputChannels": 2},
         {"name": "USB Audio Device: - (hw:2,0)", "maxInputChannels": 1, "maxOutputChannels": 2}]




@pytest.fixture
def cards(monkeypatch):
    monkeypatch.setattr(soundcard, "list_devices", lambda pyaudio_module=None: list(CARDS))


@pytest.fixture
def no_pyaudio(monkeypatch):
    def missing(pyaudio_module=None):
        raise soundcard.SoundCardError("pyaudio is not installed (No module named 'pyaudio')")
    monkeypatch.setattr(soundcard, "list_devices", missing)


@pytest.fixture
def boss(web):
    return owner_of(web[0])


def form_of(page: str, form_id: str = "lines-form") -> list[tuple[str, str]]:
    """The fields of one form, selects by their selected option's value."""
    body = re.search(r'<form [^>]*id="' + form_id + r'"[^>]*>(.*?)</form>', page, re.S).group(1)
    selects = re.findall(r'<select name="([^"]+)">(.*?)</select>', body, re.S)
    pairs = [(n, v) for n, v in fields(body) if n not in {name for name, _ in selects}]
    for name, options in selects:
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        pairs.append((name, chosen.group(1) if chosen else ""))
    return pairs


def add_line(boss, **values):
    page = boss.get("/lines").text
    return boss.post("/lines/add", edited(form_of(page, "add-line"), **values))


def test_the_page_shows_each_line_with_its_health(boss, cards):
    page = boss.get("/lines")
    assert page.status == 200
    assert 'id="line-line1"' in page.text and "row Y0" in page.text
    assert '<span class="pill idle">Idle</span>' in page.text and "0 calls today" in page.text
    for name in ("lines[0].driver", "lines[0].port", "lines[0].audio_port",
                 "lines[0].bridge_audio", "lines[0].pin", "lines[0].baud"):
        assert f'name="{name}"' in page.text, name


def test_bridge_cards_are_offered_from_the_cards_the_box_sees(boss, cards):
    page = boss.get("/lines").text
    select = re.search(r'<select name="lines\[0\].bridge_audio">(.*?)</select>', page, re.S).group(1)
    assert "USB Audio Device: - (hw:1,0)" in select and "USB Audio Device: - (hw:2,0)" in select
    assert "Headphones" not in select                     # output only: not a bridge card


def test_without_pyaudio_the_card_is_typed_and_the_page_says_why(boss, no_pyaudio, web):
    page = boss.get("/lines").text
    assert '<input name="lines[0].bridge_audio" value="">' in page
    assert "cannot be listed here" in page and "pyaudio is not installed" in page
    reply = boss.post("/lines", edited(form_of(page), **{"lines[0].bridge_audio": "USB Audio"}))
    assert reply.status == 303, reply.text
    assert web[2].load()["lines"][0]["bridge_audio"] == "USB Audio"


def test_a_machine_with_no_cards_says_so(boss, monkeypatch):
    monkeypatch.setattr(soundcard, "list_devices", lambda pyaudio_module=None: CARDS[:1])
    assert "lists no sound card with both input and output" in boss.get("/lines").text


def test_a_line_is_edited_and_saved(boss, cards, web):
    page = boss.get("/lines").text
    reply = boss.post("/lines", edited(form_of(page), **{
        "lines[0].driver": "sim800", "lines[0].port": "/dev/ttyUSB2",
        "lines[0].bridge_audio": "USB Audio Device: - (hw:2,0)", "lines[0].pin": "1234",
        "lines[0].baud": "9600"}))
    assert reply.status == 303, reply.text
    line = web[2].load()["lines"][0]
    assert (line["driver"], line["port"], line["bridge_audio"], line["pin"], line["baud"]) == (
        "sim800", "/dev/ttyUSB2", "USB Audio Device: - (hw:2,0)", "1234", 9600)
    assert isinstance(web[1].posted[-1], SettingsChanged)
    page = boss.get("/lines").text
    assert "restarts" in page and "1234" not in page          # the PIN is never shown back
    reply = boss.post("/lines", edited(form_of(page), **{"lines[0].bridge_audio_typed": "hw:1"}))
    assert reply.status == 303
    line = web[2].load()["lines"][0]
    assert line["pin"] == "1234" and line["bridge_audio"] == "hw:1"   # blank PIN keeps it
    boss.post("/lines", edited(form_of(boss.get("/lines").text), **{"lines[0].pin_clear": "on"}))
    assert web[2].load()["lines"][0]["pin"] is None


def test_a_missing_port_is_shown_beside_its_field(boss, cards, web):
    page = boss.get("/lines").text
    reply = boss.post("/lines", edited(form_of(page), **{"lines[0].driver": "ec25",
                                                         "lines[0].port": ""}))
    assert reply.status == 400
    assert re.search(r'<label class="has-error">AT command port[^<]*<input name="lines\[0\].port"'
                     r'[^>]*>\s*<span class="field-error">[^<]*is required for driver', reply.text)
    assert web[2].load()["lines"][0]["driver"] == "sim"


def test_a_card_named_for_two_lines_is_refused(boss, cards, web):
    add_line(boss, **{"lines[1].id": "line2", "lines[1].driver": "sim"})
    page = boss.get("/lines").text
    reply = boss.post("/lines", edited(form_of(page), **{
        "lines[0].bridge_audio": "USB Audio Device: - (hw:1,0)",
        "lines[1].bridge_audio": "USB Audio Device: - (hw:1,0)"}))
    assert reply.status == 400 and "the same sound card as lines[0].bridge_audio" in reply.text
    assert re.search(r'<label class="has-error">Bridge sound card[^<]*<select name="lines\[1\]'
                     r'.bridge_audio">', reply.text)


def test_lines_are_added_up_to_four_and_removed(boss, cards, web):
    reply = add_line(boss, **{"lines[1].id": "gsm2", "lines[1].driver": "sim800",
                              "lines[1].port": "/dev/ttyUSB0",
                              "lines[1].bridge_audio": "USB Audio Device: - (hw:1,0)"})
    assert reply.status == 303, reply.text
    assert [line["id"] for line in web[2].load()["lines"]] == ["line1", "gsm2"]
    assert "Not running yet" in boss.get("/lines").text
    for name in ("line3", "line4"):
        index = len(web[2].load()["lines"])
        assert add_line(boss, **{f"lines[{index}].id": name, f"lines[{index}].driver": "sim"}).status == 303
    page = boss.get("/lines").text
    assert 'id="add-line"' not in page and len(web[2].load()["lines"]) == 4
    assert boss.post("/lines/gsm2/delete").status == 303
    assert [line["id"] for line in web[2].load()["lines"]] == ["line1", "line3", "line4"]
    assert boss.post("/lines/nope/delete").status == 404


def test_a_new_line_with_a_taken_name_keeps_what_was_typed(boss, cards, web):
    reply = add_line(boss, **{"lines[1].id": "line1", "lines[1].port": "/dev/ttyUSB9"})
    assert reply.status == 400 and "line1" in reply.text
    assert 'value="/dev/ttyUSB9"' in reply.text
    assert len(web[2].load()["lines"]) == 1


def test_the_last_line_cannot_be_removed(boss, cards, web):
    boss.get("/lines")
    reply = boss.post("/lines/line1/delete")
    assert reply.status == 400 and len(web[2].load()["lines"]) == 1


def test_a_stale_form_changes_nothing(boss, cards, web):
    add_line(boss, **{"lines[1].id": "line2", "lines[1].driver": "sim"})
    stale = form_of(boss.get("/lines").text)
    assert boss.post("/lines/line1/delete").status == 303
    boss.get("/lines")
    reply = boss.post("/lines", edited(stale, **{"lines[0].baud": "9600"}))
    assert reply.status == 400 and "changed elsewhere" in reply.text
    assert web[2].load()["lines"][0]["baud"] == 115200


def test_a_refused_save_shows_what_was_typed(boss, cards):
    page = boss.get("/lines").text
    reply = boss.post("/lines", edited(form_of(page), **{
        "lines[0].driver": "ec25", "lines[0].port": "", "lines[0].audio_port": "/dev/ttyUSB4",
        "lines[0].bridge_audio": "USB Audio Device: - (hw:2,0)"}))
    assert reply.status == 400
    assert '<option value="ec25" selected>' in reply.text
    assert 'value="/dev/ttyUSB4"' in reply.text
    assert '<option value="USB Audio Device: - (hw:2,0)" selected>' in reply.text
