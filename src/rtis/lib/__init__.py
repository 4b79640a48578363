"""Pure helpers: no Django imports here."""
