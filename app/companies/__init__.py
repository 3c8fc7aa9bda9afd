"""Companies and their hierarchy: who owns which Amazon account."""
