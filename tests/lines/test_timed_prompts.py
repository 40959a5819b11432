"""Prompts on a control-only line: PromptDone after the prompt's length, cancellable."""
from __future__ import annotations

import time

from appliance import commands as c
from appliance.events import PromptDone, RecordingDone
from appliance.lines.timed_prompts import TimedPrompts, prompt_seconds

GREETING = (("prompt", "greeting"),)


def test_a_prompt_is_done_after_its_length_and_a_loop_never_is():
    posted = []
    prompts = TimedPrompts("l1", posted.append, length=lambda play: 0.1)
    assert prompts.execute(c.Play("l1", 1, GREETING))
    prompts.execute(c.Play("l1", 2, GREETING, loop=True))        # replaces play 1
    time.sleep(0.3)
    assert posted == []
    prompts.execute(c.Play("l1", 3, GREETING))
    time.sleep(0.3)
    assert posted == [PromptDone("l1", 3)]


def test_stop_cancels_and_other_commands_are_not_audio():
    posted = []
    prompts = TimedPrompts("l1", posted.append, length=lambda play: 0.1)
    prompts.execute(c.Play("l1", 1, GREETING))
    assert prompts.execute(c.StopPlayback("l1"))
    assert not prompts.execute(c.AnswerLine("l1"))
    time.sleep(0.3)
    assert posted == []


def test_a_voicemail_on_a_line_without_audio_ends_at_once_empty(caplog):
    posted = []
    prompts = TimedPrompts("l1", posted.append)
    prompts.execute(c.StartRecording("l1", "vm/1.wav", "voicemail", max_s=60, silence_end_s=5))
    assert posted == [RecordingDone("l1", "vm/1.wav", 0.0, "silence")]
    assert "has no audio path" in caplog.text


def test_prompt_lengths_come_from_the_prompt_library():
    assert 0.5 < prompt_seconds(c.Play("l1", 1, GREETING)) < 10
