"""Every language's grammar: numbers 0-9999, waits 0-3 hours, queue places and phone numbers,
checked as the phrases a caller hears against tables written from each language's grammar."""
from __future__ import annotations

import pytest

from appliance.audio import sentences
from appliance.audio.sentences import ru
from appliance.engine.ewt import round_for_speech
from tests.prompts.phrases import say, words
from tests.prompts.spelling import NUMBER, WAIT

LANGUAGES = ("en", "ru", "it")

NUMBERS = [
    ("en", 0, "zero"), ("en", 7, "seven"), ("en", 13, "thirteen"), ("en", 21, "twenty-one"),
    ("en", 100, "one hundred"), ("en", 101, "one hundred one"), ("en", 111, "one hundred eleven"),
    ("en", 1000, "one thousand"), ("en", 1005, "one thousand five"),
    ("en", 2021, "two thousand twenty-one"),
    ("en", 9999, "nine thousand nine hundred ninety-nine"),
    ("ru", 0, "ноль"), ("ru", 1, "один"), ("ru", 2, "два"), ("ru", 11, "одиннадцать"),
    ("ru", 12, "двенадцать"), ("ru", 14, "четырнадцать"), ("ru", 21, "двадцать один"),
    ("ru", 101, "сто один"), ("ru", 111, "сто одиннадцать"), ("ru", 200, "двести"),
    ("ru", 1000, "тысяча"), ("ru", 1001, "тысяча один"), ("ru", 2000, "две тысячи"),
    ("ru", 4000, "четыре тысячи"), ("ru", 5000, "пять тысяч"),
    ("ru", 2021, "две тысячи двадцать один"),
    ("ru", 9999, "девять тысяч девятьсот девяносто девять"),
    ("it", 0, "zero"), ("it", 1, "uno"), ("it", 21, "ventuno"), ("it", 23, "ventitré"),
    ("it", 28, "ventotto"), ("it", 38, "trentotto"), ("it", 100, "cento"), ("it", 101, "cento uno"),
    ("it", 111, "cento undici"), ("it", 1000, "mille"), ("it", 1001, "mille uno"),
    ("it", 2000, "duemila"), ("it", 2023, "duemila ventitré"),
    ("it", 9999, "novemila novecento novantanove"),
]

WAITS = [  # minutes after rounding for speech -> what follows "your estimated wait is"
    ("en", 0, "less than a minute"), ("en", 1, "about one minute"), ("en", 2, "about two minutes"),
    ("en", 21, "about twenty-one minutes"), ("en", 60, "about one hour"),
    ("en", 75, "about one hour and fifteen minutes"), ("en", 180, "about three hours"),
    ("ru", 0, "менее минуты"), ("ru", 1, "одна минута"), ("ru", 2, "две минуты"),
    ("ru", 3, "три минуты"), ("ru", 4, "четыре минуты"), ("ru", 5, "пять минут"),
    ("ru", 11, "одиннадцать минут"), ("ru", 12, "двенадцать минут"), ("ru", 13, "тринадцать минут"),
    ("ru", 14, "четырнадцать минут"), ("ru", 21, "двадцать одна минута"),
    ("ru", 22, "двадцать две минуты"), ("ru", 25, "двадцать пять минут"),
    ("ru", 60, "один час"), ("ru", 75, "один час пятнадцать минут"), ("ru", 120, "два часа"),
    ("ru", 165, "два часа сорок пять минут"), ("ru", 180, "три часа"),
    ("it", 0, "inferiore a un minuto"), ("it", 1, "di circa un minuto"),
    ("it", 2, "di circa due minuti"), ("it", 21, "di circa ventuno minuti"),
    ("it", 60, "di circa un'ora"), ("it", 75, "di circa un'ora e quindici minuti"),
    ("it", 120, "di circa due ore"), ("it", 180, "di circa tre ore"),
]

PHONES = [
    ("en", "+441632960001", "plus four four, one six three, two nine six, zero zero zero one"),
    ("en", "+15551234567", "plus one, five five five, one two three, four five six seven"),
    ("en", "0612345", "zero six one, two three four five"),
    ("en", "+39 06 1234567", "plus three nine, zero six, one two three, four five six seven"),
    ("ru", "+79161234567", "плюс семь, девять один шесть, один два три, четыре пять, шесть семь"),
    ("ru", "1234567", "один два три, четыре пять, шесть семь"),
    ("it", "+390612345678", "più tre nove, zero sei uno, due tre quattro, cinque sei sette otto"),
    ("it", "+39 333 1234567", "più tre nove, tre tre tre, uno due tre, quattro cinque sei sette"),
]


@pytest.mark.parametrize("language,n,expected", NUMBERS)
def test_numbers_read_as_the_grammar_says(language, n, expected):
    assert words(sentences.grammar(language).number(n), language) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_number_to_9999_matches_the_spelled_table(language):
    grammar, spell = sentences.grammar(language), NUMBER[language]
    wrong = [(n, words(grammar.number(n), language)) for n in range(10000)
             if words(grammar.number(n), language) != spell(n)]
    assert wrong == []


@pytest.mark.parametrize("language,n,expected", NUMBERS)
def test_queue_place_is_said_as_a_number(language, n, expected):
    assert say([("position", n)], language) == expected


@pytest.mark.parametrize("language,minutes,expected", WAITS)
def test_waits_read_as_the_grammar_says(language, minutes, expected):
    assert say([("wait", minutes * 60)], language) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_wait_to_three_hours_matches_the_spelled_table(language):
    wrong = []
    for seconds in range(0, 3 * 3600 + 1, 15):
        spoken = round_for_speech(seconds)
        if say([("wait", spoken)], language) != WAIT[language](spoken // 60):
            wrong.append(seconds)
    assert wrong == []


@pytest.mark.parametrize("language,number,expected", PHONES)
def test_phone_numbers_read_digit_by_digit_in_groups(language, number, expected):
    assert say([("phone", number)], language) == expected


@pytest.mark.parametrize("n,form", [(0, "many"), (1, "one"), (2, "few"), (4, "few"), (5, "many"),
                                    (11, "many"), (12, "many"), (14, "many"), (21, "one"),
                                    (22, "few"), (101, "one"), (111, "many"), (1004, "few")])
def test_russian_plural_forms(n, form):
    assert ru.plural(n) == form


def test_russian_minutes_are_feminine_and_hours_masculine():
    assert say([("wait", 60)], "ru") == "одна минута"
    assert say([("wait", 2 * 60)], "ru") == "две минуты"
    assert say([("wait", 2 * 3600)], "ru") == "два часа"
    assert say([("position", 2)], "ru") == "два"


def test_prompts_named_by_the_engine_pass_through_and_music_and_tones_are_common():
    items = [("prompt", "greeting"), ("music", "hold"), ("tone", "beep")]
    assert sentences.render(items, "it") == ["greeting", "music_hold", "tone_beep"]


@pytest.mark.parametrize("bad", [-1, 10000, 2.5, True])
def test_numbers_outside_0_to_9999_are_refused(bad):
    with pytest.raises(ValueError, match="0 to 9999"):
        sentences.grammar("en").number(bad)


def test_unknown_items_and_languages_are_refused_by_name():
    with pytest.raises(ValueError, match="'sing'"):
        sentences.render([("sing", "x")], "en")
    with pytest.raises(ValueError, match="'de'"):
        sentences.render([("position", 1)], "de")
