"""GSM 03.38 length, encoding, replacements and composition of an SMS."""

from __future__ import annotations

import unicodedata

import pytest

from sms_hub.domain.sms_text import (
    GSM,
    GSM_BASIC_CHARS,
    GSM_EXTENSION_CHARS,
    GSM_REPLACEMENTS,
    UCS2,
    SmsMeasure,
    compose,
    credits,
    describe_char,
    make_gsm_safe,
    measure,
)

EMOJI = "😀"


# --- encoding -------------------------------------------------------------


def test_empty_text_has_no_part() -> None:
    assert measure("") == SmsMeasure(GSM, 0, 0, 160, 160, ())


def test_plain_french_text_with_gsm_accents_stays_gsm() -> None:
    text = "Bonjour, votre séance de lundi à 14h est déplacée. Où ? Merci, Élodie."
    assert measure(text).encoding == GSM
    assert measure("é è ù ì ò à É Ç ä ö ñ ü Ä Ö Ñ Ü").encoding == GSM


def test_whole_gsm_basic_table_is_gsm_one_unit_each() -> None:
    text = "".join(sorted(GSM_BASIC_CHARS))
    result = measure(text)
    assert result.encoding == GSM
    assert result.units == len(GSM_BASIC_CHARS)
    assert result.non_gsm_chars == ()


@pytest.mark.parametrize("char", sorted(GSM_EXTENSION_CHARS))
def test_extension_char_is_gsm_and_counts_two_units(char: str) -> None:
    result = measure(char)
    assert result.encoding == GSM
    assert result.units == 2


def test_extension_table_is_exactly_the_documented_one() -> None:
    assert frozenset("^{}\\[~]|€\f") == GSM_EXTENSION_CHARS


def test_line_feed_counts_one_unit() -> None:
    assert measure("a\nb").units == 3
    assert measure("\n" * 160).parts == 1


def test_carriage_return_is_gsm_one_unit() -> None:
    assert measure("a\r\nb") == SmsMeasure(GSM, 4, 1, 160, 156, ())


@pytest.mark.parametrize(
    "char",
    [*"âêîôûëïÿçœÀÂÊÈÎÔÛÙ", "\u2019", "«", "»", "…", "–", "—", "\u00a0", EMOJI],
)
def test_documented_offenders_force_ucs2(char: str) -> None:
    result = measure(f"Bonjour {char}")
    assert result.encoding == UCS2
    assert result.non_gsm_chars == (char,)


def test_escape_character_alone_is_not_gsm_text() -> None:
    assert measure("\x1b").encoding == UCS2


def test_non_gsm_chars_are_distinct_in_order_of_appearance() -> None:
    result = measure("Tête à tête « ça » – tête")
    assert result.non_gsm_chars == ("ê", "«", "ç", "»", "–")


def test_lowercase_c_cedilla_is_not_gsm_but_capital_is() -> None:
    assert measure("Ç").encoding == GSM
    assert measure("ç").encoding == UCS2


# --- GSM part boundaries -----------------------------------------------------


def test_gsm_160_units_fit_one_sms() -> None:
    assert measure("a" * 160) == SmsMeasure(GSM, 160, 1, 160, 0, ())


def test_gsm_161_units_need_two_parts_of_153() -> None:
    assert measure("a" * 161) == SmsMeasure(GSM, 161, 2, 153, 145, ())


def test_gsm_306_units_fill_two_parts() -> None:
    assert measure("a" * 306) == SmsMeasure(GSM, 306, 2, 153, 0, ())


def test_gsm_307_units_need_three_parts() -> None:
    assert measure("a" * 307) == SmsMeasure(GSM, 307, 3, 153, 152, ())


def test_gsm_one_sms_units_left() -> None:
    assert measure("Bonjour").units_left == 153


def test_gsm_extension_chars_count_in_single_sms_limit() -> None:
    assert measure("€" * 80).parts == 1
    assert measure("a" + "€" * 80).parts == 2


