"""pyaudio for real, against ALSA's file plugin (no sound card here): what the player sends to
the card is exactly what lands in the file (dsp.md section 7 gives the ALSA configuration)."""
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
