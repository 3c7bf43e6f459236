"""Length, encoding and cost of an SMS (GSM 03.38).

An SMS travels in the GSM 7-bit alphabet when every character belongs to it,
and in UCS-2 otherwise. The switch is silent and costly: one typographic
apostrophe or one ``ê`` drops the capacity of a part from 160 to 70
characters, so a French message often costs two or three times what the
author expects. The editor therefore shows, live, the encoding, the number of
parts and what is left in the current part, names each character that forces
UCS-2 and offers a GSM-safe replacement for the frequent ones.

Counting rules (those operators apply):

- GSM basic table: 1 unit per character; a line feed is one unit.
- GSM extension table (``^ { } \\ [ ~ ] | €`` and form feed): 2 units
  (escape + character), and the pair is never split across two parts.
- UCS-2: 1 unit per UTF-16 code unit, so a character outside the Basic
  Multilingual Plane (most emoji) takes 2, and the surrogate pair is never
  split across two parts either.
- What the reader sees as one character (an extended grapheme cluster: 👍🏽,
  an emoji and its skin tone; 👨‍👩‍👧, emoji joined by zero-width joiners; a
  flag; a letter and its combining accent; CR LF) is never split across two
  parts: the part ends before it. So the count is never below what the
  operator bills, at worst one part above. Only a cluster longer than a
  part (a run of combining marks) is cut inside, never inside a pair.
- A combining accent is not in the GSM alphabet: ``é`` typed as one
  character is GSM, an ``e`` followed by U+0301 forces UCS-2.
- One SMS holds 160 GSM units or 70 UCS-2 units; each part of a long
  (concatenated) SMS holds 153 or 67, the rest being the concatenation header.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

GSM = "GSM"
UCS2 = "UCS-2"

SINGLE_PART_GSM = 160
MULTI_PART_GSM = 153
SINGLE_PART_UCS2 = 70
MULTI_PART_UCS2 = 67
#: Longest message accepted, in SMS parts (a long SMS beyond that is refused).
MAX_PARTS = 10

# The escape character (0x1B) is left out: it only introduces the extension
# table and means nothing typed on its own.
GSM_BASIC_CHARS = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION_CHARS = frozenset("^{}\\[~]|€\f")
_GSM_CHARS = GSM_BASIC_CHARS | GSM_EXTENSION_CHARS

GSM_REPLACEMENTS: dict[str, str] = {
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
    "â": "a",
    "ê": "e",
    "î": "i",
    "ô": "o",
    "û": "u",
    "ë": "e",
    "ï": "i",
    "ÿ": "y",
    "ç": "c",
    "œ": "oe",
    "Œ": "OE",
    "À": "A",
    "Â": "A",
    "Ê": "E",
    "È": "E",
    "Ë": "E",
    "Î": "I",
    "Ï": "I",
    "Ô": "O",
    "Û": "U",
    "Ù": "U",
    "Ÿ": "Y",
    "á": "a",
    "í": "i",
    "ó": "o",
    "ú": "u",
}
_REPLACEMENT_TABLE = str.maketrans(GSM_REPLACEMENTS)

_CHAR_NAMES: dict[str, str] = {
    "\u2019": "apostrophe typographique \u2019",
    "\u2018": "apostrophe typographique \u2018",
    "«": "guillemet «",
    "»": "guillemet »",
    "\u201c": "guillemet \u201c",
    "\u201d": "guillemet \u201d",
    "…": "points de suspension …",
    "–": "tiret moyen –",
    "—": "tiret long —",
    "\u00a0": "espace insécable",
    "\u202f": "espace fine insécable",
    "\u2009": "espace fine",
    "\u200b": "espace invisible",
    "\t": "tabulation",
    "°": "symbole degré °",
    "•": "puce •",
    "`": "accent grave `",
    "´": "accent aigu ´",
    "\ufe0f": "variante emoji (invisible)",
    "\u200d": "liaison d'emoji (invisible)",
}


@dataclass(frozen=True)
class SmsMeasure:
    """What the editor shows under the message."""

    encoding: str
    units: int
    parts: int
    per_part: int
    units_left: int
    non_gsm_chars: tuple[str, ...]


def _layout(text: str) -> tuple[str, int, int, list[int], tuple[str, ...]]:
    """Encoding, units of a single SMS, units of a part, each character's
    units, and the characters that force UCS-2."""
    non_gsm = tuple(dict.fromkeys(ch for ch in text if ch not in _GSM_CHARS))
    if non_gsm:
        widths = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        return UCS2, SINGLE_PART_UCS2, MULTI_PART_UCS2, widths, non_gsm
    widths = [2 if ch in GSM_EXTENSION_CHARS else 1 for ch in text]
    return GSM, SINGLE_PART_GSM, MULTI_PART_GSM, widths, non_gsm


_CLUSTER = regex.compile(r"\X")
#: A character that may belong to a cluster with its neighbour (UAX #29:
#: combining marks and emoji modifiers, joiners, regional indicators,
#: Hangul jamo, prepended marks, CR before LF). Between two other characters
#: there is always a cluster boundary.
_JOINING = regex.compile(
    r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}\p{GCB=RI}"
    r"\p{GCB=L}\p{GCB=V}\p{GCB=T}\p{GCB=LV}\p{GCB=LVT}\r]"
)


def _has_clusters(text: str, non_gsm: tuple[str, ...]) -> bool:
    """Whether some characters of ``text`` form one cluster. The GSM
    alphabet has no joining character: there only CR LF is one cluster."""
    return "\r\n" in text or any(_JOINING.match(ch) for ch in non_gsm)


def _cluster_start(text: str, index: int, floor: int) -> int:
    """Where the cluster holding ``text[index]`` starts (``floor`` at the
    earliest). Clusters are read from the last sure boundary before it."""
    sure = index
    while sure > floor and (
        _JOINING.match(text, sure) or _JOINING.match(text, sure - 1)
    ):
        sure -= 1
    for cluster in _CLUSTER.finditer(text, sure):
        if cluster.end() > index:
            return cluster.start()
    return index


def _part_starts(
    text: str, multi: int, widths: list[int], clusters: bool
) -> tuple[list[int], int]:
    """Where each part of a long SMS starts (character offsets), and the
    units used in the last part. A part is filled a character at a time (an
    escape or a surrogate pair is one character here); when the next one
    does not fit, the cut moves back to the start of its cluster, unless that
    cluster started the part (then it is longer than a part: cut inside)."""
    if not clusters and sum(widths) == len(widths):  # one unit each: no search
        starts = list(range(0, len(widths), multi))
        return starts, len(widths) - starts[-1]
    starts, used = [0], 0
    for index, width in enumerate(widths):
        if used + width > multi:
            cut = index
            if clusters:
                cut = _cluster_start(text, index, starts[-1])
                if cut <= starts[-1]:
                    cut = index
            starts.append(cut)
            used = sum(widths[cut:index])
        used += width
    return starts, used


def measure(text: str) -> SmsMeasure:
    """Encoding, units, parts and room left for ``text`` as it will be sent."""
    encoding, single, multi, widths, non_gsm = _layout(text)
    units = sum(widths)
    if units <= single:
        parts = 1 if units else 0
        return SmsMeasure(encoding, units, parts, single, single - units, non_gsm)
    starts, used = _part_starts(text, multi, widths, _has_clusters(text, non_gsm))
    return SmsMeasure(encoding, units, len(starts), multi, multi - used, non_gsm)


def split_parts(text: str) -> list[str]:
    """The text of each SMS part as the phone receives it, cut where
    :func:`measure` counts a new part (an escape pair, a surrogate pair or a
    grapheme cluster is never split)."""
    _, single, multi, widths, non_gsm = _layout(text)
    if sum(widths) <= single:
        return [text] if text else []
    starts, _ = _part_starts(text, multi, widths, _has_clusters(text, non_gsm))
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def describe_char(ch: str) -> str:
    """A short French name for a character that forces UCS-2."""
    if not ch:
        return ""
    if ch in _CHAR_NAMES:
        return _CHAR_NAMES[ch]
    category = unicodedata.category(ch[0])
    if category.startswith("L"):
        return ch
    if _is_emoji(ch):
        return f"emoji {ch}"
    code = f"U+{ord(ch[0]):04X}"
    if category.startswith("Z"):
        return f"espace spéciale ({code})"
    if category.startswith("C"):
        return f"caractère invisible ({code})"
    return f"caractère {ch}"


def _is_emoji(ch: str) -> bool:
    cp = ord(ch[0])
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2B00 <= cp <= 0x2BFF
        or cp in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D)
    )


def make_gsm_safe(text: str) -> str:
    """Apply every known GSM-safe replacement; other characters stay as they are."""
    return text.translate(_REPLACEMENT_TABLE)


def credits(parts: int, recipients: int) -> int:
    """Credits a campaign costs: each part is billed once per recipient."""
    if parts < 0 or recipients < 0:
        raise ValueError("Le nombre de parties et de destinataires doit être positif.")
    return parts * recipients


def compose(text: str, opt_out_mention: str | None) -> str:
    """The SMS as sent: the user's text, then the opt-out mention on its own line.

    Only SMS Marketing carries a mention; Notification SMS pass ``None``.
    """
    mention = (opt_out_mention or "").strip()
    if not mention or text.rstrip().endswith(mention):
        return text
    if not text:
        return mention
    return f"{text}\n{mention}"


@dataclass
class SmsPart:
    """One SMS part as the phone shows it, labelled « SMS 1/2 »."""

    label: str
    text: str


def phone_parts(text: str) -> list[SmsPart]:
    """The final text cut where each SMS part ends (:func:`split_parts`)."""
    parts = split_parts(text)
    return [SmsPart(f"SMS {i}/{len(parts)}", part) for i, part in enumerate(parts, 1)]
