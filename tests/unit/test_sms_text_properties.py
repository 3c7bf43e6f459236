"""The SMS counter against an encoder written separately, for any text.

The reference encodes the text for real, then cuts the encoded stream into
parts: GSM 03.38 septets from the table written out below (position by
position, as the standard prints it, independently of ``sms_text``), UCS-2
code units from Python's own ``utf-16-be`` codec. A part ends at the last
boundary of a grapheme cluster (what the reader sees as one character:
👍🏽, a flag, a letter and its combining accent) that fits; only a cluster
longer than a part is cut inside, and then an escape septet or a high
surrogate is never left at the end of a part. ``whole_clusters=False``
gives the count by code units alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_hub.domain.sms_text import GSM, UCS2, measure

ESC = 0x1B

#: GSM 03.38 default alphabet, septet 0x00 to 0x7F (0x1B, the escape, as "\x1b").
GSM_DEFAULT_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
#: GSM 03.38 extension table: character → septet after the escape.
GSM_EXTENSION_TABLE = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}
_SEPTET = {ch: i for i, ch in enumerate(GSM_DEFAULT_TABLE) if i != ESC}


def gsm_septets(text: str) -> list[int] | None:
    """The septets of ``text``, or None when a character is not in GSM 03.38."""
    septets: list[int] = []
    for ch in text:
        if ch in _SEPTET:
            septets.append(_SEPTET[ch])
        elif ch in GSM_EXTENSION_TABLE:
            septets += [ESC, GSM_EXTENSION_TABLE[ch]]
        else:
            return None
    return septets


def ucs2_units(text: str) -> list[int]:
    data = text.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def _ends_a_pair(units: list[int], gsm: bool) -> bool:
    last = units[-1]
    return last == ESC if gsm else 0xD800 <= last <= 0xDBFF


@dataclass(frozen=True)
class Reference:
    encoding: str
    units: int
    parts: int
    per_part: int
    units_left: int


def _cluster_ends(text: str, gsm: bool) -> set[int]:
    """Where each grapheme cluster ends, in units of the encoded stream."""
    ends, offset = set(), 0
    for cluster in regex.findall(r"\X", text):
        units = gsm_septets(cluster) if gsm else ucs2_units(cluster)
        offset += len(units or ())
        ends.add(offset)
    return ends


def reference(text: str, *, whole_clusters: bool = True) -> Reference:
    septets = gsm_septets(text)
    gsm = septets is not None
    stream = septets if gsm else ucs2_units(text)
    single, multi = (160, 153) if gsm else (70, 67)
    encoding = GSM if gsm else UCS2
    if len(stream) <= single:
        parts = 1 if stream else 0
        return Reference(encoding, len(stream), parts, single, single - len(stream))
    ends = _cluster_ends(text, gsm) if whole_clusters else set()
    chunks: list[list[int]] = []
    start = 0
    while start < len(stream):
        stop = min(start + multi, len(stream))
        fitting = [end for end in ends if start < end <= stop]
        if stop < len(stream) and fitting:
            stop = max(fitting)
        elif stop < len(stream) and _ends_a_pair(stream[start:stop], gsm):
            stop -= 1
        chunks.append(stream[start:stop])
        start = stop
    return Reference(encoding, len(stream), len(chunks), multi, multi - len(chunks[-1]))


# --- strategies -------------------------------------------------------------

gsm_chars = st.sampled_from(
    [ch for ch in GSM_DEFAULT_TABLE if ch != "\x1b"] + list(GSM_EXTENSION_TABLE)
)
#: Characters that push a French message to UCS-2, emoji outside the BMP included.
other_chars = st.sampled_from(["’", "«", "ê", "ç", "œ", "…", "\u00a0", "😀", "👍🏽"])
any_chars = st.characters(exclude_categories=("Cs",))


def _texts(
    pieces: st.SearchStrategy[str], long: tuple[int, int]
) -> st.SearchStrategy[str]:
    """Short texts, and long ones around the part boundaries (Hypothesis
    alone rarely draws a text longer than one SMS)."""
    return st.one_of(
        st.lists(pieces, max_size=20),
        st.integers(*long).flatmap(lambda n: st.lists(pieces, min_size=n, max_size=n)),
    ).map("".join)


gsm_texts = _texts(gsm_chars, (140, 480))
#: Pieces rather than characters: "👍🏽" is an emoji and its skin-tone modifier.
mixed_texts = _texts(st.one_of(gsm_chars, gsm_chars, other_chars), (55, 220))
any_texts = _texts(any_chars, (55, 220))


def _agrees(text: str) -> None:
    got, want = measure(text), reference(text)
    assert (got.encoding, got.units, got.parts, got.per_part, got.units_left) == (
        want.encoding,
        want.units,
        want.parts,
        want.per_part,
        want.units_left,
    )
    not_gsm = [ch for ch in dict.fromkeys(text) if gsm_septets(ch) is None]
    assert list(got.non_gsm_chars) == not_gsm


@settings(max_examples=200)
@given(gsm_texts)
def test_gsm_text_counts_septets_and_parts_like_the_encoder(text: str):
    _agrees(text)


@settings(max_examples=200)
@given(mixed_texts)
def test_french_text_counts_like_the_encoder_once_a_character_forces_ucs2(text: str):
    _agrees(text)


@settings(max_examples=200)
@given(any_texts)
def test_any_text_counts_like_the_encoder(text: str):
    _agrees(text)


@settings(max_examples=100)
@given(gsm_texts, other_chars)
def test_one_non_gsm_character_switches_the_whole_text_to_ucs2(text: str, ch: str):
    mixed = text + ch
    assert measure(mixed).encoding == UCS2
    assert measure(mixed).units == len(mixed.encode("utf-16-be")) // 2