def test_extension_char_is_not_split_across_parts() -> None:
    # 152 units then a 2-unit char: only one unit left, so "€" opens part 2.
    result = measure("a" * 152 + "€" + "a" * 10)
    assert result.units == 164
    assert result.parts == 2
    assert result.units_left == 153 - 12


def test_extension_char_filling_a_part_exactly_stays_in_it() -> None:
    result = measure("a" * 151 + "€" + "a" * 153)
    assert result.units == 306
    assert result.parts == 2
    assert result.units_left == 0


def test_unsplittable_extension_char_can_add_a_part() -> None:
    # 306 units would fit two parts, but the "€" at 153 is pushed to part 2,
    # leaving 152 + 154 units: a third part is needed.
    text = "a" * 152 + "€" + "a" * 152
    result = measure(text)
    assert result.units == 306
    assert result.parts == 3
    assert result.units_left == 153 - 1


def test_extension_chars_only_long_text() -> None:
    # 76 "€" fill 152 units of each part, the 77th goes to the next part.
    result = measure("€" * 154)
    assert result.units == 308
    assert result.parts == 3
    assert result.units_left == 153 - 4


# --- UCS-2 part boundaries ---------------------------------------------------


def test_ucs2_70_chars_fit_one_sms() -> None:
    assert measure("ê" * 70) == SmsMeasure(UCS2, 70, 1, 70, 0, ("ê",))


def test_ucs2_71_chars_need_two_parts_of_67() -> None:
    assert measure("ê" * 71) == SmsMeasure(UCS2, 71, 2, 67, 63, ("ê",))


def test_ucs2_134_chars_fill_two_parts() -> None:
    assert measure("ê" * 134) == SmsMeasure(UCS2, 134, 2, 67, 0, ("ê",))


def test_ucs2_135_chars_need_three_parts() -> None:
    assert measure("ê" * 135) == SmsMeasure(UCS2, 135, 3, 67, 66, ("ê",))


def test_emoji_counts_two_ucs2_units() -> None:
    assert measure(EMOJI) == SmsMeasure(UCS2, 2, 1, 70, 68, (EMOJI,))
    assert measure(EMOJI * 35).parts == 1
    assert measure("a" + EMOJI * 35).parts == 2


def test_extension_chars_count_one_unit_in_ucs2() -> None:
    assert measure("ê€").units == 2


def test_surrogate_pair_is_not_split_across_parts() -> None:
    result = measure("ê" * 66 + EMOJI + "ê" * 10)
    assert result.units == 78
    assert result.parts == 2
    assert result.units_left == 67 - 12


def test_unsplittable_emoji_can_add_a_part() -> None:
    result = measure("ê" * 66 + EMOJI + "ê" * 66)
    assert result.units == 134
    assert result.parts == 3
    assert result.units_left == 67 - 1


def test_one_offending_char_cuts_capacity() -> None:
    text = "a" * 100
    assert measure(text).parts == 1
    assert measure(text + "\u2019").parts == 2


# --- replacements ----------------------------------------------------------


#: Marks of French typography that GSM 7-bit lacks, and what each becomes.
_FRENCH_MARKS = {
    "\u2019": "'",
    "\u2018": "'",
    "«": '"',
    "»": '"',
    "\u201c": '"',
    "\u201d": '"',
    "…": "...",
    "–": "-",
    "—": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "œ": "oe",
    "Œ": "OE",
}
#: Accented letters a French text holds that GSM 7-bit lacks (it has é, è, à…).
_ACCENTED_OUTSIDE_GSM = "âêîôûëïÿçÀÂÊÈËÎÏÔÛÙáíóú"


def test_french_typographic_marks_have_their_gsm_replacement() -> None:
    assert _FRENCH_MARKS.items() <= GSM_REPLACEMENTS.items()


@pytest.mark.parametrize("char", list(_ACCENTED_OUTSIDE_GSM))
def test_an_accented_letter_outside_gsm_loses_its_accent(char: str) -> None:
    assert GSM_REPLACEMENTS[char] == unicodedata.normalize("NFD", char)[0]


