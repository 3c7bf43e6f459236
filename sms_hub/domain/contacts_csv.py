"""Contact files: reading a CSV of contacts, writing the CSV exports.

Reading is one streaming pass: the file is never held in memory, whatever its
size. What it copes with is what French offices produce:

- the encoding: UTF-8 (with or without the BOM Excel adds), Windows-1252
  (what French Excel writes for "CSV (séparateur : point-virgule)") and
  UTF-16 ("Texte Unicode"). The first chunk decides: it is tried as UTF-8 and
  read as Windows-1252 if that fails. A file that starts as UTF-8 and later
  holds a stray Windows-1252 byte gets that byte read as Windows-1252
  instead of failing halfway;
- the separator: ``;``, ``,`` or tab, whichever the header line holds most
  (outside quotes);
- the columns, found by their header whatever the case and the accents:
  phone (``Téléphone``, ``Tél.``, ``Mobile``, ``Portable``, ``GSM``,
  ``Numéro``…), e-mail (``Email``, ``E-mail``, ``Courriel``, ``Adresse
  mail``…), last name (``Nom``, ``Nom de famille``) and first name
  (``Prénom``). When several columns hold phone numbers, the most mobile-like
  one is read first and the others are used for the rows where it holds no
  mobile.

Each row's number goes through :func:`~sms_hub.domain.phone.normalize_mobile`;
numbers are deduplicated by E.164 within the file and against the numbers
already in the list. Every row that is not imported is reported with its line
number (as a spreadsheet numbers rows: the header is line 1) and the reason.
Rows whose cells are all empty are skipped without being reported.

Memory does not grow with the file: the pass holds one batch of rows, a
fixed-size filter of the numbers met (:data:`FILTER_SLOTS` bytes, whatever the
file holds) and the first :data:`REJECTED_ROWS_KEPT` rows left out; every row
left out is written to a temporary file (:class:`RejectionLog`), from which
the full report is read. Whether a number the filter may have met is really a
duplicate is asked, once per batch and only for those numbers, of the list
itself (``in_list``: the database, where the earlier batches were stored).

Errors, each with a French ``user_message``::

    ContactsCsvError            base; ``user_message`` is shown as is
    ├── NotACsvFile             binary content, a spreadsheet, a PDF…
    ├── EmptyCsvFile            nothing but blanks
    ├── NoPhoneColumn           no header names a phone column
    └── CsvFileTooLarge         over the configured size limit

Exports: :func:`write_csv` writes ``;``-separated UTF-8 with a BOM (French
Excel opens it with the accents right) and passes every cell through
:func:`safe_cell`, so no cell can run as a spreadsheet formula.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import pickle
import re
import tempfile
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import BinaryIO

from sms_hub.domain.formatting import number_fr
from sms_hub.domain.phone import (
    REJECTION_LABELS,
    PhoneResult,
    Rejection,
    normalize_mobile,
)

#: How much of the file decides the encoding and whether it is text at all.
SNIFF_BYTES = 64 * 1024
#: Read size of the streaming pass.
READ_BYTES = 1024 * 1024

EMAIL_MAX_LENGTH = 320
NAME_MAX_LENGTH = 200

ENCODING_LABELS = {
    "utf-8-sig": "UTF-8",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
}
DELIMITER_LABELS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}

DUPLICATE_IN_LIST = "déjà présent dans la liste"
DUPLICATE_IN_FILE = "déjà présent plus haut dans le fichier"

#: Rows left out kept in memory for the report shown on screen (the page
#: shows 100); all of them go to the report's temporary file.
REJECTED_ROWS_KEPT = 100
#: Size of the report's temporary file kept in memory before it goes to disk.
REPORT_SPOOL_BYTES = 1024 * 1024
#: Slots (one byte each) of the filter of numbers met during an import. A
#: number whose slot is free is certainly new; one whose slot is taken is
#: checked against the batch and the list. 4 Mi slots: about 2 % of the numbers
#: are checked for nothing at 100,000 numbers, 20 % at 1,000,000.
FILTER_SLOTS = 1 << 22

_SAVE_AS_CSV = (
    "Ouvrez-le dans votre tableur, choisissez « Enregistrer sous » au format "
    "« CSV (séparateur : point-virgule) », puis importez ce nouveau fichier."
)


# --- Errors -----------------------------------------------------------------


class ContactsCsvError(Exception):
    """A file that cannot be imported; ``user_message`` says why, in French."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class NotACsvFile(ContactsCsvError):
    pass


