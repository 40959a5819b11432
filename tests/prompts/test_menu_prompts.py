"""Settings may only name prompts that exist: saving and ``config import`` refuse the others,
while loading stays lenient so a deleted upload never makes the settings unreadable."""
from __future__ import annotations

import json
import shutil

import pytest

from appliance.audio.prompts import default_voice_dir
from appliance.cli import main
from appliance.errors import SettingsError
from appliance.store import schema
from appliance.store.settings import SettingsStore

MESSAGE_MENU = {"menu": {"root": {"prompt": "menu_main", "options": {
    "1": {"action": "queue", "queue": "sales"},
    "2": {"action": "submenu", "menu": {"prompt": "menu_support", "options": {
        "8": {"action": "message", "prompt": "summer_hours"}}}}}}}}
WHERE = "menu.root.options.2.menu.options.8.prompt"


def upload(data_dir, key: str, language: str = "en") -> None:
    target = data_dir / "prompts" / language / f"{key}.wav"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(default_voice_dir() / "en" / "goodbye.wav", target)


@pytest.mark.parametrize("patch,where,key", [
    (MESSAGE_MENU, WHERE, "summer_hours"),
    ({"menu": {"greeting": "hello_there"}}, "menu.greeting", "hello_there"),
    ({"menu": {"invalid_prompt": "oops"}}, "menu.invalid_prompt", "oops"),
    ({"hours": {"closed_prompt": "closed_xmas"}}, "hours.closed_prompt", "closed_xmas"),
])
def test_saving_settings_that_name_a_missing_prompt_is_refused_and_changes_nothing(
        tmp_path, patch, where, key):
    store = SettingsStore(tmp_path)
    before = store.save(schema.defaults())
    with pytest.raises(SettingsError) as caught:
        store.update(patch)
    assert str(caught.value) == (f"Setting '{where}' names prompt '{key}', which does not exist "
                                 "(upload it for at least one language, or use a default prompt)")
    assert store.load() == before


def test_a_prompt_uploaded_in_any_language_may_be_named(tmp_path):
    upload(tmp_path, "summer_hours", "it")
    saved = SettingsStore(tmp_path).update(MESSAGE_MENU)
    assert saved["menu"]["root"]["options"]["2"]["menu"]["options"]["8"]["prompt"] == "summer_hours"


def test_settings_naming_a_deleted_upload_still_load(tmp_path):
    upload(tmp_path, "summer_hours")
    store = SettingsStore(tmp_path)
    saved = store.update(MESSAGE_MENU)
    shutil.rmtree(tmp_path / "prompts")
    assert store.load() == saved


def test_config_import_refuses_a_menu_with_a_missing_prompt(capsys, tmp_path):
    data, source = tmp_path / "data", tmp_path / "menu.json"
    source.write_text(json.dumps(MESSAGE_MENU))
    code = main(["--data-dir", str(data), "config", "import", str(source)])
    _, err = capsys.readouterr()
    assert code == 1
    assert f"Setting '{WHERE}' names prompt 'summer_hours', which does not exist" in err
    assert "nothing was changed" in err and not (data / "settings.json").exists()


def test_validation_without_a_prompt_list_does_not_check_prompts():
    assert schema.validate(MESSAGE_MENU)["menu"]["root"]["prompt"] == "menu_main"
