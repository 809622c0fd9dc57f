"""The seed's API and numbers: its own code (typos fixed), hand-written float64 references, torch.optim."""
import numpy as np
import pytest
import torch
from reference import run
from torch import nn

import optviz
from optviz import simulate

SEED_RUNS = [("sgd", {"lr": 10}), ("momentum", {"lr": 10, "momentum": 0.9}), ("adam", {"lr": 1})]


# ---- the seed's code, pasted with its typos fixed (pgrad -> p.grad, __init -> __init__) ----------
class SeedTemplate:
    def __init__(self, params, lr):
        self.params = list(params)
        self.lr = lr

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.detach_()
                p.grad.zero_()

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            self.update_param(p)


class SeedSGD(SeedTemplate):
    def update_param(self, p):
        p_update = -self.lr * p.grad
        p.add_(p_update)


class SeedSGDMomentum(SeedTemplate):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr)
        self.momentum = momentum
        self.param_momentum = {p: torch.zeros_like(p.data) for p in self.params}

    def update_param(self, p):
        self.param_momentum[p] = (1 - self.momentum) * p.grad + self.momentum * self.param_momentum[p]
        p_update = -self.lr * self.param_momentum[p]
        p.add_(p_update)


class SeedAdam(SeedTemplate):
    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(params, lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.param_step = {p: 0 for p in self.params}
        self.param_momentum = {p: torch.zeros_like(p.data) for p in self.params}
        self.param_2nd_momentum = {p: torch.zeros_like(p.data) for p in self.params}

    def update_param(self, p):
        self.param_step[p] += 1
        self.param_momentum[p] = (1 - self.beta1) * p.grad + self.beta1 * self.param_momentum[p]
        self.param_2nd_momentum[p] = (1 - self.beta2) * (p.grad) ** 2 + self.beta2 * self.param_2nd_momentum[p]
        bias_correction_1 = 1 - self.beta1 ** self.param_step[p]
        bias_correction_2 = 1 - self.beta2 ** self.param_step[p]
        p_2nd_mom = self.param_2nd_momentum[p] / bias_correction_2
        p_mom = self.param_momentum[p] / bias_correction_1
        p_lr = self.lr / (torch.sqrt(p_2nd_mom) + self.eps)
        p_update = -p_lr * p_mom
        p.add_(p_update)


def seed_loss(w1, w2):
    x1_loss = torch.tanh(w1) ** 2 + 0.01 * torch.abs(w1)
    x2_loss = torch.sigmoid(w2)
    return x1_loss + x2_loss


def seed_train_curve(optimizer_func, num_updates=1000, init=[7, 7]):
    weights = nn.Parameter(torch.FloatTensor(init), requires_grad=True)
    optimizer = optimizer_func([weights])
    list_points = []
    for _ in range(num_updates):
        loss = seed_loss(weights[0], weights[1])
        list_points.append(torch.cat([weights.data.detach(), loss.unsqueeze(dim=0).detach()], dim=0))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return torch.stack(list_points, dim=0).numpy()


SEED_CLASSES = {"sgd": SeedSGD, "momentum": SeedSGDMomentum, "adam": SeedAdam}
OPTVIZ_CLASSES = {"sgd": optviz.SGD, "momentum": optviz.SGDMomentum, "adam": optviz.Adam}


@pytest.mark.parametrize("num_updates", [50, 1000])
@pytest.mark.parametrize("name,hp", SEED_RUNS)
def test_train_curve_gives_the_seeds_numbers(name, hp, num_updates):
    """The seed's run lines give exactly the seed's float32 arrays (its code, run alongside)."""
    ours = optviz.train_curve(lambda params: OPTVIZ_CLASSES[name](params, **hp), num_updates=num_updates)
    theirs = seed_train_curve(lambda params: SEED_CLASSES[name](params, **hp), num_updates=num_updates)
    assert ours.dtype == np.float32 and ours.shape == (num_updates, 3)
    np.testing.assert_array_equal(ours, theirs)


def test_star_import_gives_the_seed_names():
    namespace = {}
    exec("from optviz import *", namespace)
    for name in ("OptimizerTemplate", "SGD", "SGDMomentum", "Adam", "pathological_curve_loss", "train_curve"):
        assert name in namespace


@pytest.mark.parametrize("name,hp", SEED_RUNS)
def test_simulate_rows_are_train_curve_rows(name, hp):
    exp = simulate("pathological", {name: hp}, [[7, 7]], 1000)
    ours = optviz.train_curve(lambda params: OPTVIZ_CLASSES[name](params, **hp))
    np.testing.assert_array_equal(exp.points(0, 0)[:1000], ours)
    assert exp.position.shape == (1, 1, 1001, 2)


@pytest.mark.parametrize("name,hp,steps", [("sgd", {"lr": 10}, 50), ("momentum", {"lr": 10, "momentum": 0.9}, 300),
                                           ("adam", {"lr": 1}, 300), ("sgd", {"lr": 0.5}, 1000)])
def test_float64_matches_hand_written_formulas(name, hp, steps):
    """Step by step in float64 against numpy with hand-derived gradients. SGD at lr=10 is chaotic,
    so it is compared over 50 steps only."""
    exp = simulate("pathological", {name: hp}, [[7, 7]], steps, dtype="float64")
    ref = run(name, (7, 7), steps, **hp)
    np.testing.assert_allclose(exp.points(0, 0), ref, rtol=1e-9, atol=1e-12)


def test_seed_adam_equals_torch_adam():
    ours = simulate("pathological", {"adam": {"lr": 1}}, [[7, 7], [-3, 2]], 500, dtype="float64")
    torch_run = simulate("pathological", {"torch-adam": {"lr": 1}}, [[7, 7], [-3, 2]], 500, dtype="float64")
    np.testing.assert_allclose(ours.position, torch_run.position, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.state["exp_avg_sq"], torch_run.state["exp_avg_sq"], rtol=1e-10, atol=1e-14)
    # and in float32, with the seed's own train_curve, close over the (stable) 1000-step run
    a = optviz.train_curve(lambda p: optviz.Adam(p, lr=1))
    b = optviz.train_curve(lambda p: torch.optim.Adam(p, lr=1))
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_seed_momentum_is_torch_dampened_momentum_after_the_first_step():
    """v = b v + (1-b) g with v0 = 0 equals torch's SGD(momentum=b, dampening=b) once torch's buffer
    holds the seed's first velocity (torch starts its buffer at g1, undamped)."""
    b, lr = 0.9, 0.5
    w = nn.Parameter(torch.tensor([7.0, 7.0], dtype=torch.float64))
    seed_opt = optviz.SGDMomentum([w], lr=lr, momentum=b)
    w.grad = None
    optviz.pathological_curve_loss(w[0], w[1]).backward()
    seed_opt.step()
    v1 = seed_opt.param_momentum[w].clone()
    assert torch.allclose(v1, (1 - b) * w.grad)

    u = nn.Parameter(w.detach().clone())
    torch_opt = torch.optim.SGD([u], lr=lr, momentum=b, dampening=b)
    torch_opt.state[u]["momentum_buffer"] = v1.clone()
    for _ in range(200):
        for p, opt in ((w, seed_opt), (u, torch_opt)):
            opt.zero_grad()
            optviz.pathological_curve_loss(p[0], p[1]).backward()
            opt.step()
        torch.testing.assert_close(w.detach(), u.detach(), rtol=1e-12, atol=1e-12)
    # torch's own first step differs: its buffer starts at g1, not (1-b) g1
    first = simulate("pathological", ["momentum:lr=0.5", "torch-momentum:lr=0.5,dampening=0.9"], [[7, 7]], 1,
                     dtype="float64")
    assert not np.allclose(first.position[0, 0, 1], first.position[1, 0, 1])


@pytest.mark.parametrize("make,match", [
    (lambda p: optviz.SGD(p, lr=0), "Invalid learning rate: 0"),
    (lambda p: optviz.SGD(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: optviz.SGDMomentum(p, lr=1, momentum=1.0), "Invalid momentum value: 1.0"),
    (lambda p: optviz.SGDMomentum(p, lr=1, momentum=-0.1), "Invalid momentum value: -0.1"),
    (lambda p: optviz.Adam(p, lr=1, beta1=1.5), "Invalid beta1 value: 1.5"),
    (lambda p: optviz.Adam(p, lr=1, beta2=-0.5), "Invalid beta2 value: -0.5"),
    (lambda p: optviz.Adam(p, lr=1, eps=0), "Invalid epsilon value: 0"),
])
def test_hyperparameters_are_validated_with_the_bad_value(make, match):
    with pytest.raises(ValueError, match=match):
        make([nn.Parameter(torch.zeros(2))])
