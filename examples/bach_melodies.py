"""
Bach melodies as token sequences
================================

Language models take integer token sequences as well as strings. Here each document is
the melody of the top part of a piece by J. S. Bach from ``music21``'s corpus (433 pieces,
mostly four-part chorales, shipped offline with ``music21``) as MIDI pitch numbers
(durations are left out). :class:`skgen.NGramLM` and :class:`skgen.TransformerLM` are fit
on 80 % of the pieces and compared on the rest (bits per note, each melody's end counting
as one note); then the transformer continues the opening of a held-out chorale and writes
the melody to a MIDI file (quarter notes).

Needs ``pip install music21``. Run::

    python examples/bach_melodies.py [--output melody.mid]

Without ``--output`` the MIDI file goes to a new temporary folder; an existing file is
never overwritten. Parsing the corpus takes a few minutes the first time; the melodies
are then cached in the temporary folder (``skgen-examples/bach_melodies.json``).
Training takes about a minute on one CPU core.
"""

import argparse
import json
import os
import tempfile

import numpy as np

from skgen import NGramLM, TransformerLM
from skgen.metrics import bits_per_character

CACHE = os.path.join(tempfile.gettempdir(), "skgen-examples", "bach_melodies.json")


def load_bach_melodies():
    """MIDI pitches of the top part of each Bach piece in music21's corpus (a chord: its top note)."""
    if os.path.exists(CACHE):
        with open(CACHE) as file:
            return [np.array(m, dtype=np.int64) for m in json.load(file)]
    try:
        from music21 import corpus
    except ImportError:
        raise SystemExit("This example needs music21: pip install music21") from None
    melodies = []
    for path in corpus.getComposer("bach"):
        top = corpus.parse(path).parts[0].flatten().notes
        melodies.append([max(p.midi for p in n.pitches) for n in top])
    os.makedirs(os.path.dirname(CACHE), exist_ok=True)
    with open(CACHE, "w") as file:
        json.dump(melodies, file)
    return [np.array(m, dtype=np.int64) for m in melodies]


def split_pieces(melodies, valid_fraction=0.2, seed=0):
    order = np.random.default_rng(seed).permutation(len(melodies))
    cut = int(round(len(melodies) * (1 - valid_fraction)))
    return [melodies[i] for i in order[:cut]], [melodies[i] for i in order[cut:]]


def write_midi(pitches, path):
    from music21 import note, stream

    melody = stream.Stream()
    for pitch in pitches:
        melody.append(note.Note(int(pitch), quarterLength=1.0))
    melody.write("midi", fp=path)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Bach melodies with language models.")
    parser.add_argument("--output", help="MIDI file to write (must not exist yet)")
    parser.add_argument("--epochs", type=int, default=15, help="transformer epochs")
    args = parser.parse_args(argv)
    output = args.output or os.path.join(tempfile.mkdtemp(prefix="skgen-bach-"), "melody.mid")
    if os.path.exists(output):
        raise SystemExit(f"{output} exists; choose a new file name (nothing is overwritten).")

    melodies = load_bach_melodies()
    train, valid = split_pieces(melodies)
    print(
        f"{len(melodies)} melodies, {sum(map(len, melodies))} notes; "
        f"{len(train)} for training, {len(valid)} held out"
    )
    models = {
        "NGramLM(order=3)": NGramLM(order=3, random_state=0),
        "TransformerLM": TransformerLM(
            n_layers=2,
            d_model=64,
            n_heads=4,
            context_length=64,
            dropout=0.2,
            max_epochs=args.epochs,
            batch_size=32,
            lr=2e-3,
            random_state=0,
        ),
    }
    for name, model in models.items():
        model.fit(train)
        print(f"{name}: {bits_per_character(model, valid):.3f} bits per note on held-out pieces")

    opening = valid[0][:8]
    melody = models["TransformerLM"].sample(
        1, prompt=opening, max_length=64, temperature=0.9, random_state=0
    )[0]
    print("opening:", opening.tolist())
    print("continued:", melody[len(opening) :].tolist())
    write_midi(melody, output)
    print(f"MIDI file written to {output}")


if __name__ == "__main__":
    main()
