"""Page « Gestion des campagnes de SMSing »: its view, states and modals."""
