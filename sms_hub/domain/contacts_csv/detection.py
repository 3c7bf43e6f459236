"""What a contacts file is, from its first bytes and its header line.

- the encoding: UTF-8 (with or without the BOM Excel adds), Windows-1252
  (what French Excel writes for "CSV (séparateur : point-virgule)") and
  UTF-16 ("Texte Unicode"). The first chunk decides: it is tried as UTF-8 and
  read as Windows-1252 if that fails;
- whether it is text at all (a spreadsheet, a PDF or binary content is
  refused with a French message saying what to do);
- the separator: ``;``, ``,`` or tab, whichever the header line holds most
  (outside quotes).
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

from sms_hub.domain.contacts_csv.errors import CsvFileTooLarge, NotACsvFile

#: How much of the file decides the encoding and whether it is text at all.
SNIFF_BYTES = 64 * 1024

ENCODING_LABELS = {
    "utf-8-sig": "UTF-8",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
}
DELIMITER_LABELS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}

_SAVE_AS_CSV = (
    "Ouvrez-le dans votre tableur, choisissez « Enregistrer sous » au format "
    "« CSV (séparateur : point-virgule) », puis importez ce nouveau fichier."
)
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (
        b"PK\x03\x04",
        "Ce fichier est un classeur (Excel .xlsx ou LibreOffice .ods), pas un "
        "fichier CSV. " + _SAVE_AS_CSV,
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "Ce fichier est un classeur Excel (.xls), pas un fichier CSV. " + _SAVE_AS_CSV,
    ),
    (b"%PDF", "Ce fichier est un PDF, pas un fichier CSV."),
)
BINARY_MESSAGE = (
    "Ce fichier n'est pas un fichier CSV : son contenu n'est pas du texte. "
    + _SAVE_AS_CSV
)
_CONTROL_CHARS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r") | {
    "\x7f"
}


def read_prefix(stream: BinaryIO, max_bytes: int | None) -> bytes:
    """The first :data:`SNIFF_BYTES` of the file, refused if over ``max_bytes``."""
    prefix = stream.read(SNIFF_BYTES) or b""
    if max_bytes is not None and len(prefix) > max_bytes:
        raise CsvFileTooLarge(max_bytes)
    return prefix


def detect_encoding(prefix: bytes) -> str:
    """The codec of the file, from its first bytes; refuses what is not text."""
    for signature, message in _SIGNATURES:
        if prefix.startswith(signature):
            raise NotACsvFile(message)
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in prefix:
        raise NotACsvFile(BINARY_MESSAGE)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def looks_binary(text: str) -> bool:
    """Whether decoded text holds too many control characters to be a CSV."""
    if not text:
        return False
    controls = sum(1 for c in text if c in _CONTROL_CHARS)
    return controls > max(2, len(text) // 100)


def sniff_delimiter(header_line: str) -> str:
    """``;``, ``,`` or tab: whichever the header line holds most outside quotes."""
    counts = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"
