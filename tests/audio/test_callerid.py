"""On-hook caller ID: the MDMF message, the FSK burst (appliance/audio/callerid.py), and what a
simulated desk phone's display chip makes of it (hw-sim/hwsim/board/callerid_rx.py)."""
from __future__ import annotations

import datetime

import numpy as np
import pytest

from appliance.audio import callerid
from hwsim.board import callerid_rx

WHEN = datetime.datetime(2024, 12, 31, 23, 59)
TONES = {"bell202": (1200.0, 2200.0), "v23": (1300.0, 2100.0)}
MARK_BITS = {"bell202": 180, "v23": 80}
SPB = 8000 / 1200


def _samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(float)


def _pcm(x: np.ndarray) -> bytes:
    return np.clip(np.rint(x), -32768, 32767).astype("<i2").tobytes()


def _params(msg: bytes) -> list[tuple[int, bytes]]:
    """(type, value) of each MDMF parameter, checking the lengths add up."""
    assert msg[0] == 0x80 and msg[1] == len(msg) - 3
    out, pos, body = [], 0, msg[2:-1]
    while pos < len(body):
        out.append((body[pos], body[pos + 2:pos + 2 + body[pos + 1]]))
        pos += 2 + body[pos + 1]
    assert pos == len(body)
    return out


def _peak_hz(x: np.ndarray, rate: int = 8000) -> float:
    """Frequency of the strongest FFT bin of a Hann-windowed, zero-padded segment (1 Hz grid)."""
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)), n=rate))     # bins 1 Hz apart
    return float(np.argmax(spectrum))


