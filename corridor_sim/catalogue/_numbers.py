"""Read the numbers written in a seed quote (English, Russian, Arabic).

Used by the tests to prove that every seed fact's value can be read back from its
own quote. Handles:

- digits with the language's decimal mark: ``1.06`` (en), ``1,06`` (ru), and the
  Arabic news style ``4ر4`` (the letter *ra* as decimal mark, fractional digits
  first in logical order, so ``8ر3`` is 3.8) as well as ``٫``;
- thousands grouping: ``1,768`` (en), ``1 500`` (ru), ``٬`` (ar);
- Arabic-Indic digits (``٠١٢…``, ``۰۱۲…``);
- scale words after a number: thousand/million/billion/trillion, тысяча/миллион/
  миллиард/триллион (and тыс./млн/млрд/трлн), ألف/مليون/مليار/تريليون and their
  plurals; a scale word standing alone counts as one of it (``مليونا`` = 1,000,000);
- compounds joined by "and" (و, и, and): ``مليونا و625 ألف`` = 1,625,000;
- small number words (one..ten and the tens in English; один..десять; واحد..عشرة,
  also with the article ال, e.g. ``السنوات الخمس`` = 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from corridor_sim.errors import SpecError

__all__ = ["Lang", "detect_lang", "parse_numbers"]


class Lang(StrEnum):
    """Languages of the seed texts."""

    EN = "en"
    RU = "ru"
    AR = "ar"


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_AR_MARKS = re.compile("[\u064b-\u0652\u0640]")  # harakat, tanween, tatweel

_NUM_RE = {
    Lang.EN: r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?",
    Lang.RU: r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?(?!\d)|\d+(?:[,.]\d+)?",
    Lang.AR: r"\d+ر\d+|\d{1,3}(?:٬\d{3})+|\d+(?:[.٫]\d+)?",
}

_EN_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_RU_WORDS = {
    "один": 1, "одна": 1, "одно": 1, "одного": 1, "два": 2, "две": 2, "двух": 2,
    "три": 3, "трех": 3, "трёх": 3, "четыре": 4, "четырех": 4, "четырёх": 4,
    "пять": 5, "пяти": 5, "шесть": 6, "шести": 6, "семь": 7, "семи": 7,
    "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9, "десять": 10, "десяти": 10,
}  # fmt: skip
_AR_WORDS = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2,
    "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5,
    "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8,
    "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10,
}  # fmt: skip
_WORDS = {Lang.EN: _EN_WORDS, Lang.RU: _RU_WORDS, Lang.AR: _AR_WORDS}

# (prefix, factor): a word starting with the prefix is a scale word.
_SCALES = {
    Lang.EN: (("thousand", 1e3), ("million", 1e6), ("billion", 1e9), ("trillion", 1e12)),
    Lang.RU: (
        ("тыс", 1e3),
        ("миллион", 1e6),
        ("млн", 1e6),
        ("миллиард", 1e9),
        ("млрд", 1e9),
        ("триллион", 1e12),
        ("трлн", 1e12),
    ),
    Lang.AR: (
        ("ألف", 1e3),
        ("آلاف", 1e3),
        ("مليون", 1e6),
        ("ملايين", 1e6),
        ("مليار", 1e9),
        ("بليون", 1e9),
        ("تريليون", 1e12),
    ),
}
_EN_EXACT_SCALES = {"bn": 1e9, "mn": 1e6}
_AND = {Lang.EN: {"and"}, Lang.RU: {"и"}, Lang.AR: {"و"}}
_AR_PREFIXES = ("وال", "ال", "و")


@dataclass(slots=True)
class _Item:
    value: float
    scale: float
    start: int  # token index of the number
    end: int  # token index of the last token (the scale word if any)
    joined: bool  # preceded by "and"


def detect_lang(text: str) -> Lang:
    """Return the language of `text` from its script: Arabic, Cyrillic (Russian) or English.

    Examples
    --------
    >>> detect_lang("1,06 миллиона тонн")
    <Lang.RU: 'ru'>
    """
    if re.search("[\u0600-\u06ff]", text):
        return Lang.AR
    if re.search("[\u0400-\u04ff]", text):
        return Lang.RU
    return Lang.EN


def _numeral(tok: str, lang: Lang) -> float:
    if lang is Lang.AR and "ر" in tok:
        frac, whole = tok.split("ر")  # fractional digits come first in logical order
        return float(f"{whole}.{frac}")
    if lang is Lang.EN:
        return float(tok.replace(",", ""))
    if lang is Lang.RU:
        return float(re.sub("[ \u00a0\u202f\u2009]", "", tok).replace(",", "."))
    return float(tok.replace("٬", "").replace("٫", "."))


def _word_forms(word: str, lang: Lang) -> list[str]:
    """Return the forms of `word` to look up (Arabic: without the prefixes و, ال)."""
    forms = [word]
    if lang is Lang.AR:
        forms += [word[len(p) :] for p in _AR_PREFIXES if word.startswith(p) and len(word) > len(p)]
    return forms


def _scale_of(word: str, lang: Lang) -> float | None:
    if lang is Lang.EN and word in _EN_EXACT_SCALES:
        return _EN_EXACT_SCALES[word]
    for form in _word_forms(word, lang):
        for prefix, factor in _SCALES[lang]:
            if form.startswith(prefix):
                return factor
    return None


def _word_number(word: str, lang: Lang) -> float | None:
    for form in _word_forms(word, lang):
        if form in _WORDS[lang]:
            return float(_WORDS[lang][form])
    return None


def parse_numbers(text: str, lang: str) -> list[float]:
    """Return the numbers written in `text`, in order, with scale words applied.

    Parameters
    ----------
    text : str
        A sentence or clause.
    lang : {"en", "ru", "ar"}
        Its language (decides the decimal mark, number words and scale words).

    Returns
    -------
    list of float
        One value per number, e.g. ``1,06 миллиона`` gives 1060000.0.

    Raises
    ------
    SpecError
        If `lang` is not one of the supported languages.

    Examples
    --------
    >>> parse_numbers("from 1 million tons to 5 million tons", "en")
    [1000000.0, 5000000.0]
    >>> parse_numbers("было транспортировано 1,06 миллиона тонн нефти", "ru")
    [1060000.0]
    >>> parse_numbers("مليونا و625 ألف طن", "ar")
    [1625000.0]
    >>> parse_numbers("4ر4 مليارات طن", "ar")
    [4400000000.0]
    """
    try:
        lg = Lang(lang)
    except ValueError as err:
        msg = f"lang = {lang!r}: expected one of {', '.join(repr(x.value) for x in Lang)}"
        raise SpecError(msg) from err
    clean = text.translate(_DIGITS)
    if lg is Lang.AR:
        clean = _AR_MARKS.sub("", clean)
    token_re = re.compile(rf"(?P<num>{_NUM_RE[lg]})|(?P<word>[^\W\d_]+)")
    tokens = [(m.lastgroup, m.group()) for m in token_re.finditer(clean)]
    items: list[_Item] = []
    for i, (kind, tok) in enumerate(tokens):
        word = tok.casefold()
        prev_word = tokens[i - 1][1].casefold() if i > 0 and tokens[i - 1][0] == "word" else ""
        joined = prev_word in _AND[lg]
        if kind == "num":
            items.append(_Item(_numeral(tok, lg), 1.0, i, i, joined))
            continue
        number = _word_number(word, lg)
        if number is not None:
            last = items[-1] if items else None
            if (
                lg is Lang.EN
                and last
                and last.end == i - 1
                and last.value % 10 == 0
                and 20 <= last.value < 100
            ):
                last.value += number  # English "twenty-five"
                last.end = i
            else:
                items.append(_Item(number, 1.0, i, i, joined))
            continue
        scale = _scale_of(word, lg)
        if scale is None:
            continue
        last = items[-1] if items else None
        if last and last.end == i - 1 and last.scale == 1.0:
            last.value *= scale
            last.scale = scale
            last.end = i
        else:
            items.append(_Item(scale, scale, i, i, joined))
    merged: list[_Item] = []
    for item in items:
        prev = merged[-1] if merged else None
        if (
            prev
            and item.joined
            and prev.end == item.start - 2
            and prev.scale > item.scale
            and prev.scale > 1
        ):
            prev.value += item.value
            prev.end = item.end
            continue
        merged.append(item)
    return [item.value for item in merged]
