"""Numbers and waits spelled out as text, written from each language's grammar (independently of
the sentence modules, which build prompt keys): the expected phrases of the grammar tests."""
from __future__ import annotations

EN_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen").split()
EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

RU_UNITS = ("ноль один два три четыре пять шесть семь восемь девять десять одиннадцать двенадцать "
            "тринадцать четырнадцать пятнадцать шестнадцать семнадцать восемнадцать "
            "девятнадцать").split()
RU_TENS = "_ _ двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят девяносто".split()
RU_HUNDREDS = "_ сто двести триста четыреста пятьсот шестьсот семьсот восемьсот девятьсот".split()

IT_UNITS = ("zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici "
            "quattordici quindici sedici diciassette diciotto diciannove").split()
IT_TENS = "_ _ venti trenta quaranta cinquanta sessanta settanta ottanta novanta".split()


def _en_small(n: int) -> str:
    if n < 20:
        return EN_UNITS[n]
    return EN_TENS[n // 10] + (f"-{EN_UNITS[n % 10]}" if n % 10 else "")


def en_number(n: int) -> str:
    """1234 -> "one thousand two hundred thirty-four" (American, no "and")."""
    if n < 100:
        return _en_small(n)
    parts = []
    if n >= 1000:
        parts.append(f"{_en_small(n // 1000)} thousand")
    if n % 1000 >= 100:
        parts.append(f"{_en_small(n % 1000 // 100)} hundred")
    if n % 100:
        parts.append(_en_small(n % 100))
    return " ".join(parts)


def ru_plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form after n: 1, 21 -> one; 2-4, 22 -> few; 0, 5-20, 11-14 -> many."""
    if 11 <= n % 100 <= 14:
        return many
    return one if n % 10 == 1 else few if n % 10 in (2, 3, 4) else many


def _ru_small(n: int, feminine: bool) -> list[str]:
    words = []
    if n >= 20:
        words.append(RU_TENS[n // 10])
        n %= 10
    if n or not words:
        word = RU_UNITS[n]
        if feminine and n in (1, 2):
            word = "одна" if n == 1 else "две"
        words.append(word)
    return words


def ru_number(n: int, feminine: bool = False) -> str:
    """Nominative cardinal: 21 f -> "двадцать одна", 2000 -> "две тысячи"."""
    words = []
    k = n // 1000
    if k == 1:
        words.append("тысяча")
    elif k:
        words += _ru_small(k, True) + [ru_plural(k, "тысяча", "тысячи", "тысяч")]
    if n % 1000 >= 100:
        words.append(RU_HUNDREDS[n % 1000 // 100])
    if n % 100 or n == 0:
        words += _ru_small(n % 100, feminine)
    return " ".join(words)


def _it_small(n: int) -> str:
    if n < 20:
        return IT_UNITS[n]
    tens, unit = IT_TENS[n // 10], n % 10
    if unit in (1, 8):
        tens = tens[:-1]                        # ventuno, ventotto
    return tens + ("tré" if unit == 3 else IT_UNITS[unit] if unit else "")


def it_number(n: int) -> str:
    """1101 -> "mille cento uno" (each power its own recorded word), 2000 -> "duemila"."""
    if n < 100:
        return _it_small(n)
    parts = []
    k = n // 1000
    if k:
        parts.append("mille" if k == 1 else IT_UNITS[k] + "mila")
    h = n % 1000 // 100
    if h:
        parts.append("cento" if h == 1 else IT_UNITS[h] + "cento")
    if n % 100:
        parts.append(_it_small(n % 100))
    return " ".join(parts)


def en_wait(minutes: int) -> str:
    """"less than a minute", "about one minute", "about two hours and fifteen minutes"."""
    if minutes == 0:
        return "less than a minute"
    h, m = divmod(minutes, 60)
    parts = [f"{en_number(h)} hour{'s' * (h != 1)}"] if h else []
    parts += [f"{en_number(m)} minute{'s' * (m != 1)}"] if m else []
    return "about " + " and ".join(parts)


def ru_wait(minutes: int) -> str:
    """"менее минуты", "двадцать одна минута", "один час пятнадцать минут"."""
    if minutes == 0:
        return "менее минуты"
    h, m = divmod(minutes, 60)
    parts = [f"{ru_number(h)} {ru_plural(h, 'час', 'часа', 'часов')}"] if h else []
    parts += [f"{ru_number(m, True)} {ru_plural(m, 'минута', 'минуты', 'минут')}"] if m else []
    return " ".join(parts)


def it_wait(minutes: int) -> str:
    """"inferiore a un minuto", "di circa un minuto", "di circa un'ora e quindici minuti"."""
    if minutes == 0:
        return "inferiore a un minuto"
    h, m = divmod(minutes, 60)
    parts = ["un'ora" if h == 1 else f"{it_number(h)} ore"] if h else []
    parts += ["un minuto" if m == 1 else f"{it_number(m)} minuti"] if m else []
    return "di circa " + " e ".join(parts)


NUMBER = {"en": en_number, "ru": ru_number, "it": it_number}
WAIT = {"en": en_wait, "ru": ru_wait, "it": it_wait}