@pytest.mark.parametrize(("char", "replacement"), sorted(GSM_REPLACEMENTS.items()))
def test_every_replacement_leaves_gsm_only_text(char: str, replacement: str) -> None:
    assert measure(char).encoding == UCS2
    safe = make_gsm_safe(f"x{char}y")
    assert safe == f"x{replacement}y"
    assert measure(safe).encoding == GSM


@pytest.mark.parametrize("char", list("èéùìòàÉÇ"))
def test_gsm_accents_are_not_replaced(char: str) -> None:
    assert char not in GSM_REPLACEMENTS
    assert make_gsm_safe(char) == char


def test_make_gsm_safe_on_a_french_message() -> None:
    text = (
        "Bonjour\u00a0! L\u2019équipe vous attend «\u202fdès 9h\u202f» "
        "pour l\u2019atelier — cœur de métier… À très vite, Françoise."
    )
    safe = make_gsm_safe(text)
    assert safe == (
        'Bonjour ! L\'équipe vous attend " dès 9h " '
        "pour l'atelier - coeur de métier... A très vite, Francoise."
    )
    assert measure(safe).encoding == GSM


def test_make_gsm_safe_leaves_emoji_untouched() -> None:
    assert make_gsm_safe(f"Fête {EMOJI}") == f"Fete {EMOJI}"
    assert measure(make_gsm_safe(f"Fête {EMOJI}")).non_gsm_chars == (EMOJI,)


# --- names shown by the editor ---------------------------------------------------


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u2019", "apostrophe typographique \u2019"),
        ("«", "guillemet «"),
        ("»", "guillemet »"),
        ("…", "points de suspension …"),
        ("\u00a0", "espace insécable"),
        ("\u202f", "espace fine insécable"),
        ("–", "tiret moyen –"),
        ("—", "tiret long —"),
        (EMOJI, f"emoji {EMOJI}"),
        ("❤", "emoji ❤"),
        ("ê", "ê"),
        ("œ", "œ"),
        ("Ù", "Ù"),
        ("°", "symbole degré °"),
        ("\u200b", "espace invisible"),
        ("\u2003", "espace spéciale (U+2003)"),
        ("\x00", "caractère invisible (U+0000)"),
        ("±", "caractère ±"),
    ],
)
def test_describe_char_names_offenders_in_french(char: str, name: str) -> None:
    assert describe_char(char) == name


def test_every_replaceable_char_has_a_name() -> None:
    for char in GSM_REPLACEMENTS:
        assert describe_char(char)


# --- cost and composition ------------------------------------------------------


def test_credits_are_parts_times_recipients() -> None:
    assert credits(2, 1500) == 3000
    assert credits(0, 1500) == 0
    assert credits(3, 0) == 0


def test_credits_refuse_negative_numbers() -> None:
    with pytest.raises(ValueError):
        credits(-1, 10)
    with pytest.raises(ValueError):
        credits(1, -10)


def test_compose_appends_mention_after_a_line_feed() -> None:
    assert compose("Soldes !", "STOP au 36111") == "Soldes !\nSTOP au 36111"


@pytest.mark.parametrize("mention", [None, "", "   "])
def test_compose_without_mention_keeps_text(mention: str | None) -> None:
    assert compose("Votre RDV est confirmé.", mention) == "Votre RDV est confirmé."


def test_compose_does_not_repeat_a_mention_already_there() -> None:
    text = "Soldes !\nSTOP au 36111"
    assert compose(text, "STOP au 36111") == text
    assert compose(text + "\n", "STOP au 36111") == text + "\n"


def test_compose_on_empty_text_is_the_mention() -> None:
    assert compose("", "STOP au 36111") == "STOP au 36111"


def test_mention_counts_in_length_and_parts() -> None:
    text = "a" * 150
    assert measure(text).parts == 1
    composed = compose(text, "STOP au 36111")
    assert measure(composed).units == 150 + 1 + 13
    assert measure(composed).parts == 2
