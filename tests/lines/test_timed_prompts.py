"""Prompts on a control-only line: PromptDone after the prompt's length, cancellable."""
from __future__ import annotations

from appliance import commands as c
from appliance.events import PromptDone, RecordingDone
from appliance.lines.timed_prompts import TimedPrompts, prompt_seconds

GREETING = (("prompt", "greeting"),)


class Clock:
    now = 100.0

    def __call__(self):
        return self.now


def test_a_prompt_is_done_after_its_length_and_a_loop_never_is():
    posted, clock, woken = [], Clock(), []
    prompts = TimedPrompts("l1", posted.append, length=lambda play: 0.1, clock=clock,
                           wake=lambda: woken.append(1))
    assert prompts.execute(c.Play("l1", 1, GREETING))
    assert prompts.deadline == 100.1 and woken
    prompts.execute(c.Play("l1", 2, GREETING, loop=True))        # replaces play 1
    prompts.due(200.0)
    assert posted == [] and prompts.deadline is None
    prompts.execute(c.Play("l1", 3, GREETING))
    prompts.due(100.05)
    assert posted == []
    prompts.due(100.1)
    prompts.due(100.2)
    assert posted == [PromptDone("l1", 3)]


def test_stop_cancels_and_other_commands_are_not_audio():
    posted = []
    prompts = TimedPrompts("l1", posted.append, length=lambda play: 0.1, clock=Clock())
    prompts.execute(c.Play("l1", 1, GREETING))
    assert prompts.execute(c.StopPlayback("l1"))
    assert not prompts.execute(c.AnswerLine("l1"))
    prompts.due(1000.0)
    assert posted == []


def test_a_voicemail_on_a_line_without_audio_ends_at_once_empty(caplog):
    posted = []
    prompts = TimedPrompts("l1", posted.append)
    prompts.execute(c.StartRecording("l1", "vm/1.wav", "voicemail", max_s=60, silence_end_s=5))
    assert posted == [RecordingDone("l1", "vm/1.wav", 0.0, "silence")]
    assert "has no audio path" in caplog.text


def test_prompt_lengths_come_from_the_prompt_library():
    assert 0.5 < prompt_seconds(c.Play("l1", 1, GREETING)) < 10
