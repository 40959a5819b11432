"""Settings of the voice path: bridge cards (lines[].bridge_audio, its older name sound_card on a
sim800) and the service bus card (handsets.service_audio); design.md, "The voice path".

Refusals of settings that could not carry voice happen on save and import (``validate`` given
``prompts``), never when the settings are loaded."""
from __future__ import annotations

import json

import pytest

from appliance.audio import prompts
from appliance.errors import SettingsError
from appliance.store import schema
from appliance.store.settings import SettingsStore

PROMPTS = prompts.known_keys()
GPIO = {"driver": "gpio"}


def sim7600(line_id="gsm", **more) -> dict:
    return {"id": line_id, "driver": "sim7600", "port": f"/dev/ivr-{line_id}",
            "audio_port": f"/dev/ivr-{line_id}-audio", **more}


def ec25(line_id="lte", **more) -> dict:
    return {"id": line_id, "driver": "ec25", "port": f"/dev/ivr-{line_id}",
            "audio_port": f"/dev/ivr-{line_id}-audio", **more}


def sim800(line_id="twog", **more) -> dict:
    return {"id": line_id, "driver": "sim800", "port": "/dev/ttyUSB0", **more}


def v253(line_id="pots", **more) -> dict:
    return {"id": line_id, "driver": "v253", "port": f"/dev/ivr-{line_id}", **more}


def settings(lines: list[dict], **handsets) -> dict:
    return {"lines": lines, "handsets": {"driver": "gpio", **handsets}}


def strict(doc: dict) -> dict:
    return schema.validate(doc, prompts=PROMPTS)


def strict_error(doc: dict) -> str:
    with pytest.raises(SettingsError) as caught:
        strict(doc)
    return str(caught.value)


# ---- the new keys --------------------------------------------------------------------------------

def test_defaults_have_no_cards():
    doc = schema.defaults()
    assert doc["lines"][0]["bridge_audio"] is None
    assert doc["handsets"]["service_audio"] is None


def test_cards_are_kept_as_given():
    doc = strict(settings([sim7600(bridge_audio="USB Audio Device")],
                          service_audio="C-Media USB Headphone Set"))
    assert doc["lines"][0]["bridge_audio"] == "USB Audio Device"
    assert doc["handsets"]["service_audio"] == "C-Media USB Headphone Set"


@pytest.mark.parametrize("key", ["bridge_audio", "sound_card"])
def test_card_names_must_be_text(key):
    message = str(pytest.raises(SettingsError, schema.validate,
                                {"lines": [sim800(**{key: 3})]}).value)
    assert message == f"Setting 'lines[0].{key}' must be text (got 3)"


def test_service_card_name_must_not_be_empty():
    message = str(pytest.raises(SettingsError, schema.validate,
                                {"handsets": {"service_audio": ""}}).value)
    assert message == "Setting 'handsets.service_audio' must not be empty"


# ---- sound_card, the older name of a sim800's bridge_audio -------------------------------------

def test_sound_card_on_a_sim800_becomes_bridge_audio():
    line = strict(settings([sim800(sound_card="USB Audio")]))["lines"][0]
    assert line["bridge_audio"] == "USB Audio"
    assert line["sound_card"] is None


def test_sound_card_is_moved_on_load_too():
    line = schema.validate({"lines": [sim800(sound_card="USB Audio")]})["lines"][0]
    assert (line["bridge_audio"], line["sound_card"]) == ("USB Audio", None)


def test_normalised_sim800_validates_to_itself():
    doc = strict(settings([sim800(sound_card="USB Audio")]))
    assert strict(json.loads(json.dumps(doc))) == doc


def test_both_names_with_the_same_card_are_one_card():
    line = strict(settings([sim800(sound_card="USB Audio", bridge_audio="USB Audio")]))["lines"][0]
    assert (line["bridge_audio"], line["sound_card"]) == ("USB Audio", None)


def test_both_names_with_different_cards_are_refused_even_on_load():
    doc = settings([sim800(sound_card="USB Audio", bridge_audio="C-Media")])
    expected = ("Setting 'lines[0].sound_card' is \"USB Audio\" but lines[0].bridge_audio is "
                "\"C-Media\": sound_card is the older name of bridge_audio; give the card once, "
                "as bridge_audio")
    assert strict_error(doc) == expected
    assert str(pytest.raises(SettingsError, schema.validate, doc).value) == expected


