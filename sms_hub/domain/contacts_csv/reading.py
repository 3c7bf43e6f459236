"""The streaming pass over a contacts file: one pass, the file never held in
memory, whatever its size.

Each row's number goes through :func:`~sms_hub.domain.phone.normalize_mobile`;
numbers are deduplicated by E.164 within the file and against the numbers
already in the list. Every row that is not imported is reported with its line
number (as a spreadsheet numbers rows: the header is line 1) and the reason.
Rows whose cells are all empty are skipped without being reported. A file
that starts as UTF-8 and later holds a stray Windows-1252 byte gets that byte
read as Windows-1252 instead of failing halfway.

Bad input is refused before it costs time or memory: a header line over
:data:`HEADER_MAX_CHARS` or of more than :data:`MAX_COLUMNS` columns when the
file is opened; a line over :data:`LINE_MAX_CHARS`, a NUL character, a row of
more than :data:`MAX_COLUMNS` cells or anything the ``csv`` module cannot read
(a cell over its field limit, which an unclosed quote produces) while
reading, as :class:`~sms_hub.domain.contacts_csv.errors.UnreadableCsvFile`
with the line number. The caller stores nothing of a file refused halfway.

Memory does not grow with the file: the pass holds one batch of rows, a
fixed-size filter of the numbers met (:data:`FILTER_SLOTS` bytes, whatever the
file holds), the rows left out since the last batch (about
:data:`REJECTED_HELD_BYTES` at most: the batch is settled early when they
reach it, however few rows were accepted) and the first
:data:`~sms_hub.domain.contacts_csv.rejections.REJECTED_ROWS_KEPT` rows left
out; every row left out goes to the
:class:`~sms_hub.domain.contacts_csv.rejections.RejectedRowStore` the caller
gives, from which the full report is read. Whether a number the filter may
have met is really a duplicate is asked, once per batch and only for those
numbers, of the list itself (``in_list``: the database, where the earlier
batches were stored).

A file of more than ``max_rows`` rows (blank ones excepted) is refused with
:class:`~sms_hub.domain.contacts_csv.errors.TooManyRows`, found at the latest
one batch after the row that crosses the cap.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from operator import itemgetter
from typing import BinaryIO

from sms_hub.domain.contacts_csv import errors
from sms_hub.domain.contacts_csv.columns import map_columns
from sms_hub.domain.contacts_csv.detection import (
    BINARY_MESSAGE,
    DELIMITER_LABELS,
    ENCODING_LABELS,
    detect_encoding,
    looks_binary,
    read_prefix,
    sniff_delimiter,
)
from sms_hub.domain.contacts_csv.rejections import (
    REJECTED_ROWS_KEPT,
    Rejected,
    RejectedRow,
    RejectedRowStore,
    RejectionLog,
)
from sms_hub.domain.formatting import number_fr
from sms_hub.domain.phone import PhoneResult, Rejection, normalize_mobile

#: Read size of the streaming pass.
READ_BYTES = 1024 * 1024

#: The longest header line read (64 Ki characters): column titles never come
#: near it, and a longer one is not parsed at all.
HEADER_MAX_CHARS = 64 * 1024
#: The most columns a header, or cells a row, may have.
MAX_COLUMNS = 200
#: The longest line read after the header.
LINE_MAX_CHARS = 1_000_000

EMAIL_MAX_LENGTH = 320
NAME_MAX_LENGTH = 200

DUPLICATE_IN_LIST = "déjà présent dans la liste"
DUPLICATE_IN_FILE = "déjà présent plus haut dans le fichier"

#: Slots (one byte each) of the filter of numbers met during an import. A
#: number whose slot is free is certainly new; one whose slot is taken is
#: checked against the batch and the list. 4 Mi slots: about 2 % of the numbers
#: are checked for nothing at 100,000 numbers, 20 % at 1,000,000.
FILTER_SLOTS = 1 << 22

#: About how many bytes of rows left out the pass holds before handing them to
#: the store: each row counts its number as written plus
#: :data:`REJECTED_ROW_BYTES` (the tuple and its line number).
REJECTED_HELD_BYTES = 1024 * 1024
REJECTED_ROW_BYTES = 120


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
            raise errors.CsvFileTooLarge(self._max_bytes)
        return size


class _BadLine(Exception):
    """A line refused while reading; ``reason`` completes the French message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _checked_lines(text: io.TextIOBase) -> Iterator[str]:
    """The lines of ``text``, each read only up to :data:`LINE_MAX_CHARS`;
    refuses a longer one and one holding a NUL character."""
    for line in iter(partial(text.readline, LINE_MAX_CHARS + 1), ""):
        if len(line) > LINE_MAX_CHARS and not line.endswith(("\n", "\r")):
            raise _BadLine(f"elle dépasse {number_fr(LINE_MAX_CHARS)} caractères")
        if "\x00" in line:
            raise _BadLine(
                "elle contient un caractère nul, signe d'un contenu qui n'est pas "
                "du texte"
            )
        yield line


