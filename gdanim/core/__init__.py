"""The values every stage shares: build settings, the records passed between stages, errors, number formatting, where the templates are."""
