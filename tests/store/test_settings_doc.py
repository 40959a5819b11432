"""docs/settings.md is rendered from the schema and must say what the schema says."""
from __future__ import annotations

from pathlib import Path

from appliance.store import schema, settings_doc

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_docs_settings_md_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == settings_doc.render(), (
        "docs/settings.md is stale: run .venv/bin/python -m appliance.store.settings_doc docs/settings.md")


def test_every_setting_has_a_row():
    text = settings_doc.render()
    for row in schema.describe():
        assert f"| `{row.path}` |" in text


def test_main_writes_the_file(tmp_path):
    out = tmp_path / "settings.md"
    assert settings_doc.main([str(out)]) == 0
    assert out.read_text(encoding="utf-8") == settings_doc.render()