class EmptyCsvFile(ContactsCsvError):
    def __init__(self) -> None:
        super().__init__("Le fichier est vide : il ne contient aucune ligne.")


class NoPhoneColumn(ContactsCsvError):
    def __init__(self, headers: Sequence[str], looks_like_data: bool = False) -> None:
        self.headers = list(headers)
        found = ", ".join(f"« {h} »" for h in self.headers if h.strip())
        if looks_like_data:
            message = (
                "La première ligne du fichier doit contenir les intitulés des "
                "colonnes (par exemple « Nom ; Prénom ; Email ; Téléphone ») ; "
                f"elle contient ici des données : {found}."
            )
        elif found:
            message = (
                "Aucune colonne de numéro de téléphone n'a été trouvée. Colonnes "
                f"lues : {found}. Nommez la colonne des numéros « Téléphone » "
                "ou « Mobile »."
            )
        else:
            message = (
                "Aucune colonne de numéro de téléphone n'a été trouvée : la "
                "première ligne du fichier doit contenir les intitulés des "
                "colonnes, dont « Téléphone » ou « Mobile »."
            )
        super().__init__(message)


class CsvFileTooLarge(ContactsCsvError):
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        super().__init__(
            "Le fichier dépasse la taille maximale autorisée "
            f"({size_fr(max_bytes)}). Découpez-le en plusieurs fichiers."
        )


def size_fr(size: int) -> str:
    """``50 Mo``, ``2,5 Mo``, ``800 ko`` (decimal units, as file managers show)."""
    if size >= 1_000_000:
        return f"{number_fr(round(size / 1_000_000, 1))} Mo"
    if size >= 1_000:
        return f"{number_fr(round(size / 1_000, 1))} ko"
    return f"{number_fr(size)} octets"


# --- Exports ----------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """``value`` made inert for a spreadsheet: no cell may start a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
    prefixed with an apostrophe (OWASP's advice against CSV injection).
    """
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[str]) -> str:
    """A CSV export: ``;``-separated, UTF-8 with BOM, every cell made safe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(str(v)) for v in row])
    return out.getvalue()


# --- Columns ----------------------------------------------------------------


def fold_header(text: str) -> str:
    """A header reduced to lower-case ASCII words: ``Tél. portable`` → ``tel portable``."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text.casefold()).split())


_MOBILE_WORDS = frozenset(
    {"mobile", "mobiles", "portable", "portables", "gsm", "cellulaire", "cell"}
    | {"cellphone", "sms", "port"}
)
_PHONE_WORDS = frozenset(
    {"telephone", "telephones", "tel", "tels", "tlf", "phone", "phones"}
)
_NUMBER_HEADERS = frozenset(
    {"numero", "numeros", "num", "n", "no", "numero de portable"}
)
_FIXED_WORDS = frozenset({"fixe", "domicile", "bureau", "standard", "professionnel"})
_FAX_WORDS = frozenset({"fax", "telecopie"})
_EMAIL_WORDS = frozenset(
    {"email", "emails", "mail", "mails", "courriel", "courriels", "mel"}
)
_LAST_NAME_HEADERS = frozenset(
    {"nom", "noms", "nom de famille", "nom d usage", "nom usuel", "nom de naissance"}
    | {"last name", "lastname", "surname", "family name", "name", "nom du contact"}
)
_FIRST_NAME_WORDS = frozenset({"prenom", "prenoms", "firstname"})
_FIRST_NAME_HEADERS = frozenset({"first name", "given name"})
_NOT_A_PERSON_WORDS = frozenset(
    {"entreprise", "societe", "structure", "organisme", "etablissement", "ecole"}
    | {"formation", "liste", "fichier", "utilisateur", "commune", "ville", "rue"}
)


def _phone_score(folded: str) -> int:
    words = set(folded.split())
    if words & _FAX_WORDS:
        return 0
    if words & _MOBILE_WORDS:
        return 4
    if words & _PHONE_WORDS:
        return 2 if words & _FIXED_WORDS else 3
    if folded in _NUMBER_HEADERS:
        return 3
    return 0


def _email_score(folded: str) -> int:
    return 1 if set(folded.split()) & _EMAIL_WORDS else 0


def _last_name_score(folded: str) -> int:
    if folded in _LAST_NAME_HEADERS:
        return 2
    words = set(folded.split())
    if "nom" in words and not words & _NOT_A_PERSON_WORDS:
        return 1  # "Nom Prénom", "Nom du stagiaire"…
    return 0


def _first_name_score(folded: str) -> int:
    words = set(folded.split())
    if folded in _FIRST_NAME_HEADERS or (
        words & _FIRST_NAME_WORDS and "nom" not in words
    ):
        return 1
    return 0


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Where each field is, as 0-based column indexes (``None``: absent).

    ``phones`` lists every phone column, the most mobile-like first.
    """

    phones: tuple[int, ...]
    email: int | None
    last_name: int | None
    first_name: int | None


