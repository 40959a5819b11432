"""One text message in AT text mode: GSM 7-bit when the text allows it, UCS2 otherwise, one
message only (appliance/lines/sms.py)."""
import pytest
from hypothesis import given, settings, strategies as st

from appliance.lines import sms

GSM_SETUP = ("AT+CMGF=1", 'AT+CSCS="GSM"', "AT+CSMP=17,167,0,0")
UCS2_SETUP = ("AT+CMGF=1", 'AT+CSCS="UCS2"', "AT+CSMP=17,167,0,8")


def test_plain_ascii_goes_as_gsm_typed_as_itself():
    text = "We will call you back on +441632960001 at about 14:20. Thanks!"
    p = sms.plan("+441632960001", text)
    assert p == sms.SmsPlan(GSM_SETUP, 'AT+CMGS="+441632960001"', text, "GSM")


def test_gsm_letters_with_printable_codes_are_typed_as_their_gsm_code():
    p = sms.plan("07700900123", "Müller, ¿señor? ¡Hola! §1 Ä")
    assert p.setup == GSM_SETUP
    assert p.body == "M~ller, `se}or? @Hola! _1 ["          # ü=0x7E ¿=0x60 ñ=0x7D ¡=0x40 §=0x5F
    assert sms.decode_body("GSM", p.body) == "Müller, ¿señor? ¡Hola! §1 Ä"


@pytest.mark.parametrize("char", ["@", "$", "_", "£", "è", "é", "à", "ò", "Σ", "Ξ", "€", "{", "[",
                                  "~", "^", "\\", "|", "\r", "\f", "Ж", "😀"])
def test_characters_text_mode_cannot_type_send_the_message_as_ucs2(char):
    p = sms.plan("+391234567890", f"a{char}b")
    assert p.setup == UCS2_SETUP and p.cscs == "UCS2"
    assert sms.decode_body("UCS2", p.body) == f"a{char}b"


def test_ucs2_encodes_the_number_and_the_body_as_uppercase_utf16_hex():
    p = sms.plan("+79161234567", "Перезвоним в 14:20")
    assert p.setup == UCS2_SETUP
    assert p.send == 'AT+CMGS="002B00370039003100360031003200330034003500360037"'
    assert p.body.startswith("041F0435044004350437") and p.body == p.body.upper()
    assert sms.decode_body("UCS2", p.body) == "Перезвоним в 14:20"
    assert sms.ucs2_hex("😀") == "D83DDE00"


def test_septets_count_the_extension_table_twice():
    assert sms.septets("Hello") == 5
    assert sms.septets("€{}") == 6
    assert sms.septets("Жук") is None
    assert len(sms.GSM_BASIC) == 128 and sms.GSM_BASIC[0x00] == "@" and sms.GSM_BASIC[0x7F] == "à"


def test_one_message_only():
    assert sms.plan("+1234", "x" * 160).body == "x" * 160
    with pytest.raises(ValueError, match="161 characters; one text message holds 160"):
        sms.plan("+1234", "x" * 161)
    assert len(sms.plan("+1234", "Ж" * 70).body) == 280
    with pytest.raises(ValueError, match="71 characters; one text message holds 70"):
        sms.plan("+1234", "Ж" * 71)
    sms.plan("+1234", "😀" * 35)                       # two UTF-16 units each
    with pytest.raises(ValueError, match="72 characters"):
        sms.plan("+1234", "😀" * 36)


@pytest.mark.parametrize("number", ["", "+", "12 34", '12"34', "+44-1632", "1" * 21, None])
def test_numbers_that_are_not_digits_are_refused(number):
    with pytest.raises(ValueError, match="a number is 1 to 20 digits"):
        sms.plan(number, "hello")


def test_an_empty_text_is_refused():
    with pytest.raises(ValueError, match="must not be empty"):
        sms.plan("+1234", "")


def test_decode_body_reads_escapes_and_refuses_what_is_not_valid():
    assert sms.decode_body("GSM", "Price \x1be5") == "Price €5"
    assert sms.decode_body("gsm", "\x00\x02\x11") == "@$_"
    for cscs, body in (("UCS2", "041"), ("UCS2", "04XZ"), ("UCS2", "D83D"), ("GSM", "\x1b"),
                       ("GSM", "é"), ("IRA", "hello")):
        with pytest.raises(ValueError):
            sms.decode_body(cscs, body)


ANY_TEXT = st.one_of(st.text(max_size=200),
                    st.text(alphabet=sms.GSM_BASIC + "€{Ж", max_size=200),     # near the GSM alphabet
                    st.text(alphabet="abc XYZ.,!?09", min_size=150, max_size=170))   # near 160


@settings(max_examples=400)
@given(ANY_TEXT)
def test_any_text_plans_within_the_limits_or_raises_value_error(text):
    try:
        p = sms.plan("+441632960001", text)
    except ValueError:
        assert not text or (sms.typeable(text) and sms.septets(text) > sms.MAX_SEPTETS) or \
            (not sms.typeable(text) and sms.ucs2_units(text) > sms.MAX_UCS2)
        return
    assert all(ord(c) < 0x80 for c in p.send + p.body + "".join(p.setup))   # the driver sends ASCII
    assert "\x1a" not in p.body and "\x1b" not in p.body
    assert sms.decode_body(p.cscs, p.body) == text
    if p.cscs == "GSM":
        assert p.setup == GSM_SETUP and sms.septets(text) <= sms.MAX_SEPTETS
    else:
        assert p.setup == UCS2_SETUP and sms.ucs2_units(text) <= sms.MAX_UCS2


@given(st.text(max_size=100))
def test_ucs2_hex_round_trips_through_decode_body(text):
    assert sms.decode_body("UCS2", sms.ucs2_hex(text)) == text
