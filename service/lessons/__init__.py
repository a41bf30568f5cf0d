"""The lessons library: what done and stopped initiatives taught, searchable."""
