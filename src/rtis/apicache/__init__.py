"""Fast anonymous reads of the JSON API: a data version bumped on every committed write, and an
in-process cache of whole public answers keyed by it (see `version`, `cache`, `wsgi`)."""
