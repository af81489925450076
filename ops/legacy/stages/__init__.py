"""One module per stage of the legacy import; ``ops.legacy.importer`` runs them in order."""
