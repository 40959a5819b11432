"""Real-time factor per channel of the rest of the audio path, in 20 ms frames: G.711 decode
(what a PCM-over-serial modem sends) + voice activity, call-progress tone detection, and the
whole LineAudio hearing path (DTMF receiver, VAD-gated voicemail end). Prints JSON.
Run: python bench/audio_path_bench.py
"""
from __future__ import annotations

import json
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


def test_audio() -> np.ndarray:
    """Two minutes of speech-like noise bursts with pauses, at a telephone level."""
    rng = np.random.default_rng(7)
    noise = rng.normal(0, 2500, SECONDS * 8000)
    envelope = (np.sin(2 * np.pi * 0.4 * np.arange(SECONDS * 8000) / 8000) > -0.3)
    return (noise * envelope).astype(np.int16)


def rtf(seconds_of_audio: float, fn) -> float:
    start = time.perf_counter()
    fn()
    return round(seconds_of_audio / (time.perf_counter() - start))


def main() -> None:
    pcm = test_audio()
    ulaw = codecs.ulaw_encode(pcm).tobytes()
    frames = [pcm[i:i + 160] for i in range(0, len(pcm), 160)]
    ulaw_frames = [ulaw[i:i + 160] for i in range(0, len(ulaw), 160)]
    vad = VoiceActivity()
    progress = ProgressDetector()
    data = Path(tempfile.mkdtemp())
    audio = LineAudio("line1", lambda event: None, open("/dev/null", "wb"), PromptLibrary(), data)
    audio.execute(cmd.StartRecording("line1", "voicemail/bench.wav", "voicemail", 10_000, 30))

    def g711_and_vad():
        for frame in ulaw_frames:
            vad.is_speech(codecs.ulaw_decode(frame).tobytes())

    print(json.dumps({
        "benchmark": "audio_path_realtime_factor_per_channel", "audio_s": SECONDS,
        "g711_decode_plus_vad": rtf(SECONDS, g711_and_vad),
        "call_progress_detector": rtf(SECONDS, lambda: [progress.feed(f) for f in frames]),
        "line_audio_hearing_dtmf_vad_voicemail": rtf(SECONDS, lambda: [audio.hear(f.tobytes()) for f in frames]),
    }, indent=2))
    audio.close()


if __name__ == "__main__":
    main()
