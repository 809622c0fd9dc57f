"""Tasks reached by import path in the tests (tests/ is on sys.path)."""
import torch
from torch import nn


def _data():
    gen = torch.Generator().manual_seed(5)
    X = torch.randn(60, 3, generator=gen)
    y = (X[:, 0] + X[:, 1] > 0).long()
    return (X[:40], y[:40]), (X[40:], y[40:])


def blobs():
    """A small classification task with a model that fits its data."""
    return nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2)), *_data()


def wrong_output():
    """A model with one output for two classes: it does not fit the labels."""
    return nn.Sequential(nn.Linear(3, 1)), *_data()


def wrong_input():
    """A model expecting 5 features where the data has 3."""
    return nn.Sequential(nn.Linear(5, 2)), *_data()


class Residual(nn.Module):
    """Not a Sequential: the landscape grid falls back to vmap over functional_call."""

    def __init__(self):
        super().__init__()
        self.inp, self.hidden, self.out = nn.Linear(3, 6), nn.Linear(6, 6), nn.Linear(6, 2)

    def forward(self, x):
        h = torch.tanh(self.inp(x))
        return self.out(h + torch.tanh(self.hidden(h)))


def residual():
    return Residual(), *_data()