@pytest.mark.parametrize("line, driver", [(sim7600(), "sim7600"), (v253(), "v253"),
                                          ({"id": "demo"}, "sim")])
def test_sound_card_off_a_sim800_is_refused_on_save(line, driver):
    doc = {"lines": [{**line, "sound_card": "USB Audio", "bridge_audio": "USB Audio"}]}
    assert strict_error(doc) == (
        f"Setting 'lines[0].sound_card' is only for a sim800 line; on a {driver} line name the "
        "sound card wired to its crosspoint row (Y0) in lines[0].bridge_audio")


def test_sound_card_off_a_sim800_still_loads_as_older_firmware_wrote_it():
    line = schema.validate({"lines": [v253(sound_card="USB Audio")]})["lines"][0]
    assert (line["sound_card"], line["bridge_audio"]) == ("USB Audio", None)


# ---- lines that could not carry voice, with handsets on the board --------------------------------

@pytest.mark.parametrize("make, driver", [(sim7600, "sim7600"), (ec25, "ec25"), (v253, "v253")])
def test_line_without_bridge_card_is_refused(make, driver):
    doc = settings([sim7600("first", bridge_audio="card one"), make("second")])
    assert strict_error(doc) == (
        f"Setting 'lines[1].bridge_audio' is not set, so lines[1] ('second', {driver}) has no "
        "bridge card: with handsets on the board (handsets.driver gpio) its caller can only be "
        "heard through a USB sound card wired to crosspoint row Y1; wire one (docs/wiring.md, "
        "'Bridge sound cards') and name it in lines[1].bridge_audio")


def test_sim800_without_a_card_is_refused():
    doc = settings([sim7600("a", bridge_audio="one"), sim7600("b", bridge_audio="two"),
                    sim800("c")])
    assert strict_error(doc) == (
        "Setting 'lines[2].bridge_audio' is not set, so lines[2] ('c', sim800) has no bridge "
        "card: with handsets on the board (handsets.driver gpio) the module's own audio is on "
        "crosspoint row Y2, but prompts, in-band keys and recordings need a USB sound card wired "
        "to that row too; wire one (docs/wiring.md, 'Bridge sound cards') and name it in "
        "lines[2].bridge_audio (or in its older name, lines[2].sound_card)")


@pytest.mark.parametrize("line", [
    sim7600(audio_port=None),           # control only: the module's analog pins carry the voice
    ec25(audio_port=None),
    {"id": "demo", "driver": "sim"},    # a simulated line needs no wiring
])
def test_lines_with_no_audio_to_bridge_need_no_card(line):
    assert strict(settings([line]))["lines"][0]["bridge_audio"] is None


@pytest.mark.parametrize("make", [sim7600, ec25, v253, sim800])
def test_simulated_handsets_need_no_card(make):
    doc = {"lines": [make()], "handsets": {"driver": "sim"}}
    assert strict(doc)["lines"][0]["bridge_audio"] is None


def test_every_kind_of_line_with_its_card_is_accepted():
    doc = strict(settings([sim7600(bridge_audio="card 1"), ec25(bridge_audio="card 2"),
                           v253(bridge_audio="card 3"), sim800(sound_card="card 4")],
                          service_audio="card 5"))
    assert [line["bridge_audio"] for line in doc["lines"]] == [f"card {n}" for n in range(1, 5)]


def test_no_service_card_is_allowed_with_gpio_handsets():
    doc = strict(settings([sim7600(bridge_audio="card 1")]))
    assert doc["handsets"]["service_audio"] is None


def test_a_fifth_bridged_line_is_refused_by_the_line_limit():
    lines = [sim7600(f"l{n}", bridge_audio=f"card {n}") for n in range(5)]
    assert strict_error(settings(lines)) == "Setting 'lines' allows at most 4 lines; got 5"


# ---- one card channel, one row -------------------------------------------------------------------

