"""Sound cards without hardware that run at real pace: a JACK server on the dummy driver, ALSA
devices on it that PyAudio lists like any card, and the far side of each card as a JACK client
in the test process (ecosystem.md section 11).

One card ``NAME`` is an ALSA ``asym`` PCM: its playback goes through ``plug`` (s16 -> JACK's float)
to the JACK port ``farN:play``, its capture comes from ``farN:mic``. The far side is a JACK client
with those two ports: it records everything the card plays, with the time each 10 ms period
reached it, and sends a tone into the card's input on request, noting the time it went out. The
dummy driver is paced by the system clock, so the cards run at real time; all times are
``time.monotonic()`` seconds (CLOCK_MONOTONIC, the same in every process of the machine).

The code under test runs in a child process (``rig.run(script)``) with the rig's environment:
ALSA and PortAudio read their configuration once, when the process first opens them. Only one
rig may live in a process at a time (``Rigs`` switches between kinds).

The child must pump both directions, as the daemon does (read a frame, write a frame): with
PortAudio on the ALSA jack plugin, an input overflow (the child more than ~60 ms late) or an
output left to run dry makes PortAudio's recovery stall the whole JACK graph for good, and the
child's read then never returns (``run`` kills it after ``timeout`` and shows jackd's log).

Every tool the rig needs is checked first; a missing one FAILS the test with the install line.

Example::

    with JackRig({"bridge1": "far1"}, rate=8000) as rig:
        rig.far["far1"].send_tone(1000.0, 0.5, at=time.monotonic() + 0.3)
        result = rig.run("from appliance.audio.soundcard import SoundCard; ...")
        heard, t_first_period = rig.far["far1"].heard()
"""
from __future__ import annotations

import ctypes
import glob
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

SERVER_POOL = 6       # JACK allows 8 servers per machine; leave some for other users


def _die_with_parent() -> None:
    """In the child before exec: kill it when the test process dies, so no jackd is left over
    (SIGKILL: a jackd whose clients died with the test process can hang on SIGTERM)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))     # PR_SET_PDEATHSIG

CARD = """\
pcm.{card} {{
    type asym
    playback.pcm {{ type plug; slave {{ pcm {{ type jack; align_psize false; playback_ports {{ 0 "{far}:play" }} }}; rate {rate} }} }}
    capture.pcm  {{ type plug; slave {{ pcm {{ type jack; align_psize false; capture_ports {{ 0 "{far}:mic" }} }}; rate {rate} }} }}
}}
"""


def require_tools():
    """jackd, the ALSA jack plugin and JACK-Client, or the test fails saying how to install them."""
    missing = []
    if shutil.which("jackd") is None:
        missing.append("jackd (apt-get install jackd2)")
    if not glob.glob("/usr/lib/*/alsa-lib/libasound_module_pcm_jack.so") \
            and not glob.glob("/usr/lib/alsa-lib/libasound_module_pcm_jack.so"):
        missing.append("the ALSA jack plugin (apt-get install libasound2-plugins)")
    try:
        importlib.import_module("jack")         # loads libjack too
    except (ImportError, OSError) as e:
        missing.append(f"the Python JACK client ({e}; pip install JACK-Client, needs libjack from jackd2)")
    if missing:
        pytest.fail("the sound-card rig needs " + "; ".join(missing) + " (./dev.sh setup installs them)",
                    pytrace=False)


class FarSide:
    """The far end of one card, as a JACK client: hears ``play``, speaks into ``mic``."""

    def __init__(self, name: str, server: str, seconds: float = 30.0):
        import jack
        jack.set_error_function(lambda message: None)    # retries while jackd starts are noisy
        self.client = jack.Client(name, no_start_server=True, servername=server)
        self.rate = self.client.samplerate
        self._play = self.client.inports.register("play")
        self._mic = self.client.outports.register("mic")
        self._heard = np.zeros(int(seconds * self.rate), dtype=np.float32)
        self._heard_n = 0
        self._period_times: list[float] = []   # monotonic time each period's callback began
        self._lock = threading.Lock()
        self._send: np.ndarray | None = None
        self._send_at = 0.0
        self._sent_from = 0
        self.sent_at: float | None = None       # when the first sample of the last tone went out
        self.client.set_process_callback(self._process)   # without one, clients after it stall
        self.client.activate()

    def _process(self, frames: int) -> None:
        now = time.monotonic()
        heard = self._play.get_array()
        with self._lock:
            n = min(frames, len(self._heard) - self._heard_n)
            self._heard[self._heard_n:self._heard_n + n] = heard[:n]
            if n:
                self._heard_n += n
                self._period_times.append(now)
            out = self._mic.get_array()
            out[:] = 0.0
            if self._send is not None and now >= self._send_at:
                if self.sent_at is None:
                    self.sent_at = now
                chunk = self._send[self._sent_from:self._sent_from + frames]
                out[:len(chunk)] = chunk
                self._sent_from += len(chunk)
                if self._sent_from >= len(self._send):
                    self._send = None

    def send_tone(self, hz: float, seconds: float, at: float, dbfs: float = -10.0) -> np.ndarray:
        """Send a sine into the card's input from the first period at or after ``at``; returns it."""
        n = int(seconds * self.rate)
        tone = (10 ** (dbfs / 20) * np.sqrt(2) * np.sin(2 * np.pi * hz * np.arange(n) / self.rate))
        with self._lock:
            self._send, self._send_at, self._sent_from, self.sent_at = tone.astype(np.float32), at, 0, None
        return tone

    def clear(self) -> None:
        """Forget what was heard so far."""
        with self._lock:
            self._heard_n, self._period_times = 0, []

    def heard(self) -> tuple[np.ndarray, list[float]]:
        """Everything the card played since ``clear`` (floats, full scale 1.0), and the time each
        period of it reached this side."""
        with self._lock:
            return self._heard[:self._heard_n].copy(), list(self._period_times)

    def close(self) -> None:
        try:
            self.client.deactivate()
            self.client.close()
        except Exception:
            pass


