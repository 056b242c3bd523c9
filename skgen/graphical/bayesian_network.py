"""Discrete Bayesian network over the columns of a table, with binned continuous columns.

Every column is a node. Discrete columns (categorical, boolean; missing is a
category of its own) are used as they are. Continuous-like columns (numbers,
integers with many values, datetimes) are binned through the
:class:`~skgen.preprocessing.TabularEncoder`'s quantile encoding: the normal
score ``z`` of a value is cut at ``Phi^-1(k / n_bins)``, so each bin holds
the same share of the training rows, and a missing value is one more bin.
Within a bin the value is *dequantised*: uniform in ``z`` inside the inner
bins; the two outer bins, open-ended, take the standard normal shape of
``z`` (truncated to the bin), so values beyond the training range keep a
finite density. With the encoder's log-Jacobian, ``score_samples`` is an
exact log-density in the original space:

    log p(x) = sum_v log P(bin_v | parents_v) + sum_continuous [log p(z_v | bin_v) + log |dz_v/dx_v|].

Structure: a Chow-Liu tree (maximum mutual information spanning tree), a
hill climb over edge additions, removals and reversals scored by BIC, or a
list of edges. Conditional probability tables are Dirichlet-smoothed counts.
Conditional sampling is exact: variable elimination with the evidence
clamped, then sampling each variable from its elimination factor in reverse
order (no rejection).
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import special
from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree

from ..base import BaseGenerator, LatentMixin
from ..preprocessing import CONTINUOUS_KINDS, MixedTable, QuantileEncoding
from ..utils._sklearn import Interval, StrOptions

__all__ = ["BayesianNetwork"]

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


class _Binning:
    """Equal-frequency bins of one normal-score column, with the density inside each bin."""

    def __init__(self, n_bins, has_missing):
        self.n_bins = n_bins
        self.has_missing = has_missing
        self.edges = special.ndtri(np.arange(1, n_bins) / n_bins)

    @property
    def cardinality(self):
        return self.n_bins + self.has_missing

    def codes(self, z):
        codes = np.searchsorted(self.edges, np.where(np.isnan(z), 0.0, z))
        return np.where(np.isnan(z), self.n_bins, codes)

    def log_density(self, z, codes):
        """``log p(z | bin)`` (0 where missing)."""
        out = np.zeros(z.shape)
        b, inner = self.n_bins, (codes > 0) & (codes < self.n_bins - 1)
        outer = ((codes == 0) | (codes == b - 1)) & (codes < b)
        out[outer] = -0.5 * z[outer] ** 2 - _LOG_SQRT_2PI + np.log(b)
        widths = np.diff(self.edges)
        out[inner] = -np.log(widths[codes[inner] - 1])
        return out

    def sample(self, codes, rng):
        """A value ``z`` in each bin (NaN for the missing bin)."""
        u = rng.random(codes.shape)
        b = self.n_bins
        z = np.full(codes.shape, np.nan)
        inner = (codes > 0) & (codes < b - 1)
        low, high = self.edges[codes[inner] - 1], self.edges[np.minimum(codes[inner], b - 2)]
        z[inner] = low + u[inner] * (high - low)
        first, last = codes == 0, (codes == b - 1) & (b > 1)
        z[first] = special.ndtri(u[first] / b)
        z[last] = -special.ndtri(u[last] / b)
        if b == 1:
            z[first] = special.ndtri(u[first])
        return z


class BayesianNetwork(LatentMixin, BaseGenerator):
    """Bayesian network over the columns of a table (discrete nodes, binned continuous ones).

    Continuous columns are binned on their quantiles (``n_bins`` bins of equal
    training frequency) and dequantised within bins, so ``score_samples`` is
    an exact log-density in the original space (see the module docstring).
    ``transform`` gives, for each row, the log-probability (log-density for
    continuous columns, with their log-Jacobian) of every column given its
    parents: its rows add up to ``score_samples`` (except for the encoder's
    ``log P(value | other)`` of rare categories merged into *other*).

    Parameters
    ----------
    structure : {"chow_liu", "hill_climb"} or list of (parent, child), default="chow_liu"
        ``"chow_liu"``: the spanning tree of largest mutual information, each
        tree rooted at its first column; ``"hill_climb"``: greedy additions,
        removals and reversals of edges while the BIC score improves, from
        the empty graph; a list of edges between column names (column
        indices for arrays) fixes the graph.
    n_bins : int, default=5
        Bins per continuous column.
    alpha : float, default=1.0
        Dirichlet pseudo-count added to every cell of every conditional
        probability table.
    max_parents : int or None, default=None
        Most parents per node in the hill climb (``None``: no limit; BIC
        keeps tables small).
    max_iter : int, default=1000
        Most edge changes in the hill climb.
    random_state : int, RandomState instance or None, default=None
        Seeds the default sampling generator (learning is deterministic).

    Attributes
    ----------
    edges_ : list of (parent, child)
        The learnt graph, with column names (indices for arrays).
    parents_ : list of tuple of int
        Parent node indices of each node (columns in their order).
    cpts_ : list of ndarray
        ``cpts_[v][j, k]``: probability of code ``k`` of node ``v`` given the
        ``j``-th configuration of its parents (parents in the order of
        ``parents_[v]``, the last one varying fastest).
    cardinalities_ : ndarray of int
        Number of codes of each node (bins, plus one for missing values).
    order_ : ndarray of int
        A topological order of the nodes.
    n_iter_ : int
        Passes of the hill climb over all single-edge changes (each pass makes
        one change, the last finds none that improves BIC); 1 for the other
        structures.

    Examples
    --------
    >>> from skgen import BayesianNetwork
    >>> from skgen.datasets import load_penguins
    >>> df = load_penguins()
    >>> model = BayesianNetwork(random_state=0).fit(df)
    >>> len(model.edges_)
    7
    >>> gentoo = model.sample(5, conditions={"species": "Gentoo"})
    >>> bool((gentoo["species"] == "Gentoo").all())
    True
    >>> model.transform(df).shape
    (344, 8)
    """

    _data_kinds = ("table",)
    _input_view = "mixed"
    _parameter_constraints = {
        **BaseGenerator._parameter_constraints,
        "structure": [StrOptions({"chow_liu", "hill_climb"}), list, tuple],
        "n_bins": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0.0, None, closed="neither")],
        "max_parents": [Interval(Integral, 0, None, closed="left"), None],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        structure="chow_liu",
        *,
        n_bins=5,
        alpha=1.0,
        max_parents=None,
        max_iter=1000,
        random_state=None,
    ):
        self.structure = structure
        self.n_bins = n_bins
        self.alpha = alpha
        self.max_parents = max_parents
        self.max_iter = max_iter
        self.random_state = random_state

    def _encoder_params(self):
        return {"continuous": "quantile"}

    # ------------------------------------------------------------ layout
    def _columns(self, table):
        """Per column, in order: ("continuous", index) or ("discrete", index)."""
        if self.encoder_ is None:
            return [("continuous", j) for j in range(table.continuous.shape[1])]
        out, n_cont, n_disc = [], 0, 0
        for column in self.encoder_.columns_:
            if column.kind in CONTINUOUS_KINDS:
                out.append(("continuous", n_cont))
                n_cont += 1
            else:
                out.append(("discrete", n_disc))
                n_disc += 1
        return out

    def _node_names(self):
        if self.encoder_ is None:
            return list(range(self.n_features_in_))
        return [c.name for c in self.encoder_.columns_]

    def _normal_scores(self, table):
        """Normal scores ``z`` of the continuous columns and the log |dz/dx| of each."""
        if self.encoder_ is not None:
            z = table.continuous
            x = (
                np.column_stack([e.unscale_values(z[:, j]) for j, e in enumerate(self._encodings_)])
                if z.shape[1]
                else z
            )
        else:
            x = table.continuous
            z = np.column_stack([e.scale_values(x[:, j]) for j, e in enumerate(self._encodings_)])
        log_jac = np.zeros(z.shape)
        observed = ~np.isnan(x)
        for j, encoding in enumerate(self._encodings_):
            log_jac[observed[:, j], j] = encoding.log_derivative(x[observed[:, j], j])
        return z, log_jac

    def _codes(self, table, z):
        """Integer code of every node for every row: shape (n_rows, n_nodes)."""
        columns = []
        for kind, j in self._layout_:
            if kind == "continuous":
                columns.append(self._binnings_[j].codes(z[:, j]))
            else:
                columns.append(table.codes[:, j])
        return np.column_stack(columns).astype(np.intp)

    # -------------------------------------------------------------- fit
    def _fit(self, data, seed):
        self._layout_ = self._columns(data)
        if self.encoder_ is None:
            self._encodings_ = [
                QuantileEncoding(data.continuous[:, j]) for j in range(data.continuous.shape[1])
            ]
        else:
            self._encodings_ = [
                c.encoding for c in self.encoder_.columns_ if c.kind in CONTINUOUS_KINDS
            ]
        has_missing = np.isnan(data.continuous).any(axis=0)
        if self.encoder_ is not None:
            kinds = [c for c in self.encoder_.columns_ if c.kind in CONTINUOUS_KINDS]
            has_missing = np.array([c.has_missing for c in kinds], dtype=bool)
        self._binnings_ = [_Binning(self.n_bins, bool(m)) for m in has_missing]
        z, _ = self._normal_scores(data)
        codes = self._codes(data, z)
        cards = []
        for kind, j in self._layout_:
            if kind == "continuous":
                cards.append(self._binnings_[j].cardinality)
            else:
                cards.append(data.cardinalities[j])
        self.cardinalities_ = np.array(cards, dtype=np.int64)
        self.parents_ = self._learn_structure(codes)
        self.order_ = _topological_order(self.parents_)
        self.cpts_ = [self._cpt(codes, v, self.parents_[v]) for v in range(len(self.parents_))]
        names = self._node_names()
        self.edges_ = [(names[u], names[v]) for v, pa in enumerate(self.parents_) for u in pa]

    def _config_index(self, codes, parents):
        """Index of each row's parent configuration (mixed radix, last parent fastest)."""
        index = np.zeros(codes.shape[0], dtype=np.int64)
        for u in parents:
            index = index * self.cardinalities_[u] + codes[:, u]
        return index

    def _cpt(self, codes, v, parents):
        q = int(np.prod(self.cardinalities_[list(parents)])) if parents else 1
        r = int(self.cardinalities_[v])
        cells = self._config_index(codes, parents) * r + codes[:, v]
        counts = np.bincount(cells, minlength=q * r).reshape(q, r) + self.alpha
        return counts / counts.sum(axis=1, keepdims=True)

    def _learn_structure(self, codes):
        n_nodes = codes.shape[1]
        self.n_iter_ = 1
        if isinstance(self.structure, str):
            if self.structure == "chow_liu":
                return _chow_liu(codes, self.cardinalities_)
            parents, self.n_iter_ = _hill_climb(
                codes, self.cardinalities_, self.max_parents, self.max_iter
            )
            return parents
        names = self._node_names()
        index = {name: i for i, name in enumerate(names)}
        parents = [[] for _ in range(n_nodes)]
        for edge in self.structure:
            if len(edge) != 2 or edge[0] not in index or edge[1] not in index:
                raise ValueError(
                    f"structure has an edge {edge!r} between unknown columns; columns: {names}."
                )
            parents[index[edge[1]]].append(index[edge[0]])
        parents = [tuple(p) for p in parents]
        _topological_order(parents)  # raises on a cycle
        return parents

    # ----------------------------------------------------------- scores
    def _node_terms(self, data):
        """Per row and node: log P(code | parents), plus the within-bin log-density
        for continuous nodes; and, separately, each continuous node's log |dz/dx|."""
        z, log_jac = self._normal_scores(data)
        codes = self._codes(data, z)
        terms = np.empty(codes.shape)
        jacobian = np.zeros(codes.shape)
        for v, parents in enumerate(self.parents_):
            terms[:, v] = np.log(self.cpts_[v][self._config_index(codes, parents), codes[:, v]])
            kind, j = self._layout_[v]
            if kind == "continuous":
                terms[:, v] += self._binnings_[j].log_density(z[:, j], codes[:, v])
                jacobian[:, v] = log_jac[:, j]
        return terms, jacobian

    def _score_samples(self, data):
        terms, jacobian = self._node_terms(data)
        # For DataFrames the codec adds the encoder's log-Jacobian itself.
        return terms.sum(axis=1) + (0.0 if self.encoder_ is not None else jacobian.sum(axis=1))

    def _transform(self, data):
        terms, jacobian = self._node_terms(data)
        if self.encoder_ is not None:
            # The encoder's unit of datetime columns (seconds) is part of
            # score_samples: give it to those columns' terms too.
            for v, (kind, j) in enumerate(self._layout_):
                if kind == "continuous":
                    observed = ~np.isnan(data.continuous[:, j])
                    jacobian[observed, v] += self.encoder_.columns_[v].log_unit
        return terms + jacobian

    # ---------------------------------------------------------- sampling
    def _sample(self, n_samples, rng):
        codes = np.zeros((n_samples, len(self.parents_)), dtype=np.intp)
        for v in self.order_:
            probs = self.cpts_[v][self._config_index(codes, self.parents_[v])]
            codes[:, v] = _draw(probs, rng)
        return self._table_from_codes(codes, rng)

    def _table_from_codes(self, codes, rng, fixed_z=None):
        n = codes.shape[0]
        continuous, discrete = [], []
        for v, (kind, j) in enumerate(self._layout_):
            if kind == "continuous":
                z = self._binnings_[j].sample(codes[:, v], rng)
                if fixed_z and v in fixed_z:
                    z[:] = fixed_z[v]
                continuous.append(
                    z if self.encoder_ is not None else self._encodings_[j].unscale_values(z)
                )
            else:
                discrete.append(codes[:, v])
        return MixedTable(
            np.column_stack(continuous) if continuous else np.empty((n, 0)),
            np.column_stack(discrete) if discrete else np.empty((n, 0), np.intp),
            [
                int(self.cardinalities_[v])
                for v, (k, _) in enumerate(self._layout_)
                if k == "discrete"
            ],
        )

    def _check_conditions(self, conditions):
        if self.encoder_ is None or not isinstance(conditions, dict):
            return super()._check_conditions(conditions)
        kinds = self.encoder_.kinds_
        discrete = {c: v for c, v in conditions.items() if kinds.get(c) not in CONTINUOUS_KINDS}
        checked = dict(super()._check_conditions(discrete))  # one value each
        for column, value in conditions.items():
            if column in discrete:
                continue
            if np.ndim(value) > 0:  # a one-element list or array stands for its element
                values = np.asarray(value, dtype=object).ravel()
                if values.size != 1:
                    raise ValueError(
                        f"conditions[{column!r}] must be one value, got {values.size} values."
                    )
                value = values[0]
            if kinds[column] == "datetime":
                raise ValueError(
                    f"BayesianNetwork cannot condition on the datetime column {column!r}."
                )
            missing = value is None or (isinstance(value, float) and np.isnan(value))
            known = next(c for c in self.encoder_.columns_ if c.name == column)
            if missing and not known.has_missing:
                raise ValueError(
                    f"Column {column!r} never takes the value {value!r} in the training data."
                )
            if not missing and not (isinstance(value, Real) and np.isfinite(value)):
                raise ValueError(f"Condition on {column!r} must be a finite number, got {value!r}.")
            checked[column] = value
        return {column: checked[column] for column in conditions}

    def _sample_conditioned(self, n_samples, conditions, rng):
        """Exact sampling given ``conditions`` (variable elimination; nothing is rejected)."""
        names = self._node_names()
        evidence, fixed_z = {}, {}
        for column, value in conditions.items():
            v = names.index(column)
            kind, j = self._layout_[v]
            column_info = self.encoder_.columns_[v]
            if kind == "discrete":
                evidence[v] = _category_code(column_info, value)
            elif value is None or (isinstance(value, float) and np.isnan(value)):
                evidence[v] = self._binnings_[j].n_bins
            else:
                z = float(column_info.encoding.scale_values(np.array([float(value)]))[0])
                evidence[v] = int(self._binnings_[j].codes(np.array([z]))[0])
                fixed_z[v] = z
        codes = _sample_given_evidence(
            self.parents_, self.cpts_, self.cardinalities_, evidence, n_samples, rng
        )
        frame = self._decode(self._table_from_codes(codes, rng, fixed_z), rng)
        for column, value in conditions.items():
            kind = self.encoder_.kinds_[column]
            if kind in CONTINUOUS_KINDS and not pd.isna(value):
                frame[column] = pd.Series(np.full(n_samples, value)).astype(frame[column].dtype)
        self.last_acceptance_rate_ = 1.0  # exact: no draw is rejected
        return frame


