"""Messages and recordings: voicemail after a beep, and recording conversations when enabled."""
from __future__ import annotations

from appliance import commands as cmd
from appliance.engine.calls import Call, CallState
from appliance.engine.ending import end_call, goodbye
from appliance.engine.records import iso

SAFETY_MARGIN_S = 10.0


def _path(eng, folder: str, call: Call) -> str:
    """Where a file of ``call`` goes, relative to the data folder: one folder per day."""
    return f"{folder}/{iso(call.started_at)[:10]}/{call.id}.wav"


def start(eng, call: Call, outcome_if_no_message: str) -> None:
    """The voicemail prompt and a beep; the caller speaks after it."""
    call.move(CallState.VM_GREETING)
    call.outcome = outcome_if_no_message
    eng.play(call, [("prompt", eng.settings["voicemail"]["prompt"]), ("tone", "beep")])


def on_prompt_done(eng, call: Call) -> None:
    """Beep heard: record until silence or the longest message allowed."""
    conf = eng.settings["voicemail"]
    call.voicemail = _path(eng, "voicemail", call)
    call.outcome = "voicemail"
    call.move(CallState.VM_RECORDING)
    eng.emit(cmd.StartRecording(call.line, call.voicemail, "voicemail", conf["max_s"],
                                conf["silence_end_s"]))
    eng.call_timer(call, "voicemail", conf["max_s"] + SAFETY_MARGIN_S)
    eng.write(call)


def on_done(eng, call: Call) -> None:
    """The message is complete (silence or length): thank the caller and hang up."""
    eng.cancel_call_timer(call, "voicemail")
    goodbye(eng, call, "voicemail")


def on_overdue(eng, call: Call) -> None:
    """The driver never said the message ended: stop it ourselves."""
    eng.emit(cmd.StopRecording(call.line))
    goodbye(eng, call, "voicemail")


def on_hung_up(eng, call: Call, by: str) -> None:
    """The caller hung up while speaking: that ends the message, which is kept."""
    eng.emit(cmd.StopRecording(call.line))
    end_call(eng, call, "voicemail", by)


def start_call_recording(eng, call: Call) -> None:
    """When recording is on, a conversation is recorded from the moment it is bridged."""
    conf = eng.settings["recording"]
    if conf["enabled"] and call.recording is None:
        call.recording = _path(eng, "recordings", call)
        eng.emit(cmd.StartRecording(call.line, call.recording, "call", stereo=conf["stereo"]))