class JackRig:
    """A JACK server on the dummy driver, ``cards`` (ALSA name -> far side's name) on it."""

    def __init__(self, cards: dict[str, str], rate: int = 8000, period: int | None = None,
                 fixed_rate: bool = False):
        require_tools()
        self.rate, self.period = rate, period or rate // 100     # 10 ms periods
        self.dir = Path(tempfile.mkdtemp(prefix="jackrig-"))
        (self.dir / "alsa").mkdir()
        # fixed_rate: the card offers only the server's rate (plug converts format, not rate),
        # like a USB card that only does 48 kHz; otherwise plug converts any rate.
        slave_rate = "unchanged" if fixed_rate else str(rate)
        (self.dir / "alsa" / "asoundrc").write_text(
            "".join(CARD.format(card=c, far=f, rate=slave_rate) for c, f in cards.items()))
        self.log = self.dir / "jackd.log"
        self.far: dict[str, FarSide] = {}
        self.jackd = None
        try:
            self.jackd, self.server = self._start_server()
            self.env = self._env(self.server)
            for far in dict.fromkeys(cards.values()):     # ports exist before any stream opens
                self.far[far] = self._connect(far)
        except BaseException:
            self.close()
            raise

    def _env(self, server: str) -> dict:
        return {**os.environ, "JACK_DEFAULT_SERVER": server, "JACK_NO_START_SERVER": "1",
                "JACK_NO_AUDIO_RESERVATION": "1", "XDG_CONFIG_HOME": str(self.dir)}

    def _start_server(self) -> tuple[subprocess.Popen, str]:
        """jackd under the first free name of a small pool. JACK keeps a machine-wide table of 8
        servers and frees a dead server's row only when a server of the same name starts, so
        fresh names per run would fill it after a few crashed runs; a pool reuses the rows."""
        for slot in range(SERVER_POOL):
            server = f"ivrtestrig{slot}"
            with open(self.log, "wb") as log:
                jackd = subprocess.Popen(
                    ["jackd", "-n", server, "--no-realtime", "-t", "2000", "-d", "dummy",
                     "-r", str(self.rate), "-p", str(self.period), "-C", "0", "-P", "0"],
                    env=self._env(server), stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
            deadline = time.monotonic() + 10.0
            while jackd.poll() is None and "self-connect-mode" not in self.log.read_text(errors="replace"):
                if time.monotonic() > deadline:
                    jackd.kill()
                    jackd.wait()
                    pytest.fail(f"jackd did not start in 10 s: {self.log_tail()}", pytrace=False)
                time.sleep(0.02)
            if jackd.poll() is None:
                return jackd, server
            if "already active" not in self.log.read_text(errors="replace"):
                break                               # failed for another reason: say why
        pytest.fail(f"jackd did not start: {self.log_tail()}", pytrace=False)

    def _connect(self, far: str) -> FarSide:
        import jack
        deadline = time.monotonic() + 10.0
        while True:
            try:
                return FarSide(far, self.server)
            except jack.JackError:
                if self.jackd.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the far side {far!r} could not join JACK server {self.server}:"
                                f" {self.log_tail()}", pytrace=False)
                time.sleep(0.05)

    def log_tail(self, n: int = 1500) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return " ".join(text.split())[-n:]

    def run(self, script: str, *args: str, timeout: float = 30.0, on_line=None) -> dict:
        """Run ``script`` in a fresh Python with the rig's environment; it prints one JSON object
        as its last stdout line, which is returned. ``on_line(line)`` sees each earlier line as it
        comes (to act on a ``READY``)."""
        proc = subprocess.Popen([sys.executable, "-c", script, *args], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        err: list[str] = []
        reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
        reader.start()
        lines = []
        try:
            for line in proc.stdout:
                lines.append(line.rstrip("\n"))
                if on_line is not None:
                    on_line(lines[-1])
            proc.wait()
        finally:
            timer.cancel()
            reader.join(timeout=5)
        stderr = "".join(err)
        noise = ("ALSA lib", "Expression '", "Cannot connect to server", "jack server is not running",
                 "JackShmReadWritePtr")
        stderr = "\n".join(l for l in stderr.splitlines() if l.strip() and not l.startswith(noise))
        if proc.returncode != 0 or not lines:
            raise AssertionError(f"the script failed (exit {proc.returncode}):\n{stderr[-3000:]}"
                                 f"\nstdout: {lines[-5:]}\njackd: {self.log_tail(500)}")
        try:
            return json.loads(lines[-1])
        except ValueError:
            raise AssertionError(f"no JSON result: {lines[-5:]}\n{stderr[-3000:]}") from None

    def close(self) -> None:
        for far in self.far.values():
            far.close()
        if self.jackd is not None and self.jackd.poll() is None:
            self.jackd.send_signal(signal.SIGTERM)
            try:
                self.jackd.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.jackd.kill()
                self.jackd.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "JackRig":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Rigs:
    """Hands out one rig at a time, replacing it when a test asks for another kind. libjack joins a
    process to one JACK server only: far sides on two servers at once crash the test process."""

    def __init__(self):
        self._key, self._rig = None, None

    def get(self, cards: dict[str, str], **kw) -> JackRig:
        key = (tuple(cards.items()), tuple(sorted(kw.items())))
        if key != self._key:
            self.close()
            self._rig, self._key = JackRig(cards, **kw), key
        return self._rig

    def close(self) -> None:
        if self._rig is not None:
            self._rig.close()
        self._key, self._rig = None, None

    def __enter__(self) -> "Rigs":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