def _unreadable(line: int, error: Exception) -> errors.UnreadableCsvFile:
    """The refusal of the record at ``line`` for a read error."""
    if isinstance(error, _BadLine):
        return errors.UnreadableCsvFile(line, error.reason)
    if "field limit" in str(error):
        return errors.UnreadableCsvFile(
            line,
            f"une cellule dépasse {number_fr(csv.field_size_limit())} caractères "
            "(un guillemet ouvert et jamais refermé ?)",
        )
    return errors.UnreadableCsvFile(line, "le format CSV n'y est pas respecté")


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
    :data:`REJECTED_ROWS_KEPT` of them are in :attr:`rejected` (each number
    cut for the screen) and all of them in :attr:`rejections`, written down in
    ``rejected_rows`` (in memory when not given) as they come: about
    ``rejected_held_bytes`` of them at a time. More than ``max_rows`` rows
    (blank ones excepted) raise :class:`~.errors.TooManyRows`.

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
        rejected_rows: RejectedRowStore | None = None,
        max_rows: int | None = None,
        rejected_held_bytes: int = REJECTED_HELD_BYTES,
    ) -> None:
        prefix = read_prefix(stream, max_bytes)
        if not prefix.strip(b" \t\r\n\xef\xbb\xbf"):
            raise errors.EmptyCsvFile()
        self.encoding = detect_encoding(prefix)
        self._source = _Source(stream, prefix, max_bytes)
        self._text = io.TextIOWrapper(
            io.BufferedReader(self._source, buffer_size=READ_BYTES),
            encoding=self.encoding,
            errors=_FALLBACK if self.encoding == "utf-8-sig" else "replace",
            newline="",
        )
        if looks_binary(self._peek_text(prefix)):
            raise errors.NotACsvFile(BINARY_MESSAGE)
        blank_lines, header_line = self._first_line()
        self.delimiter = sniff_delimiter(header_line)
        self._reader = csv.reader(
            itertools.chain([header_line], _checked_lines(self._text)),
            delimiter=self.delimiter,
        )
        self._header_row = blank_lines + 1
        try:
            headers = next(self._reader, [])
        except (csv.Error, _BadLine) as error:
            raise _unreadable(self._header_row, error) from error
        if len(headers) > MAX_COLUMNS:
            raise errors.TooManyColumns(len(headers), MAX_COLUMNS)
        self.headers = [h.strip() for h in headers]
        columns = map_columns(self.headers)
        if columns is None:
            looks_like_data = any(
                normalize_mobile(h).rejection in (None, Rejection.LANDLINE)
                for h in self.headers
            )
            raise errors.NoPhoneColumn(self.headers, looks_like_data)
        self.columns = columns
        self._known_phones = known_phones
        self._in_list = in_list
        self.rejections = RejectionLog(keep_rejected, rejected_rows)
        self.imported = 0
        self._max_rows = max_rows
        self._rejected_held_bytes = rejected_held_bytes

    def _peek_text(self, prefix: bytes) -> str:
        return prefix.decode(self.encoding, errors="replace")

    def _first_line(self) -> tuple[int, str]:
        """The header line, and how many blank lines precede it; refused
        (unread beyond the limit) when longer than :data:`HEADER_MAX_CHARS`."""
        blank_lines = 0
        while True:
            line = self._text.readline(HEADER_MAX_CHARS + 1)
            if not line:
                raise errors.EmptyCsvFile()
            ended = line.endswith(("\n", "\r"))
            if line.strip("\ufeff \t\r\n"):
                if len(line) > HEADER_MAX_CHARS and not ended:
                    raise errors.HeaderTooLong(HEADER_MAX_CHARS)
                return blank_lines, line
            if ended:
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
        stored: Callable[[list], None] | None,
    ) -> list[ContactFields]:
        """The batch without the numbers the list already holds, counted as
        imported; the batch's rows left out noted, in file order.

        ``suspects`` are the numbers of the batch the filter may have met
        before it (with their line and number as written), ``followers`` the
        later rows of the batch bringing a suspect again.
        """
        if self._max_rows is not None:
            read = self.rows_read + len(batch) + len(rejected) + len(followers)
            if read > self._max_rows:
                raise errors.TooManyRows(self._max_rows)
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
        if batch:
            self.imported += len(batch)
            if stored is not None:
                stored(batch)
        return batch

    def batches(self, size: int) -> Iterator[list[ContactFields]]:
        """The contacts to store, in file order, each number once, ``size`` at
        most at a time (fewer when the rows left out since the last batch
        reach ``rejected_held_bytes``).

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
        # is full), the rows bringing one again, and the rows left out (with
        # about how many bytes they hold: the batch is settled early past
        # ``held_bytes``).
        held_bytes = self._rejected_held_bytes
        row_bytes = REJECTED_ROW_BYTES
        held = 0
        batch: list[ContactFields] = []
        append = batch.append
        numbers: set[str] = set()
        suspects: dict[str, tuple[int, str]] = {}
        followers: list[tuple[int, str, str]] = []
        rejected: list[Rejected] = []
        reject = rejected.append
        try:
            for record in self._reader:
                line += 1
                cells = len(record)
                if cells < width:
                    record.extend(padding[cells:])
                elif cells > MAX_COLUMNS:
                    raise errors.UnreadableCsvFile(
                        line,
                        f"elle compte {number_fr(cells)} colonnes, "
                        f"{MAX_COLUMNS} au plus sont acceptées",
                    )
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
                    held += row_bytes + len(raw)
                    if held < held_bytes:
                        continue
                elif seen[slot := hash(e164) & mask] and e164 in numbers:
                    if e164 in suspects:
                        followers.append((line, raw, e164))
                    else:
                        reject((line, duplicate, raw, DUPLICATE_IN_FILE))
                    held += row_bytes + len(raw)
                    if held < held_bytes:
                        continue
                else:
                    if seen[slot]:
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
                    if len(batch) < size:
                        continue
                # The batch is full, or the rows left out reached their bound.
                settled = self._settle(
                    batch, suspects, followers, rejected, in_list, stored
                )
                if settled:
                    yield settled
                batch = []
                append = batch.append
                numbers = set()
                suspects = {}
                followers = []
                rejected = []
                reject = rejected.append
                held = 0
        except (csv.Error, _BadLine) as error:
            # the record after the last one read
            raise _unreadable(line + 1, error) from error
        settled = self._settle(batch, suspects, followers, rejected, in_list, stored)
        if settled:
            yield settled

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
