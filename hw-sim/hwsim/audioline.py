"""A simulated line that goes through the real audio path: real prompts, real DTMF, real echo.

With a scenario's ``audio`` block, each line plays the engine's prompts from the prompt library
(so a Play lasts as long as its WAV files, in the caller's language), and a caller's key press
becomes a DTMF tone, mixed with the echo of whatever the appliance is playing at that moment and
heard by the appliance's own DTMF receiver. A key the receiver does not hear never reaches the
engine, as on a real line with too much echo. Slower than the plain simulated line (it renders
audio), so it is for scenarios, not for months of traffic.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from appliance import commands as c
from appliance.audio.dtmf import DtmfReceiver
from appliance.audio.prompts import PromptLibrary
from appliance.audio.tones import dtmf_burst, to_int16
from appliance.events import DigitPressed
from appliance.line_states import LineState as S
from hwsim.lines import SimLine

RATE = 8000
LEAD_S = 0.02           # silence before the tone, so the receiver starts from quiet
TAIL_S = 0.1            # silence after it, so the key is released


@dataclass(frozen=True)
class AudioSpec:
    """The scenario's ``audio`` block."""
    echo_db: float = -30.0      # the prompt's echo on the line, relative to the prompt
    key_s: float = 0.08         # how long a caller holds a key
    key_dbm0: float = -10.0     # how loud their phone sends it


class AudioSimLine(SimLine):
    """A SimLine whose prompts are real audio and whose keys go through the DTMF receiver."""

    def __init__(self, *args, audio: AudioSpec, library: PromptLibrary, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.audio, self.library = audio, library
        self._echo = np.zeros(0, dtype=np.int16)
        self._echo_started = 0.0
        self._echo_loops = False

    def _play_seconds(self, command: c.Play) -> float:
        pcm = np.frombuffer(self.library.pcm(command.items, command.language), dtype="<i2")
        self._echo, self._echo_started, self._echo_loops = pcm, self._scheduler.now(), command.loop
        return len(pcm) / RATE

    def _stop_playback(self, command: c.StopPlayback) -> None:
        super()._stop_playback(command)
        self._echo = np.zeros(0, dtype=np.int16)

    def press(self, person, key: str) -> None:
        """The key as a tone on the line, over the echo; posted only if the receiver hears it."""
        if person is not self.person or self.state is not S.CONNECTED:
            return
        signal = self._line_signal(key)
        receiver = DtmfReceiver(rate=RATE)
        events = receiver.feed(signal) + receiver.flush()
        for event in (e for e in events if e.down and e.key == key):
            heard = DigitPressed(self.id, key)
            self._scheduler.call_later(event.seconds, lambda h=heard: self._post(h))
            return

    def _line_signal(self, key: str) -> np.ndarray:
        tone = dtmf_burst(key, self.audio.key_s, self.audio.key_dbm0)
        total = np.concatenate((np.zeros(int(LEAD_S * RATE)), tone, np.zeros(int(TAIL_S * RATE))))
        return to_int16(total + self._echo_now(len(total)) * 10 ** (self.audio.echo_db / 20))

    def _echo_now(self, n: int) -> np.ndarray:
        """The ``n`` samples the appliance is playing from this instant (silence if nothing)."""
        if not len(self._echo):
            return np.zeros(n)
        at = int((self._scheduler.now() - self._echo_started) * RATE)
        if self._echo_loops:
            return np.resize(np.roll(self._echo, -(at % len(self._echo))), n).astype(float)
        part = self._echo[at:at + n].astype(float)
        return np.pad(part, (0, n - len(part)))
