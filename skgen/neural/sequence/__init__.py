"""Deep models of sequences and text (one file per model)."""
