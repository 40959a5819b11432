"""The usage examples in the prompt and sentence modules' docstrings run and say what they show."""
from __future__ import annotations

import doctest

import pytest

from appliance.audio import level, prompts, sentences
from appliance.audio.sentences import en, it, ru


@pytest.mark.parametrize("module", [sentences, en, ru, it, prompts, level],
                         ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