def _instantaneous_hz(x: np.ndarray, rate: int = 8000) -> np.ndarray:
    """Instantaneous frequency of the analytic signal: a phase jump shows as a wild excursion."""
    n = len(x)
    h = np.zeros(n)
    h[0] = 1.0
    h[1:(n + 1) // 2] = 2.0
    if n % 2 == 0:
        h[n // 2] = 1.0
    phase = np.unwrap(np.angle(np.fft.ifft(np.fft.fft(x) * h)))
    return np.diff(phase) * rate / (2.0 * np.pi)


# --- the message -----------------------------------------------------------------------------

def test_message_has_date_number_and_name_parameters_and_a_zero_sum():
    msg = callerid.message("+44 20 7946 0000", "Reception", WHEN)
    assert _params(msg) == [(0x01, b"12312359"), (0x02, b"+442079460000"), (0x07, b"Reception")]
    assert sum(msg) % 256 == 0


def test_known_vector_matches_the_published_mdmf_example():
    # melabs.com/resources/callerid.htm, "MDMF Example":
    #   80 20 01 08 30 33 32 34 30 39 30 32 07 08 4A 4F 48 4E 20 44 4F 45
    #   02 0A 38 30 30 35 35 35 31 32 31 32 7D
    # = March 24 09:02, name "JOHN DOE", number 8005551212. We send the number before the name
    # (as Asterisk's callerid_genmsg does; MDMF leaves the order free and the checksum is a
    # plain sum, so it does not change). The page's checksum 0x7D does not satisfy its own
    # rule; by hand: 0x80 + 0x20 = 160; 0x01 + 0x08 + "03240902" (48+51+50+52+48+57+48+50 =
    # 404) = 413; 0x02 + 0x0A + "8005551212" (56+48+48+53+53+53+49+50+49+50 = 509) = 521;
    # 0x07 + 0x08 + "JOHN DOE" (74+79+72+78+32+68+79+69 = 551) = 566; total 1660 = 6*256 + 124,
    # so the checksum is 256 - 124 = 132 = 0x84 (spandsp: -sum & 0xFF; Asterisk: 256 - sum&255).
    expected = bytes.fromhex("80 20 01 08 30 33 32 34 30 39 30 32"
                             " 02 0A 38 30 30 35 35 35 31 32 31 32"
                             " 07 08 4A 4F 48 4E 20 44 4F 45 84")
    when = datetime.datetime(2024, 3, 24, 9, 2)
    assert callerid.message("8005551212", "JOHN DOE", when) == expected


def test_checksum_rule_reproduces_the_published_sdmf_example():
    # melabs.com/resources/callerid.htm, "SDMF Example": Sept 30 12:24, (609) 555-1212, checksum 51.
    sdmf = bytes.fromhex("04 12 30 39 33 30 31 32 32 34 36 30 39 35 35 35 31 32 31 32 51")
    assert callerid.checksum(sdmf[:-1]) == 0x51
    assert callerid.checksum(b"") == 0 and callerid.checksum(b"\x01") == 0xFF


@pytest.mark.parametrize("number, name", [("5551234", "Bob"), ("1" * 20, "x" * 15), ("9", None),
                                          (None, "Anon"), (None, None)])
def test_every_message_sums_to_zero_and_its_length_byte_is_right(number, name):
    for withheld in (False, True):
        msg = callerid.message(number, name, WHEN, withheld)
        assert sum(msg) % 256 == 0
        _params(msg)


def test_withheld_number_is_sent_as_private_without_number_or_name():
    msg = callerid.message(None, None, WHEN, withheld=True)
    assert _params(msg) == [(0x01, b"12312359"), (0x04, b"P")]
    # Withheld wins over a number that was passed by mistake: it never reaches the display.
    assert _params(callerid.message("5551234", "Bob", WHEN, withheld=True)) == _params(msg)


def test_missing_number_not_withheld_is_out_of_area_and_keeps_the_name():
    assert _params(callerid.message(None, "Front desk", WHEN)) == \
        [(0x01, b"12312359"), (0x04, b"O"), (0x07, b"Front desk")]
    assert _params(callerid.message("  ", None, WHEN)) == [(0x01, b"12312359"), (0x04, b"O")]


def test_missing_name_with_a_number_leaves_the_name_out():
    assert _params(callerid.message("5551234", None, WHEN)) == \
        [(0x01, b"12312359"), (0x02, b"5551234")]
    assert _params(callerid.message("5551234", "", WHEN)) == \
        [(0x01, b"12312359"), (0x02, b"5551234")]


def test_long_name_is_cut_to_15_and_non_ascii_replaced():
    params = dict(_params(callerid.message("5551234", "Zoë Müller-Lüdenscheidt", WHEN)))
    assert params[0x07] == b"Zo? M?ller-L?de"
    assert params[0x07].decode("ascii") == "Zo? M?ller-L?de"
    tabbed = dict(_params(callerid.message("5551234", "A\tB\x7fC", WHEN)))
    assert tabbed[0x07] == b"A?B?C"


def test_number_keeps_digits_and_a_leading_plus_and_at_most_20_characters():
    assert dict(_params(callerid.message("+1 (555) 123-4567", None, WHEN)))[0x02] == b"+15551234567"
    assert dict(_params(callerid.message("555+1", None, WHEN)))[0x02] == b"5551"
    assert dict(_params(callerid.message("+" + "1" * 30, None, WHEN)))[0x02] == b"+" + b"1" * 19


def test_date_is_month_day_hour_minute_zero_padded():
    when = datetime.datetime(2025, 1, 2, 3, 4, 59)
    assert dict(_params(callerid.message("1", None, when)))[0x01] == b"01020304"


# --- the signal ------------------------------------------------------------------------------

def test_unknown_standard_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="bell202.*v23"):
        callerid.modulate(b"\x80\x00\x80", "v.22")
    with pytest.raises(ValueError, match="bell202"):
        callerid_rx.CallerIdReceiver("etsi")


@pytest.mark.parametrize("standard", callerid.STANDARDS)
def test_mark_and_space_frequencies_by_fft(standard):
    mark, space = TONES[standard]
    x = _samples(callerid.modulate(b"\x00" * 4, standard))
    seizure_end = 300 * SPB
    mark_part = x[int(seizure_end + 2 * SPB):int(seizure_end + (MARK_BITS[standard] - 2) * SPB)]
    assert abs(_peak_hz(mark_part) - mark) <= 20.0
    # The first 0x00 character: start bit and eight zeros, nine bits of space in a row.
    first = seizure_end + MARK_BITS[standard] * SPB
    space_part = x[int(first + SPB):int(first + 8 * SPB)]
    assert abs(_peak_hz(space_part) - space) <= 20.0


@pytest.mark.parametrize("standard", callerid.STANDARDS)
def test_seizure_alternates_starting_with_space_then_steady_mark(standard):
    mark, space = TONES[standard]
    x = _samples(callerid.modulate(b"\x80\x00\x80", standard))
    f = _instantaneous_hz(x)
    centres = (np.arange(300 + MARK_BITS[standard]) * SPB + SPB / 2).astype(int)
    bits = np.abs(f[centres] - mark) < np.abs(f[centres] - space)
    assert list(bits[:300]) == [False, True] * 150
    assert bits[300:].all()


def test_length_is_exact_to_the_bit():
    msg = callerid.message("15551234567", "Reception!", WHEN)      # 11 digits, 10 characters
    assert len(msg) == 38                   # 2 + (2 + 8) + (2 + 11) + (2 + 10) + checksum
    for standard, mark_bits in MARK_BITS.items():
        bits = 300 + mark_bits + 10 * len(msg) + 10
        pcm = callerid.modulate(msg, standard)
        assert len(pcm) // 2 == -(-bits * 8000 // 1200)
        assert callerid.duration_s(pcm) == pytest.approx(bits / 1200, abs=1 / 8000)
    assert len(callerid.modulate(msg, rate=16000)) // 2 == -(-(300 + 180 + 380 + 10) * 16000 // 1200)


def test_typical_bell202_burst_fits_the_ring_pause():
    pcm = callerid.burst("15551234567", "Reception!", WHEN)
    assert 0.4 <= callerid.duration_s(pcm) <= 0.9
    assert callerid.duration_s(pcm) == pytest.approx((300 + 180 + 380 + 10) / 1200, abs=1 / 8000)


@pytest.mark.parametrize("standard", callerid.STANDARDS)
def test_phase_is_continuous(standard):
    mark, space = TONES[standard]
    level = -16.0
    amp = 32767.0 * 10.0 ** (level / 20.0)
    x = _samples(callerid.burst("15551234567", "Reception!", WHEN, standard=standard))
    # No step larger than the fastest tone makes at this level (plus rounding) ...
    assert np.abs(np.diff(x)).max() <= 2.0 * amp * np.sin(np.pi * max(mark, space) / 8000) + 1.0
    # ... and, stricter, the instantaneous frequency never leaves the band between the tones:
    # a phase jump at a bit edge (a generator that restarts its sine) swings it by kilohertz.
    f = _instantaneous_hz(x)[40:-40]
    assert f.min() > mark - 400.0 and f.max() < space + 400.0
    # The level is what was asked for.
    assert np.abs(x).max() == pytest.approx(amp, abs=2.0)


# --- the desk phone's display ----------------------------------------------------------------

def _line(pcm: bytes, rng: np.random.Generator, snr_db: float = 20.0, gain_db: float = -10.0,
          before: int | None = None, after: int = 1600) -> bytes:
    """The burst as a phone hears it: weaker, after a random stretch of silence, white noise
    throughout at ``snr_db`` below the signal."""
    s = _samples(pcm) * 10.0 ** (gain_db / 20.0)
    before = int(rng.integers(0, 4000)) if before is None else before
    x = np.concatenate((np.zeros(before), s, np.zeros(after)))
    sigma = np.sqrt(np.mean(s ** 2) / 10.0 ** (snr_db / 10.0))
    return _pcm(x + rng.normal(0.0, sigma, len(x)))


def _feed(rx: callerid_rx.CallerIdReceiver, pcm: bytes, chunk: int) -> list[dict]:
    out: list[dict] = []
    for i in range(0, len(pcm), 2 * chunk):
        out += rx.feed(pcm[i:i + 2 * chunk])
    return out


@pytest.mark.parametrize("standard", callerid.STANDARDS)
def test_round_trip_number_name_and_time(standard):
    pcm = callerid.burst("+15551234567", "Reception", WHEN, standard=standard)
    assert callerid_rx.decode(pcm, standard) == [
        {"number": "+15551234567", "name": "Reception", "when": "12312359", "absent": None}]


@pytest.mark.parametrize("standard", callerid.STANDARDS)
def test_withheld_and_unavailable_reach_the_display(standard):
    withheld = callerid.burst(None, None, WHEN, withheld=True, standard=standard)
    assert callerid_rx.decode(withheld, standard) == [
        {"number": None, "name": None, "when": "12312359", "absent": "P"}]
    unknown = callerid.burst(None, "Gate", WHEN, standard=standard)
    assert callerid_rx.decode(unknown, standard) == [
        {"number": None, "name": "Gate", "when": "12312359", "absent": "O"}]


def test_truncated_and_replaced_name_is_what_the_display_shows():
    pcm = callerid.burst("5551234", "Zoë Müller-Lüdenscheidt", WHEN)
    assert callerid_rx.decode(pcm)[0]["name"] == "Zo? M?ller-L?de"


@pytest.mark.parametrize("standard", callerid.STANDARDS)
@pytest.mark.parametrize("chunk", [1, 37, 160])
def test_decodes_through_noise_lower_level_random_offset_and_any_chunking(standard, chunk):
    rng = np.random.default_rng(chunk * 7 + len(standard))
    pcm = _line(callerid.burst("15551234567", "Reception!", WHEN, standard=standard), rng)
    rx = callerid_rx.CallerIdReceiver(standard)
    assert _feed(rx, pcm, chunk) == [
        {"number": "15551234567", "name": "Reception!", "when": "12312359", "absent": None}]
    assert rx.errors == 0


@pytest.mark.parametrize("standard", callerid.STANDARDS)
def test_two_bursts_in_one_stream_give_two_messages(standard):
    rng = np.random.default_rng(5)
    first = _line(callerid.burst("111", "One", WHEN, standard=standard), rng, before=333)
    second = _line(callerid.burst("222", None, WHEN, standard=standard), rng, before=4000)
    rx = callerid_rx.CallerIdReceiver(standard)
    got = _feed(rx, first + second, 160)
    assert [(m["number"], m["name"]) for m in got] == [("111", "One"), ("222", None)]


def test_published_sdmf_example_decodes():
    # melabs.com/resources/callerid.htm, "SDMF Example": (609) 555-1212 on Sept 30 at 12:24.
    sdmf = bytes.fromhex("04 12 30 39 33 30 31 32 32 34 36 30 39 35 35 35 31 32 31 32 51")
    assert callerid_rx.decode(callerid.modulate(sdmf)) == [
        {"number": "6095551212", "name": None, "when": "09301224", "absent": None}]


def test_wrong_checksum_is_dropped_and_counted():
    msg = callerid.message("5551234", "Bob", WHEN)
    bad = msg[:-1] + bytes(((msg[-1] + 1) & 0xFF,))
    rx = callerid_rx.CallerIdReceiver()
    assert rx.feed(callerid.modulate(bad)) + rx.feed(bytes(400)) == []
    assert rx.errors == 1
    # The receiver stays usable: the next good burst decodes.
    assert rx.feed(callerid.modulate(msg) + bytes(400))[0]["number"] == "5551234"
    assert rx.errors == 1


@pytest.mark.parametrize("standard", callerid.STANDARDS)
def test_a_flipped_bit_in_the_audio_is_dropped_and_counted(standard):
    mark, space = TONES[standard]
    msg = callerid.message("5551234", "Bob", WHEN)
    x = _samples(callerid.modulate(msg, standard))
    # Data bit 3 of the message's 10th byte (a digit of the number): replace that bit's samples
    # with the other tone, so the display hears a different digit with the old checksum.
    bit = 300 + MARK_BITS[standard] + 9 * 10 + 1 + 3
    lo, hi = int(np.ceil(bit * SPB)), int(np.ceil((bit + 1) * SPB))
    was_mark = (msg[9] >> 3) & 1
    amp = np.abs(x).max()
    t = np.arange(lo, hi)
    x[lo:hi] = amp * np.sin(2 * np.pi * (space if was_mark else mark) * t / 8000)
    rx = callerid_rx.CallerIdReceiver(standard)
    assert rx.feed(_pcm(x)) + rx.feed(bytes(400)) == []
    assert rx.errors == 1


def test_carrier_lost_half_way_is_dropped_and_counted():
    x = _samples(callerid.burst("5551234", "Bob", WHEN))
    middle = int((300 + 180 + 12 * 10) * SPB)
    x[middle:middle + 80] = 0.0                                      # 12 bits of silence
    rx = callerid_rx.CallerIdReceiver()
    assert rx.feed(_pcm(x)) + rx.feed(bytes(400)) == []
    assert rx.errors == 1


@pytest.mark.parametrize("sent, heard", [("bell202", "v23"), ("v23", "bell202")])
def test_wrong_standard_never_shows_a_wrong_number(sent, heard):
    rng = np.random.default_rng(11)
    for number in ("15551234567", "0123456789", "999"):
        pcm = _line(callerid.burst(number, "Name", WHEN, standard=sent), rng)
        got = callerid_rx.decode(pcm, heard)
        assert got == [] or [m["number"] for m in got] == [number]


def test_silence_noise_and_speech_like_tones_give_nothing_and_no_errors():
    rng = np.random.default_rng(2)
    t = np.arange(8000 * 3)
    tones = 3000 * np.sin(2 * np.pi * 440 * t / 8000) + 2000 * np.sin(2 * np.pi * 1700 * t / 8000)
    for x in (np.zeros(8000), rng.normal(0, 3000, 8000 * 3), tones):
        rx = callerid_rx.CallerIdReceiver()
        assert _feed(rx, _pcm(x), 160) == []
        assert rx.errors == 0


def test_odd_byte_chunks_are_joined():
    pcm = callerid.burst("5551234", "Bob", WHEN)
    rx = callerid_rx.CallerIdReceiver()
    got: list[dict] = []
    for i in range(0, len(pcm), 333):                                 # splits samples in half
        got += rx.feed(pcm[i:i + 333])
    got += rx.feed(bytes(400))
    assert [m["number"] for m in got] == ["5551234"]
