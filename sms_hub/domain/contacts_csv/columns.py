"""Which column holds what, found by its header whatever the case and accents.

Phone (``Téléphone``, ``Tél.``, ``Mobile``, ``Portable``, ``GSM``,
``Numéro``…), e-mail (``Email``, ``E-mail``, ``Courriel``, ``Adresse
mail``…), last name (``Nom``, ``Nom de famille``) and first name
(``Prénom``). When several columns hold phone numbers, the most mobile-like
one comes first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass


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

    def best(score: Callable[[str], int]) -> int | None:
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
