"""The ``skgen`` command: synthesise a table, evaluate synthetic data, list models.

::

    skgen synthesize [DATA.csv|.parquet] [--target COLUMN] -n 1000 -o synthetic.csv  # --model auto
    skgen synthesize [DATA.csv|.parquet] --model gaussian_copula -n 1000 -o synthetic.csv
    skgen synthesize names.txt --model ngram_lm -n 100 -o new_names.txt   # text: a document a line
    skgen evaluate REAL.csv SYNTHETIC.csv [--target COLUMN] -o report.html
    skgen models

Errors (unknown model, unreadable file, missing column) print one line on
stderr and exit with status 1; usage errors exit with status 2.

No user file is ever lost: an output path that is one of the inputs is
refused, an existing output is refused unless ``--force`` is given, every
output path is checked before any work starts, and outputs are written to a
temporary file in the same folder and renamed into place only once every
output of the command has been written.
"""

import argparse
import ast
import csv
import itertools
import os
import re
import sys
import tempfile
import threading
import time
import warnings

__all__ = ["main", "model_registry"]


class CommandError(Exception):
    """An error to report on one line, without a traceback."""


# ----------------------------------------------------------------- models
def snake_case(name):
    """``GaussianCopula`` -> ``gaussian_copula``, ``BernoulliRBM`` -> ``bernoulli_rbm``,
    ``NGramLM`` -> ``ngram_lm`` (one capital before a word belongs to it)."""
    name = re.sub(r"([A-Z]{2,})([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def model_registry():
    """``{snake_case_name: class}`` for every estimator of :func:`skgen.utils.all_estimators`."""
    from .utils import all_estimators

    return {snake_case(name): cls for name, cls in all_estimators()}


def _first_doc_line(cls):
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


#: ``--model auto``: the model that chooses among the others.
AUTO = "auto"


def _resolve_model(name):
    registry = model_registry()
    if name == AUTO:
        name = "auto_generator"
    key = snake_case(name) if name not in registry else name
    if key not in registry:
        raise CommandError(
            f"unknown model {name!r}; run 'skgen models' to list them ({', '.join(sorted(registry))})."
        )
    return registry[key]


def _parse_param(text):
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    try:
        value = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        pass  # a plain string such as quantile
    return name.strip(), value


# ------------------------------------------------------------------- files
BUNDLED_TABLE = "penguins"


def read_table(path):
    """Read a CSV or Parquet file into a DataFrame, with errors that name the file.

    ``"penguins"`` (when no such file exists) is the table bundled with skgen.
    """
    import pandas as pd

    if path == BUNDLED_TABLE and not os.path.exists(path):
        from .datasets import load_penguins

        return load_penguins()
    if not os.path.isfile(path):
        raise CommandError(f"cannot read {path!r}: no such file.")
    extension = os.path.splitext(path)[1].lower()
    try:
        if extension in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            frame = _read_csv(path)
    except CommandError:
        raise
    except ImportError as exc:
        raise CommandError(
            f"cannot read {path!r}: Parquet needs pyarrow ({exc}); pip install pyarrow."
        ) from None
    except Exception as exc:  # pandas raises many types for bad files
        raise CommandError(f"cannot read {path!r}: {type(exc).__name__}: {exc}".strip()) from None
    if frame.empty:
        raise CommandError(f"{path!r} has no rows.")
    return frame


#: Separators tried when a CSV file reads as one column.
_SEPARATORS = (";", "\t", "|")


def _read_csv(path):
    """``pd.read_csv``, also for files separated by ``;``, tabs or ``|``.

    A file that reads as a single column whose header holds one of those
    separators is read again with it; a single column whose values mostly
    hold a separator is refused rather than read as one wrong column.
    """
    import pandas as pd

    frame = pd.read_csv(path)
    if frame.shape[1] != 1:
        return frame
    header = str(frame.columns[0])
    found = [sep for sep in _SEPARATORS if sep in header]
    if found:
        with open(path, newline="", encoding="utf-8", errors="replace") as handle:
            sample = handle.read(65536)
        try:
            separator = csv.Sniffer().sniff(sample, delimiters="".join(found)).delimiter
        except csv.Error:
            separator = max(found, key=header.count)
        frame = pd.read_csv(path, sep=separator)
    if frame.shape[1] == 1:
        values = frame.iloc[:, 0].dropna().astype(str)
        for sep in (",", *_SEPARATORS):
            if len(values) and values.str.contains(sep, regex=False).mean() > 0.5:
                raise CommandError(
                    f"cannot read {path!r}: it reads as one column whose values hold "
                    f"{sep!r}; write it with one separator (',' or ';') between columns."
                )
    return frame


TABLE_EXTENSIONS = (".csv", ".txt", "", ".parquet", ".pq")


def write_table(frame, path, extension=None):
    """Write ``frame`` as CSV or Parquet (chosen by ``extension``, else ``path``'s)."""
    if extension is None:
        extension = os.path.splitext(path)[1].lower()
    try:
        if extension in (".parquet", ".pq"):
            frame.to_parquet(path, index=False)
        elif extension in (".csv", ".txt", ""):
            frame.to_csv(path, index=False)
        else:
            raise CommandError(f"cannot write {path!r}: the output must end in .csv or .parquet.")
    except ImportError as exc:
        raise CommandError(
            f"cannot write {path!r}: Parquet needs pyarrow ({exc}); pip install pyarrow."
        ) from None
    except OSError as exc:
        raise CommandError(f"cannot write {path!r}: {exc.strerror or exc}.") from None


# ------------------------------------------------------------------- text
def takes_text(model_class):
    """Whether ``model_class`` is a language model (it takes text and no tables)."""
    kinds = getattr(model_class, "_data_kinds", ())
    return "text" in kinds and "table" not in kinds


def read_text(path, model_name="this model"):
    """The lines of a UTF-8 text file, one document each (line ends removed; blank lines
    are empty documents)."""
    if not os.path.isfile(path):
        hint = f"; {model_name} takes a text file, one document a line"
        hint = "" if os.path.splitext(path)[1] else hint
        raise CommandError(f"cannot read {path!r}: no such file{hint}.")
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path!r} as UTF-8 text: {exc}.") from None
    documents = text.split("\n")
    if documents[-1] == "":
        documents.pop()  # the line end of the last line
    if not documents:
        raise CommandError(f"{path!r} has no lines.")
    return documents


