"""Real-time factor per channel of the rest of the audio path, in 20 ms frames: G.711 decode
(what a PCM-over-serial modem sends) + voice activity, call-progress tone detection, and the
whole LineAudio hearing path (DTMF receiver, VAD-gated voicemail end), with and without a
voicemail being recorded. Prints JSON; CPU time, median of three runs, so that other work on a
shared machine counts less. bench/dtmf_bench.py measures the hearing path beside spandsp.
Run: python bench/audio_path_bench.py
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from appliance import commands as cmd                     # noqa: E402
from appliance.audio import codecs                        # noqa: E402
from appliance.audio.line_audio import LineAudio          # noqa: E402
from appliance.audio.progress import ProgressDetector     # noqa: E402
from appliance.audio.prompts import PromptLibrary         # noqa: E402
from appliance.audio.vad import VoiceActivity             # noqa: E402

SECONDS = 120
RUNS = 3
TARGET_HEARING = 1500        # Step 10, per channel


def test_audio() -> np.ndarray:
    """Two minutes of speech-like noise bursts with pauses, at a telephone level."""
    rng = np.random.default_rng(7)
    noise = rng.normal(0, 2500, SECONDS * 8000)
    envelope = (np.sin(2 * np.pi * 0.4 * np.arange(SECONDS * 8000) / 8000) > -0.3)
    return (noise * envelope).astype(np.int16)


def rtf(seconds_of_audio: float, fn, runs: int = RUNS) -> float:
    """Audio seconds per CPU second of ``fn`` (median of ``runs``)."""
    factors = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        factors.append(seconds_of_audio / (time.process_time() - start))
    return round(statistics.median(factors))


def hearing_factor(pcm: np.ndarray, record: bool = True) -> float:
    """One run of a fresh line's ``LineAudio.hear`` over ``pcm`` in 20 ms frames of bytes (as
    a driver hands them over), recording a voicemail or not; audio seconds per CPU second."""
    frames = [pcm[i:i + 160].tobytes() for i in range(0, len(pcm), 160)]
    data = Path(tempfile.mkdtemp())
    with open("/dev/null", "wb") as sink:
        audio = LineAudio("line1", lambda event: None, sink, PromptLibrary(), data)
        if record:
            audio.execute(cmd.StartRecording("line1", "voicemail/bench.wav", "voicemail",
                                             10_000, 30))
        start = time.process_time()
        for frame in frames:
            audio.hear(frame)
        elapsed = time.process_time() - start
        audio.close()
    return len(pcm) / 8000 / elapsed


def main() -> None:
    pcm = test_audio()
    ulaw = codecs.ulaw_encode(pcm).tobytes()
    frames = [pcm[i:i + 160] for i in range(0, len(pcm), 160)]
    ulaw_frames = [ulaw[i:i + 160] for i in range(0, len(ulaw), 160)]
    vad = VoiceActivity()
    progress = ProgressDetector()

    def g711_and_vad():
        for frame in ulaw_frames:
            vad.is_speech(codecs.ulaw_decode(frame).tobytes())

    seconds = len(pcm) / 8000
    hearing = round(statistics.median(hearing_factor(pcm) for _ in range(RUNS)))
    print(json.dumps({
        "benchmark": "audio_path_realtime_factor_per_channel", "audio_s": SECONDS,
        "g711_decode_plus_vad": rtf(seconds, g711_and_vad),
        "call_progress_detector": rtf(seconds, lambda: [progress.feed(f) for f in frames]),
        "line_audio_hearing_dtmf_vad_voicemail": hearing,
        "line_audio_hearing_no_recording": round(statistics.median(
            hearing_factor(pcm, record=False) for _ in range(RUNS))),
        "target_hearing": TARGET_HEARING,
    }, indent=2))


if __name__ == "__main__":
    main()
