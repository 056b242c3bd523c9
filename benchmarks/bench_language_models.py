"""Language models: TransformerLM against NGramLM and a unigram model; speed of training and sampling.

1. Validation bits per character (each document's end counts as one character) on
   - names: US census surnames (``names`` package), a shuffled subset of ``--n-train``
     for training and 5,000 others for validation;
   - Bach: melodies (MIDI pitches of the top part) of the 433 Bach pieces of music21's
     corpus, 80 % of the pieces for training, 20 % for validation;
   for NGramLM of every order in ``--orders`` (order 1 is the unigram model; the best
   order by validation is the baseline) and TransformerLM, whose validation figure is
   recorded after every epoch (the best epoch is reported, as the best n-gram order is).
2. Training throughput (characters per second, ends included) of both, in this process.
3. Sampling speed of TransformerLM with and without the KV cache: seconds to draw
   ``--n-samples`` documents of exactly L symbols (the end symbol is not allowed to stop
   them), for each L in ``--lengths``, with a model whose context holds 512 positions.

Needs ``names`` and ``music21`` (the ``bench`` extra). Run::

    OMP_NUM_THREADS=1 python benchmarks/bench_language_models.py

and it prints markdown tables.
"""

import argparse
import datetime
import os
import platform
import sys
import time

import numpy as np
import torch

from skgen import NGramLM, TransformerLM
from skgen.metrics import bits_per_character

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
from bach_melodies import load_bach_melodies, split_pieces  # noqa: E402
from text_generation import load_names, split  # noqa: E402

TRANSFORMERS = {
    "names": dict(
        n_layers=2, d_model=64, n_heads=4, context_length=16, dropout=0.1, batch_size=64, lr=3e-3
    ),
    "bach": dict(
        n_layers=2, d_model=64, n_heads=4, context_length=64, dropout=0.3, batch_size=32, lr=2e-3
    ),
}


def n_characters(documents):
    return sum(len(d) + 1 for d in documents)


def compare(name, train, valid, orders, epochs):
    print(
        f"\n### {name}: {len(train)} training documents ({n_characters(train)} symbols with "
        f"ends), {len(valid)} validation documents"
    )
    rows = []
    for order in orders:
        start, cpu_start = time.perf_counter(), time.process_time()
        model = NGramLM(order=order).fit(train)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        rows.append((f"NGramLM(order={order})", bits_per_character(model, valid), seconds, cpu))
    print("\n| model | validation bits/char | fit s |\n|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]:.3f} | {row[2]:.2f} |")
    best = min(rows[1:] or rows, key=lambda r: r[1])
    if epochs == 0:
        return

    model = TransformerLM(**TRANSFORMERS[name], max_epochs=1, warm_start=True, random_state=0)
    curve, seconds, cpu_seconds = [], 0.0, 0.0
    for _ in range(epochs):
        start, cpu_start = time.perf_counter(), time.process_time()
        model.fit(train)
        seconds += time.perf_counter() - start
        cpu_seconds += time.process_time() - cpu_start
        curve.append(bits_per_character(model, valid))
        print(
            f"  transformer epoch {len(curve)}: train nll {model.net_.history[-1, 'train_nll']:.3f} "
            f"nats, validation {curve[-1]:.3f} bits/char",
            flush=True,
        )
    best_epoch = int(np.argmin(curve))
    print(
        f"\nTransformerLM({TRANSFORMERS[name]}): best validation {curve[best_epoch]:.3f} bits/char "
        f"at epoch {best_epoch + 1} of {epochs} (last: {curve[-1]:.3f}); "
        f"best n-gram {best[0]}: {best[1]:.3f}; unigram: {rows[0][1]:.3f}"
    )
    total = epochs * n_characters(train)
    print(
        f"training throughput, characters per second of wall clock (of CPU time): "
        f"TransformerLM {total / seconds:,.0f} ({total / cpu_seconds:,.0f}), "
        f"{best[0]} fit {n_characters(train) / best[2]:,.0f} ({n_characters(train) / best[3]:,.0f})"
    )


def sampling_speed(lengths, n_samples):
    model = TransformerLM(context_length=max(lengths), max_epochs=1, random_state=0)
    model.fit(["abcdefgh" * 4, "hgfedcba"])
    module = model._inference_module_
    print(
        f"\n### Sampling {n_samples} documents of exactly L symbols: TransformerLM defaults "
        f"(4 layers, d_model=128, context {max(lengths)}), float64 inference as in sample()"
    )
    print("\n| L | KV cache s | no cache s | speed-up |\n|---|---|---|---|")
    for length in lengths:
        times = {}
        for use_cache in (True, False):
            generator = torch.Generator().manual_seed(0)
            start = time.perf_counter()
            module.generate(
                torch.zeros(0, dtype=torch.long),
                n_samples,
                length,
                generator,
                use_cache=use_cache,
                stop_at_end=False,
            )
            times[use_cache] = time.perf_counter() - start
        print(
            f"| {length} | {times[True]:.2f} | {times[False]:.2f} | {times[False] / times[True]:.1f}x |",
            flush=True,
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="+", default=["names", "bach"])
    parser.add_argument("--n-train", type=int, default=20000)
    parser.add_argument("--orders", type=int, nargs="+", default=list(range(1, 13)))
    parser.add_argument("--epochs", type=int, nargs=2, default=[8, 25], metavar=("NAMES", "BACH"))
    parser.add_argument("--lengths", type=int, nargs="*", default=[64, 128, 256, 512])
    parser.add_argument("--n-samples", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    print(
        f"{datetime.date.today()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, torch {torch.__version__}, {torch.get_num_threads()} thread(s)"
    )
    if "names" in args.corpora:
        train, valid = split(load_names("last"), args.n_train, 5000)
        compare("names", train, valid, args.orders, args.epochs[0])
    if "bach" in args.corpora:
        train, valid = split_pieces(load_bach_melodies())
        compare("bach", train, valid, args.orders, args.epochs[1])
    if args.lengths:
        sampling_speed(args.lengths, args.n_samples)


if __name__ == "__main__":
    main()
