"""« Paramètres du centre »: a centre admin's own Sarbacane account and sending rules."""
