"""pyaudio for real, against ALSA's file plugin (no sound card here): what the player sends to
the card is exactly what lands in the file, and keys in what the card captures are heard
(dsp.md section 7 gives the ALSA configuration)."""
import os
import subprocess
import sys
import textwrap


ASOUNDRC = """\
pcm.!default {{ type asym; playback.pcm "tofile"; capture.pcm "fromfile" }}
pcm.tofile   {{ type file; slave.pcm "nullplug"; file "{out}/played.raw"; format "raw" }}
pcm.fromfile {{ type file; slave.pcm "nullplug"; file "{out}/ignored.raw"; infile "{out}/to_capture.raw"; format "raw" }}
pcm.nullplug {{ type plug; slave {{ pcm "null"; format S16_LE; rate 8000; channels 1 }} }}
"""

PLAY = textwrap.dedent("""
    import struct, sys, time
    from appliance.audio.player import LinePlayer, PyAudioSink
    pcm = struct.pack("<800h", *((i * 41) % 20000 - 10000 for i in range(800)))
    sink, done = PyAudioSink(), []
    player = LinePlayer(sink, done.append)
    player.play(3, pcm)
    while not done:
        time.sleep(0.01)
    player.close()
    sink.close()
    open(sys.argv[1], "wb").write(pcm)
    print("done", done)
""")


def test_a_prompt_played_through_pyaudio_comes_out_sample_exact(tmp_path):
    (tmp_path / "to_capture.raw").write_bytes(b"\0" * 320)
    (tmp_path / ".asoundrc").write_text(ASOUNDRC.format(out=tmp_path))
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", PLAY, str(tmp_path / "sent.raw")], env=env,
                            capture_output=True, text=True, timeout=60)
    assert "done [3]" in result.stdout, result.stderr[-2000:]
    sent = (tmp_path / "sent.raw").read_bytes()
    played = (tmp_path / "played.raw").read_bytes()
    assert played.startswith(sent)                    # 100 ms, sample for sample
    assert set(played[len(sent):]) <= {0}             # then only silence padding


CAPTURE = textwrap.dedent("""
    import pyaudio, sys
    from pathlib import Path
    from appliance.audio.line_audio import LineAudio
    from appliance.audio.player import PyAudioSource
    from appliance.audio.prompts import PromptLibrary
    pa = pyaudio.PyAudio()
    names = [pa.get_device_info_by_index(i)["name"] for i in range(pa.get_device_count())]
    source = PyAudioSource(device_index=names.index("fromfile"))
    posted = []
    audio = LineAudio("line1", posted.append, open("/dev/null", "wb"), PromptLibrary(), Path(sys.argv[1]))
    for _ in range(60):                          # 1.2 s of captured audio
        audio.hear(source.read_frame())
    source.close()
    audio.close()
    print("keys", "".join(e.key for e in posted))
""")


def test_keys_in_audio_captured_through_pyaudio_are_heard(tmp_path):
    from appliance.audio.tones import dtmf_sequence
    (tmp_path / "to_capture.raw").write_bytes(dtmf_sequence("159#", on_s=0.07, off_s=0.07).tobytes())
    (tmp_path / ".asoundrc").write_text(ASOUNDRC.format(out=tmp_path))
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", CAPTURE, str(tmp_path)], env=env,
                            capture_output=True, text=True, timeout=60)
    assert "keys 159#" in result.stdout, result.stderr[-2000:]
