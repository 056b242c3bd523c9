"""The package's architecture: layers import downward only, with no cycles."""

import ast
import functools
import pathlib

import pytest

import skgen

PACKAGE_DIR = pathlib.Path(skgen.__file__).parent

# Bottom to top. A module may import from its own layer's package and from
# lower layers, never from a higher one; the root package (skgen/__init__.py)
# only re-exports.
LAYERS = [
    {"exceptions", "_registry", "_version", "utils"},
    {"preprocessing"},
    {"base", "datasets"},
    {"mixture", "density", "graphical", "neural"},
    {"_meta", "conditional"},
    {"augmentation", "anomaly"},
    {"metrics"},
    {"auto", "plotting", "cli", "__main__"},
]
LAYER_OF = {name: level for level, names in enumerate(LAYERS) for name in names}


def _unit(module):
    """The top-level part of skgen that a dotted module name belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path):
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path):
    """Every skgen module that ``path`` imports, at module level or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "skgen"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "skgen":
                found.add(target)
    return name, found


@functools.cache
def _graph():
    return dict(_imports(path) for path in sorted(PACKAGE_DIR.rglob("*.py")))


def test_every_part_of_the_package_has_a_layer():
    units = {_unit(module) for module in _graph()} - {"__init__"}
    assert units <= set(LAYER_OF), sorted(units - set(LAYER_OF))


def test_imports_point_downward_only():
    upward = []
    for module, imported in _graph().items():
        source = _unit(module)
        if source == "__init__":
            continue
        for target in imported:
            unit = _unit(target)
            if unit == "__init__" or LAYER_OF[unit] > LAYER_OF[source]:
                upward.append(f"{module} imports {target}")
    assert not upward, "\n".join(upward)


def test_no_import_cycle_between_modules():
    graph = {m: {t for t in targets if t in _graph()} for m, targets in _graph().items()}
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in graph.get(node, ()):
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node)
    # A package's __init__ re-exporting its own modules is not a cycle of dependence.
    cycles = [c for c in cycles if not _is_reexport(c)]
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def _is_reexport(cycle):
    """A cycle through a package and a module inside it, via the package's __init__."""
    return any(b.startswith(a + ".") or a.startswith(b + ".") for a, b in zip(cycle, cycle[1:]))


@pytest.mark.parametrize("name", sorted(skgen._registry.MODELS))
def test_every_registered_model_resolves(name):
    assert getattr(skgen, name).__name__ == name


def test_every_estimator_is_registered():
    from skgen.utils import all_estimators

    found = {name for name, _ in all_estimators()}
    assert found == set(skgen._registry.MODELS)
