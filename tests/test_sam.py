"""optviz's SAM (Foret et al., 2021) against the paper's update written out in float64 numpy, against
pytorch-optimizer's SAM run directly, and batched (a norm per start) against one start at a time."""
import numpy as np
import pytest
import torch

from optviz import simulate
from optviz.core.optimizers.sam import SAM

H = np.diag([1.0, 20.0])           # the ravine's Hessian: its gradient is H w
STARTS = [[-4.5, 1.5], [3.0, -1.0], [0.5, 1.8], [-2.0, -0.3]]


def paper(start, steps, lr, rho):
    """w <- w - lr * grad L(w + rho * g / ||g||), g = grad L(w), for L(w) = w^T H w / 2."""
    w = np.array(start, dtype=np.float64)
    rows = [w.copy()]
    for _ in range(steps):
        g = H @ w
        e = rho * g / (np.linalg.norm(g) + 1e-12)
        w = w - lr * (H @ (w + e))
        rows.append(w.copy())
    return np.array(rows)


@pytest.mark.parametrize("lr,rho", [(0.05, 0.05), (0.02, 0.3), (0.09, 0.01)])
def test_sam_follows_the_papers_update(lr, rho):
    exp = simulate("ravine", [f"sam:base=sgd,lr={lr},rho={rho}"], STARTS, 60, dtype="float64")
    for n, start in enumerate(STARTS):
        np.testing.assert_allclose(exp.position[0, n], paper(start, 60, lr, rho), rtol=1e-12, atol=1e-13)


def test_sam_equals_pytorch_optimizers_sam():
    """pytorch-optimizer computes SAM's norm in float32 (its get_global_gradient_norm), so the two agree
    to float32's precision on a surface where errors do not grow (the ravine, a contraction)."""
    po = pytest.importorskip("pytorch_optimizer")
    exp = simulate("ravine", ["sam:base=torch-momentum,lr=0.02,momentum=0.9,rho=0.05"], [[-4.5, 1.5]], 60,
                   dtype="float64")
    w = torch.nn.Parameter(torch.tensor([-4.5, 1.5], dtype=torch.float64))
    opt = po.SAM([w], base_optimizer=torch.optim.SGD, rho=0.05, lr=0.02, momentum=0.9)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (w[0] ** 2 + 20 * w[1] ** 2)
        loss.backward()
        return loss
    rows = [w.detach().clone()]
    for _ in range(60):
        with torch.enable_grad():
            closure()
        opt.step(closure)
        rows.append(w.detach().clone())
    np.testing.assert_allclose(exp.position[0, 0], torch.stack(rows).numpy(), rtol=1e-6, atol=1e-8)


def test_batched_starts_each_get_their_own_norm():
    """Batched, each row of the [N, 2] parameter is its own run: the same as SAM on each start's [2]."""
    exp = simulate("himmelblau", ["sam:base=momentum,lr=0.01,momentum=0.9,rho=0.2"], STARTS, 100, dtype="float64")
    for n, start in enumerate(STARTS):
        w = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
        opt = SAM([w], base="momentum", rho=0.2, lr=0.01, momentum=0.9)

        def closure():
            opt.zero_grad()
            loss = (w[0] ** 2 + w[1] - 11) ** 2 + (w[0] + w[1] ** 2 - 7) ** 2
            loss.backward()
            return loss
        rows = [w.detach().clone()]
        for _ in range(100):
            closure()
            opt.step(closure)
            rows.append(w.detach().clone())
        np.testing.assert_allclose(exp.position[0, n], torch.stack(rows).numpy(), rtol=1e-12, atol=1e-12)
    assert np.isfinite(exp.state["velocity"][0]).all()   # the base's state is recorded


def test_sam_follows_a_schedule_through_its_base():
    exp = simulate("ravine", ["sam:base=sgd,lr=0.05,rho=0.05@cosine"], [[-4.5, 1.5]], 30, dtype="float64")
    w = np.array([-4.5, 1.5])
    for t in range(30):
        g = H @ w
        w = w - exp.lr[0, t] * (H @ (w + 0.05 * g / np.linalg.norm(g)))
        np.testing.assert_allclose(exp.position[0, 0, t + 1], w, rtol=1e-12, atol=1e-13)
    assert exp.lr[0, 0] == 0.05 and exp.lr[0, 29] < 0.001
