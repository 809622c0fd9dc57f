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


class LateMomentum(torch.optim.Optimizer):
    """Plain steps for two updates, then heavy-ball momentum: its state appears at update 3."""
    optviz_coordinatewise = True

    def __init__(self, params, lr=0.01):
        super().__init__(params, {"lr": lr})
        self.count = 0

    @torch.no_grad()
    def step(self, closure=None):
        self.count += 1
        for group in self.param_groups:
            for p in group["params"]:
                if self.count >= 3:
                    buf = self.state[p].setdefault("momentum_buffer", torch.zeros_like(p))
                    buf.mul_(0.5).add_(p.grad)
                    p.add_(buf, alpha=-group["lr"])
                else:
                    p.add_(p.grad, alpha=-group["lr"])


class Exploding(torch.optim.SGD):
    """Plain SGD that raises at its third step, as third-party optimizers sometimes do."""

    def __init__(self, params, lr=0.01):
        super().__init__(params, lr=lr)
        self.count = 0

    def step(self, closure=None):
        self.count += 1
        if self.count == 3:
            raise FloatingPointError("the third step\nand a second line that must not be shown")
        return super().step(closure)