def write_text(documents, path):
    """Write documents (strings) one a line."""
    try:
        with open(path, "w", encoding="utf-8") as file:
            file.writelines(f"{document}\n" for document in documents)
    except OSError as exc:
        raise CommandError(f"cannot write {path!r}: {exc.strerror or exc}.") from None


def _size_of(data):
    if isinstance(data, list):
        return f"{len(data)} documents"
    return f"{data.shape[0]} rows x {data.shape[1]} columns"


# ----------------------------------------------------------------- outputs
def _same_file(a, b):
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links
    except OSError:
        return False


def check_outputs(outputs, inputs, force):
    """Refuse, before any work, outputs that would lose a user's file.

    ``outputs`` and ``inputs`` map an option name (``"-o"``, ``"DATA"``) to a
    path or None. An output may not be an input, nor another output, nor,
    without ``force``, an existing file; its folder must exist and be writable.
    """
    given = [(option, path) for option, path in outputs.items() if path]
    for index, (option, path) in enumerate(given):
        for input_option, input_path in inputs.items():
            if input_path and os.path.exists(input_path) and _same_file(path, input_path):
                raise CommandError(
                    f"refusing to write {option} {path!r}: it is the input {input_option} "
                    f"{input_path!r}, which would be lost; choose another output path."
                )
        for other_option, other_path in given[:index]:
            if _same_file(path, other_path):
                raise CommandError(
                    f"{option} and {other_option} are the same file {path!r}; give two paths."
                )
        if os.path.isdir(path):
            raise CommandError(f"cannot write {option} {path!r}: it is a folder.")
        if os.path.exists(path) and not force:
            raise CommandError(f"{option} {path!r} already exists; pass --force to overwrite it.")
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise CommandError(f"cannot write {option} {path!r}: folder {folder!r} does not exist.")
        if not os.access(folder, os.W_OK):
            raise CommandError(
                f"cannot write {option} {path!r}: folder {folder!r} is not writable."
            )


class Outputs:
    """Files written to temporary paths beside their targets, renamed into place together.

    ``path(target)`` gives a temporary file in the target's folder; ``commit()``
    renames every one onto its target (``os.replace``, atomic on one file
    system); on an error inside the ``with`` block the temporary files are
    removed and no target is touched.
    """

    def __init__(self):
        self._pending = []

    def path(self, target):
        folder, name = os.path.split(os.path.abspath(target))
        suffix = os.path.splitext(name)[1]
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix, dir=folder)
        os.close(handle)
        self._pending.append((temporary, target))
        return temporary

    def commit(self):
        for temporary, target in self._pending:
            os.replace(temporary, target)
        self._pending = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        for temporary, _ in self._pending:
            try:
                os.remove(temporary)
            except OSError:
                pass
        self._pending = []
        return False