def map_columns(headers: Sequence[str]) -> ColumnMap | None:
    """Which column holds what, from the header row; ``None`` without a phone column."""
    folded = [fold_header(h) for h in headers]
    phone_scores = [(_phone_score(f), -i) for i, f in enumerate(folded)]
    phones = tuple(-i for score, i in sorted(phone_scores, reverse=True) if score > 0)
    if not phones:
        return None
    used = set(phones)

    def best(score) -> int | None:
        ranked = [
            (s, -i) for i, f in enumerate(folded) if i not in used and (s := score(f))
        ]
        if not ranked:
            return None
        index = -max(ranked)[1]
        used.add(index)
        return index

    email = best(_email_score)
    first_name = best(_first_name_score)
    last_name = best(_last_name_score)
    return ColumnMap(phones, email, last_name, first_name)


# --- Reading ----------------------------------------------------------------


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the bytes UTF-8 rejects as Windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


_FALLBACK = "sms_hub.cp1252_fallback"
codecs.register_error(_FALLBACK, _cp1252_fallback)


class _Source(io.RawIOBase):
    """The binary file, its first bytes already read, counted against the limit."""

    def __init__(self, stream: BinaryIO, prefix: bytes, max_bytes: int | None) -> None:
        self._stream = stream
        self._prefix = memoryview(prefix)
        self._max_bytes = max_bytes
        self.bytes_read = len(prefix)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._prefix:
            size = min(len(buffer), len(self._prefix))
            buffer[:size] = self._prefix[:size]
            self._prefix = self._prefix[size:]
            return size
        data = self._stream.read(len(buffer))
        if not data:
            return 0
        size = len(data)
        buffer[:size] = data
        self.bytes_read += size
        if self._max_bytes is not None and self.bytes_read > self._max_bytes:
            raise CsvFileTooLarge(self._max_bytes)
        return size


def _read_prefix(stream: BinaryIO, max_bytes: int | None) -> bytes:
    prefix = stream.read(SNIFF_BYTES) or b""
    if max_bytes is not None and len(prefix) > max_bytes:
        raise CsvFileTooLarge(max_bytes)
    return prefix


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
_BINARY_MESSAGE = (
    "Ce fichier n'est pas un fichier CSV : son contenu n'est pas du texte. "
    + _SAVE_AS_CSV
)
_CONTROL_CHARS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r") | {
    "\x7f"
}