# ------------------------------------------------------------- helpers
def _draw(probs, rng):
    """One index per row of ``probs`` (inverse CDF)."""
    cumulative = np.cumsum(probs, axis=1)
    u = rng.random(probs.shape[0])[:, None] * cumulative[:, -1:]
    return np.minimum((u > cumulative).sum(axis=1), probs.shape[1] - 1)


def _category_code(column, value):
    for code, category in enumerate(column.categories):
        if (pd.isna(category) and pd.isna(value)) or (not pd.isna(category) and category == value):
            return code
    return column.other_code  # a rare value merged into "other"


def _topological_order(parents):
    n = len(parents)
    indegree = np.array([len(p) for p in parents])
    children = [[] for _ in range(n)]
    for v, pa in enumerate(parents):
        for u in pa:
            children[u].append(v)
    ready = [v for v in range(n) if indegree[v] == 0]
    order = []
    while ready:
        v = ready.pop(0)
        order.append(v)
        for w in children[v]:
            indegree[w] -= 1
            if indegree[w] == 0:
                ready.append(w)
    if len(order) != n:
        raise ValueError(
            "structure has a cycle; a Bayesian network needs a directed acyclic graph."
        )
    return np.array(order, dtype=np.intp)


def _mutual_information(codes, cards):
    n, d = codes.shape
    mi = np.zeros((d, d))
    for i in range(d):
        for j in range(i + 1, d):
            joint = np.bincount(codes[:, i] * cards[j] + codes[:, j], minlength=cards[i] * cards[j])
            joint = joint.reshape(cards[i], cards[j]) / n
            outer = joint.sum(axis=1, keepdims=True) * joint.sum(axis=0, keepdims=True)
            nz = joint > 0
            mi[i, j] = mi[j, i] = np.sum(joint[nz] * np.log(joint[nz] / outer[nz]))
    return mi


