"""Multi-layer perceptron building block."""

from torch import nn

__all__ = ["make_mlp"]


def make_mlp(in_features, hidden_layer_sizes, out_features=None, activation=nn.ReLU):
    """``Linear -> activation`` blocks, then an optional final ``Linear`` to ``out_features``.

    Returns the module and the size of its output.
    """
    layers, width = [], in_features
    for size in hidden_layer_sizes:
        layers += [nn.Linear(width, size), activation()]
        width = size
    if out_features is not None:
        layers.append(nn.Linear(width, out_features))
        width = out_features
    return nn.Sequential(*layers), width
