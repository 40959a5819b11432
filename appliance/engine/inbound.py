"""An inbound call before the queue: answer, closed message, greeting and the voice menu."""
from __future__ import annotations

from appliance import commands as cmd
from appliance.engine import menu, repeat, voicemail, waiting
from appliance.engine.calls import Call, CallState
from appliance.engine.ending import goodbye, hang_up


def on_ringing(eng, line: str, caller: str | None) -> None:
    """Answer at once; closed outside hours, else greeting and the first menu."""
    busy = eng.on_line.get(line)
    if busy is not None:
        if busy.state is CallState.DIALLING:        # rang in before our dial took the line
            from appliance.engine import dialback
            dialback.lose_line(eng, busy)
        else:
            eng.notice(f"line {line} rang while call {busy.id} is on it; ignored", "warning")
            return
    eng.lines_down.discard(line)
    open_now = eng.schedule.is_open(eng.now)
    call = eng.new_call(line, "inbound", caller, CallState.MENU if open_now else CallState.CLOSED)
    eng.emit(cmd.AnswerLine(line))
    call.answered_at = eng.now
    eng.count("calls")
    booked = repeat.pending_for(eng, caller) if open_now else None
    if booked is not None:
        repeat.greet(eng, call, booked)
    elif open_now:
        notice = eng.settings["recording"]
        told = [("prompt", notice["notice_prompt"])] if notice["enabled"] else []
        eng.play(call, [("prompt", eng.settings["menu"]["greeting"]), *told, _prompt(eng, call)])
    else:
        eng.play(call, [("prompt", eng.settings["hours"]["closed_prompt"])])
    eng.write(call)


def _prompt(eng, call: Call):
    return menu.prompt(eng.settings["menu"], call.node_path)


def _setting(eng, call: Call, name: str):
    return menu.setting(eng.settings["menu"], call.node_path, name)


def on_digit(eng, call: Call, key: str) -> None:
    """A key in the menu acts at once, even over a prompt (barge-in)."""
    eng.stop_playback(call)
    eng.cancel_call_timer(call, "menu")
    action = menu.option(eng.settings["menu"], call.node_path, key)
    if action is None:
        retry(eng, call, eng.settings["menu"]["invalid_prompt"])
        return
    call.menu_path += key
    act(eng, call, action, key)


def act(eng, call: Call, action: dict, key: str | None = None) -> None:
    """Carry out one menu action for ``call``."""
    kind = action["action"]
    if kind == "queue":
        waiting.join(eng, call, action["queue"])
        return
    if kind == "goodbye":
        goodbye(eng, call, "abandoned_menu")
        return
    if kind == "voicemail":
        voicemail.start(eng, call, "abandoned_menu")
        return
    if kind == "submenu":
        call.node_path += (key,)
    elif kind == "back":
        call.node_path = call.node_path[:-1]
    elif kind == "language":
        call.language = action["language"]
    call.tries = 0 if kind in ("submenu", "back") else call.tries
    before = [("prompt", action["prompt"])] if kind == "message" else []
    eng.play(call, before + [_prompt(eng, call)])


def retry(eng, call: Call, prompt_key: str) -> None:
    """An invalid key or no key: say so and read the menu again, or fall back after N tries."""
    call.tries += 1
    if call.tries >= _setting(eng, call, "max_tries"):
        act(eng, call, _setting(eng, call, "fallback"))
        return
    eng.play(call, [("prompt", prompt_key), _prompt(eng, call)])


def on_prompt_done(eng, call: Call) -> None:
    """The menu was read out: now wait ``timeout_s`` for a key."""
    eng.call_timer(call, "menu", _setting(eng, call, "timeout_s"))


def on_timeout(eng, call: Call) -> None:
    """No key within the timeout."""
    retry(eng, call, eng.settings["menu"]["timeout_prompt"])


def on_last_message_done(eng, call: Call) -> None:
    """The closed message or the goodbye has been heard: hang up (or, closed, take a message)."""
    if call.state is CallState.CLOSED and eng.settings["voicemail"]["when_closed"]:
        voicemail.start(eng, call, "closed")
        return
    outcome = "closed" if call.state is CallState.CLOSED else call.outcome
    hang_up(eng, call, outcome, "system")
