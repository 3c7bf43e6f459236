"""Page « Listes de contacts »: its view, states and dialogs."""
