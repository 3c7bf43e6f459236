"""Why a contacts file cannot be imported, in French for the user.

::

    ContactsCsvError            base; ``user_message`` is shown as is
    ├── NotACsvFile             binary content, a spreadsheet, a PDF…
    ├── EmptyCsvFile            nothing but blanks
    ├── NoPhoneColumn           no header names a phone column
    ├── CsvFileTooLarge         over the configured size limit
    ├── TooManyRows             more rows than the configured cap
    ├── HeaderTooLong           a first line too long to be column titles
    ├── TooManyColumns          more header columns than a contacts file has
    └── UnreadableCsvFile       a line the CSV reader cannot read (its number)
"""

from __future__ import annotations

from collections.abc import Sequence

from sms_hub.domain.formatting import count_fr, number_fr


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


class TooManyRows(ContactsCsvError):
    """More rows (blank ones excepted) than an import takes."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        super().__init__(
            "Le fichier dépasse le nombre maximal de lignes autorisé "
            f"({count_fr(max_rows, 'ligne', 'lignes')}). Découpez-le en plusieurs fichiers. "
            "Aucun contact n'a été importé."
        )


class HeaderTooLong(ContactsCsvError):
    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        super().__init__(
            "La première ligne du fichier, celle des intitulés des colonnes, "
            f"dépasse {number_fr(max_chars)} caractères : ce n'est pas un fichier "
            "de contacts. La première ligne doit contenir les intitulés des "
            "colonnes (par exemple « Nom ; Prénom ; Email ; Téléphone »)."
        )


class TooManyColumns(ContactsCsvError):
    def __init__(self, count: int, max_columns: int) -> None:
        self.count = count
        self.max_columns = max_columns
        super().__init__(
            f"Le fichier compte {number_fr(count)} colonnes : "
            f"{number_fr(max_columns)} au plus sont acceptées. Gardez les colonnes "
            "utiles (Nom, Prénom, Email, Téléphone) et importez à nouveau le fichier."
        )


class UnreadableCsvFile(ContactsCsvError):
    """``line`` counts records as a spreadsheet numbers rows (header: line 1)."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(
            f"Le fichier est illisible à la ligne {number_fr(line)} : {reason}. "
            "Aucun contact n'a été importé."
        )


def size_fr(size: int) -> str:
    """``50 Mo``, ``2,5 Mo``, ``800 ko`` (decimal units, as file managers show)."""
    if size >= 1_000_000:
        return f"{number_fr(round(size / 1_000_000, 1))} Mo"
    if size >= 1_000:
        return f"{number_fr(round(size / 1_000, 1))} ko"
    return f"{number_fr(size)} octets"
