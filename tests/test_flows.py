"""Flow building blocks: each is invertible and its log-Jacobian is the exact one."""

import numpy as np
import pytest
import torch
from torch.autograd.functional import jacobian

from skgen.neural.modules.flows import (
    ActNorm,
    AffineCoupling,
    BatchNormBijection,
    Compose,
    ConvConditioner,
    LULinear,
    MADENetwork,
    MaskedAutoregressiveAffine,
    MLPConditioner,
    MultiScale,
    Permutation,
    Squeeze,
    channel_mask,
    checkerboard_mask,
)

torch.set_num_threads(1)


def _randomise(module, seed=0):
    """Non-trivial parameters (zero-initialised last layers would make a block the identity)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(0.3 * torch.randn(parameter.shape, generator=generator))
    return module.double().eval()


def _rows(n=3, d=4):
    return torch.randn(n, d, generator=torch.Generator().manual_seed(1), dtype=torch.float64)


def _images(n=2, shape=(2, 4, 4)):
    return torch.randn(
        (n,) + shape, generator=torch.Generator().manual_seed(2), dtype=torch.float64
    )


def _context(n, k=3):
    return torch.nn.functional.one_hot(torch.arange(n) % k, k).double()


def _blocks():
    rows, image = (4,), (2, 4, 4)
    return {
        "coupling-mlp": (AffineCoupling(channel_mask(rows), MLPConditioner(4, (8,))), rows, 0),
        "coupling-mlp-context": (
            AffineCoupling(channel_mask(rows, 1), MLPConditioner(4, (8,), 3)),
            rows,
            3,
        ),
        "coupling-conv-checkerboard": (
            AffineCoupling(checkerboard_mask(image), ConvConditioner(2, 4)),
            image,
            0,
        ),
        "coupling-conv-channels-context": (
            AffineCoupling(channel_mask(image), ConvConditioner(2, 4, 3)),
            image,
            3,
        ),
        "maf": (MaskedAutoregressiveAffine(4, (16, 16)), rows, 0),
        "maf-context": (MaskedAutoregressiveAffine(4, (16,), 3), rows, 3),
        "actnorm-rows": (ActNorm(4), rows, 0),
        "actnorm-images": (ActNorm(2), image, 0),
        "lu-linear": (LULinear(4), rows, 0),
        "invertible-1x1-conv": (LULinear(2), image, 0),
        "batchnorm": (BatchNormBijection(4), rows, 0),
        "permutation": (Permutation([2, 0, 3, 1]), rows, 0),
        "squeeze": (Squeeze(), image, 0),
        "multiscale": (
            MultiScale(
                Compose(
                    Squeeze(),
                    ActNorm(8),
                    AffineCoupling(channel_mask((8, 2, 2)), ConvConditioner(8, 4)),
                ),
                4,
                MultiScale(Compose(Squeeze(), LULinear(16)), 8, ActNorm(8), (16, 1, 1)),
                (8, 2, 2),
            ),
            image,
            0,
        ),
    }


BLOCKS = _blocks()


@pytest.mark.parametrize("name", BLOCKS)
def test_block_is_invertible_with_exact_log_jacobian(name):
    torch.manual_seed(0)  # LULinear starts from a random rotation
    block, shape, n_context = _blocks()[name]
    block = _randomise(block)
    x = _images(3, shape) if len(shape) == 3 else _rows(3, shape[0])
    context = _context(3, n_context) if n_context else None
    y, log_det = block(x, context)
    assert y.shape[0] == 3 and y[0].numel() == x[0].numel() and log_det.shape == (3,)
    torch.testing.assert_close(block.inverse(y, context), x)
    for row in range(3):
        ctx = None if context is None else context[row : row + 1]
        full = jacobian(
            lambda v, ctx=ctx: block(v.reshape((1,) + shape), ctx)[0].flatten(), x[row].flatten()
        )
        sign, expected = torch.linalg.slogdet(full)
        assert sign != 0
        torch.testing.assert_close(log_det[row], expected)


def test_made_network_is_autoregressive():
    """Output of degree d changes only with inputs of degree < d (with and without context)."""
    degrees = [1, 1, 2, 3]  # a one-hot pair, then two scalar variables
    outputs = [1, 2, 2, 3, 3]
    for n_context in (0, 2):
        network = _randomise(MADENetwork(degrees, (12, 12), outputs, n_context))
        context = _context(1, n_context) if n_context else None
        full = jacobian(lambda v, net=network, c=context: net(v[None], c)[0], _rows(1, 4)[0])
        depends = full.abs() > 0
        allowed = torch.tensor(outputs)[:, None] > torch.tensor(degrees)[None, :]
        assert not (depends & ~allowed).any()
        assert depends[allowed].any()


def test_context_changes_the_map():
    block = _randomise(MaskedAutoregressiveAffine(3, (8,), 2))
    x = _rows(2, 3)
    first, _ = block(x, _context(2, 2))
    second, _ = block(x, _context(2, 2).flip(1))
    assert not torch.allclose(first, second)


def test_actnorm_initialises_on_first_training_batch():
    block = ActNorm(3).double()
    x = 5.0 + 2.0 * _rows(50, 3)
    y, _ = block(x)
    np.testing.assert_allclose(y.mean(0).detach().numpy(), 0.0, atol=1e-9)
    np.testing.assert_allclose(y.std(0, unbiased=False).detach().numpy(), 1.0, atol=1e-6)
    assert bool(block.initialized)
