"""Which campaigns found in a Sarbacane account SMS Hub may show and manage.

The French user documentation says: « les campagnes automatisées créées
depuis l'interface Sarbacane ne seront pas visibles sur l'interface
Hub3E ». SMS Hub manages standard SMS campaigns only, so a campaign made in
Sarbacane's own interface is taken in when its ``kind`` is one of the two
standard SMS kinds, and never otherwise: e-mail campaigns, automated
campaigns and any kind not known today are left out. The rule is an allow
list, so a new or undocumented kind (even one starting with ``SMS_``) stays
out until it is added here on purpose.
"""

from __future__ import annotations

from sms_hub.domain.campaign import CampaignKind

#: Sarbacane ``kind`` values of the campaigns SMS Hub may show.
ADOPTABLE_KINDS: frozenset[str] = frozenset(str(kind) for kind in CampaignKind)


def is_adoptable(kind: str | None) -> bool:
    """Whether a campaign of this Sarbacane ``kind`` is a standard SMS campaign.

    The kind is compared as Sarbacane writes it (upper case), ignoring the
    case and surrounding spaces of what was received; a missing kind is not
    adoptable.
    """
    if kind is None:
        return False
    return kind.strip().upper() in ADOPTABLE_KINDS
