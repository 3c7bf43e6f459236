"""Page « Statistiques de la campagne »: its view and state."""
