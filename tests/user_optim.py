"""A user optimizer reached by import path in the tests (tests/ is on sys.path)."""
import torch


class SignSGD(torch.optim.Optimizer):
    """w = w - lr * sign(g)"""

    def __init__(self, params, lr=0.01):
        super().__init__(params, {"lr": lr})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(torch.sign(p.grad), alpha=-group["lr"])
