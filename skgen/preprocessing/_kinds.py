"""Which kind of data an input is: the one place that tells tables, sequences, text and images apart."""

from ._image import is_image_array
from ._sequences import SequenceCodec
from ._text import TextCodec

__all__ = ["DATA_KINDS", "data_kind_of"]

DATA_KINDS = ("table", "sequence", "text", "image")

_DESCRIPTIONS = {
    "table": "a 2-D array or a DataFrame",
    "sequence": "sequences (X with lengths, or a list of 2-D arrays)",
    "text": "text (a list of strings or of 1-D integer token sequences)",
    "image": "images ((n, H, W) or (n, C, H, W) arrays)",
}


def data_kind_of(X, lengths, accepted, estimator_name):
    """The kind of ``X`` among the ``accepted`` kinds of an estimator.

    Sequences are recognised by ``lengths`` or a list of 2-D arrays (and, for a
    model that takes only sequences, any 2-D array: one sequence), text by
    a list of strings or of integer sequences, images by a 3-D or 4-D array
    (or any 2-D array, for a model that takes images and no tables); every
    other input is a table.
    """
    if "sequence" in accepted and SequenceCodec.claims(X, lengths):
        return "sequence"
    if accepted == ("sequence",) and SequenceCodec.claims_single(X):
        return "sequence"  # a sequence-only model: a 2-D array is one sequence
    if "text" in accepted and TextCodec.claims(X, lengths):
        return "text"
    if "image" in accepted and is_image_array(X, rows="table" not in accepted):
        return "image"
    if "table" in accepted and lengths is None:
        return "table"
    if lengths is not None and "sequence" not in accepted:
        raise ValueError(f"{estimator_name} does not take sequences: lengths must be None.")
    wanted = " or ".join(_DESCRIPTIONS[kind] for kind in accepted)
    raise ValueError(f"{estimator_name} takes {wanted}; got {type(X).__name__}.")