def _detect_encoding(prefix: bytes) -> str:
    """The codec of the file, from its first bytes; refuses what is not text."""
    for signature, message in _SIGNATURES:
        if prefix.startswith(signature):
            raise NotACsvFile(message)
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in prefix:
        raise NotACsvFile(_BINARY_MESSAGE)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _looks_binary(text: str) -> bool:
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


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that was not imported: its line, why, and the number as written."""

    line: int
    reason: Rejection
    value: str
    detail: str = ""

    @property
    def label(self) -> str:
        return REJECTION_LABELS[self.reason]


#: A row left out, as the reading pass notes it: (line, reason, number as
#: written, detail).
Rejected = tuple[int, Rejection, str, str]


class RejectionLog:
    """The rows left out of an import: counted, the first ones kept, all written
    down in a temporary file, from which :meth:`to_csv` writes the report.

    The temporary file (the rows as noted, pickled a batch at a time: cheap to
    write while importing) stays in memory up to :data:`REPORT_SPOOL_BYTES`,
    then goes to disk, unnamed; it goes away when the log is closed or dropped.
    """

    def __init__(self, keep: int = REJECTED_ROWS_KEPT) -> None:
        self.first: list[RejectedRow] = []
        self.counts: dict[Rejection, int] = dict.fromkeys(Rejection, 0)
        self.total = 0
        self._keep = keep
        # Lives as long as the log: closed by close(), or when the log is dropped.
        self._spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=REPORT_SPOOL_BYTES
        )
        self._lock = threading.Lock()

    def add(self, rows: list[Rejected]) -> None:
        """Note rows left out, in file order."""
        if not rows:
            return
        counts = self.counts
        for reason, count in Counter(map(_REASON, rows)).items():
            counts[reason] += count
        room = self._keep - len(self.first)
        if room > 0:
            self.first.extend(
                RejectedRow(line, reason, value.strip(), detail)
                for line, reason, value, detail in rows[:room]
            )
        with self._lock:
            pickle.dump(rows, self._spool, protocol=pickle.HIGHEST_PROTOCOL)
        self.total += len(rows)

    def rows(self) -> Iterator[RejectedRow]:
        """Every row noted, in file order, read back from the temporary file."""
        with self._lock:
            spool = self._spool
            end = spool.tell()
            spool.seek(0)
            try:
                while spool.tell() < end:
                    for line, reason, value, detail in pickle.load(spool):
                        yield RejectedRow(line, reason, value.strip(), detail)
            finally:
                spool.seek(end)

    def to_csv(self, header: Sequence[str]) -> str:
        """Every row noted as (line, label, number as written, detail), under
        ``header``, by :func:`write_csv`."""
        return write_csv(
            ((r.line, r.label, r.value, r.detail) for r in self.rows()), header
        )

    def close(self) -> None:
        """Drop the temporary file (the counts and first rows remain)."""
        with self._lock:
            self._spool.close()


_REASON = itemgetter(1)


#: Which of the numbers asked are already in the list: each one found maps to
#: True if the running import stored it (an earlier row of the file), False if
#: it was there before.
InList = Callable[[list[str]], Mapping[str, bool]]


#: A contact ready to store, in the column order of the ``contact`` table:
#: (email, E.164 phone, last name, first name).
ContactFields = tuple[str | None, str, str | None, str | None]


class ContactsCsv:
    """A contacts file opened for one streaming pass.

    Opening reads the first bytes and the header, so a file that cannot be
    imported fails here, before anything is written (only a size limit
    crossed later in the file fails while reading). :meth:`batches` (or
    :meth:`contacts`) then yields the contacts to store; the rows left out
    are counted in :attr:`rejection_counts`, the first
    :data:`REJECTED_ROWS_KEPT` of them are in :attr:`rejected` and all of them
    in :attr:`rejections`.

    ``known_phones`` are the E.164 numbers already in the list, read once: a
    row bringing one again is a duplicate. ``in_list`` tells which of some
    numbers the list holds (see :data:`InList`); each batch must be stored
    before the next one is asked for, so that it answers for the earlier rows
    of the file too. With it, memory holds no number beyond the current batch;
    without it (tests, small files), the numbers of the file are kept in
    memory to answer in its place.
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        max_bytes: int | None = None,
        known_phones: Iterable[str] = (),
        in_list: InList | None = None,
        keep_rejected: int = REJECTED_ROWS_KEPT,
    ) -> None:
        prefix = _read_prefix(stream, max_bytes)
        if not prefix.strip(b" \t\r\n\xef\xbb\xbf"):
            raise EmptyCsvFile()
        self.encoding = _detect_encoding(prefix)
        self._source = _Source(stream, prefix, max_bytes)
        self._text = io.TextIOWrapper(
            io.BufferedReader(self._source, buffer_size=READ_BYTES),
            encoding=self.encoding,
            errors=_FALLBACK if self.encoding == "utf-8-sig" else "replace",
            newline="",
        )
        if _looks_binary(self._peek_text(prefix)):
            raise NotACsvFile(_BINARY_MESSAGE)
        blank_lines, header_line = self._first_line()
        self.delimiter = sniff_delimiter(header_line)
        self._reader = csv.reader(
            itertools.chain([header_line], self._text), delimiter=self.delimiter
        )
        self.headers = [h.strip() for h in next(self._reader, [])]
        self._header_row = blank_lines + 1
        columns = map_columns(self.headers)
        if columns is None:
            looks_like_data = any(
                normalize_mobile(h).rejection in (None, Rejection.LANDLINE)
                for h in self.headers
            )
            raise NoPhoneColumn(self.headers, looks_like_data)
        self.columns = columns
        self._known_phones = known_phones
        self._in_list = in_list
        self.rejections = RejectionLog(keep_rejected)
        self.imported = 0

    def _peek_text(self, prefix: bytes) -> str:
        return prefix.decode(self.encoding, errors="replace")

    def _first_line(self) -> tuple[int, str]:
        """The header line, and how many blank lines precede it."""
        blank_lines = 0
        while True:
            line = self._text.readline()
            if not line:
                raise EmptyCsvFile()
            if line.strip("\ufeff \t\r\n"):
                return blank_lines, line
            blank_lines += 1

    @property
    def encoding_label(self) -> str:
        return ENCODING_LABELS[self.encoding]

    @property
    def delimiter_label(self) -> str:
        return DELIMITER_LABELS[self.delimiter]

    @property
    def bytes_read(self) -> int:
        """Bytes read from the file so far (for a progress bar)."""
        return self._source.bytes_read

    @property
    def rejected(self) -> list[RejectedRow]:
        """The first rows left out (:data:`REJECTED_ROWS_KEPT`), in file order."""
        return self.rejections.first

    @property
    def rejection_counts(self) -> dict[Rejection, int]:
        return self.rejections.counts

    @property
    def rejected_count(self) -> int:
        return self.rejections.total

    @property
    def rows_read(self) -> int:
        """Rows read so far, blank ones excepted."""
        return self.imported + self.rejections.total

    def _filter(self) -> tuple[bytearray, InList, Callable[[list], None] | None]:
        """The filter of numbers met, marked with the list's; who answers for
        the list; and, without ``in_list``, what notes the numbers stored."""
        seen = bytearray(FILTER_SLOTS)
        mask = FILTER_SLOTS - 1
        if self._in_list is not None:
            for phone in self._known_phones:
                seen[hash(phone) & mask] = 1
            return seen, self._in_list, None
        in_memory: dict[str, bool] = {}
        for phone in self._known_phones:
            seen[hash(phone) & mask] = 1
            in_memory[phone] = False

        def in_list(phones: list[str]) -> dict[str, bool]:
            return {p: in_memory[p] for p in phones if p in in_memory}

        def stored(batch: list[ContactFields]) -> None:
            in_memory.update(dict.fromkeys([contact[1] for contact in batch], True))

        return seen, in_list, stored

    def _settle(
        self,
        batch: list[ContactFields],
        suspects: dict[str, tuple[int, str]],
        followers: list[tuple[int, str, str]],
        rejected: list[Rejected],
        in_list: InList,
    ) -> list[ContactFields]:
        """The batch without the numbers the list already holds; the batch's
        rows left out noted, in file order.

        ``suspects`` are the numbers of the batch the filter may have met
        before it (with their line and number as written), ``followers`` the
        later rows of the batch bringing a suspect again.
        """
        found: Mapping[str, bool] = in_list(list(suspects)) if suspects else {}
        if found:
            batch = [contact for contact in batch if contact[1] not in found]
            for phone, by_this_file in found.items():
                line, raw = suspects[phone]
                detail = DUPLICATE_IN_FILE if by_this_file else DUPLICATE_IN_LIST
                rejected.append((line, Rejection.DUPLICATE, raw, detail))
        for line, raw, phone in followers:
            # As a row bringing again a number of the list: "in the list".
            before = found.get(phone) is False
            detail = DUPLICATE_IN_LIST if before else DUPLICATE_IN_FILE
            rejected.append((line, Rejection.DUPLICATE, raw, detail))
        if found or followers:
            rejected.sort(key=itemgetter(0))
        self.rejections.add(rejected)
        return batch

    def batches(self, size: int) -> Iterator[list[ContactFields]]:
        """The contacts to store, in file order, each number once, ``size`` at a time.

        Line numbers count records as a spreadsheet shows rows: a cell holding
        a line break does not shift the rows after it.
        """
        # The hot loop of an import: locals only, one call per row at most.
        normalize = normalize_mobile
        columns = self.columns
        phone_column, *fallbacks = columns.phones
        present = [c for c in (*columns.phones, columns.email) if c is not None]
        present += [c for c in (columns.last_name, columns.first_name) if c is not None]
        width = max(present) + 1
        padding = [""] * width
        # Absent fields read an empty cell appended to the record.
        blank_cell = None in (columns.email, columns.last_name, columns.first_name)
        fields = itemgetter(
            -1 if columns.email is None else columns.email,
            -1 if columns.last_name is None else columns.last_name,
            -1 if columns.first_name is None else columns.first_name,
        )
        seen, in_list, stored = self._filter()
        mask = FILTER_SLOTS - 1
        duplicate = Rejection.DUPLICATE
        line = self._header_row
        # The batch being read: its contacts, their numbers, the numbers the
        # filter may have met before (checked against the list once the batch
        # is full), the rows bringing one again, and the rows left out.
        batch: list[ContactFields] = []
        append = batch.append
        numbers: set[str] = set()
        suspects: dict[str, tuple[int, str]] = {}
        followers: list[tuple[int, str, str]] = []
        rejected: list[Rejected] = []
        reject = rejected.append
        for record in self._reader:
            line += 1
            if len(record) < width:
                record.extend(padding[len(record) :])
            if blank_cell:
                record.append("")
            raw = record[phone_column]
            if raw.startswith("'"):
                raw = raw[1:]
            result = normalize(raw)
            e164 = result.e164
            if e164 is None:
                if not any(cell.strip() for cell in record):
                    continue
                e164, raw, reason = _other_columns(record, raw, result, fallbacks)
                if e164 is None:
                    reject((line, reason, raw, ""))
                    continue
            slot = hash(e164) & mask
            if seen[slot]:
                if e164 in numbers:
                    if e164 in suspects:
                        followers.append((line, raw, e164))
                    else:
                        reject((line, duplicate, raw, DUPLICATE_IN_FILE))
                    continue
                suspects[e164] = (line, raw)
            else:
                seen[slot] = 1
            numbers.add(e164)
            email, last_name, first_name = fields(record)
            append(
                (
                    email.strip()[:EMAIL_MAX_LENGTH] or None,
                    e164,
                    last_name.strip()[:NAME_MAX_LENGTH] or None,
                    first_name.strip()[:NAME_MAX_LENGTH] or None,
                )
            )
            if len(batch) >= size:
                batch = self._settle(batch, suspects, followers, rejected, in_list)
                if batch:
                    self.imported += len(batch)
                    if stored is not None:
                        stored(batch)
                    yield batch
                batch = []
                append = batch.append
                numbers = set()
                suspects = {}
                followers = []
                rejected = []
                reject = rejected.append
        batch = self._settle(batch, suspects, followers, rejected, in_list)
        if batch:
            self.imported += len(batch)
            if stored is not None:
                stored(batch)
            yield batch

    def contacts(self) -> Iterator[ContactFields]:
        """:meth:`batches`, one contact at a time."""
        for batch in self.batches(1_000):
            yield from batch


def _other_columns(
    record: list[str], raw: str, result: PhoneResult, fallbacks: list[int]
) -> tuple[str | None, str, Rejection]:
    """A mobile from another phone column, when the first one holds none.

    Without one: the number to report and why, the first column's unless it
    was empty and another column held something.
    """
    reason = result.rejection or Rejection.INVALID
    reported = raw
    size = len(record)
    for index in fallbacks:
        other = record[index] if index < size else ""
        if other.startswith("'"):
            other = other[1:]
        other_result = normalize_mobile(other)
        if other_result.e164 is not None:
            return other_result.e164, other, reason
        if (
            reason is Rejection.MISSING
            and other_result.rejection is not Rejection.MISSING
        ):
            reason, reported = other_result.rejection or Rejection.INVALID, other
    return None, reported, reason