def test_one_card_for_two_lines_is_refused():
    doc = settings([sim7600("a", bridge_audio="USB Audio"), v253("b"),
                    ec25("c", bridge_audio="usb audio ")])
    doc["lines"][1]["bridge_audio"] = "other"
    assert strict_error(doc) == (
        "Setting 'lines[2].bridge_audio' names \"usb audio \", the same sound card as "
        "lines[0].bridge_audio: one card channel cannot be two crosspoint rows (Y0 and Y2); give "
        "each line its own card (docs/wiring.md, 'Bridge sound cards')")


def test_a_sim800_sound_card_counts_as_its_bridge_card():
    doc = settings([sim7600("a", bridge_audio="USB Audio"), sim800("b", sound_card="USB Audio")])
    assert "the same sound card as lines[0].bridge_audio" in strict_error(doc)


def test_one_card_for_a_line_and_the_service_bus_is_refused():
    doc = settings([sim7600("a", bridge_audio="card 1"), sim800("b", sound_card="card 2")],
                   service_audio="Card 2")
    assert strict_error(doc) == (
        "Setting 'handsets.service_audio' names \"Card 2\", the same sound card as "
        "lines[1].bridge_audio: one card channel cannot be the service bus (row Y4) and line row "
        "Y1; wire a card of its own to the service bus (docs/wiring.md, 'Bridge sound cards')")


def test_duplicates_are_refused_with_simulated_handsets_too():
    doc = {"lines": [sim7600("a", bridge_audio="card"), sim7600("b", bridge_audio="card")]}
    assert "one card channel cannot be two crosspoint rows" in strict_error(doc)


def test_cards_whose_names_only_overlap_are_different_cards():
    # "USB Audio" is a card's full name even when "USB Audio 2" exists (soundcard.find_device)
    doc = strict(settings([sim7600("a", bridge_audio="USB Audio"),
                           sim7600("b", bridge_audio="USB Audio 2")]))
    assert doc["lines"][1]["bridge_audio"] == "USB Audio 2"


# ---- loading never refuses for the voice path ----------------------------------------------------

OLD_SETTINGS = {
    "lines": [sim7600(), v253(), sim800(), {**sim7600("spare"), "sound_card": "USB Audio"}],
    "handsets": {"driver": "gpio", "count": 3},
}


def test_validate_without_prompts_accepts_lines_with_no_card():
    doc = schema.validate(OLD_SETTINGS)
    assert [line["bridge_audio"] for line in doc["lines"]] == [None] * 4


def test_store_loads_old_settings_without_bridge_cards(tmp_path):
    (tmp_path / "settings.json").write_text(json.dumps({"settings": {"1": OLD_SETTINGS}}))
    store = SettingsStore(tmp_path)
    doc = store.load()
    assert [line["driver"] for line in doc["lines"]] == ["sim7600", "v253", "sim800", "sim7600"]
    assert doc["handsets"]["driver"] == "gpio"
    assert not (tmp_path / "settings.json.damaged").exists()


def test_store_refuses_to_save_them_and_changes_nothing(tmp_path):
    (tmp_path / "settings.json").write_text(json.dumps({"settings": {"1": OLD_SETTINGS}}))
    store = SettingsStore(tmp_path)
    before = (tmp_path / "settings.json").read_bytes()
    with pytest.raises(SettingsError, match=r"^Setting 'lines\[3\]\.sound_card' is only for"):
        store.update({"web": {"port": 8081}})
    with pytest.raises(SettingsError, match=r"^Setting 'lines\[0\]\.bridge_audio' is not set"):
        store.import_json(json.dumps({**OLD_SETTINGS, "lines": OLD_SETTINGS["lines"][:3]}))
    assert (tmp_path / "settings.json").read_bytes() == before


def test_store_saves_them_once_wired(tmp_path):
    store = SettingsStore(tmp_path)
    lines = [sim7600(bridge_audio="card 1"), v253(bridge_audio="card 2"),
             sim800(sound_card="card 3")]
    store.import_json(json.dumps({"lines": lines, "handsets": {"driver": "gpio", "count": 3}}),
                      partial=True)
    exported = json.loads(store.export_json())
    assert [line["bridge_audio"] for line in exported["lines"]] == ["card 1", "card 2", "card 3"]
    assert [line["sound_card"] for line in exported["lines"]] == [None] * 3
    store.import_json(json.dumps(exported))          # the export imports as it is