def _check_columns(frame, columns, path):
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CommandError(
            f"column {missing[0]!r} does not exist in {path}; its columns are {list(map(str, frame.columns))}."
        )


# ---------------------------------------------------------------- progress
class Spinner:
    """A one-line progress indicator on stderr while a step of unknown length runs.

    On a terminal it redraws ``<frame> <message> <seconds>`` ten times a
    second; elsewhere (pipes, CI logs) it prints the message once and the
    time taken at the end.
    """

    _FRAMES = "|/-\\"

    def __init__(self, message, stream=None, enabled=True):
        self.message = message
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._stop = threading.Event()

    def _run(self):
        for frame in itertools.cycle(self._FRAMES):
            if self._stop.wait(0.1):
                break
            self.stream.write(
                f"\r{frame} {self.message} {time.perf_counter() - self._start:5.1f} s"
            )
            self.stream.flush()

    def __enter__(self):
        self._start = time.perf_counter()
        if not self.enabled:
            return self
        self._thread = None
        if self.stream.isatty():
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        else:
            self.stream.write(f"{self.message} ...\n")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.seconds = time.perf_counter() - self._start
        if not self.enabled:
            return False
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self.stream.write("\r" + " " * (len(self.message) + 12) + "\r")
        status = "done" if exc_type is None else "failed"
        self.stream.write(f"{self.message}: {status} in {self.seconds:.1f} s\n")
        self.stream.flush()
        return False


# ---------------------------------------------------------------- commands
def cmd_models(args):
    registry = model_registry()
    width = max(map(len, registry))
    for name, cls in sorted(registry.items()):
        print(f"{name:<{width}}  {_first_doc_line(cls)}")
    return 0


def cmd_synthesize(args):
    model_class = _resolve_model(args.model)
    text = takes_text(model_class)
    extension = os.path.splitext(args.output)[1].lower()
    if not text and extension not in TABLE_EXTENSIONS:
        raise CommandError(
            f"cannot write {args.output!r}: the output must end in .csv or .parquet."
        )
    check_outputs(
        {"-o": args.output, "--save-model": args.save_model}, {"DATA": args.data}, args.force
    )
    if text and args.columns:
        raise CommandError("--columns selects table columns; a language model reads whole lines.")
    data = read_text(args.data, snake_case(model_class.__name__)) if text else read_table(args.data)
    source = "the bundled penguins table" if args.data == BUNDLED_TABLE else args.data
    if args.columns:
        _check_columns(data, args.columns, source)
        data = data[args.columns]
    params = dict(args.param or [])
    model = model_class()
    unknown = sorted(set(params) - set(model.get_params()))
    if unknown:
        raise CommandError(
            f"{model_class.__name__} has no parameter {unknown[0]!r}; its parameters are {sorted(model.get_params())}."
        )
    if "random_state" in model.get_params():
        params.setdefault("random_state", args.seed)
    auto = "time_budget" in model.get_params()
    if args.target is not None:
        _check_columns(data, [args.target], source)
        if "target" not in model.get_params():
            raise CommandError(
                f"--target is used by --model auto; {snake_case(model_class.__name__)} "
                "models the whole table with no target."
            )
        params["target"] = args.target
    if auto:
        params.setdefault("time_budget", args.time_budget)
        if args.candidates:
            params["candidates"] = _candidates(args.candidates, data, args.target)
    elif args.candidates:
        raise CommandError("--candidates lists the models that --model auto tries.")
    # Deep models draw skorch's per-epoch progress bar (their verbose=1) instead of the spinner.
    neural_bar = (
        model_class.__module__.startswith("skgen.neural") and "verbose" in model.get_params()
    )
    neural_bar = neural_bar and not args.quiet
    if neural_bar:
        params.setdefault("verbose", 1)
    model.set_params(**params)
    message = f"Fitting {snake_case(model_class.__name__)} on {_size_of(data)}"
    if auto:
        message = f"Choosing a model for {_size_of(data)}"
    try:
        with Spinner(message, enabled=not args.quiet and not neural_bar):
            with warnings.catch_warnings():
                if auto:  # its summary below says what was skipped or failed
                    warnings.simplefilter("ignore", UserWarning)
                model.fit(data)
        synthetic = model.sample(args.n_samples, random_state=args.seed)
    except (ValueError, TypeError, FloatingPointError) as exc:
        # FloatingPointError: a deep model's training diverged (its message says what to try).
        raise CommandError(f"fitting {model_class.__name__} failed: {exc}") from None
    if auto and not args.quiet:
        print(model.summary(), file=sys.stderr)
        if args.verbose:
            print(_results_table(model.cv_results_), file=sys.stderr)
    # Both files or neither: a model that cannot be saved leaves no table behind.
    with Outputs() as outputs:
        if text:
            write_text(synthetic, outputs.path(args.output))
        else:
            write_table(synthetic, outputs.path(args.output), extension)
        if args.save_model:
            import joblib

            try:
                joblib.dump(model, outputs.path(args.save_model))
            except OSError as exc:
                raise CommandError(
                    f"cannot write {args.save_model!r}: {exc.strerror or exc}."
                ) from None
            except Exception as exc:  # e.g. a model holding something unpicklable
                raise CommandError(
                    f"cannot save the model to {args.save_model!r}: {type(exc).__name__}: {exc}"
                ) from None
        outputs.commit()
    if not args.quiet:
        saved = f"; model saved to {args.save_model}" if args.save_model else ""
        print(
            f"Wrote {args.n_samples} synthetic rows from {source} to {args.output}{saved}",
            file=sys.stderr,
        )
    return 0


