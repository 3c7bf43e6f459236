"""Contact files: reading a CSV of contacts, writing the CSV exports.

Reading copes with what French offices produce: the encoding, whether the
file is text, the separator (:mod:`.detection`); the columns, found by their
header (:mod:`.columns`); the rows, read in one streaming pass with flat
memory, each number normalized and deduplicated (:mod:`.reading`); the rows
left out, counted and written down for the report, held in memory only a
bounded number at a time (:mod:`.rejections`).
Files that cannot be imported raise a :class:`ContactsCsvError` with a French
``user_message`` (:mod:`.errors`), bad input (a huge header, too many
columns, a line the ``csv`` module cannot read, more rows than the cap)
before it costs time or memory. Exports (:mod:`.export`):
:func:`write_csv` writes ``;``-separated UTF-8 with a BOM, every cell made
safe by :func:`safe_cell`.

Everything is pure: the temporary file holding the rows left out of a large
import is the caller's (``sms_hub.services.csv_spool``).
"""

from sms_hub.domain.contacts_csv.columns import ColumnMap, fold_header, map_columns
from sms_hub.domain.contacts_csv.detection import (
    DELIMITER_LABELS,
    ENCODING_LABELS,
    SNIFF_BYTES,
    sniff_delimiter,
)
from sms_hub.domain.contacts_csv.errors import (
    ContactsCsvError,
    CsvFileTooLarge,
    EmptyCsvFile,
    HeaderTooLong,
    NoPhoneColumn,
    NotACsvFile,
    TooManyColumns,
    TooManyRows,
    UnreadableCsvFile,
    size_fr,
)
from sms_hub.domain.contacts_csv.export import csv_lines, safe_cell, write_csv
from sms_hub.domain.contacts_csv.reading import (
    DUPLICATE_IN_FILE,
    DUPLICATE_IN_LIST,
    EMAIL_MAX_LENGTH,
    FILTER_SLOTS,
    HEADER_MAX_CHARS,
    LINE_MAX_CHARS,
    MAX_COLUMNS,
    NAME_MAX_LENGTH,
    READ_BYTES,
    REJECTED_HELD_BYTES,
    ContactFields,
    ContactsCsv,
    InList,
)
from sms_hub.domain.contacts_csv.rejections import (
    REJECTED_ROWS_KEPT,
    SHOWN_CHARS,
    Rejected,
    RejectedRow,
    RejectedRowStore,
    RejectionLog,
    RowsInMemory,
    shown_cell,
)

__all__ = [
    "DELIMITER_LABELS",
    "DUPLICATE_IN_FILE",
    "DUPLICATE_IN_LIST",
    "EMAIL_MAX_LENGTH",
    "ENCODING_LABELS",
    "FILTER_SLOTS",
    "HEADER_MAX_CHARS",
    "LINE_MAX_CHARS",
    "MAX_COLUMNS",
    "NAME_MAX_LENGTH",
    "READ_BYTES",
    "REJECTED_HELD_BYTES",
    "REJECTED_ROWS_KEPT",
    "SHOWN_CHARS",
    "SNIFF_BYTES",
    "ColumnMap",
    "ContactFields",
    "ContactsCsv",
    "ContactsCsvError",
    "CsvFileTooLarge",
    "EmptyCsvFile",
    "HeaderTooLong",
    "InList",
    "NoPhoneColumn",
    "NotACsvFile",
    "Rejected",
    "RejectedRow",
    "RejectedRowStore",
    "RejectionLog",
    "RowsInMemory",
    "TooManyColumns",
    "TooManyRows",
    "UnreadableCsvFile",
    "csv_lines",
    "fold_header",
    "map_columns",
    "safe_cell",
    "shown_cell",
    "size_fr",
    "sniff_delimiter",
    "write_csv",
]
