"""Where each SMS part of a long message ends (the creation modal's preview)."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_hub.domain.sms_text import (
    GSM_BASIC_CHARS,
    GSM_EXTENSION_CHARS,
    measure,
    split_parts,
)
from tests.unit.test_sms_text_properties import reference


def test_a_short_text_is_one_part_and_nothing_is_none():
    assert split_parts("Bonjour") == ["Bonjour"]
    assert split_parts("a" * 160) == ["a" * 160]
    assert split_parts("") == []


def test_a_long_gsm_text_is_cut_every_153_characters():
    assert split_parts("a" * 161) == ["a" * 153, "a" * 8]
    assert [len(p) for p in split_parts("b" * 400)] == [153, 153, 94]


def test_an_extension_character_is_never_cut_from_its_escape():
    text = "a" * 152 + "€" + "b" * 10  # € takes 2 units: 154 > 153
    assert split_parts(text) == ["a" * 152, "€" + "b" * 10]


def test_a_ucs2_text_is_cut_every_67_characters_and_an_emoji_stays_whole():
    assert split_parts("ê" * 71) == ["ê" * 67, "ê" * 4]
    text = "ê" * 66 + "😀" + "ê" * 10  # the emoji takes 2 of the 67
    assert split_parts(text) == ["ê" * 66, "😀" + "ê" * 10]


@given(st.text(alphabet=st.sampled_from("ab€é😀 \n{"), max_size=700))
def test_the_parts_rebuild_the_text_and_are_as_many_as_counted(text):
    parts = split_parts(text)
    assert "".join(parts) == text
    assert len(parts) == measure(text).parts


# --- what the reader sees as one character stays in one part ----------------

THUMB = "👍🏽"  # an emoji and its skin-tone modifier: one character on screen
FAMILY = "👨\u200d👩\u200d👧"  # three emoji joined by zero-width joiners
FLAG = "🇫🇷"  # two regional indicators
E_ACUTE = "e\u0301"  # e and a combining acute accent


def test_an_emoji_keeps_its_skin_tone_across_a_ucs2_part_boundary():
    # 👍 would end the first part at 65 + 2 = 67 units, its modifier opening
    # the second: the pair moves whole to the second part.
    text = "ê" * 65 + THUMB + "ê" * 10
    assert split_parts(text) == ["ê" * 65, THUMB + "ê" * 10]
    assert measure(text).parts == 2


def test_keeping_the_skin_tone_whole_can_cost_one_more_part():
    text = "ê" * 65 + THUMB + "ê" * 64  # 133 units: two parts if cut inside
    assert split_parts(text) == ["ê" * 65, THUMB + "ê" * 63, "ê"]
    result = measure(text)
    assert (result.units, result.parts, result.units_left) == (133, 3, 66)


def test_a_zwj_family_emoji_is_never_cut():
    text = "ê" * 62 + FAMILY + "ê" * 10  # 8 units from the 63rd
    assert split_parts(text) == ["ê" * 62, FAMILY + "ê" * 10]
    assert measure(text).parts == 2


def test_a_flag_is_never_cut_between_its_two_letters():
    text = "ê" * 65 + FLAG + "ê" * 5
    assert split_parts(text) == ["ê" * 65, FLAG + "ê" * 5]
    result = measure(text)
    assert (result.parts, result.units_left) == (2, 67 - 9)


def test_a_combining_accent_forces_ucs2_and_stays_with_its_letter():
    # « é » typed as one character is in the GSM alphabet; an e followed by
    # a combining accent is not (the accent is a character of its own).
    assert (measure("Café").encoding, measure("Café").units) == ("GSM", 4)
    decomposed = measure("Cafe\u0301")
    assert (decomposed.encoding, decomposed.units) == ("UCS-2", 5)
    assert decomposed.non_gsm_chars == ("\u0301",)
    text = "ê" * 66 + E_ACUTE + "ê" * 5
    assert split_parts(text) == ["ê" * 66, E_ACUTE + "ê" * 5]
    gsm = "a" * 152 + "é" + "b" * 10  # precomposed: one GSM unit, cut as usual
    assert split_parts(gsm) == ["a" * 152 + "é", "b" * 10]


def test_a_windows_line_break_stays_in_one_part():
    text = "a" * 152 + "\r\n" + "b" * 10  # CR LF is one line break on screen
    assert split_parts(text) == ["a" * 152, "\r\n" + "b" * 10]
    assert measure(text).parts == 2


def test_a_cluster_longer_than_a_part_is_cut_but_never_inside_a_pair():
    giant = "e" + "\u0301" * 80  # one character on screen, 81 UCS-2 units
    text = "ab" + giant + "😀" * 3
    parts = split_parts(text)
    assert parts == ["ab", giant[:67], giant[67:] + "😀" * 3]
    assert measure(text).parts == 3


CLUSTER_RICH = st.sampled_from(
    ["a", "é", "ê", "€", "\n", "\r", "\r\n", "😀", "👍", "\U0001f3fd", THUMB,
     "\u200d", FAMILY, "🇫", "🇷", FLAG, "\u0301", E_ACUTE, "❤\ufe0f", "\u1100\u1161",
     "ก\u0e33", "क\u094d\u0937"]
)  # fmt: skip
cluster_texts = st.one_of(
    st.lists(CLUSTER_RICH, max_size=30),
    st.integers(40, 220).flatmap(
        lambda n: st.lists(CLUSTER_RICH, min_size=n, max_size=n)
    ),
).map("".join)


@settings(max_examples=300)
@given(cluster_texts)
def test_parts_cut_between_clusters_and_never_fewer_than_by_code_units(text):
    parts = split_parts(text)
    assert "".join(parts) == text
    assert measure(text).parts == len(parts)
    clusters = [m.span() for m in regex.finditer(r"\X", text)]
    cut = 0
    for part in parts[:-1]:
        cut += len(part)
        # no part ends or starts inside a cluster, unless the cluster alone
        # is longer than a part (a run of combining marks)
        inside = [(s, e) for s, e in clusters if s < cut < e]
        assert not inside or _ucs2_units(text[slice(*inside[0])]) > 67, parts
    assert len(parts) >= reference(text, whole_clusters=False).parts


def _ucs2_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_in_the_gsm_alphabet_only_cr_lf_joins_two_characters():
    # what lets a GSM text skip the cluster search (a speed-up of sms_text)
    gsm = sorted(GSM_BASIC_CHARS | GSM_EXTENSION_CHARS)
    joined = {a + b for a in gsm for b in gsm if len(regex.findall(r"\X", a + b)) < 2}
    assert joined == {"\r\n"}