def _chow_liu(codes, cards):
    """Maximum mutual-information spanning tree, each component rooted at its first node."""
    d = codes.shape[1]
    mi = _mutual_information(codes, cards)
    tree = minimum_spanning_tree(-np.triu(mi + 1e-12, k=1)).toarray() != 0
    adjacency = tree | tree.T
    parents = [() for _ in range(d)]
    seen = np.zeros(d, dtype=bool)
    for root in range(d):
        if seen[root]:
            continue
        order, predecessors = breadth_first_order(adjacency, root, directed=False)
        seen[order] = True
        for v in order[1:]:
            parents[v] = (int(predecessors[v]),)
    return parents


def _family_bic(codes, cards, v, parents, log_n):
    """BIC of node ``v`` given ``parents``: maximised log-likelihood minus (log n)/2 per free parameter."""
    r = int(cards[v])
    q = 1
    index = np.zeros(codes.shape[0], dtype=np.int64)
    for u in parents:
        index = index * cards[u] + codes[:, u]
        q *= int(cards[u])
    cells = index * r + codes[:, v]
    if q * r <= 4 * codes.shape[0] + 1024:
        counts = np.bincount(cells, minlength=q * r).reshape(q, r)
        totals = counts.sum(axis=1, keepdims=True)
        nz = counts > 0
        log_lik = np.sum(counts[nz] * np.log((counts / np.maximum(totals, 1))[nz]))
    else:  # sparse: only the cells that occur
        cell_values, cell_counts = np.unique(cells, return_counts=True)
        config_values, config_inverse = np.unique(cell_values // r, return_inverse=True)
        config_counts = np.bincount(config_inverse, weights=cell_counts)
        log_lik = np.sum(cell_counts * np.log(cell_counts / config_counts[config_inverse]))
    return log_lik - 0.5 * log_n * q * (r - 1)


def _hill_climb(codes, cards, max_parents, max_iter):
    """Greedy search over single-edge changes (add, remove, reverse) maximising BIC."""
    d = codes.shape[1]
    log_n = np.log(codes.shape[0])
    parents = [frozenset() for _ in range(d)]
    cache = {}

    def score(v, pa):
        key = (v, pa)
        if key not in cache:
            cache[key] = _family_bic(codes, cards, v, sorted(pa), log_n)
        return cache[key]

    def reaches(source, target):
        """Whether a directed path leads from ``source`` to ``target``."""
        children = [[w for w in range(d) if u in parents[w]] for u in range(d)]
        stack, seen = [source], {source}
        while stack:
            u = stack.pop()
            if u == target:
                return True
            for w in children[u]:
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
        return False

    limit = d if max_parents is None else max_parents
    n_passes = 0
    for _ in range(max_iter):
        n_passes += 1
        moves = []
        for v in range(d):
            current = score(v, parents[v])
            for u in range(d):
                if u == v:
                    continue
                if u in parents[v]:
                    removed = parents[v] - {u}
                    moves.append((score(v, removed) - current, "remove", u, v))
                    if len(parents[u]) < limit:
                        gain = score(v, removed) - current
                        gain += score(u, parents[u] | {v}) - score(u, parents[u])
                        moves.append((gain, "reverse", u, v))
                elif v not in parents[u] and len(parents[v]) < limit:
                    moves.append((score(v, parents[v] | {u}) - current, "add", u, v))
        moves.sort(key=lambda m: -m[0])
        applied = False
        for gain, kind, u, v in moves:
            if gain <= 1e-9:
                break
            if kind == "add" and reaches(v, u):
                continue
            if kind == "reverse":
                parents[v] = parents[v] - {u}
                if reaches(u, v):
                    parents[v] = parents[v] | {u}
                    continue
                parents[u] = parents[u] | {v}
            elif kind == "add":
                parents[v] = parents[v] | {u}
            else:
                parents[v] = parents[v] - {u}
            applied = True
            break
        if not applied:
            break
    return [tuple(sorted(p)) for p in parents], n_passes


def _sample_given_evidence(parents, cpts, cards, evidence, n_samples, rng):
    """Exact samples of every node given ``evidence`` ({node: code}).

    Each CPT becomes a factor with the evidence clamped; the free variables
    are eliminated one by one (fewest-fill order), keeping the factor built
    at each elimination; the variables are then drawn in reverse order, each
    from its factor given the variables already drawn.
    """
    factors = []
    for v, pa in enumerate(parents):
        table = cpts[v].reshape([int(cards[u]) for u in pa] + [int(cards[v])])
        variables = list(pa) + [v]
        for axis in range(len(variables) - 1, -1, -1):
            if variables[axis] in evidence:
                table = np.take(table, evidence[variables[axis]], axis=axis)
                del variables[axis]
        factors.append((tuple(variables), table))
    free = [v for v in range(len(parents)) if v not in evidence]
    eliminated = []
    while free:
        v = min(free, key=lambda w: _fill_cost(w, factors, cards))
        free.remove(v)
        used = [f for f in factors if v in f[0]]
        factors = [f for f in factors if v not in f[0]]
        scope = sorted({u for f in used for u in f[0]} - {v}) + [v]
        psi = _product(used, scope)
        tau = psi.sum(axis=-1)
        top = tau.max()
        if top > 0:
            tau = tau / top
        factors.append((tuple(scope[:-1]), tau))
        eliminated.append((v, scope, psi))
    codes = np.zeros((n_samples, len(parents)), dtype=np.intp)
    for v, code in evidence.items():
        codes[:, v] = code
    for v, scope, psi in reversed(eliminated):
        probs = psi[tuple(codes[:, u] for u in scope[:-1])] if len(scope) > 1 else psi[None, :]
        probs = np.broadcast_to(probs, (n_samples, psi.shape[-1]))
        if not np.all(probs.sum(axis=1) > 0):
            raise ValueError("The conditions have probability zero under the model.")
        codes[:, v] = _draw(probs, rng)
    return codes


def _fill_cost(v, factors, cards):
    """Size of the factor that eliminating ``v`` would build."""
    scope = {u for f in factors if v in f[0] for u in f[0]}
    return float(np.prod([float(cards[u]) for u in scope]))


def _product(factors, scope):
    """Product of ``factors`` as an array over ``scope`` (axes in that order)."""
    label = {u: i for i, u in enumerate(scope)}
    operands = []
    for variables, table in factors:
        operands += [table, [label[u] for u in variables]]
    if not operands:
        return np.ones([1] * len(scope))
    return np.einsum(*operands, list(range(len(scope))))
