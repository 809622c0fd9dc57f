"""Issue 25: the Hessian's eigenvalue density by stochastic Lanczos quadrature, against a quadratic whose
Hessian is known in closed form (least squares: H = 2/n A^T A with A = [X 1]), in float64."""
import math

import numpy as np
import torch
from torch import nn
from torch.nn.utils import parameters_to_vector

from optviz.core.networks.sharpness import HessianVectorProduct, spectrum, top_eigenvalue
from optviz.data.spectrum import Spectrum


def least_squares(n=200, d=40, seed=3):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=gen, dtype=torch.float64) * torch.linspace(0.2, 3, d, dtype=torch.float64)
    y = torch.randn(n, 1, generator=gen, dtype=torch.float64)
    model = nn.Linear(d, 1).double()
    A = np.column_stack([X.numpy(), np.ones(n)])
    hvp = HessianVectorProduct(model, parameters_to_vector(model.parameters()).detach().numpy(), X, y, "mse",
                               dtype=torch.float64)
    return hvp, 2 / n * A.T @ A


def test_full_lanczos_nodes_are_the_eigenvalues_within_1e_8():
    hvp, H = least_squares()
    eig = np.linalg.eigvalsh(H)
    nodes, weights = spectrum(hvp, steps=hvp.dim, runs=3)
    for row, w in zip(nodes, weights):
        np.testing.assert_allclose(np.sort(row), eig, rtol=1e-8, atol=1e-8 * eig.max())
        assert math.isclose(w.sum(), 1, rel_tol=1e-12)


def test_top_node_within_1e_6_and_trace_within_4_standard_errors_from_20_steps():
    hvp, H = least_squares()
    eig = np.linalg.eigvalsh(H)
    nodes, weights = spectrum(hvp, steps=20, runs=300)
    assert math.isclose(nodes.max(), eig.max(), rel_tol=1e-6)
    per_run = hvp.dim * (weights * nodes).sum(1)      # each run: D * v.Hv, a Hutchinson sample
    estimate, stderr = per_run.mean(), per_run.std(ddof=1) / math.sqrt(len(per_run))
    assert abs(estimate - np.trace(H)) < 4 * stderr and stderr < 0.02 * np.trace(H)


def test_the_density_integrates_to_one_and_its_mean_is_the_mean_eigenvalue():
    hvp, H = least_squares()
    nodes, weights = spectrum(hvp, steps=hvp.dim, runs=20)
    grid = np.linspace(-5, np.linalg.eigvalsh(H).max() + 5, 4001)
    rho = Spectrum(nodes[None], weights[None], np.zeros((1, 1)), ["q"], {"dim": hvp.dim}).density(0, grid, 0.05)
    step = grid[1] - grid[0]
    assert math.isclose(rho.sum() * step, 1, rel_tol=1e-6)
    mean = (grid * rho).sum() * step
    sample = ((weights * nodes).sum(1)).mean()       # the quadrature's own mean of v.Hv
    assert math.isclose(mean, sample, rel_tol=1e-6)
    assert abs(sample - np.trace(H) / hvp.dim) < 0.1 * np.trace(H) / hvp.dim


def test_power_iteration_history_ends_at_its_answer():
    hvp, H = least_squares()
    seen = []
    top = top_eigenvalue(hvp, iterations=3000, tol=1e-12, history=seen)
    assert seen[-1] == top and len(seen) > 5
    assert math.isclose(top, np.linalg.eigvalsh(H).max(), rel_tol=1e-9)
    assert abs(seen[0] - top) > abs(seen[len(seen) // 2] - top)   # it converges
