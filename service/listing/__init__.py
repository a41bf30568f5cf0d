"""One filter layer for every surface: what each list's filters and `updated_since` mean."""
