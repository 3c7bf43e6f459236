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


#: ``Campaign.origin`` of a campaign made from Hub3E / in Sarbacane's interface.
FROM_HUB = "hub"
FROM_SARBACANE = "sarbacane"

#: The badge next to the name of a campaign made in Sarbacane's interface.
ADOPTED_BADGE = "Créée sur Sarbacane"

#: Shown before a launch of a campaign made in Sarbacane whose SMS text
#: Hub3E cannot see or that has none (the French user documentation).
NO_TEMPLATE_WARNING = (
    "Si une campagne a été créée sur Sarbacane sans modèle de SMSing et est "
    "envoyée depuis l'interface Hub3E, elle restera bloquée au statut Reçue par "
    "le serveur d'envoi."
)


def lacks_visible_text(origin: str, content: str | None) -> bool:
    """Whether a launch must warn that the campaign may stay stuck: it was
    made in Sarbacane and Hub3E sees no SMS text of it."""
    return origin == FROM_SARBACANE and not (content or "").strip()
