"""Where each SMS part of a long message ends (the creation modal's preview)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sms_hub.domain.sms_text import measure, split_parts


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
