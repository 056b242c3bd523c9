"""Graphical and count-based models of sequences and text (one file per model)."""