def _candidates(names, data, target):
    """``--candidates``: each model with its default settings, and, for a categorical
    ``target``, also one per class (``ClassConditional``)."""
    from .auto import AutoGenerator
    from .conditional import ClassConditional

    per_class = target is not None and AutoGenerator._is_class_target(data[target])
    candidates = []
    for name in names:
        model_class = _resolve_model(name)
        if name == AUTO or "time_budget" in model_class().get_params():
            raise CommandError("--candidates lists models to try; auto is not one of them.")
        candidates.append(model_class())
        if per_class:
            candidates.append(ClassConditional(model_class()))
    return candidates


def _results_table(results):
    """``cv_results_`` as a text table: each candidate's criterion, its parts and time."""
    columns = ["candidate", "status", "rank_test_score", "mean_test_score"]
    columns += [c for c in results.columns if c.startswith("mean_test_") and c not in columns]
    columns += ["mean_fit_time", "time"]
    table = results[columns].rename(
        columns=lambda c: c.replace("mean_test_", "").replace("_test_score", "")
    )
    return table.sort_values("rank").to_string(index=False, float_format=lambda v: f"{v:.3f}")


def cmd_evaluate(args):
    from .metrics import evaluate

    if args.scores and os.path.splitext(args.scores)[1].lower() not in TABLE_EXTENSIONS:
        raise CommandError(
            f"cannot write {args.scores!r}: the scores must end in .csv or .parquet."
        )
    check_outputs(
        {"-o": args.output, "--scores": args.scores},
        {"REAL": args.real, "SYNTHETIC": args.synthetic, "--train": args.train},
        args.force,
    )
    real = read_table(args.real)
    synthetic = read_table(args.synthetic)
    train = read_table(args.train) if args.train else None
    _check_columns(synthetic, list(real.columns), args.synthetic)
    synthetic = synthetic[list(real.columns)]
    if train is not None:
        _check_columns(train, list(real.columns), args.train)
        train = train[list(real.columns)]
    if args.target is not None:
        _check_columns(real, [args.target], args.real)
    try:
        with Spinner(
            f"Evaluating {len(synthetic)} synthetic rows against {len(real)} real rows",
            enabled=not args.quiet,
        ):
            report = evaluate(
                real, synthetic, train=train, target=args.target, random_state=args.seed
            )
    except ValueError as exc:
        raise CommandError(f"evaluation failed: {exc}") from None
    print(report.summary())
    with Outputs() as outputs:
        if args.output:
            try:
                report.to_html(outputs.path(args.output))
            except OSError as exc:
                raise CommandError(
                    f"cannot write {args.output!r}: {exc.strerror or exc}."
                ) from None
        if args.scores:
            write_table(
                report.scores,
                outputs.path(args.scores),
                os.path.splitext(args.scores)[1].lower(),
            )
        outputs.commit()
    if args.output and not args.quiet:
        print(f"Report written to {args.output}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------ parser
def build_parser():
    parser = argparse.ArgumentParser(
        prog="skgen",
        description="Synthesise tables with generative models and evaluate synthetic data.",
        epilog="Run 'skgen COMMAND --help' for the options of a command.",
    )
    from ._version import __version__

    parser.add_argument("--version", action="version", version=f"skgen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    synth = commands.add_parser(
        "synthesize",
        aliases=["synthesise"],
        help="fit a model to a table and write synthetic rows",
        description="Fit a generative model to DATA and write synthetic rows with the same columns and types.",
        epilog="Example: skgen synthesize data.csv --target label -n 1000 -o synthetic.csv",
    )
    synth.add_argument(
        "data",
        nargs="?",
        default=BUNDLED_TABLE,
        metavar="DATA",
        help="CSV or Parquet file, or 'penguins' for the table bundled with skgen (the default); "
        "for a language model (ngram_lm, transformer_lm), a text file with one document a line",
    )
    synth.add_argument(
        "-m",
        "--model",
        default=AUTO,
        help="model name, see 'skgen models', or 'auto' (the default): try skgen's "
        "portfolio of models on held-out rows and keep the best (docs/choosing.md)",
    )
    synth.add_argument(
        "--target",
        metavar="COLUMN",
        help="with --model auto: the column a downstream model will predict (the "
        "choice then weighs quality and train-on-synthetic utility; one model per class)",
    )
    synth.add_argument(
        "--time-budget",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="with --model auto: seconds for the whole fit, the winner's refit included; "
        "candidates that would not fit are skipped or stopped (default: 60)",
    )
    synth.add_argument(
        "--candidates",
        nargs="+",
        metavar="MODEL",
        help="with --model auto: the models to try, with their default settings "
        "(default: the registered portfolio)",
    )
    synth.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="with --model auto: also print every candidate's scores and time",
    )
    synth.add_argument(
        "-n",
        "--n-samples",
        type=_positive_int,
        default=1000,
        help="number of synthetic rows (default: 1000)",
    )
    synth.add_argument(
        "-o",
        "--output",
        default="synthetic.csv",
        help="output .csv or .parquet (default: synthetic.csv)",
    )
    synth.add_argument(
        "--seed", type=int, default=0, help="random seed of fitting and sampling (default: 0)"
    )
    synth.add_argument(
        "--save-model", metavar="PATH", help="also save the fitted model with joblib"
    )
    synth.add_argument(
        "--columns", nargs="+", metavar="COLUMN", help="use only these columns of DATA"
    )
    synth.add_argument(
        "-p",
        "--param",
        type=_parse_param,
        action="append",
        metavar="NAME=VALUE",
        help="model hyper-parameter, repeatable (e.g. -p n_components=5)",
    )
    synth.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    synth.add_argument(
        "-f",
        "--force",
        "--overwrite",
        action="store_true",
        help="overwrite existing output files (never an input file)",
    )
    synth.set_defaults(handler=cmd_synthesize)

    evaluate = commands.add_parser(
        "evaluate",
        help="compare synthetic with real data and write an HTML report",
        description=(
            "Score SYNTHETIC against REAL (fidelity, distances; utility with --target; privacy with "
            "--train, REAL then being rows the generator never saw), print a summary and write an "
            "HTML report with figures."
        ),
        epilog="Example: skgen evaluate real.csv synthetic.csv --target species -o report.html",
    )
    evaluate.add_argument(
        "real",
        metavar="REAL",
        help="real table (CSV or Parquet, or 'penguins' for the bundled one)",
    )
    evaluate.add_argument(
        "synthetic", metavar="SYNTHETIC", help="synthetic table with the same columns"
    )
    evaluate.add_argument(
        "--target",
        metavar="COLUMN",
        help="column to predict for the train-on-synthetic, test-on-real score",
    )
    evaluate.add_argument(
        "--train", metavar="TRAIN", help="the generator's training table: enables privacy scores"
    )
    evaluate.add_argument(
        "-o", "--output", metavar="REPORT.html", help="write the HTML report here"
    )
    evaluate.add_argument(
        "--scores", metavar="SCORES.csv", help="also write the score table as CSV"
    )
    evaluate.add_argument(
        "--seed", type=int, default=0, help="random seed of the metrics (default: 0)"
    )
    evaluate.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    evaluate.add_argument(
        "-f",
        "--force",
        "--overwrite",
        action="store_true",
        help="overwrite existing output files (never an input file)",
    )
    evaluate.set_defaults(handler=cmd_evaluate)

    models = commands.add_parser(
        "models",
        help="list the available models",
        description="List the model names accepted by --model.",
    )
    models.set_defaults(handler=cmd_models)
    return parser


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _one_line(text):
    return " ".join(str(text).split())


def main(argv=None):
    """Entry point of the ``skgen`` console script; returns the exit status.

    Every error is reported on one line of stderr (status 1). Set the
    environment variable ``SKGEN_TRACEBACK=1`` to see the traceback of an
    unexpected one instead.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except CommandError as exc:
        print(f"skgen {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("skgen: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("SKGEN_TRACEBACK"):
            raise
        print(
            f"skgen {args.command}: error: {type(exc).__name__}: {_one_line(exc)} "
            "(SKGEN_TRACEBACK=1 shows the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
